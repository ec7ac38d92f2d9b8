//! SEARCH criteria (`search-key`), SEARCH return options, charsets and SORT criteria, as the
//! server reads them in SEARCH, SORT and THREAD commands (RFC 9051 sections 6.4.4 and 9, RFC 3501
//! section 9, RFC 4466, RFC 4731, RFC 5182, RFC 5256, RFC 7162, RFC 8474, RFC 8514, RFC 5032 and
//! Gmail's X-GM-EXT-1).
//!
//! Criteria nest (`NOT`, `OR`, parentheses); every level of nesting counts against
//! [`ParseOptions::max_depth`](super::ParseOptions::max_depth), so hostile input is an error,
//! never a stack overflow.

use super::core::{
    advance, astring, at_eol, at_keyword, atom, atom_bytes, cut, date, fail, gm_label, lenient,
    modseq, number64, nz_number, paren_list, peek, quoted, seq_set, slice, sp, string, tag_no_case,
    upper,
};
use super::{Input, PResult};
use crate::types::{Atom, SORT_KEYS, SearchKey, SearchReturn, SortCriterion, Str};

// SP value (SP = %x20, RFC 5234; tolerant mode accepts a run of spaces)
/// `SP value`.
fn arg<T>(i: &mut Input<'_>, value: impl FnOnce(&mut Input<'_>) -> PResult<T>) -> PResult<T> {
    sp(i)?;
    value(i)
}

// search-key = "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date / "BODY" SP astring /
//   "CC" SP astring / "DELETED" / "FLAGGED" / "FROM" SP astring / "KEYWORD" SP flag-keyword /
//   "ON" SP date / "SEEN" / "SINCE" SP date / "SUBJECT" SP astring / "TEXT" SP astring /
//   "TO" SP astring / "UNANSWERED" / "UNDELETED" / "UNFLAGGED" / "UNKEYWORD" SP flag-keyword /
//   "UNSEEN" / "DRAFT" / "HEADER" SP header-fld-name SP astring / "LARGER" SP number64 /
//   "NOT" SP search-key / "OR" SP search-key SP search-key / "SENTBEFORE" SP date /
//   "SENTON" SP date / "SENTSINCE" SP date / "SMALLER" SP number64 / "UID" SP sequence-set /
//   "UNDRAFT" / sequence-set / "(" search-key *(SP search-key) ")"     (RFC 9051 section 9)
// search-key =/ "NEW" / "OLD" / "RECENT"                              (RFC 3501 section 9)
// sequence-set =/ seq-last-command ; seq-last-command = "$"           (RFC 5182 section 3)
// search-key =/ "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer
//                                                                     (RFC 7162 section 7)
// search-key =/ "EMAILID" SP objectid / "THREADID" SP objectid        (RFC 8474 section 7)
// search-key =/ "SAVEDBEFORE" SP date / "SAVEDON" SP date / "SAVEDSINCE" SP date /
//   "SAVEDATESUPPORTED"                                               (RFC 8514 section 5)
// search-key =/ ("OLDER" / "YOUNGER") SP nz-number                   (RFC 5032 section 3)
// search-key =/ "X-GM-RAW" SP astring / "X-GM-MSGID" SP number64 / "X-GM-THRID" SP number64 /
//   "X-GM-LABELS" SP label                                            (Gmail X-GM-EXT-1)
/// One search criterion. `depth` is the nesting level of the key (0 at the top level); deeper
/// than `max_depth` is an error.
///
/// `UID $` is read as [`SearchKey::SavedResult`]: the saved result is a set of messages, so
/// RFC 5182 section 2.1 makes `UID $` and `$` mean the same.
pub(super) fn search_key(i: &mut Input<'_>, depth: usize) -> PResult<SearchKey> {
    use SearchKey as K;
    // Only the nesting forms are handled here, so that each level of recursion costs a small
    // stack frame; every other key is read by `leaf_key`.
    if depth > i.state.opts.max_depth {
        return cut(i, "shallower nesting");
    }
    if peek(i) == Some(b'(') {
        let start = *i;
        let keys = paren_list(i, |i| search_key(i, depth + 1))?;
        if keys.is_empty() {
            return fail(&start, "search key");
        }
        return Ok(K::And(keys));
    }
    if at_keyword(i, "NOT") {
        advance(i, 3);
        return Ok(K::Not(Box::new(arg(i, |i| search_key(i, depth + 1))?)));
    }
    if at_keyword(i, "OR") {
        advance(i, 2);
        let a = arg(i, |i| search_key(i, depth + 1))?;
        let b = arg(i, |i| search_key(i, depth + 1))?;
        return Ok(K::Or(Box::new(a), Box::new(b)));
    }
    leaf_key(i)
}

// search-key, all alternatives but "NOT" SP search-key / "OR" SP search-key SP search-key /
// "(" search-key *(SP search-key) ")" (see search_key above for the rules and their RFCs)
/// A search key that does not nest (anything but `NOT`, `OR` and parentheses).
#[inline(never)]
fn leaf_key(i: &mut Input<'_>) -> PResult<SearchKey> {
    use SearchKey as K;
    match peek(i) {
        Some(b'$') => {
            advance(i, 1);
            return Ok(K::SavedResult);
        }
        Some(b'0'..=b'9' | b'*') => return seq_set(i).map(K::SeqSet),
        _ => {}
    }
    let start = *i;
    let Ok(word) = atom_bytes(i) else {
        return fail(&start, "search key");
    };
    let mut buf = [0u8; 20];
    Ok(match upper(word, &mut buf) {
        b"BCC" => K::Bcc(arg(i, astring)?),
        b"BEFORE" => K::Before(arg(i, date)?),
        b"BODY" => K::Body(arg(i, astring)?),
        b"CC" => K::Cc(arg(i, astring)?),
        b"FROM" => K::From(arg(i, astring)?),
        b"HEADER" => {
            let name = arg(i, astring)?;
            K::Header(name, arg(i, astring)?)
        }
        b"KEYWORD" => K::Keyword(arg(i, atom)?),
        b"LARGER" => K::Larger(arg(i, number64)?),
        b"ON" => K::On(arg(i, date)?),
        b"SENTBEFORE" => K::SentBefore(arg(i, date)?),
        b"SENTON" => K::SentOn(arg(i, date)?),
        b"SENTSINCE" => K::SentSince(arg(i, date)?),
        b"SINCE" => K::Since(arg(i, date)?),
        b"SMALLER" => K::Smaller(arg(i, number64)?),
        b"SUBJECT" => K::Subject(arg(i, astring)?),
        b"TEXT" => K::Text(arg(i, astring)?),
        b"TO" => K::To(arg(i, astring)?),
        b"UID" => {
            sp(i)?;
            if peek(i) == Some(b'$') {
                advance(i, 1);
                K::SavedResult
            } else {
                K::Uid(seq_set(i)?)
            }
        }
        b"UNKEYWORD" => K::Unkeyword(arg(i, atom)?),
        b"MODSEQ" => search_modseq(i)?,
        b"EMAILID" => K::EmailId(arg(i, objectid)?),
        b"THREADID" => K::ThreadId(arg(i, objectid)?),
        b"SAVEDBEFORE" => K::SavedBefore(arg(i, date)?),
        b"SAVEDON" => K::SavedOn(arg(i, date)?),
        b"SAVEDSINCE" => K::SavedSince(arg(i, date)?),
        b"OLDER" => K::Older(arg(i, nz_number)?.get()),
        b"YOUNGER" => K::Younger(arg(i, nz_number)?.get()),
        b"X-GM-RAW" => K::GmRaw(arg(i, astring)?),
        b"X-GM-MSGID" => K::GmMsgId(arg(i, number64)?),
        b"X-GM-THRID" => K::GmThrId(arg(i, number64)?),
        b"X-GM-LABELS" => K::GmLabels(arg(i, gm_label)?),
        _ => match SearchKey::from_plain_name(word) {
            Some(key) => key,
            None => return fail(&start, "search key"),
        },
    })
}

// search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer
// search-modseq-ext = SP entry-name SP entry-type-req
// entry-name = DQUOTE "/flags/" attr-flag DQUOTE ; entry-type-req = "priv" / "shared" / "all"
// (RFC 7162 section 7)
/// The arguments of `MODSEQ` (the keyword is consumed).
fn search_modseq(i: &mut Input<'_>) -> PResult<SearchKey> {
    sp(i)?;
    let entry = if peek(i) == Some(b'"') {
        let name = quoted(i)?;
        sp(i)?;
        let start = *i;
        let kind = atom(i)?;
        if !["priv", "shared", "all"]
            .iter()
            .any(|k| kind.eq_ignore_ascii_case(k))
        {
            return fail(&start, "priv, shared or all");
        }
        sp(i)?;
        Some((Str::new(name), kind))
    } else {
        None
    };
    Ok(SearchKey::ModSeq {
        entry,
        modseq: modseq(i)?,
    })
}

// objectid = 1*255(ALPHA / DIGIT / "_" / "-") (RFC 8474 section 7). Tolerated: any atom.
/// An object identifier (EMAILID, THREADID).
fn objectid(i: &mut Input<'_>) -> PResult<Atom> {
    let start = *i;
    let a = atom(i)?;
    let valid = a.as_bytes().len() <= 255
        && a.as_bytes()
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid || lenient(i) {
        Ok(a)
    } else {
        cut(&start, "object id")
    }
}

// search-key *(SP search-key) (the tail of search-program, RFC 9051 section 9, and of
// search-criteria, RFC 5256 section 5)
/// One or more criteria, up to the end of the line.
pub(super) fn search_keys(i: &mut Input<'_>) -> PResult<Vec<SearchKey>> {
    let mut keys = vec![search_key(i, 0)?];
    while !at_eol(i) {
        sp(i)?;
        keys.push(search_key(i, 0)?);
    }
    Ok(keys)
}

// search-program = ["CHARSET" SP charset SP] search-key *(SP search-key) (RFC 9051 section 9)
/// The charset, if one is given, and the criteria of a SEARCH.
pub(super) fn search_program(i: &mut Input<'_>) -> PResult<(Option<Str>, Vec<SearchKey>)> {
    let charset = if at_keyword(i, "CHARSET") {
        advance(i, 7);
        let c = arg(i, charset)?;
        sp(i)?;
        Some(c)
    } else {
        None
    };
    Ok((charset, search_keys(i)?))
}

// charset = atom / quoted (RFC 9051 section 9); RFC 3501 section 9 has
// "CHARSET" SP astring, so a literal is accepted too.
/// A charset name.
pub(super) fn charset(i: &mut Input<'_>) -> PResult<Str> {
    match peek(i) {
        Some(b'"' | b'{') => string(i),
        _ => {
            let a = atom_bytes(i).or_else(|_| fail(i, "charset"))?;
            Ok(Str::new(slice(i, a)))
        }
    }
}

// search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"
// search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE" / search-ret-opt-ext
// search-ret-opt-ext = search-modifier-name [SP search-mod-params]
// (RFC 9051 section 9, RFC 4466 section 3, RFC 4731 section 4, RFC 5182 section 3)
/// `RETURN (...)`, from the `RETURN` keyword on. An option with parameters (`search-mod-params`)
/// is an error: [`SearchReturn::Other`] holds only a name.
pub(super) fn search_return_opts(i: &mut Input<'_>) -> PResult<Vec<SearchReturn>> {
    tag_no_case(i, "RETURN")?;
    sp(i)?;
    paren_list(i, search_return_opt)
}

// search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE" / search-ret-opt-ext
// (RFC 9051 section 9, RFC 5182 section 3) ; search-return-opt =/ modifier-context /
// modifier-partial / modifier-update ; modifier-context = "CONTEXT" ; modifier-update =
// "UPDATE" ; modifier-partial = "PARTIAL" SP partial-range (RFC 5267 section 5, RFC 9394)
/// One `search-return-opt`.
fn search_return_opt(i: &mut Input<'_>) -> PResult<SearchReturn> {
    let start = *i;
    let a = atom(i).or_else(|_| fail(&start, "search return option"))?;
    let mut buf = [0u8; 8];
    let opt = match upper(a.as_bytes(), &mut buf) {
        b"MIN" => SearchReturn::Min,
        b"MAX" => SearchReturn::Max,
        b"ALL" => SearchReturn::All,
        b"COUNT" => SearchReturn::Count,
        b"SAVE" => SearchReturn::Save,
        b"CONTEXT" => SearchReturn::Context,
        b"UPDATE" => SearchReturn::Update,
        b"PARTIAL" => {
            sp(i)?;
            return Ok(SearchReturn::Partial(super::response::partial_range(i)?));
        }
        _ => SearchReturn::Other(a),
    };
    if has_ext_value(i) {
        return cut(i, "search return option without parameters");
    }
    Ok(opt)
}

// SP tagged-ext-val ; tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"
// tagged-ext-simple = sequence-set / number / number64 (RFC 4466 section 3)
/// Whether the input is at `SP tagged-ext-val` (a number, a sequence set or a parenthesized
/// list; RFC 4466 section 3), the parameters of an extension option.
pub(super) fn has_ext_value(i: &Input<'_>) -> bool {
    let mut look = *i;
    sp(&mut look).is_ok() && matches!(peek(&look), Some(b'(' | b'0'..=b'9' | b'*' | b'$'))
}

// sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"
// sort-criterion = ["REVERSE" SP] sort-key
// sort-key = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO"
// (RFC 5256 section 5); sort-key =/ "DISPLAYFROM" / "DISPLAYTO" (RFC 5957 section 4)
/// SORT criteria (at least one).
pub(super) fn sort_criteria(i: &mut Input<'_>) -> PResult<Vec<SortCriterion>> {
    let start = *i;
    let v = paren_list(i, sort_criterion)?;
    if v.is_empty() {
        return fail(&start, "sort criterion");
    }
    Ok(v)
}

// sort-criterion = ["REVERSE" SP] sort-key (RFC 5256 section 5)
/// One `sort-criterion`.
fn sort_criterion(i: &mut Input<'_>) -> PResult<SortCriterion> {
    let reverse = at_keyword(i, "REVERSE");
    if reverse {
        advance(i, 7);
        sp(i)?;
    }
    let start = *i;
    let name = atom_bytes(i).or_else(|_| fail(&start, "sort key"))?;
    match SORT_KEYS
        .iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
    {
        Some(&(_, key)) => Ok(SortCriterion { reverse, key }),
        None => fail(&start, "sort key"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::core::testing::run_on;
    use super::super::{Ctx, ParseOptions};
    use super::*;
    use crate::types::{Date, SeqNum, SeqSet, SortKey, Uid, UidSet};
    use bytes::Bytes;

    fn key(s: &str) -> SearchKey {
        let (k, rest) = run_on(s.as_bytes(), true, |i| search_key(i, 0)).unwrap();
        assert!(
            rest.is_empty(),
            "{s}: left {:?}",
            rest.escape_ascii().to_string()
        );
        k
    }

    fn keys(s: &str) -> Vec<SearchKey> {
        let mut bytes = s.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        let (k, rest) = run_on(&bytes, true, search_keys).unwrap();
        assert_eq!(rest, b"\r\n");
        k
    }

    fn date(y: u16, m: u8, d: u8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    fn s(v: &str) -> Str {
        Str::from(v)
    }

    fn a(v: &str) -> Atom {
        Atom::try_from(v).unwrap()
    }

    #[test]
    fn simple_keys() {
        use SearchKey as K;
        let table: Vec<(&str, SearchKey)> = vec![
            ("ALL", K::All),
            ("answered", K::Answered),
            ("BCC \"a b\"", K::Bcc(s("a b"))),
            ("BEFORE 1-Feb-1994", K::Before(date(1994, 2, 1))),
            ("BODY x", K::Body(s("x"))),
            ("CC {3}\r\nabc", K::Cc(s("abc"))),
            ("DELETED", K::Deleted),
            ("DRAFT", K::Draft),
            ("FLAGGED", K::Flagged),
            ("FROM \"Smith\"", K::From(s("Smith"))),
            (
                "HEADER Message-ID <a@b>",
                K::Header(s("Message-ID"), s("<a@b>")),
            ),
            ("KEYWORD $Junk", K::Keyword(a("$Junk"))),
            ("LARGER 50000", K::Larger(50000)),
            ("NEW", K::New),
            ("OLD", K::Old),
            ("ON \"5-Mar-2000\"", K::On(date(2000, 3, 5))),
            ("RECENT", K::Recent),
            ("SEEN", K::Seen),
            ("SENTBEFORE 1-Jan-2000", K::SentBefore(date(2000, 1, 1))),
            ("SENTON 1-Jan-2000", K::SentOn(date(2000, 1, 1))),
            ("SENTSINCE 1-Jan-2000", K::SentSince(date(2000, 1, 1))),
            ("SINCE 5-MAR-2000", K::Since(date(2000, 3, 5))),
            ("SMALLER 4096", K::Smaller(4096)),
            ("SUBJECT afternoon", K::Subject(s("afternoon"))),
            (
                "TEXT \"string not in mailbox\"",
                K::Text(s("string not in mailbox")),
            ),
            ("TO mooch", K::To(s("mooch"))),
            ("UID 443:557", K::Uid(UidSet::range(uid(443), uid(557)))),
            ("UNANSWERED", K::Unanswered),
            ("UNDELETED", K::Undeleted),
            ("UNDRAFT", K::Undraft),
            ("UNFLAGGED", K::Unflagged),
            ("UNKEYWORD $Forwarded", K::Unkeyword(a("$Forwarded"))),
            ("UNSEEN", K::Unseen),
            ("2:4", K::SeqSet(SeqSet::range(seq(2), seq(4)))),
            ("$", K::SavedResult),
            ("UID $", K::SavedResult),
            (
                "MODSEQ 720162338",
                K::ModSeq {
                    entry: None,
                    modseq: 720162338,
                },
            ),
            (
                "MODSEQ \"/flags/\\\\draft\" all 620162338",
                K::ModSeq {
                    entry: Some((s("/flags/\\draft"), a("all"))),
                    modseq: 620162338,
                },
            ),
            ("EMAILID M6d99ac3275bb4e", K::EmailId(a("M6d99ac3275bb4e"))),
            (
                "THREADID T64b478a75b7ea9",
                K::ThreadId(a("T64b478a75b7ea9")),
            ),
            ("SAVEDBEFORE 1-Jan-2019", K::SavedBefore(date(2019, 1, 1))),
            ("SAVEDON 1-Jan-2019", K::SavedOn(date(2019, 1, 1))),
            ("SAVEDSINCE 1-Jan-2019", K::SavedSince(date(2019, 1, 1))),
            ("SAVEDATESUPPORTED", K::SaveDateSupported),
            ("OLDER 3600", K::Older(3600)),
            ("YOUNGER 259200", K::Younger(259200)),
            (
                "X-GM-RAW \"has:attachment in:unread\"",
                K::GmRaw(s("has:attachment in:unread")),
            ),
            (
                "X-GM-MSGID 1278455344230334865",
                K::GmMsgId(1278455344230334865),
            ),
            (
                "X-GM-THRID 1266894439832287888",
                K::GmThrId(1266894439832287888),
            ),
            ("X-GM-LABELS \\Important", K::GmLabels(s("\\Important"))),
            (
                "x-gm-labels \"Muy importante\"",
                K::GmLabels(s("Muy importante")),
            ),
        ];
        for (text, want) in table {
            assert_eq!(key(text), want, "{text}");
        }
    }

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    fn seq(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    #[test]
    fn nested_keys() {
        use SearchKey as K;
        // RFC 7162 section 3.1.5, example 15.
        assert_eq!(
            keys("OR NOT MODSEQ 720162338 LARGER 50000"),
            vec![K::Or(
                Box::new(K::Not(Box::new(K::ModSeq {
                    entry: None,
                    modseq: 720162338
                }))),
                Box::new(K::Larger(50000)),
            )]
        );
        // RFC 9051 section 6.4.4.1 (SEARCHRES).
        assert_eq!(
            keys("(OR $ 1,3000:3021) TEXT {8}\r\nмать"),
            vec![
                K::And(vec![K::Or(
                    Box::new(K::SavedResult),
                    Box::new(K::SeqSet(NumSetBuilder::seq(&[(1, 1), (3000, 3021)]),)),
                )]),
                K::Text(Str::from("мать")),
            ]
        );
        assert_eq!(
            keys("FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\""),
            vec![
                K::Flagged,
                K::Since(date(1994, 2, 1)),
                K::Not(Box::new(K::From(s("Smith")))),
            ]
        );
    }

    /// Builds sequence sets from `(a, b)` pairs (`a == b` for a single number).
    struct NumSetBuilder;

    impl NumSetBuilder {
        fn seq(items: &[(u32, u32)]) -> SeqSet {
            use crate::types::{Bound, NumSet, SetItem};
            let v = items
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        SetItem::Single(Bound::Value(seq(a)))
                    } else {
                        SetItem::Range(Bound::Value(seq(a)), Bound::Value(seq(b)))
                    }
                })
                .collect();
            NumSet::new(v).unwrap()
        }
    }

    #[test]
    fn errors_name_what_was_expected() {
        let e = run_on(b"FOO", true, |i| search_key(i, 0)).unwrap_err();
        assert!(e.contains("search key"), "{e}");
        let e = run_on(b"()", true, |i| search_key(i, 0)).unwrap_err();
        assert!(e.contains("search key"), "{e}");
        let e = run_on(b"SINCE yesterday", true, |i| search_key(i, 0)).unwrap_err();
        assert!(e.contains("day"), "{e}");
        let e = run_on(b"MODSEQ \"/flags/\\\\seen\" both 5", true, |i| {
            search_key(i, 0)
        })
        .unwrap_err();
        assert!(e.contains("priv, shared or all"), "{e}");
        let e = run_on(b"EMAILID a.b", true, |i| search_key(i, 0)).unwrap_err();
        assert!(e.contains("object id"), "{e}");
        assert!(run_on(b"EMAILID a.b", false, |i| search_key(i, 0)).is_ok());
        assert!(run_on(b"OLDER 0", true, |i| search_key(i, 0)).is_err());
    }

    fn run_depth<T>(
        bytes: &[u8],
        max_depth: usize,
        p: impl FnOnce(&mut Input<'_>) -> PResult<T>,
    ) -> PResult<T> {
        let unit = Bytes::copy_from_slice(bytes);
        let opts = ParseOptions {
            max_depth,
            ..ParseOptions::default()
        };
        let mut i = Input {
            input: &unit[..],
            state: Ctx::new(&unit, &opts),
        };
        p(&mut i)
    }

    #[test]
    fn nesting_is_bounded() {
        // Exactly at the limit is fine; one more level is an error.
        let ok = format!("{}ALL{}", "(".repeat(8), ")".repeat(8));
        assert!(run_depth(ok.as_bytes(), 8, |i| search_key(i, 0)).is_ok());
        let deep = format!("{}ALL{}", "(".repeat(9), ")".repeat(9));
        assert!(run_depth(deep.as_bytes(), 8, |i| search_key(i, 0)).is_err());
        // Hostile input: a million levels of each kind never overflow the stack.
        let parens = "(".repeat(1_000_000);
        assert!(run_depth(parens.as_bytes(), 64, |i| search_key(i, 0)).is_err());
        let nots = "NOT ".repeat(1_000_000);
        assert!(run_depth(nots.as_bytes(), 64, |i| search_key(i, 0)).is_err());
        let ors = "OR ".repeat(1_000_000);
        assert!(run_depth(ors.as_bytes(), 64, |i| search_key(i, 0)).is_err());
        let e = run_depth(parens.as_bytes(), 64, |i| search_key(i, 0)).unwrap_err();
        assert!(format!("{e:?}").contains("shallower nesting"));
    }

    #[test]
    fn programs_and_charsets() {
        let (p, _) = run_on(b"CHARSET UTF-8 TEXT x\r\n", true, search_program).unwrap();
        assert_eq!(p.0, Some(s("UTF-8")));
        let (p, _) = run_on(b"charset \"KOI8-R\" ALL\r\n", true, search_program).unwrap();
        assert_eq!(p.0, Some(s("KOI8-R")));
        let (p, _) = run_on(b"CHARSET {5}\r\nUTF-8 ALL\r\n", true, search_program).unwrap();
        assert_eq!(p.0, Some(s("UTF-8")));
        let (p, _) = run_on(b"ALL\r\n", true, search_program).unwrap();
        assert_eq!(p, (None, vec![SearchKey::All]));
        assert!(run_on(b"CHARSET UTF-8\r\n", true, search_program).is_err());
    }

    #[test]
    fn return_options() {
        let (r, _) = run_on(
            b"RETURN (MIN max ALL Count SAVE X-FOO)",
            true,
            search_return_opts,
        )
        .unwrap();
        assert_eq!(
            r,
            vec![
                SearchReturn::Min,
                SearchReturn::Max,
                SearchReturn::All,
                SearchReturn::Count,
                SearchReturn::Save,
                SearchReturn::Other(a("X-FOO")),
            ]
        );
        let (r, _) = run_on(b"RETURN ()", true, search_return_opts).unwrap();
        assert!(r.is_empty());
        let e = run_on(b"RETURN (X-FOO 1:100)", true, search_return_opts).unwrap_err();
        assert!(e.contains("without parameters"), "{e}");
        // CONTEXT=SEARCH (RFC 5267 section 5) and RFC 9394's PARTIAL.
        let (r, _) = run_on(
            b"RETURN (context update partial 1:500 PARTIAL -1:-100)",
            true,
            search_return_opts,
        )
        .unwrap();
        let page = |from_end, a, b| {
            SearchReturn::Partial(crate::types::PartialRange {
                from_end,
                first: std::num::NonZeroU32::new(a).unwrap(),
                second: std::num::NonZeroU32::new(b).unwrap(),
            })
        };
        assert_eq!(
            r,
            [
                SearchReturn::Context,
                SearchReturn::Update,
                page(false, 1, 500),
                page(true, 1, 100)
            ]
        );
        assert!(run_on(b"RETURN (PARTIAL 0:5)", true, search_return_opts).is_err());
        assert!(run_on(b"RETURN (PARTIAL)", true, search_return_opts).is_err());
    }

    #[test]
    fn sort_criteria_forms() {
        let (c, _) = run_on(b"(SUBJECT REVERSE DATE displayfrom)", true, sort_criteria).unwrap();
        assert_eq!(
            c,
            vec![
                SortCriterion {
                    reverse: false,
                    key: SortKey::Subject
                },
                SortCriterion {
                    reverse: true,
                    key: SortKey::Date
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayFrom
                },
            ]
        );
        assert!(run_on(b"()", true, sort_criteria).is_err());
        let e = run_on(b"(REVERSE SHOESIZE)", true, sort_criteria).unwrap_err();
        assert!(e.contains("sort key"), "{e}");
    }
}
