//! SEARCH, SORT and THREAD: criteria ([`SearchKey`]), return options and results.

use super::datetime::Date;
use super::seq::{NumSet, SeqSet, UidSet};
use super::string::{Atom, Str};
use std::num::NonZeroU32;

/// A search criterion (`search-key`, RFC 9051 section 6.4.4 plus RFC 3501, CONDSTORE, OBJECTID,
/// SAVEDATE, WITHIN and Gmail's X-GM-* keys).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum SearchKey {
    /// `ALL`.
    All,
    /// `ANSWERED`.
    Answered,
    /// `BCC s`.
    Bcc(Str),
    /// `BEFORE date`.
    Before(Date),
    /// `BODY s`.
    Body(Str),
    /// `CC s`.
    Cc(Str),
    /// `DELETED`.
    Deleted,
    /// `DRAFT`.
    Draft,
    /// `FLAGGED`.
    Flagged,
    /// `FROM s`.
    From(Str),
    /// `HEADER name value`.
    Header(Str, Str),
    /// `KEYWORD kw`.
    Keyword(Atom),
    /// `LARGER n`.
    Larger(u64),
    /// `NEW` (IMAP4rev1).
    New,
    /// `NOT key`.
    Not(Box<SearchKey>),
    /// `OLD` (IMAP4rev1).
    Old,
    /// `ON date`.
    On(Date),
    /// `OR a b`.
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `RECENT` (IMAP4rev1).
    Recent,
    /// `SEEN`.
    Seen,
    /// `SENTBEFORE date`.
    SentBefore(Date),
    /// `SENTON date`.
    SentOn(Date),
    /// `SENTSINCE date`.
    SentSince(Date),
    /// `SINCE date`.
    Since(Date),
    /// `SMALLER n`.
    Smaller(u64),
    /// `SUBJECT s`.
    Subject(Str),
    /// `TEXT s`.
    Text(Str),
    /// `TO s`.
    To(Str),
    /// `UID set`.
    Uid(UidSet),
    /// `UNANSWERED`.
    Unanswered,
    /// `UNDELETED`.
    Undeleted,
    /// `UNDRAFT`.
    Undraft,
    /// `UNFLAGGED`.
    Unflagged,
    /// `UNKEYWORD kw`.
    Unkeyword(Atom),
    /// `UNSEEN`.
    Unseen,
    /// A bare sequence set.
    SeqSet(SeqSet),
    /// `$`: the saved result (SEARCHRES).
    SavedResult,
    /// `( keys )`.
    And(Vec<SearchKey>),
    /// `MODSEQ [entry type] n` (CONDSTORE).
    ModSeq {
        /// The optional `"/flags/\\Seen" priv`-style entry and its type.
        entry: Option<(Str, Atom)>,
        /// The mod-sequence.
        modseq: u64,
    },
    /// `EMAILID id` (OBJECTID).
    EmailId(Atom),
    /// `THREADID id` (OBJECTID).
    ThreadId(Atom),
    /// `SAVEDBEFORE date` (SAVEDATE).
    SavedBefore(Date),
    /// `SAVEDON date`.
    SavedOn(Date),
    /// `SAVEDSINCE date`.
    SavedSince(Date),
    /// `SAVEDATESUPPORTED`.
    SaveDateSupported,
    /// `OLDER seconds` (RFC 5032).
    Older(u32),
    /// `YOUNGER seconds` (RFC 5032).
    Younger(u32),
    /// `X-GM-RAW "gmail query"`.
    GmRaw(Str),
    /// `X-GM-MSGID n`.
    GmMsgId(u64),
    /// `X-GM-THRID n`.
    GmThrId(u64),
    /// `X-GM-LABELS label`.
    GmLabels(Str),
}

/// The search keys that are a name alone (RFC 9051 section 6.4.4, RFC 8514 for
/// SAVEDATESUPPORTED), by their names: the one table the command parser reads them by (any
/// case) and the encoder writes them from.
pub(crate) const SEARCH_KEY_NAMES: &[(&str, SearchKey)] = &[
    ("ALL", SearchKey::All),
    ("ANSWERED", SearchKey::Answered),
    ("DELETED", SearchKey::Deleted),
    ("DRAFT", SearchKey::Draft),
    ("FLAGGED", SearchKey::Flagged),
    ("NEW", SearchKey::New),
    ("OLD", SearchKey::Old),
    ("RECENT", SearchKey::Recent),
    ("SEEN", SearchKey::Seen),
    ("UNANSWERED", SearchKey::Unanswered),
    ("UNDELETED", SearchKey::Undeleted),
    ("UNDRAFT", SearchKey::Undraft),
    ("UNFLAGGED", SearchKey::Unflagged),
    ("UNSEEN", SearchKey::Unseen),
    ("SAVEDATESUPPORTED", SearchKey::SaveDateSupported),
];

impl SearchKey {
    /// The key named `name` (any case) when the name alone is the whole key.
    pub(crate) fn from_plain_name(name: &[u8]) -> Option<SearchKey> {
        super::keywords::by_name(SEARCH_KEY_NAMES, name)
    }

    /// The name of a key that is a name alone.
    pub(crate) fn plain_name(&self) -> Option<&'static str> {
        super::keywords::name_of(SEARCH_KEY_NAMES, self)
    }
}

/// A `RETURN` option of an extended SEARCH (ESEARCH, RFC 4731; SEARCHRES, RFC 5182).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum SearchReturn {
    /// `MIN`.
    Min,
    /// `MAX`.
    Max,
    /// `ALL`.
    All,
    /// `COUNT`.
    Count,
    /// `SAVE`.
    Save,
    /// `CONTEXT` (CONTEXT=SEARCH, RFC 5267 section 4.2): a hint that the criteria will be used
    /// again.
    Context,
    /// `UPDATE` (RFC 5267 section 4.3): keep telling the client, with ADDTO and REMOVEFROM,
    /// how the result changes, until CANCELUPDATE or the mailbox is deselected.
    Update,
    /// `PARTIAL range` (RFC 5267 section 4.4, RFC 9394): this page of the results.
    Partial(PartialRange),
    /// Any other option name.
    Other(Atom),
}

/// One `search-return-data` item of an `ESEARCH` response.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ESearchData {
    /// `MIN n`.
    Min(u32),
    /// `MAX n`.
    Max(u32),
    /// `ALL set` (sequence numbers or UIDs depending on the `UID` flag).
    All(NumSet<u32>),
    /// `COUNT n`.
    Count(u32),
    /// `MODSEQ n`.
    ModSeq(u64),
    /// `PARTIAL (range results)` (RFC 9394): the requested page and the messages in it,
    /// `None` for `NIL` (no message in the range).
    Partial {
        /// The range the client asked for, as the server echoed it.
        range: PartialRange,
        /// The messages of the page (sequence numbers or UIDs depending on the `UID` flag).
        results: Option<NumSet<u32>>,
    },
    /// `ADDTO (position set ...)` (RFC 5267 section 4.3.3): each set inserted at its context
    /// position, in order; position 0 means "in mailbox order".
    AddTo(Vec<(u32, NumSet<u32>)>),
    /// `REMOVEFROM (position set ...)` (RFC 5267 section 4.3.4): each set removed from its
    /// context position, in order; position 0 means "wherever it is".
    RemoveFrom(Vec<(u32, NumSet<u32>)>),
    /// Any other item: name and raw value.
    Other {
        /// The item name.
        name: Atom,
        /// The raw value.
        value: Str,
    },
}

/// `partial-range` (RFC 9394 section 4): a page of search results, counted from the first
/// result (`1:500`) or from the last (`-1:-100`). Kept as written: `500:400` is the same page
/// as `400:500`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PartialRange {
    /// `partial-range-last` (`-a:-b`), counted from the last result.
    pub from_end: bool,
    /// The first bound, without its minus sign.
    pub first: NonZeroU32,
    /// The second bound, without its minus sign.
    pub second: NonZeroU32,
}

impl PartialRange {
    /// The bounds in increasing order, without their minus signs (for `-1:-100`, `(1, 100)`:
    /// the last result, then back to the hundredth from the end).
    pub fn bounds(&self) -> (u32, u32) {
        let (a, b) = (self.first.get(), self.second.get());
        (a.min(b), a.max(b))
    }
}

/// An `ESEARCH` response (RFC 4731 / RFC 9051 section 7.3.4).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ESearch {
    /// The `(TAG "...")` correlator.
    pub tag: Option<Str>,
    /// Whether the numbers are UIDs.
    pub uid: bool,
    /// The returned data.
    pub data: Vec<ESearchData>,
}

/// A SORT key (RFC 5256 `sort-key`, RFC 5957 DISPLAY keys).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum SortKey {
    /// `ARRIVAL`.
    Arrival,
    /// `CC`.
    Cc,
    /// `DATE`.
    Date,
    /// `FROM`.
    From,
    /// `SIZE`.
    Size,
    /// `SUBJECT`.
    Subject,
    /// `TO`.
    To,
    /// `DISPLAYFROM`.
    DisplayFrom,
    /// `DISPLAYTO`.
    DisplayTo,
}

/// Wire names of [`SortKey`]s.
pub const SORT_KEYS: &[(&str, SortKey)] = &[
    ("ARRIVAL", SortKey::Arrival),
    ("CC", SortKey::Cc),
    ("DATE", SortKey::Date),
    ("FROM", SortKey::From),
    ("SIZE", SortKey::Size),
    ("SUBJECT", SortKey::Subject),
    ("TO", SortKey::To),
    ("DISPLAYFROM", SortKey::DisplayFrom),
    ("DISPLAYTO", SortKey::DisplayTo),
];

impl SortKey {
    /// The key's wire name.
    pub fn name(self) -> &'static str {
        SORT_KEYS
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }
}

/// A sort criterion: a key, maybe reversed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SortCriterion {
    /// `REVERSE`.
    pub reverse: bool,
    /// The key.
    pub key: SortKey,
}

/// One thread of a `THREAD` response (RFC 5256 `thread-list`): a chain of messages followed by
/// branches.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Thread {
    /// Message numbers in this chain (parent first).
    pub members: Vec<u32>,
    /// The sub-threads after the chain: none, or at least two.
    pub children: Vec<Thread>,
}

/// Dropped iteratively: a thread nests as deep as a reply tree a peer built, and the derived
/// drop would recurse once per level.
impl Drop for Thread {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(mut t) = pending.pop() {
            pending.append(&mut t.children);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{EncodeOptions, encode_command};
    use crate::parse::{ParseOptions, parse_command};
    use crate::types::CommandBody;
    use bytes::Bytes;

    /// Every name of the table reads (in any case) as its key and is written back as it was.
    #[test]
    fn plain_search_keys_round_trip_through_parser_and_encoder() {
        for (name, key) in SEARCH_KEY_NAMES {
            for spelled in [name.to_string(), name.to_ascii_lowercase()] {
                let unit = Bytes::from(format!("a SEARCH {spelled}\r\n"));
                let cmd = parse_command(&unit, &ParseOptions::default()).unwrap();
                let CommandBody::Search { criteria, .. } = &cmd.body else {
                    panic!("{spelled}: {cmd:?}")
                };
                assert_eq!(*criteria, vec![key.clone()], "{spelled}");
                let wire = encode_command(&cmd, &EncodeOptions::default()).to_vec();
                assert_eq!(wire, format!("a SEARCH {name}\r\n").into_bytes());
            }
            assert_eq!(key.plain_name(), Some(*name));
        }
    }
}
