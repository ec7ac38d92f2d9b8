//! SEARCH, SORT and THREAD: a typed criteria builder ([`Query`]) and result helpers.

use crate::client::Completion;
use crate::ops::charset::{CharsetError, CharsetWriter, write_keys};
use crate::parse::TextError;
use crate::types::{
    Atom, CommandBody, Date, ESearchData, Flag, NumSet, PartialRange, SearchKey, SearchReturn,
    SeqNum, SeqRanges, SeqSet, SortCriterion, SortKey, Str, Tag, Thread, Uid, UidRanges, UidSet,
};
use std::ops::RangeInclusive;

/// Search criteria, ANDed. Build with the methods (`Query::new().unseen().from("bob")`) or
/// parse IMAP criteria text with [`Query::parse`] (or `str::parse`), which also reads a
/// `CHARSET` prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    keys: Vec<SearchKey>,
    /// `CHARSET name` as given in text; strings are sent in it.
    charset: Option<Str>,
}

macro_rules! flag_keys {
    ($($(#[$doc:meta])* $name:ident => $key:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(self) -> Self {
                self.and(SearchKey::$key)
            }
        )*
    };
}

macro_rules! str_keys {
    ($($(#[$doc:meta])* $name:ident => $key:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, s: impl Into<Str>) -> Self {
                self.and(SearchKey::$key(s.into()))
            }
        )*
    };
}

macro_rules! date_keys {
    ($($(#[$doc:meta])* $name:ident => $key:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, date: Date) -> Self {
                self.and(SearchKey::$key(date))
            }
        )*
    };
}

impl Query {
    /// No criteria yet (searches `ALL` if left empty).
    pub fn new() -> Self {
        Query::default()
    }

    /// `ALL`.
    pub fn all() -> Self {
        Query::new().and(SearchKey::All)
    }

    /// Adds a criterion.
    pub fn and(mut self, key: SearchKey) -> Self {
        self.keys.push(key);
        self
    }

    flag_keys! {
        /// `SEEN`.
        seen => Seen,
        /// `UNSEEN`.
        unseen => Unseen,
        /// `FLAGGED`.
        flagged => Flagged,
        /// `UNFLAGGED`.
        unflagged => Unflagged,
        /// `ANSWERED`.
        answered => Answered,
        /// `UNANSWERED`.
        unanswered => Unanswered,
        /// `DELETED`.
        deleted => Deleted,
        /// `UNDELETED`.
        undeleted => Undeleted,
        /// `DRAFT`.
        draft => Draft,
        /// `UNDRAFT`.
        undraft => Undraft,
        /// `NEW` (IMAP4rev1).
        new_messages => New,
        /// `RECENT` (IMAP4rev1).
        recent => Recent,
    }

    str_keys! {
        /// `FROM s`.
        from => From,
        /// `TO s`.
        to => To,
        /// `CC s`.
        cc => Cc,
        /// `BCC s`.
        bcc => Bcc,
        /// `SUBJECT s`.
        subject => Subject,
        /// `BODY s`.
        body => Body,
        /// `TEXT s` (header and body).
        text => Text,
        /// Gmail's `X-GM-RAW "query"` (Gmail search syntax).
        gmail_raw => GmRaw,
    }

    /// Gmail's `X-GM-LABELS label`: messages with the label, written in modified UTF-7 as
    /// Gmail expects ([`crate::ops::labels::encode_label`]).
    pub fn gmail_label(self, label: &str) -> Self {
        self.and(SearchKey::GmLabels(crate::ops::labels::encode_label(label)))
    }

    date_keys! {
        /// `SINCE date` (internal date, on or after).
        since => Since,
        /// `BEFORE date` (internal date).
        before => Before,
        /// `ON date` (internal date).
        on => On,
        /// `SENTSINCE date` (Date: header).
        sent_since => SentSince,
        /// `SENTBEFORE date`.
        sent_before => SentBefore,
        /// `SENTON date`.
        sent_on => SentOn,
    }

    /// `HEADER name value`.
    pub fn header(self, name: impl Into<Str>, value: impl Into<Str>) -> Self {
        self.and(SearchKey::Header(name.into(), value.into()))
    }

    /// `LARGER n`.
    pub fn larger(self, n: u64) -> Self {
        self.and(SearchKey::Larger(n))
    }

    /// `SMALLER n`.
    pub fn smaller(self, n: u64) -> Self {
        self.and(SearchKey::Smaller(n))
    }

    /// `KEYWORD kw`, or the matching system flag key for `\Seen` and the like.
    pub fn flag(self, flag: &Flag) -> Self {
        self.and(flag_key(flag, true))
    }

    /// `UNKEYWORD kw`, or the matching negative system flag key.
    pub fn not_flag(self, flag: &Flag) -> Self {
        self.and(flag_key(flag, false))
    }

    /// `UID set`.
    pub fn uids(self, set: UidSet) -> Self {
        self.and(SearchKey::Uid(set))
    }

    /// A sequence set.
    pub fn seqs(self, set: SeqSet) -> Self {
        self.and(SearchKey::SeqSet(set))
    }

    /// `MODSEQ n` (CONDSTORE, RFC 7162 section 3.1.5): messages whose mod-sequence is `n` or
    /// above, so the changes after a `HIGHESTMODSEQ h` are `changed_since(h + 1)` (FETCH's
    /// `CHANGEDSINCE h`, [`crate::ops::fetch::FetchQuery::changed_since`], is strictly above).
    pub fn changed_since(self, modseq: u64) -> Self {
        self.and(SearchKey::ModSeq {
            entry: None,
            modseq,
        })
    }

    /// `YOUNGER seconds` (WITHIN).
    pub fn younger(self, seconds: u32) -> Self {
        self.and(SearchKey::Younger(seconds))
    }

    /// `OLDER seconds` (WITHIN).
    pub fn older(self, seconds: u32) -> Self {
        self.and(SearchKey::Older(seconds))
    }

    /// `NOT (query)`.
    pub fn not(self, q: Query) -> Self {
        let k = q.into_key();
        self.and(SearchKey::Not(Box::new(k)))
    }

    /// `OR (a) (b)`.
    pub fn or(self, a: Query, b: Query) -> Self {
        self.and(SearchKey::Or(
            Box::new(a.into_key()),
            Box::new(b.into_key()),
        ))
    }

    /// The criteria as one key (`ALL` when empty, `( ... )` when several).
    pub fn into_key(mut self) -> SearchKey {
        match self.keys.len() {
            0 => SearchKey::All,
            1 => self.keys.remove(0),
            _ => SearchKey::And(self.keys),
        }
    }

    /// The criteria (`ALL` when empty).
    pub fn keys(&self) -> Vec<SearchKey> {
        if self.keys.is_empty() {
            vec![SearchKey::All]
        } else {
            self.keys.clone()
        }
    }

    /// Parses IMAP search criteria text, as after `SEARCH` (`SINCE 13-Jul-2013 TEXT Apress`),
    /// with the grammar of the command parser (RFC 9051 section 9 `search-program`). A
    /// `CHARSET name` prefix names the charset the server gets the strings in, as
    /// [`Query::in_charset`] does: one [`crate::ops::charset`] can write (`UTF-8`, `US-ASCII`,
    /// `ISO-8859-1`, `windows-1252`, `KOI8-R`, `ISO-2022-JP`, ...), each string written in it
    /// when the command is built. Without one, `CHARSET UTF-8` is sent when a string is not
    /// ASCII.
    ///
    /// ```
    /// use imap_core::ops::search::Query;
    ///
    /// let q: Query = r#"CHARSET ISO-8859-1 SUBJECT "Grüße" UNSEEN"#.parse().unwrap();
    /// assert_eq!(q.charset().map(|c| c.to_string()), Some("ISO-8859-1".into()));
    /// let e = "SINCE 13-Jul-2013 FROBNICATE".parse::<Query>().unwrap_err();
    /// assert_eq!(e.column, 19);
    /// let e = r#"CHARSET US-ASCII SUBJECT "Grüße""#.parse::<Query>().unwrap_err();
    /// assert_eq!((e.column, e.expected), (29, "a character US-ASCII can encode"));
    /// ```
    ///
    /// # Errors
    /// A [`TextError`] pointing at the offending character: where the text leaves the grammar,
    /// at an unknown charset name, or at the first character the charset cannot encode.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let (charset, keys) = crate::parse::parse_search_text(text)?;
        if let Some(name) = &charset {
            check_charset(text, name)?;
        }
        Ok(Query { keys, charset })
    }

    /// The charset named by the text's `CHARSET` prefix, if it had one.
    pub fn charset(&self) -> Option<&Str> {
        self.charset.as_ref()
    }

    /// The charset the command names and its criteria with their strings in that charset:
    /// the given charset, else `UTF-8` when a string needs one.
    fn program(&self) -> (Option<Str>, Vec<SearchKey>) {
        let keys = self.keys();
        let Some(name) = &self.charset else {
            return (
                self.needs_charset().then(|| Str::from_static("UTF-8")),
                keys,
            );
        };
        match write_keys(&keys, &String::from_utf8_lossy(name.as_bytes())) {
            Ok(written) => (Some(name.clone()), written),
            // A string added after the charset was named that it cannot write: UTF-8, which
            // every server takes, rather than bytes that mean something else.
            Err(_) => (Some(Str::from_static("UTF-8")), keys),
        }
    }

    /// The query with `CHARSET charset` (`ISO-8859-1`, `windows-1252`, `KOI8-R`, ...): its
    /// commands name the charset and carry their strings written in it
    /// ([`crate::ops::charset`]), as imaplib's `search(charset, ...)` sends them.
    ///
    /// ```
    /// use imap_core::ops::search::Query;
    ///
    /// let q = Query::new().subject("Grüße").in_charset("ISO-8859-1").unwrap();
    /// assert_eq!(q.to_string(), "CHARSET ISO-8859-1 SUBJECT \"Grüße\"");
    /// assert!(Query::new().subject("€").in_charset("ISO-8859-1").is_err());
    /// ```
    ///
    /// # Errors
    /// A [`CharsetError`] when the charset is not one this crate can write or cannot write a
    /// string of the query (nothing is sent).
    pub fn in_charset(mut self, charset: &str) -> Result<Query, CharsetError> {
        write_keys(&self.keys(), charset)?;
        self.charset = Some(Str::from(charset));
        Ok(self)
    }

    /// Whether a string criterion holds non-ASCII bytes, so a charset must be named.
    pub fn needs_charset(&self) -> bool {
        fn key(k: &SearchKey) -> bool {
            match k {
                SearchKey::Bcc(s)
                | SearchKey::Body(s)
                | SearchKey::Cc(s)
                | SearchKey::From(s)
                | SearchKey::Subject(s)
                | SearchKey::Text(s)
                | SearchKey::To(s)
                | SearchKey::GmRaw(s)
                | SearchKey::GmLabels(s) => !s.as_bytes().is_ascii(),
                SearchKey::Header(a, b) => !a.as_bytes().is_ascii() || !b.as_bytes().is_ascii(),
                SearchKey::Not(k) => key(k),
                SearchKey::Or(a, b) => key(a) || key(b),
                SearchKey::And(v) => v.iter().any(key),
                _ => false,
            }
        }
        self.keys.iter().any(key)
    }

    /// `[UID] SEARCH keys`, with the text's `CHARSET`, or `CHARSET UTF-8` when a string needs
    /// it.
    pub fn command(&self, uid: bool) -> CommandBody {
        let (charset, criteria) = self.program();
        CommandBody::Search {
            uid,
            returns: None,
            charset,
            criteria,
        }
    }

    /// `[UID] SEARCH RETURN (returns) keys`, the extended SEARCH (ESEARCH, RFC 4731), read
    /// with [`esearch`]. With `CONTEXT=SEARCH` (RFC 5267 section 4) the options may include
    /// `CONTEXT`, `PARTIAL` and `UPDATE`; after `UPDATE` the server keeps sending ESEARCH
    /// responses tagged with this command's tag (ADDTO, REMOVEFROM) as events until
    /// [`cancel_update_command`] or the mailbox is left.
    pub fn esearch_command(&self, returns: &[SearchReturn], uid: bool) -> CommandBody {
        let (charset, criteria) = self.program();
        CommandBody::Search {
            uid,
            returns: Some(returns.to_vec()),
            charset,
            criteria,
        }
    }

    /// SORT's and THREAD's charset (required there) and criteria: the text's `CHARSET`, else
    /// `UTF-8`.
    fn sort_program(&self) -> (Str, Vec<SearchKey>) {
        let (charset, keys) = self.program();
        (charset.unwrap_or_else(|| Str::from_static("UTF-8")), keys)
    }

    /// `[UID] SORT (criteria) UTF-8 keys` (RFC 5256).
    pub fn sort_command(&self, criteria: &[SortCriterion], uid: bool) -> CommandBody {
        let (charset, search) = self.sort_program();
        CommandBody::Sort {
            uid,
            returns: None,
            criteria: criteria.to_vec(),
            charset,
            search,
        }
    }

    /// `[UID] SORT RETURN (returns) (criteria) UTF-8 keys`, the extended SORT of servers that
    /// advertise `ESORT` (RFC 5267 section 3): the answer is an ESEARCH in sort order, read
    /// with [`esearch`]. An empty `returns` asks for `ALL`.
    pub fn esort_command(
        &self,
        criteria: &[SortCriterion],
        returns: &[SearchReturn],
        uid: bool,
    ) -> CommandBody {
        let (charset, search) = self.sort_program();
        CommandBody::Sort {
            uid,
            returns: Some(returns.to_vec()),
            criteria: criteria.to_vec(),
            charset,
            search,
        }
    }

    /// `[UID] THREAD algorithm UTF-8 keys` (RFC 5256), `algorithm` such as `REFERENCES`.
    ///
    /// # Errors
    /// When `algorithm` is not an atom.
    pub fn thread_command(
        &self,
        algorithm: &str,
        uid: bool,
    ) -> Result<CommandBody, crate::types::InvalidToken> {
        let (charset, search) = self.sort_program();
        Ok(CommandBody::Thread {
            uid,
            algorithm: Atom::try_from(algorithm)?,
            charset,
            search,
        })
    }
}

impl std::str::FromStr for Query {
    type Err = QueryError;

    /// As [`Query::parse`].
    fn from_str(s: &str) -> Result<Query, QueryError> {
        Query::parse(s)
    }
}

/// The criteria as a SEARCH writes them, `CHARSET name` first when the text had one.
impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::encode::search_text(
            self.charset.as_ref(),
            &self.keys(),
        ))
    }
}

/// Checks a `CHARSET` of criteria text: a charset [`crate::ops::charset`] can write, able to
/// write every character after it.
fn check_charset(text: &str, name: &Str) -> Result<(), TextError> {
    let kind = "search criteria";
    let lead = text.len() - text.trim_start().len();
    let after = &text[lead + "CHARSET".len()..];
    let at = text.len() - after.trim_start().len();
    // A name the charset writer does not know (UTF-16 and the "replacement" labels among them).
    let known = CharsetWriter::for_name(&String::from_utf8_lossy(name.as_bytes()));
    let Some(writer) = known else {
        let expected = "a charset name (UTF-8, US-ASCII, ISO-8859-1, windows-1252, ...)";
        return Err(TextError::new(kind, expected, text, at));
    };
    let bad = text[at..].char_indices().find(|&(_, c)| !writer.fits(c));
    match bad {
        Some((k, _)) => {
            let expected = if writer.is_ascii() {
                "a character US-ASCII can encode"
            } else {
                "a character the charset can encode"
            };
            Err(TextError::new(kind, expected, text, at + k))
        }
        None => Ok(()),
    }
}

fn flag_key(flag: &Flag, set: bool) -> SearchKey {
    use SearchKey as K;
    match (flag, set) {
        (Flag::Seen, true) => K::Seen,
        (Flag::Seen, false) => K::Unseen,
        (Flag::Answered, true) => K::Answered,
        (Flag::Answered, false) => K::Unanswered,
        (Flag::Flagged, true) => K::Flagged,
        (Flag::Flagged, false) => K::Unflagged,
        (Flag::Deleted, true) => K::Deleted,
        (Flag::Deleted, false) => K::Undeleted,
        (Flag::Draft, true) => K::Draft,
        (Flag::Draft, false) => K::Undraft,
        (Flag::Recent, true) => K::Recent,
        (Flag::Recent, false) => K::Old,
        (Flag::Keyword(a), true) => K::Keyword(a.clone()),
        (Flag::Keyword(a), false) => K::Unkeyword(a.clone()),
        (Flag::Extension(a), true) => K::Keyword(a.clone()),
        (Flag::Extension(a), false) => K::Unkeyword(a.clone()),
    }
}

/// Why criteria text could not be parsed: what was expected, pointing at the offending
/// character.
pub type QueryError = TextError;

/// A sort criterion, ascending.
pub fn sort_by(key: SortKey) -> SortCriterion {
    SortCriterion {
        reverse: false,
        key,
    }
}

/// A sort criterion, descending.
pub fn sort_by_reverse(key: SortKey) -> SortCriterion {
    SortCriterion { reverse: true, key }
}

/// The UIDs of a `UID SEARCH` completion, as ranges (see [`Completion::searched`]).
pub fn uids(c: &Completion) -> UidRanges {
    c.searched()
}

/// The sequence numbers of a `SEARCH` completion, as ranges.
pub fn seqs(c: &Completion) -> SeqRanges {
    c.searched()
}

/// The UIDs of a `UID SORT` completion, in the server's order.
pub fn sorted_uids(c: &Completion) -> Vec<Uid> {
    c.sorted().into_iter().filter_map(Uid::new).collect()
}

/// The sequence numbers of a `SORT` completion, in the server's order.
pub fn sorted_seqs(c: &Completion) -> Vec<SeqNum> {
    c.sorted().into_iter().filter_map(SeqNum::new).collect()
}

/// What an ESEARCH answered (RFC 4731 section 3.1; for an extended SORT, RFC 5267 section
/// 3.1: `min` and `max` are the first and last in sort order and `all` is in sort order).
/// Numbers are UIDs for the `UID` form of the command, sequence numbers otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SearchResult {
    /// `MIN`.
    pub min: Option<u32>,
    /// `MAX`.
    pub max: Option<u32>,
    /// `COUNT`.
    pub count: Option<u32>,
    /// `ALL` as the server wrote it: runs in its order (an extended SORT's order), each run
    /// ascending (RFC 5267 section 3.2). Kept as runs: a peer's `1:4294967295` is one run, never
    /// four billion numbers. Empty when not asked for or nothing matched.
    pub all: Vec<RangeInclusive<u32>>,
    /// `MODSEQ` (CONDSTORE, when the criteria held a MODSEQ key).
    pub modseq: Option<u64>,
    /// `PARTIAL` (RFC 5267 section 4.4, RFC 9394): the page asked for and the runs of results
    /// in it (empty for `NIL`).
    pub partial: Option<(PartialRange, Vec<RangeInclusive<u32>>)>,
    /// Whether the numbers are UIDs.
    pub uid: bool,
}

impl SearchResult {
    /// The numbers of [`SearchResult::all`] one by one, in order (lazily: as long as the runs
    /// are wide).
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.all.iter().flat_map(|r| r.clone())
    }
}

/// The ESEARCH result of a SEARCH or SORT with RETURN options; `None` when the server sent
/// none (only `SAVE` was asked).
pub fn esearch(c: &Completion) -> Option<SearchResult> {
    let e = c.esearch()?;
    let mut r = SearchResult {
        uid: e.uid,
        ..SearchResult::default()
    };
    for d in &e.data {
        match d {
            ESearchData::Min(n) => r.min = Some(*n),
            ESearchData::Max(n) => r.max = Some(*n),
            ESearchData::Count(n) => r.count = Some(*n),
            ESearchData::All(set) => r.all = runs(set),
            ESearchData::Partial { range, results } => {
                r.partial = Some((*range, results.as_ref().map(runs).unwrap_or_default()));
            }
            ESearchData::ModSeq(m) => r.modseq = Some(*m),
            _ => {}
        }
    }
    Some(r)
}

/// A set's runs as written, each ascending; never expanded.
fn runs(set: &NumSet<u32>) -> Vec<RangeInclusive<u32>> {
    set.items()
        .iter()
        .map(|i| {
            let (a, b) = i.bounds(u32::MAX);
            a..=b
        })
        .collect()
}

/// `CANCELUPDATE "tag" ...` (RFC 5267 section 4.3.5): no more updates for the searches sent
/// with these tags (at least one).
pub fn cancel_update_command(tags: &[Tag]) -> CommandBody {
    CommandBody::CancelUpdate(tags.iter().map(|t| Str::from(t.as_bytes())).collect())
}

/// The threads of a THREAD completion.
pub fn threads(c: &Completion) -> Vec<Thread> {
    c.threads()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_build_agree() {
        let parsed = Query::parse("SINCE 13-Jul-2013 TEXT Apress").unwrap();
        let built = Query::new()
            .since(Date::new(2013, 7, 13).unwrap())
            .text("Apress");
        assert_eq!(parsed, built);
        assert!(Query::parse("SINCE\r\nx").is_err());
        assert!(Query::parse("FROBNICATE").is_err());
        assert!(Query::new().subject("café").needs_charset());
        assert_eq!(Query::new().keys(), vec![SearchKey::All]);
    }
}
