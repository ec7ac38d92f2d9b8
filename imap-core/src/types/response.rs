//! Server responses ([`Response`]): status responses, untagged data and continuation requests.

use super::capability::Capability;
use super::code::Code;
use super::fetch::FetchData;
use super::flag::Flag;
use super::mailbox::Mailbox;
use super::mailbox_data::{
    AclEntry, ListEntry, Namespaces, QuotaResource, StatusItem, StatusValue,
};
use super::search::{ESearch, Thread};
use super::seq::{SeqNum, Uid, UidSet};
use super::string::{Str, Tag};

/// One server response (`response-data`, `response-tagged`, `response-fatal`,
/// `continue-req` and `greeting`, RFC 9051 section 9).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Response {
    /// A status response: tagged completion, or untagged OK/NO/BAD/PREAUTH/BYE.
    Status(StatusResponse),
    /// Untagged data.
    Data(Data),
    /// A continuation request (`+ ...`).
    Continue(Continue),
}

/// The kind of a status response.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum StatusKind {
    /// `OK`.
    Ok,
    /// `NO`.
    No,
    /// `BAD`.
    Bad,
    /// `PREAUTH` (greeting only).
    PreAuth,
    /// `BYE`.
    Bye,
}

impl StatusKind {
    /// The keyword.
    pub fn name(self) -> &'static str {
        match self {
            StatusKind::Ok => "OK",
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::PreAuth => "PREAUTH",
            StatusKind::Bye => "BYE",
        }
    }
}

/// A status response (`resp-cond-state`, `resp-cond-auth`, `resp-cond-bye`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StatusResponse {
    /// The tag, `None` for untagged (`*`).
    pub tag: Option<Tag>,
    /// OK, NO, BAD, PREAUTH or BYE.
    pub kind: StatusKind,
    /// The response code, if any.
    pub code: Option<Code>,
    /// Human-readable text (may be empty: servers omit it).
    pub text: Str,
}

/// A continuation request (`continue-req`): either text (with an optional code) or, during
/// AUTHENTICATE, a base64 challenge. Both are kept as the raw text after `+ `; see
/// [`Continue::decode_base64`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Continue {
    /// A response code, if the text started with one.
    pub code: Option<Code>,
    /// The text after `+ ` (and after the code), possibly empty (bare `+`).
    pub text: Str,
}

impl Continue {
    /// The text decoded as a base64 SASL challenge, or `None` if it is not valid base64.
    pub fn decode_base64(&self) -> Option<Vec<u8>> {
        if self.code.is_some() {
            return None;
        }
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(self.text.as_bytes())
            .ok()
    }
}

/// Untagged server data (`response-data`, `mailbox-data`, `message-data`, extension data).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Data {
    /// `CAPABILITY ...`.
    Capability(Vec<Capability>),
    /// `ENABLED ...` (RFC 5161).
    Enabled(Vec<Capability>),
    /// `FLAGS (...)`.
    Flags(Vec<Flag>),
    /// `LIST ...`.
    List(ListEntry),
    /// `LSUB ...`.
    Lsub(ListEntry),
    /// `XLIST ...` (old Gmail).
    XList(ListEntry),
    /// `STATUS mailbox (...)`.
    Status {
        /// The mailbox.
        mailbox: Mailbox,
        /// Item/value pairs.
        items: Vec<(StatusItem, StatusValue)>,
    },
    /// `SEARCH n ...` with the optional CONDSTORE `(MODSEQ n)`.
    Search {
        /// Matching sequence numbers or UIDs.
        nums: Vec<u32>,
        /// `(MODSEQ n)`.
        modseq: Option<u64>,
    },
    /// `SORT n ...` (RFC 5256) with the optional `(MODSEQ n)`.
    Sort {
        /// Sorted sequence numbers or UIDs.
        nums: Vec<u32>,
        /// `(MODSEQ n)`.
        modseq: Option<u64>,
    },
    /// `ESEARCH ...`.
    ESearch(ESearch),
    /// `THREAD ...` (RFC 5256).
    Thread(Vec<Thread>),
    /// `n EXISTS`.
    Exists(u32),
    /// `n RECENT` (IMAP4rev1).
    Recent(u32),
    /// `n EXPUNGE`.
    Expunge(SeqNum),
    /// `n FETCH (...)`.
    Fetch {
        /// The message's sequence number.
        seq: SeqNum,
        /// Its data items.
        data: Vec<FetchData>,
    },
    /// `uid UIDFETCH (...)` (RFC 9586): what `n FETCH` reports once UIDONLY is enabled, keyed
    /// by the message's UID instead of its sequence number.
    UidFetch {
        /// The message's UID.
        uid: Uid,
        /// Its data items.
        data: Vec<FetchData>,
    },
    /// `VANISHED [(EARLIER)] uids` (QRESYNC).
    Vanished {
        /// `(EARLIER)`: reports the past, does not renumber.
        earlier: bool,
        /// The UIDs.
        uids: UidSet,
    },
    /// `NAMESPACE ...` (RFC 2342).
    Namespace(Namespaces),
    /// `ID (...)` or `ID NIL` (RFC 2971).
    Id(Option<Vec<(Str, Option<Str>)>>),
    /// `QUOTA root (...)` (RFC 9208).
    Quota {
        /// The quota root.
        root: Str,
        /// Its resources.
        resources: Vec<QuotaResource>,
    },
    /// `QUOTAROOT mailbox root ...`.
    QuotaRoot {
        /// The mailbox.
        mailbox: Mailbox,
        /// Its quota roots.
        roots: Vec<Str>,
    },
    /// `ACL mailbox id rights ...` (RFC 4314).
    Acl {
        /// The mailbox.
        mailbox: Mailbox,
        /// Identifier/rights pairs.
        entries: Vec<AclEntry>,
    },
    /// `LISTRIGHTS mailbox id required optional...`.
    ListRights {
        /// The mailbox.
        mailbox: Mailbox,
        /// The identifier.
        identifier: Str,
        /// Rights always granted.
        required: Str,
        /// Groups of rights that may be granted.
        optional: Vec<Str>,
    },
    /// `MYRIGHTS mailbox rights`.
    MyRights {
        /// The mailbox.
        mailbox: Mailbox,
        /// The rights.
        rights: Str,
    },
    /// `METADATA mailbox (entry value ...)` (RFC 5464).
    Metadata {
        /// The mailbox (empty name for server metadata).
        mailbox: Mailbox,
        /// Entry/value pairs.
        entries: Vec<(Str, Option<Str>)>,
    },
    /// `METADATA mailbox entry ...`: unsolicited change notice without values.
    MetadataChanged {
        /// The mailbox.
        mailbox: Mailbox,
        /// Changed entries.
        entries: Vec<Str>,
    },
    /// Untagged data this codec does not know: the first word and the rest of the line (and
    /// any literals), kept as received.
    Other {
        /// The first token (a number for `* n WORD`, then `rest` starts with the word).
        name: Str,
        /// Everything after it, without the separating space and the final CRLF.
        rest: Str,
    },
}
