//! Client commands ([`Command`], [`CommandBody`]).

use super::capability::Capability;
use super::datetime::DateTime;
use super::fetch::FetchItems;
use super::flag::{Flag, MailboxAttr};
use super::mailbox::Mailbox;
use super::mailbox_data::{MetadataOptions, QuotaLimit, StatusItem};
use super::notify::NotifySet;
use super::search::{SearchKey, SearchReturn, SortCriterion};
use super::seq::{MessageSet, SeqSet, UidSet};
use super::string::{Atom, InvalidToken, Str, Tag};
use crate::secret::Secret;
use bytes::Bytes;
use std::num::NonZeroU32;

/// A tagged command (`command`, RFC 9051 section 9).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Command {
    /// The tag.
    pub tag: Tag,
    /// What the command does.
    pub body: CommandBody,
}

/// The body of a command. The `UID` prefix is part of [`MessageSet`] (and the `uid` flag of
/// SEARCH, SORT and THREAD), so sequence numbers and UIDs cannot be confused.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum CommandBody {
    /// `CAPABILITY`.
    Capability,
    /// `NOOP`.
    Noop,
    /// `LOGOUT`.
    Logout,
    /// `STARTTLS`.
    StartTls,
    /// `AUTHENTICATE mechanism [initial-response]` (SASL-IR). `Some(empty)` is sent as `=`.
    Authenticate {
        /// The SASL mechanism.
        mechanism: Atom,
        /// The initial response, before base64.
        initial: Option<Secret<Bytes>>,
    },
    /// `LOGIN user password`.
    Login {
        /// The user name.
        username: Str,
        /// The password.
        password: Secret<Str>,
    },
    /// `ENABLE cap ...` (RFC 5161).
    Enable(Vec<Capability>),
    /// `SELECT mailbox [params]`.
    Select {
        /// The mailbox.
        mailbox: Mailbox,
        /// CONDSTORE / QRESYNC parameters.
        params: SelectParams,
    },
    /// `EXAMINE mailbox [params]`.
    Examine {
        /// The mailbox.
        mailbox: Mailbox,
        /// CONDSTORE / QRESYNC parameters.
        params: SelectParams,
    },
    /// `CREATE mailbox [(USE (attrs))]`.
    Create {
        /// The mailbox.
        mailbox: Mailbox,
        /// CREATE-SPECIAL-USE attributes.
        special_use: Vec<MailboxAttr>,
    },
    /// `DELETE mailbox`.
    Delete(Mailbox),
    /// `RENAME from to`.
    Rename {
        /// Existing name.
        from: Mailbox,
        /// New name.
        to: Mailbox,
    },
    /// `SUBSCRIBE mailbox`.
    Subscribe(Mailbox),
    /// `UNSUBSCRIBE mailbox`.
    Unsubscribe(Mailbox),
    /// `LIST [(selection)] reference patterns [RETURN (options)]` (RFC 5258 / 9051).
    List {
        /// Selection options.
        selection: Vec<ListSelect>,
        /// The reference name.
        reference: Mailbox,
        /// One or more patterns (`%` and `*` are wildcards).
        patterns: Vec<Mailbox>,
        /// Return options.
        returns: Vec<ListReturn>,
    },
    /// `LSUB reference pattern` (IMAP4rev1).
    Lsub {
        /// The reference name.
        reference: Mailbox,
        /// The pattern.
        pattern: Mailbox,
    },
    /// `XLIST reference pattern` (old Gmail).
    XList {
        /// The reference name.
        reference: Mailbox,
        /// The pattern.
        pattern: Mailbox,
    },
    /// `NAMESPACE`.
    Namespace,
    /// `STATUS mailbox (items)`.
    Status {
        /// The mailbox.
        mailbox: Mailbox,
        /// Requested items.
        items: Vec<StatusItem>,
    },
    /// `APPEND mailbox message...` (several messages with MULTIAPPEND).
    Append {
        /// The destination.
        mailbox: Mailbox,
        /// The messages (at least one).
        messages: Vec<AppendMessage>,
    },
    /// `IDLE` (RFC 2177).
    Idle,
    /// `CHECK` (IMAP4rev1).
    Check,
    /// `CLOSE`.
    Close,
    /// `UNSELECT`.
    Unselect,
    /// `EXPUNGE`.
    Expunge,
    /// `UID EXPUNGE set` (UIDPLUS).
    UidExpunge(UidSet),
    /// `[UID] SEARCH [RETURN (...)] [CHARSET x] keys`.
    Search {
        /// The `UID` form.
        uid: bool,
        /// ESEARCH return options; `Some(empty)` is `RETURN ()`.
        returns: Option<Vec<SearchReturn>>,
        /// The charset.
        charset: Option<Str>,
        /// Criteria (at least one; several are ANDed).
        criteria: Vec<SearchKey>,
    },
    /// `[UID] FETCH set items [(CHANGEDSINCE n [VANISHED])]`.
    Fetch {
        /// Messages.
        set: MessageSet,
        /// Items.
        items: FetchItems,
        /// CONDSTORE `CHANGEDSINCE`.
        changed_since: Option<u64>,
        /// QRESYNC `VANISHED` (UID FETCH with CHANGEDSINCE only).
        vanished: bool,
    },
    /// `[UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] (...)`.
    Store {
        /// Messages.
        set: MessageSet,
        /// Replace, add or remove.
        kind: StoreKind,
        /// `.SILENT`.
        silent: bool,
        /// Flags or Gmail labels.
        target: StoreTarget,
        /// CONDSTORE `UNCHANGEDSINCE`.
        unchanged_since: Option<u64>,
    },
    /// `[UID] COPY set mailbox`.
    Copy {
        /// Messages.
        set: MessageSet,
        /// Destination.
        mailbox: Mailbox,
    },
    /// `[UID] MOVE set mailbox` (RFC 6851).
    Move {
        /// Messages.
        set: MessageSet,
        /// Destination.
        mailbox: Mailbox,
    },
    /// `[UID] SORT [RETURN (...)] (criteria) charset keys` (RFC 5256; RETURN is ESORT,
    /// RFC 5267 section 3).
    Sort {
        /// The `UID` form.
        uid: bool,
        /// ESORT return options, answered by an ESEARCH in sort order; `None` is a plain SORT
        /// (answered by `* SORT`), `Some(empty)` is `RETURN ()` (the same as `RETURN (ALL)`).
        returns: Option<Vec<SearchReturn>>,
        /// Sort criteria (at least one).
        criteria: Vec<SortCriterion>,
        /// The charset.
        charset: Str,
        /// Search criteria.
        search: Vec<SearchKey>,
    },
    /// `CANCELUPDATE "tag" ...` (RFC 5267 section 4.3.5): no more updates for the searching
    /// commands with these tags (at least one).
    CancelUpdate(Vec<Str>),
    /// `NOTIFY SET ...` or `NOTIFY NONE` (`None`) (RFC 5465 section 3).
    Notify(Option<NotifySet>),
    /// `[UID] THREAD algorithm charset keys` (RFC 5256).
    Thread {
        /// The `UID` form.
        uid: bool,
        /// `REFERENCES`, `ORDEREDSUBJECT`, ...
        algorithm: Atom,
        /// The charset.
        charset: Str,
        /// Search criteria.
        search: Vec<SearchKey>,
    },
    /// `PROXYAUTH userid` (Cyrus, Python's `imaplib`): an administrator logged in acts as
    /// another user from then on.
    ProxyAuth(Str),
    /// `ID (...)` or `ID NIL` (RFC 2971).
    Id(Option<Vec<(Str, Option<Str>)>>),
    /// `COMPRESS algorithm` (RFC 4978).
    Compress(Atom),
    /// `GETQUOTA root` (RFC 9208).
    GetQuota(Str),
    /// `GETQUOTAROOT mailbox`.
    GetQuotaRoot(Mailbox),
    /// `SETQUOTA root (limits)`.
    SetQuota {
        /// The quota root.
        root: Str,
        /// New limits.
        limits: Vec<QuotaLimit>,
    },
    /// `SETACL mailbox identifier rights` (RFC 4314).
    SetAcl {
        /// The mailbox.
        mailbox: Mailbox,
        /// The identifier.
        identifier: Str,
        /// `mod-rights`: optional `+`/`-` and letters.
        rights: Str,
    },
    /// `DELETEACL mailbox identifier`.
    DeleteAcl {
        /// The mailbox.
        mailbox: Mailbox,
        /// The identifier.
        identifier: Str,
    },
    /// `GETACL mailbox`.
    GetAcl(Mailbox),
    /// `LISTRIGHTS mailbox identifier`.
    ListRights {
        /// The mailbox.
        mailbox: Mailbox,
        /// The identifier.
        identifier: Str,
    },
    /// `MYRIGHTS mailbox`.
    MyRights(Mailbox),
    /// `GETMETADATA [options] mailbox entries` (RFC 5464).
    GetMetadata {
        /// MAXSIZE / DEPTH.
        options: MetadataOptions,
        /// The mailbox (empty for server annotations).
        mailbox: Mailbox,
        /// Entry names (at least one).
        entries: Vec<Str>,
    },
    /// `SETMETADATA mailbox (entry value ...)`.
    SetMetadata {
        /// The mailbox.
        mailbox: Mailbox,
        /// Entry/value pairs; `None` deletes.
        entries: Vec<(Str, Option<Str>)>,
    },
    /// A command this codec does not know: sent (or received) as `name args`.
    Other {
        /// The command name.
        name: Atom,
        /// Raw arguments after the name (without the separating space and the final CRLF).
        /// Built by users they never contain CR or LF; parsed ones keep any literals whole
        /// (`{N}` CRLF and the data), so they may.
        args: RawArgs,
    },
}

/// Raw command arguments for [`CommandBody::Other`].
///
/// [`RawArgs::new`] accepts only bytes without CR, LF or NUL, so arguments a user builds cannot
/// break framing. The parser keeps the arguments of an unknown command exactly as received:
/// when they hold literals, the literals are included whole (`{N}` CRLF and N bytes of data),
/// so parsed arguments may contain CR and LF (use [`RawArgs::has_line_breaks`] to tell).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RawArgs(Bytes);

impl RawArgs {
    /// Validates `args`.
    ///
    /// # Errors
    /// When `args` contains CR, LF or NUL.
    pub fn new(args: impl Into<Bytes>) -> Result<Self, InvalidToken> {
        let b = args.into();
        match b.iter().position(|c| matches!(c, b'\r' | b'\n' | 0)) {
            Some(offset) => Err(InvalidToken {
                kind: "raw command arguments",
                byte: b[offset],
                offset,
            }),
            None => Ok(RawArgs(b)),
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether the arguments contain CR or LF: only parsed arguments that hold literals do.
    pub fn has_line_breaks(&self) -> bool {
        memchr::memchr2(b'\r', b'\n', &self.0).is_some()
    }

    pub(crate) fn unchecked(b: Bytes) -> Self {
        RawArgs(b)
    }

    pub(crate) fn bytes(&self) -> &Bytes {
        &self.0
    }
}

/// SELECT/EXAMINE parameters (RFC 4466 `select-params`, RFC 7162).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SelectParams {
    /// `CONDSTORE`.
    pub condstore: bool,
    /// `QRESYNC (...)`.
    pub qresync: Option<QResync>,
}

/// The QRESYNC select parameter (RFC 7162 section 3.2.5).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QResync {
    /// The last known UIDVALIDITY.
    pub uid_validity: NonZeroU32,
    /// The last known mod-sequence.
    pub modseq: u64,
    /// Known UIDs.
    pub known_uids: Option<UidSet>,
    /// Sequence match data: sequence numbers and their UIDs.
    pub seq_match: Option<(SeqSet, UidSet)>,
}

/// A LIST selection option (RFC 5258).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum ListSelect {
    /// `SUBSCRIBED`.
    Subscribed,
    /// `REMOTE`.
    Remote,
    /// `RECURSIVEMATCH`.
    RecursiveMatch,
    /// `SPECIAL-USE` (RFC 6154).
    SpecialUse,
    /// Any other option.
    Other(Atom),
}

/// A LIST return option (RFC 5258, RFC 5819, RFC 6154).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum ListReturn {
    /// `SUBSCRIBED`.
    Subscribed,
    /// `CHILDREN`.
    Children,
    /// `SPECIAL-USE`.
    SpecialUse,
    /// `STATUS (items)` (LIST-STATUS).
    Status(Vec<StatusItem>),
    /// Any other option.
    Other(Atom),
}

/// One message of an APPEND.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AppendMessage {
    /// Flags to set (empty: none given).
    pub flags: Vec<Flag>,
    /// INTERNALDATE to set.
    pub date: Option<DateTime>,
    /// The message: one literal, or parts to catenate (CATENATE).
    pub data: AppendData,
}

/// What an APPEND message is made of (`append-data`, RFC 4466 section 3, RFC 4469 section 5).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum AppendData {
    /// The message bytes in one literal.
    Literal {
        /// The message bytes.
        data: Str,
        /// Sent as `literal8` (`~{n}`, BINARY) so it may hold NUL bytes.
        binary: bool,
    },
    /// `CATENATE (part ...)` (RFC 4469): the message is the parts joined in order; at least
    /// one part.
    Catenate(Vec<CatPart>),
}

impl AppendData {
    /// The message bytes in one ordinary literal.
    pub fn literal(data: impl Into<Str>) -> Self {
        AppendData::Literal {
            data: data.into(),
            binary: false,
        }
    }
}

/// One part of a CATENATE APPEND (`cat-part`, RFC 4469 section 5).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum CatPart {
    /// `TEXT literal`: these bytes.
    Text(Str),
    /// `URL astring`: the bytes of a message or message part the URL names (a relative IMAP
    /// URL, RFC 5092, such as `/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME`).
    Url(Str),
}

/// How STORE changes the flags.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum StoreKind {
    /// `FLAGS`: replace.
    Replace,
    /// `+FLAGS`: add.
    Add,
    /// `-FLAGS`: remove.
    Remove,
}

/// What STORE changes.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum StoreTarget {
    /// Flags.
    Flags(Vec<Flag>),
    /// Gmail labels (`X-GM-LABELS`).
    GmLabels(Vec<Str>),
}
