//! What the client reports: [`Event`]s, command handles ([`CommandId`]) and completions
//! ([`Completion`]) with the typed data each command produced.

use super::error::{ConnectionError, Outcome};
use crate::parse::ParseError;
use crate::types::{
    Capability, Code, Continue, Data, ESearch, FetchData, ListEntry, Mailbox, Namespaces,
    NumRanges, SeqNum, SetKey, StatusItem, StatusResponse, StatusValue, Str, Tag, Thread, Uid,
    UidRanges, UidValidity,
};
use bytes::Bytes;

/// A handle for a queued command, returned by [`super::ClientMachine::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub(crate) u64);

impl CommandId {
    /// The handle's number (unique per client, ascending in queue order).
    pub fn get(self) -> u64 {
        self.0
    }
}

/// One message of a FETCH (or of a STORE's FETCH responses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Its sequence number when the server sent the response.
    pub seq: SeqNum,
    /// Its UID, from the response or from the mailbox model.
    pub uid: Option<Uid>,
    /// The data items.
    pub data: Vec<FetchData>,
}

/// What the client knows about the selected mailbox after SELECT or EXAMINE completes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxSummary {
    /// `n EXISTS`.
    pub exists: u32,
    /// `n RECENT` (IMAP4rev1 servers).
    pub recent: Option<u32>,
    /// `FLAGS (...)`.
    pub flags: Vec<crate::types::Flag>,
    /// `[PERMANENTFLAGS (...)]`.
    pub permanent_flags: Option<Vec<crate::types::FlagPerm>>,
    /// `[UIDVALIDITY n]`.
    pub uid_validity: Option<UidValidity>,
    /// `[UIDNEXT n]`.
    pub uid_next: Option<Uid>,
    /// `[HIGHESTMODSEQ n]`.
    pub highest_modseq: Option<u64>,
    /// `[UNSEEN n]` (IMAP4rev1 servers): the first unseen message.
    pub unseen: Option<SeqNum>,
    /// `[READ-ONLY]` (or EXAMINE).
    pub read_only: bool,
}

/// A completed command: its outcome, response code and text, and the untagged data the server
/// sent for it, with typed accessors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The command's handle.
    pub id: CommandId,
    /// Its tag.
    pub tag: Tag,
    /// OK, NO, BAD, or aborted when the connection failed first.
    pub outcome: Outcome,
    /// The tagged response's code.
    pub code: Option<Code>,
    /// The tagged response's text.
    pub text: Str,
    /// Untagged data attributed to this command, in arrival order.
    pub data: Vec<Data>,
    /// Response codes of untagged OK/NO/BAD responses received while the command ran.
    pub untagged_codes: Vec<Code>,
    /// What this command's own data removed from the mailbox model
    /// ([`crate::mailbox::Update::Expunged`] and [`crate::mailbox::Update::Vanished`] of an
    /// EXPUNGE, UID EXPUNGE, MOVE or CLOSE), each message with its sequence number as it went
    /// and its UID where the model knew it. These removals are not reported again as
    /// [`Event::Mailbox`].
    pub removals: Vec<crate::mailbox::Update>,
    /// For SELECT and EXAMINE: the mailbox summary.
    pub summary: Option<MailboxSummary>,
    /// For an AUTHENTICATE the server refused: the error it reported inside the SASL exchange,
    /// if any (the OAuth JSON error of XOAUTH2 and OAUTHBEARER, SCRAM's `e=`), which says more
    /// than the tagged `NO` (whether a token expired, for one).
    /// Boxed: a completion is part of every [`Event`], whose size it should not grow.
    pub sasl_error: Option<Box<crate::sasl::SaslError>>,
}

impl Completion {
    /// Whether the outcome is OK.
    pub fn is_ok(&self) -> bool {
        self.outcome == Outcome::Ok
    }

    /// FETCH results, in arrival order.
    pub fn fetched(&self) -> impl Iterator<Item = Fetched> + '_ {
        self.data.iter().filter_map(|d| match d {
            Data::Fetch { seq, data } => Some(Fetched {
                seq: *seq,
                uid: data.iter().find_map(|i| match i {
                    FetchData::Uid(u) => Some(*u),
                    _ => None,
                }),
                data: data.clone(),
            }),
            _ => None,
        })
    }

    /// The SEARCH result (sequence numbers or UIDs, as the command asked: pick `K`), merged
    /// with an ESEARCH `ALL` result, or the page of an ESEARCH `PARTIAL` (RFC 9394), when the
    /// server answered that way. A set of ranges: a peer's `1:4294967295` costs one range,
    /// never four billion numbers.
    pub fn searched<K: SetKey>(&self) -> NumRanges<K> {
        let mut listed: Vec<(u32, u32)> = Vec::new();
        for d in &self.data {
            match d {
                Data::Search { nums, .. } => listed.extend(nums.iter().map(|&n| (n, n))),
                Data::ESearch(e) => {
                    for item in &e.data {
                        if let crate::types::ESearchData::All(set)
                        | crate::types::ESearchData::Partial {
                            results: Some(set), ..
                        } = item
                        {
                            listed.extend(set.items().iter().map(|i| i.bounds(u32::MAX)));
                        }
                    }
                }
                _ => {}
            }
        }
        NumRanges::from_ranges(listed)
    }

    /// The SORT result in the server's order (sequence numbers or UIDs, as the command asked).
    /// As long as the numbers the server wrote: each costs the peer at least two bytes.
    pub fn sorted(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for d in &self.data {
            if let Data::Sort { nums, .. } = d {
                out.extend(nums);
            }
        }
        out
    }

    /// The ESEARCH response, if any.
    pub fn esearch(&self) -> Option<&ESearch> {
        self.data.iter().find_map(|d| match d {
            Data::ESearch(e) => Some(e),
            _ => None,
        })
    }

    /// THREAD results.
    pub fn threads(&self) -> Vec<Thread> {
        self.data
            .iter()
            .filter_map(|d| match d {
                Data::Thread(t) => Some(t.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// LIST / LSUB / XLIST entries.
    pub fn list(&self) -> Vec<&ListEntry> {
        self.data
            .iter()
            .filter_map(|d| match d {
                Data::List(e) | Data::Lsub(e) | Data::XList(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    /// STATUS results (one per mailbox; LIST-STATUS gives several).
    pub fn statuses(&self) -> Vec<(&Mailbox, &[(StatusItem, StatusValue)])> {
        self.data
            .iter()
            .filter_map(|d| match d {
                Data::Status { mailbox, items } => Some((mailbox, items.as_slice())),
                _ => None,
            })
            .collect()
    }

    /// Capabilities from a CAPABILITY response or the tagged response code.
    pub fn capabilities(&self) -> Option<&[Capability]> {
        self.data
            .iter()
            .rev()
            .find_map(|d| match d {
                Data::Capability(c) => Some(c.as_slice()),
                _ => None,
            })
            .or(match &self.code {
                Some(Code::Capability(c)) => Some(c.as_slice()),
                _ => None,
            })
    }

    /// The NAMESPACE response.
    pub fn namespaces(&self) -> Option<&Namespaces> {
        self.data.iter().find_map(|d| match d {
            Data::Namespace(n) => Some(n),
            _ => None,
        })
    }

    /// `APPENDUID` (UIDPLUS): the destination UIDVALIDITY and the new UIDs, as ranges.
    pub fn append_uid(&self) -> Option<(UidValidity, UidRanges)> {
        match &self.code {
            Some(Code::AppendUid { validity, uids }) => {
                Some(((*validity).into(), UidRanges::from_set(uids, u32::MAX)))
            }
            _ => None,
        }
    }

    /// `COPYUID` (UIDPLUS): the destination UIDVALIDITY, the source UIDs and the destination
    /// UIDs, as ranges (the n-th source UID went to the n-th destination UID), from the tagged
    /// response or (MOVE, RFC 6851) an untagged OK.
    pub fn copy_uid(&self) -> Option<(UidValidity, UidRanges, UidRanges)> {
        self.code
            .iter()
            .chain(&self.untagged_codes)
            .find_map(|code| match code {
                Code::CopyUid {
                    validity,
                    source,
                    destination,
                } => Some((
                    (*validity).into(),
                    UidRanges::from_set(source, u32::MAX),
                    UidRanges::from_set(destination, u32::MAX),
                )),
                _ => None,
            })
    }
}

/// Something that happened on the connection. Drain with [`super::ClientMachine::poll_event`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server greeted us (OK or PREAUTH).
    Greeting(StatusResponse),
    /// A command completed (or was aborted).
    Completed(Completion),
    /// Untagged data no running command claimed (an EXISTS during NOOP or IDLE, a NOTIFY
    /// STATUS, an ESEARCH update, ...). Data a command asked for is delivered once, in its
    /// [`Completion`], never here.
    Data(Data),
    /// An untagged OK/NO/BAD arrived (alerts, warnings, response codes). The response codes
    /// with which a running SELECT or EXAMINE describes the mailbox are its own (in its
    /// completion and summary) and do not come here; ALERTs always do.
    Status(StatusResponse),
    /// Unclaimed data changed the mailbox model (EXISTS, EXPUNGE, VANISHED, flags,
    /// UIDVALIDITY); it comes just before the [`Event::Data`] (or [`Event::Status`]) that made
    /// the change. Changes made by the running command's own data (SELECT's EXISTS, FETCH or
    /// STORE results, an EXPUNGE's removals) are not reported: they are its result.
    Mailbox(crate::mailbox::Update),
    /// IDLE was accepted: updates now arrive until [`super::ClientMachine::idle_done`].
    IdleStarted(CommandId),
    /// STARTTLS succeeded: the driver must start TLS now and then call
    /// [`super::ClientMachine::handle_tls_established`]. Bytes that arrived after the OK were discarded.
    StartTls,
    /// COMPRESS=DEFLATE is active from now on (the core compresses and inflates itself).
    Compressing,
    /// A continuation request for a raw command ([`crate::types::CommandBody::Other`]).
    Continuation(Continue),
    /// A piece of a large literal streamed instead of buffered (see
    /// [`super::ClientConfig::stream_threshold`]); the FETCH response that holds it arrives
    /// afterwards, parsed normally, with `NIL` in the literal's place.
    LiteralChunk {
        /// The message's sequence number, from the FETCH response.
        seq: Option<SeqNum>,
        /// Its UID, when the response named it before the literal or the model knows it.
        uid: Option<Uid>,
        /// The FETCH item the literal belongs to, as the server wrote it (`BODY[1.2]`,
        /// `BINARY[]<0>`, `RFC822`, ...).
        item: Str,
        /// Offset of this piece within the literal.
        offset: u64,
        /// The literal's total length.
        total: u64,
        /// The bytes.
        data: Bytes,
    },
    /// A FETCH response of a command whose responses are handed out as they arrive
    /// ([`super::ClientMachine::stream_fetches`]) rather than collected into its completion.
    Fetched {
        /// The command it answers.
        id: CommandId,
        /// The message's sequence number when the server sent the response.
        seq: SeqNum,
        /// The data items.
        data: Vec<FetchData>,
    },
    /// A response could not be parsed; it was skipped and the connection goes on.
    Unparsed(ParseError),
    /// The server said BYE.
    Bye(StatusResponse),
    /// The connection ended: `None` after a clean LOGOUT, else why. Delivered once, last.
    Closed(Option<ConnectionError>),
}
