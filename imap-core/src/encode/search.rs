//! SEARCH, SORT and THREAD: criteria, return options, and the SEARCH / SORT / ESEARCH / THREAD
//! responses.

use super::writer::Writer;
use crate::types::{
    ESearch, ESearchData, PartialRange, SearchKey, SearchReturn, SortCriterion, Thread,
};

/// One `search-key`, recursively.
pub(super) fn key(w: &mut Writer<'_>, k: &SearchKey) {
    use SearchKey as K;
    match k {
        K::Bcc(s) => with_astring(w, b"BCC ", s),
        K::Before(d) => {
            w.put(b"BEFORE ");
            w.date(d);
        }
        K::Body(s) => with_astring(w, b"BODY ", s),
        K::Cc(s) => with_astring(w, b"CC ", s),
        K::From(s) => with_astring(w, b"FROM ", s),
        K::Header(name, value) => {
            w.put(b"HEADER ");
            w.astring(name);
            w.sp();
            w.astring(value);
        }
        K::Keyword(a) => {
            w.put(b"KEYWORD ");
            w.atom(a);
        }
        K::Larger(n) => {
            w.put(b"LARGER ");
            w.num(*n);
        }
        K::Not(k) => {
            w.put(b"NOT ");
            key(w, k);
        }
        K::On(d) => {
            w.put(b"ON ");
            w.date(d);
        }
        K::Or(a, b) => {
            w.put(b"OR ");
            key(w, a);
            w.sp();
            key(w, b);
        }
        K::SentBefore(d) => {
            w.put(b"SENTBEFORE ");
            w.date(d);
        }
        K::SentOn(d) => {
            w.put(b"SENTON ");
            w.date(d);
        }
        K::SentSince(d) => {
            w.put(b"SENTSINCE ");
            w.date(d);
        }
        K::Since(d) => {
            w.put(b"SINCE ");
            w.date(d);
        }
        K::Smaller(n) => {
            w.put(b"SMALLER ");
            w.num(*n);
        }
        K::Subject(s) => with_astring(w, b"SUBJECT ", s),
        K::Text(s) => with_astring(w, b"TEXT ", s),
        K::To(s) => with_astring(w, b"TO ", s),
        K::Uid(set) => {
            w.put(b"UID ");
            w.set(set);
        }
        K::Unkeyword(a) => {
            w.put(b"UNKEYWORD ");
            w.atom(a);
        }
        K::SeqSet(set) => w.set(set),
        K::SavedResult => w.byte(b'$'),
        K::And(keys) => w.paren_list(keys, key),
        K::ModSeq { entry, modseq } => {
            w.put(b"MODSEQ ");
            if let Some((name, kind)) = entry {
                w.string(name);
                w.sp();
                w.atom(kind);
                w.sp();
            }
            w.num(*modseq);
        }
        K::EmailId(a) => {
            w.put(b"EMAILID ");
            w.atom(a);
        }
        K::ThreadId(a) => {
            w.put(b"THREADID ");
            w.atom(a);
        }
        K::SavedBefore(d) => {
            w.put(b"SAVEDBEFORE ");
            w.date(d);
        }
        K::SavedOn(d) => {
            w.put(b"SAVEDON ");
            w.date(d);
        }
        K::SavedSince(d) => {
            w.put(b"SAVEDSINCE ");
            w.date(d);
        }
        K::Older(n) => {
            w.put(b"OLDER ");
            w.num32(*n);
        }
        K::Younger(n) => {
            w.put(b"YOUNGER ");
            w.num32(*n);
        }
        K::GmRaw(s) => {
            w.put(b"X-GM-RAW ");
            w.string(s);
        }
        K::GmMsgId(n) => {
            w.put(b"X-GM-MSGID ");
            w.num(*n);
        }
        K::GmThrId(n) => {
            w.put(b"X-GM-THRID ");
            w.num(*n);
        }
        K::GmLabels(s) => with_astring(w, b"X-GM-LABELS ", s),
        plain => w.put(plain.plain_name().unwrap_or_default().as_bytes()),
    }
}

fn with_astring(w: &mut Writer<'_>, keyword: &[u8], s: &crate::types::Str) {
    w.put(keyword);
    w.astring(s);
}

/// Search criteria: keys separated by spaces.
pub(super) fn keys(w: &mut Writer<'_>, keys: &[SearchKey]) {
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        key(w, k);
    }
}

/// A SEARCH `RETURN` option.
pub(super) fn search_return(w: &mut Writer<'_>, r: &SearchReturn) {
    match r {
        SearchReturn::Min => w.put(b"MIN"),
        SearchReturn::Max => w.put(b"MAX"),
        SearchReturn::All => w.put(b"ALL"),
        SearchReturn::Count => w.put(b"COUNT"),
        SearchReturn::Save => w.put(b"SAVE"),
        SearchReturn::Context => w.put(b"CONTEXT"),
        SearchReturn::Update => w.put(b"UPDATE"),
        SearchReturn::Partial(range) => {
            w.put(b"PARTIAL ");
            partial_range(w, range);
        }
        SearchReturn::Other(a) => w.atom(a),
    }
}

/// `partial-range` (RFC 9394 section 4): `a:b`, or `-a:-b` counted from the end.
fn partial_range(w: &mut Writer<'_>, range: &PartialRange) {
    for (k, bound) in [range.first, range.second].into_iter().enumerate() {
        if k == 1 {
            w.byte(b':');
        }
        if range.from_end {
            w.byte(b'-');
        }
        w.num32(bound.get());
    }
}

/// A sort criterion: `[REVERSE ]KEY`.
pub(super) fn sort_criterion(w: &mut Writer<'_>, c: &SortCriterion) {
    if c.reverse {
        w.put(b"REVERSE ");
    }
    w.put(c.key.name().as_bytes());
}

/// `SEARCH n n n [(MODSEQ m)]` or `SORT ...`.
pub(super) fn numbers(w: &mut Writer<'_>, keyword: &[u8], nums: &[u32], modseq: Option<u64>) {
    w.put(keyword);
    for n in nums {
        w.sp();
        w.num32(*n);
    }
    if let Some(m) = modseq {
        w.put(b" (MODSEQ ");
        w.num(m);
        w.byte(b')');
    }
}

/// `ESEARCH [(TAG "t")] [UID] data...`.
pub(super) fn esearch(w: &mut Writer<'_>, e: &ESearch) {
    w.put(b"ESEARCH");
    if let Some(tag) = &e.tag {
        w.put(b" (TAG ");
        w.string(tag);
        w.byte(b')');
    }
    if e.uid {
        w.put(b" UID");
    }
    for d in &e.data {
        w.sp();
        match d {
            ESearchData::Min(n) => {
                w.put(b"MIN ");
                w.num32(*n);
            }
            ESearchData::Max(n) => {
                w.put(b"MAX ");
                w.num32(*n);
            }
            ESearchData::All(set) => {
                w.put(b"ALL ");
                w.set(set);
            }
            ESearchData::Count(n) => {
                w.put(b"COUNT ");
                w.num32(*n);
            }
            ESearchData::ModSeq(n) => {
                w.put(b"MODSEQ ");
                w.num(*n);
            }
            ESearchData::Partial { range, results } => {
                w.put(b"PARTIAL (");
                partial_range(w, range);
                w.sp();
                match results {
                    Some(set) => w.set(set),
                    None => w.nil(),
                }
                w.byte(b')');
            }
            ESearchData::AddTo(updates) | ESearchData::RemoveFrom(updates) => {
                w.put(match d {
                    ESearchData::AddTo(_) => b"ADDTO (",
                    _ => b"REMOVEFROM (",
                });
                for (k, (position, set)) in updates.iter().enumerate() {
                    if k > 0 {
                        w.sp();
                    }
                    w.num32(*position);
                    w.sp();
                    w.set(set);
                }
                w.byte(b')');
            }
            ESearchData::Other { name, value } => {
                w.atom(name);
                w.sp();
                w.raw_with_literals(value.bytes());
            }
        }
    }
}

/// `THREAD [SP 1*thread-list]`.
pub(super) fn threads(w: &mut Writer<'_>, threads: &[Thread]) {
    w.put(b"THREAD");
    if !threads.is_empty() {
        w.sp();
        for t in threads {
            thread_list(w, t);
        }
    }
}

/// `(members [children])`, children adjacent: `(3 6 (4 23)(44 7 96))`. Iterative: a thread is
/// as deep as a reply tree a peer built, far deeper than the stack.
fn thread_list(w: &mut Writer<'_>, t: &Thread) {
    let open = |w: &mut Writer<'_>, t: &Thread| {
        w.byte(b'(');
        for (i, m) in t.members.iter().enumerate() {
            if i > 0 {
                w.sp();
            }
            w.num32(*m);
        }
        if !t.children.is_empty() && !t.members.is_empty() {
            w.sp();
        }
    };
    open(w, t);
    let mut stack = vec![t.children.iter()];
    while let Some(branches) = stack.last_mut() {
        match branches.next() {
            Some(c) => {
                open(w, c);
                stack.push(c.children.iter());
            }
            None => {
                stack.pop();
                w.byte(b')');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::encode::tests::{cmd, data};
    use crate::types::*;

    fn search(criteria: Vec<SearchKey>) -> String {
        cmd(CommandBody::Search {
            uid: false,
            returns: None,
            charset: None,
            criteria,
        })
    }

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn b(k: SearchKey) -> Box<SearchKey> {
        Box::new(k)
    }

    #[test]
    fn rfc_search_examples() {
        assert_eq!(
            search(vec![
                SearchKey::Flagged,
                SearchKey::Since(d(1994, 2, 1)),
                SearchKey::Not(b(SearchKey::From(Str::from("Smith")))),
            ]),
            "a1 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Search {
                uid: false,
                returns: None,
                charset: Some(Str::from("UTF-8")),
                criteria: vec![SearchKey::Text(Str::from("XXXXXX"))],
            }),
            "a1 SEARCH CHARSET UTF-8 TEXT XXXXXX\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Search {
                uid: true,
                returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
                charset: None,
                criteria: vec![
                    SearchKey::Flagged,
                    SearchKey::Since(d(1994, 2, 1)),
                    SearchKey::Not(b(SearchKey::From(Str::from("Smith"))))
                ],
            }),
            "a1 UID SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Search {
                uid: false,
                returns: Some(vec![]),
                charset: None,
                criteria: vec![SearchKey::All],
            }),
            "a1 SEARCH RETURN () ALL\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Search {
                uid: false,
                returns: Some(vec![
                    SearchReturn::Save,
                    SearchReturn::Max,
                    SearchReturn::All,
                    SearchReturn::Other(Atom::from_static("PARTIAL"))
                ]),
                charset: Some(Str::from("a b")),
                criteria: vec![SearchKey::SavedResult],
            }),
            "a1 SEARCH RETURN (SAVE MAX ALL PARTIAL) CHARSET \"a b\" $\r\n"
        );
    }

    #[test]
    fn every_key() {
        let s = Str::from;
        let kw = Atom::from_static("$Junk");
        let set = SeqSet::range(SeqNum::new(2).unwrap(), SeqNum::new(4).unwrap());
        let uids = UidSet::all();
        let cases: Vec<(SearchKey, &str)> = vec![
            (SearchKey::All, "ALL"),
            (SearchKey::Answered, "ANSWERED"),
            (SearchKey::Bcc(s("a@b")), "BCC a@b"),
            (SearchKey::Before(d(2000, 12, 31)), "BEFORE 31-Dec-2000"),
            (SearchKey::Body(s("two words")), "BODY \"two words\""),
            (SearchKey::Cc(s("")), "CC \"\""),
            (SearchKey::Deleted, "DELETED"),
            (SearchKey::Draft, "DRAFT"),
            (SearchKey::Flagged, "FLAGGED"),
            (SearchKey::From(s("NIL")), "FROM \"NIL\""),
            (
                SearchKey::Header(s("Message-ID"), s("<x@y>")),
                "HEADER Message-ID <x@y>",
            ),
            (SearchKey::Keyword(kw.clone()), "KEYWORD $Junk"),
            (SearchKey::Larger(5000), "LARGER 5000"),
            (SearchKey::New, "NEW"),
            (SearchKey::Not(b(SearchKey::Seen)), "NOT SEEN"),
            (SearchKey::Old, "OLD"),
            (SearchKey::On(d(1994, 2, 1)), "ON 1-Feb-1994"),
            (
                SearchKey::Or(
                    b(SearchKey::Seen),
                    b(SearchKey::Or(b(SearchKey::Draft), b(SearchKey::New))),
                ),
                "OR SEEN OR DRAFT NEW",
            ),
            (SearchKey::Recent, "RECENT"),
            (SearchKey::Seen, "SEEN"),
            (
                SearchKey::SentBefore(d(1994, 2, 1)),
                "SENTBEFORE 1-Feb-1994",
            ),
            (SearchKey::SentOn(d(1994, 2, 1)), "SENTON 1-Feb-1994"),
            (SearchKey::SentSince(d(1994, 2, 1)), "SENTSINCE 1-Feb-1994"),
            (SearchKey::Since(d(1994, 2, 1)), "SINCE 1-Feb-1994"),
            (SearchKey::Smaller(10), "SMALLER 10"),
            (SearchKey::Subject(s("a\r\nb")), "SUBJECT {4}\r\na\r\nb"),
            (SearchKey::Text(s("x")), "TEXT x"),
            (SearchKey::To(s("y")), "TO y"),
            (SearchKey::Uid(uids), "UID 1:*"),
            (SearchKey::Unanswered, "UNANSWERED"),
            (SearchKey::Undeleted, "UNDELETED"),
            (SearchKey::Undraft, "UNDRAFT"),
            (SearchKey::Unflagged, "UNFLAGGED"),
            (SearchKey::Unkeyword(kw), "UNKEYWORD $Junk"),
            (SearchKey::Unseen, "UNSEEN"),
            (SearchKey::SeqSet(set), "2:4"),
            (SearchKey::SavedResult, "$"),
            (
                SearchKey::And(vec![SearchKey::Seen, SearchKey::Not(b(SearchKey::Deleted))]),
                "(SEEN NOT DELETED)",
            ),
            (
                SearchKey::Or(
                    b(SearchKey::And(vec![SearchKey::Seen, SearchKey::Draft])),
                    b(SearchKey::And(vec![SearchKey::Flagged])),
                ),
                "OR (SEEN DRAFT) (FLAGGED)",
            ),
            (
                SearchKey::ModSeq {
                    entry: None,
                    modseq: 20010320162338,
                },
                "MODSEQ 20010320162338",
            ),
            (
                SearchKey::ModSeq {
                    entry: Some((s("/flags/\\draft"), Atom::from_static("all"))),
                    modseq: 620162338,
                },
                "MODSEQ \"/flags/\\\\draft\" all 620162338",
            ),
            (
                SearchKey::EmailId(Atom::from_static("M6d99ac3275bb4e")),
                "EMAILID M6d99ac3275bb4e",
            ),
            (
                SearchKey::ThreadId(Atom::from_static("T64b478a75b7ea9")),
                "THREADID T64b478a75b7ea9",
            ),
            (
                SearchKey::SavedBefore(d(2019, 3, 1)),
                "SAVEDBEFORE 1-Mar-2019",
            ),
            (SearchKey::SavedOn(d(2019, 3, 1)), "SAVEDON 1-Mar-2019"),
            (
                SearchKey::SavedSince(d(2019, 3, 1)),
                "SAVEDSINCE 1-Mar-2019",
            ),
            (SearchKey::SaveDateSupported, "SAVEDATESUPPORTED"),
            (SearchKey::Older(3600), "OLDER 3600"),
            (SearchKey::Younger(60), "YOUNGER 60"),
            (
                SearchKey::GmRaw(s("has:attachment in:unread")),
                "X-GM-RAW \"has:attachment in:unread\"",
            ),
            (SearchKey::GmRaw(s("word")), "X-GM-RAW \"word\""),
            (
                SearchKey::GmMsgId(1278455344230334865),
                "X-GM-MSGID 1278455344230334865",
            ),
            (
                SearchKey::GmThrId(1266894439832287888),
                "X-GM-THRID 1266894439832287888",
            ),
            (SearchKey::GmLabels(s("foo")), "X-GM-LABELS foo"),
        ];
        for (k, want) in cases {
            assert_eq!(search(vec![k]), format!("a1 SEARCH {want}\r\n"));
        }
    }

    #[test]
    fn sort_and_thread_commands() {
        let c = |reverse, key| SortCriterion { reverse, key };
        assert_eq!(
            cmd(CommandBody::Sort {
                uid: false,
                returns: None,
                criteria: vec![c(false, SortKey::Subject)],
                charset: Str::from("UTF-8"),
                search: vec![SearchKey::All],
            }),
            "a1 SORT (SUBJECT) UTF-8 ALL\r\n"
        );
        // ESORT (RFC 5267 section 3.3).
        assert_eq!(
            cmd(CommandBody::Sort {
                uid: true,
                returns: Some(vec![]),
                criteria: vec![c(true, SortKey::Date)],
                charset: Str::from("UTF-8"),
                search: vec![SearchKey::Undeleted],
            }),
            "a1 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Sort {
                uid: false,
                returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
                criteria: vec![c(false, SortKey::DisplayTo)],
                charset: Str::from("UTF-8"),
                search: vec![SearchKey::All],
            }),
            "a1 SORT RETURN (MIN COUNT) (DISPLAYTO) UTF-8 ALL\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Sort {
                uid: true,
                returns: None,
                criteria: vec![c(true, SortKey::Arrival), c(false, SortKey::DisplayFrom)],
                charset: Str::from("US-ASCII"),
                search: vec![
                    SearchKey::Undeleted,
                    SearchKey::Subject(Str::from("afternoon meeting"))
                ],
            }),
            "a1 UID SORT (REVERSE ARRIVAL DISPLAYFROM) US-ASCII UNDELETED SUBJECT \"afternoon meeting\"\r\n"
        );
        for (name, key) in SORT_KEYS {
            assert_eq!(
                cmd(CommandBody::Sort {
                    uid: false,
                    returns: None,
                    criteria: vec![c(false, *key)],
                    charset: Str::from("UTF-8"),
                    search: vec![SearchKey::All],
                }),
                format!("a1 SORT ({name}) UTF-8 ALL\r\n")
            );
        }
        assert_eq!(
            cmd(CommandBody::Thread {
                uid: false,
                algorithm: Atom::from_static("ORDEREDSUBJECT"),
                charset: Str::from("UTF-8"),
                search: vec![SearchKey::Since(d(1997, 11, 5))],
            }),
            "a1 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Nov-1997\r\n"
        );
        assert_eq!(
            cmd(CommandBody::Thread {
                uid: true,
                algorithm: Atom::from_static("REFERENCES"),
                charset: Str::from("US-ASCII"),
                search: vec![SearchKey::Seen, SearchKey::Deleted],
            }),
            "a1 UID THREAD REFERENCES US-ASCII SEEN DELETED\r\n"
        );
    }

    #[test]
    fn search_sort_responses() {
        assert_eq!(
            data(Data::Search {
                nums: vec![2, 84, 882],
                modseq: None
            }),
            "* SEARCH 2 84 882\r\n"
        );
        assert_eq!(
            data(Data::Search {
                nums: vec![],
                modseq: None
            }),
            "* SEARCH\r\n"
        );
        assert_eq!(
            data(Data::Search {
                nums: vec![2, 5, 6, 7, 11, 12, 18, 19, 20, 23],
                modseq: Some(917162500)
            }),
            "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n"
        );
        assert_eq!(
            data(Data::Sort {
                nums: vec![2, 84, 882],
                modseq: None
            }),
            "* SORT 2 84 882\r\n"
        );
        assert_eq!(
            data(Data::Sort {
                nums: vec![],
                modseq: None
            }),
            "* SORT\r\n"
        );
    }

    #[test]
    fn esearch_responses() {
        let all = |items: Vec<SetItem<u32>>| ESearchData::All(NumSet::new(items).unwrap());
        assert_eq!(
            data(Data::ESearch(ESearch {
                tag: Some(Str::from("A282")),
                uid: false,
                data: vec![ESearchData::Min(2), ESearchData::Count(3)],
            })),
            "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"
        );
        assert_eq!(
            data(Data::ESearch(ESearch {
                tag: Some(Str::from("A283")),
                uid: true,
                data: vec![all(vec![
                    SetItem::Single(Bound::Value(2)),
                    SetItem::Range(Bound::Value(10), Bound::Value(11))
                ])],
            })),
            "* ESEARCH (TAG \"A283\") UID ALL 2,10:11\r\n"
        );
        assert_eq!(
            data(Data::ESearch(ESearch {
                tag: Some(Str::from("A285")),
                uid: false,
                data: vec![],
            })),
            "* ESEARCH (TAG \"A285\")\r\n"
        );
        assert_eq!(
            data(Data::ESearch(ESearch {
                tag: None,
                uid: true,
                data: vec![
                    ESearchData::Max(99),
                    ESearchData::ModSeq(1236),
                    ESearchData::Other {
                        name: Atom::from_static("PARTIAL"),
                        value: Str::from("(1:10 1,3)")
                    }
                ],
            })),
            "* ESEARCH UID MAX 99 MODSEQ 1236 PARTIAL (1:10 1,3)\r\n"
        );
        assert_eq!(
            data(Data::ESearch(ESearch {
                tag: None,
                uid: false,
                data: vec![],
            })),
            "* ESEARCH\r\n"
        );
    }

    #[test]
    fn thread_responses() {
        let t = |members: Vec<u32>, children: Vec<Thread>| Thread { members, children };
        // RFC 5256 section 4 example.
        let threads = vec![
            t(vec![2], vec![]),
            t(
                vec![3, 6],
                vec![t(vec![4, 23], vec![]), t(vec![44, 7, 96], vec![])],
            ),
        ];
        assert_eq!(
            data(Data::Thread(threads)),
            "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"
        );
        let threads = vec![t(
            vec![166],
            vec![t(vec![167], vec![]), t(vec![168], vec![])],
        )];
        assert_eq!(data(Data::Thread(threads)), "* THREAD (166 (167)(168))\r\n");
        let nested = vec![t(vec![], vec![t(vec![3], vec![]), t(vec![5], vec![])])];
        assert_eq!(data(Data::Thread(nested)), "* THREAD ((3)(5))\r\n");
        assert_eq!(data(Data::Thread(vec![])), "* THREAD\r\n");
    }

    /// A reply tree 100,000 levels deep (every message answered twice, once by a leaf) encodes
    /// and drops on an ordinary test thread's stack.
    #[test]
    fn deep_thread_needs_no_deep_stack() {
        const LEVELS: u32 = 100_000;
        let leaf = |n: u32| Thread {
            members: vec![n],
            children: Vec::new(),
        };
        let mut t = leaf(2 * LEVELS);
        for level in (1..LEVELS).rev() {
            t = Thread {
                members: vec![2 * level - 1],
                children: vec![leaf(2 * level), t],
            };
        }
        let out = data(Data::Thread(vec![t]));
        assert!(out.starts_with("* THREAD (1 (2)(3 (4)(5 (6)("));
        assert!(out.ends_with(&format!(
            "(199997 (199998)(200000)){}\r\n",
            ")".repeat(99_998)
        )));
        assert_eq!(out.matches('(').count(), out.matches(')').count());
        assert_eq!(out.matches('(').count(), 2 * LEVELS as usize - 1);
    }
}
