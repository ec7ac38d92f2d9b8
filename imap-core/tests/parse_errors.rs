//! Bad input gets a typed error, never a panic or a stack overflow.
//!
//! A [`ParseError`] names what was expected and the byte offset where, and its `Display` shows
//! the offending bytes. Truncated units, arbitrary bytes (property tests through the framer and
//! the parser), mutated valid units and parentheses nested 10,000 deep all end in an error.

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use bytes::Bytes;
use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseError, ParseOptions, parse_response};
use proptest::prelude::*;

fn strict() -> ParseOptions {
    ParseOptions::strict()
}

fn tolerant() -> ParseOptions {
    ParseOptions::default()
}

/// The checks every error must pass: a sane offset and a `Display` that names the expectation
/// and the offset and shows the bytes.
fn check_error(unit: &[u8], e: &ParseError) {
    assert!(
        e.offset <= unit.len(),
        "offset {} past the unit ({})",
        e.offset,
        unit.len()
    );
    assert_eq!(e.unit_len, unit.len());
    assert!(!e.expected.is_empty());
    let shown = e.to_string();
    assert_eq!(
        shown,
        format!(
            "expected {} at byte {}: {}",
            e.expected, e.offset, e.excerpt
        )
    );
}

/// Parses `unit` with `opts`; any error is checked with [`check_error`].
fn parse(unit: &[u8], opts: &ParseOptions) -> Result<imap_core::types::Response, ParseError> {
    let bytes = Bytes::copy_from_slice(unit);
    let r = parse_response(&bytes, opts);
    if let Err(e) = &r {
        check_error(unit, e);
    }
    r
}

/// A unit as the snapshots show it.
struct Wire(Vec<u8>);

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`, by the snapshots
struct Case {
    unit: Wire,
    strict: bool,
    expected: &'static str,
    offset: usize,
    display: String,
}

/// Malformed units, each with the mode it fails in. Every one must give an error; the snapshot
/// records what was expected, where, and the message.
const BAD: &[(&[u8], bool)] = &[
    (b"\r\n", false),
    (b"* \r\n", false),
    (b"a1 MAYBE done\r\n", false),
    (b"a1 OK done", false),
    (b"* CAPABILITY IMAP4rev1\r", false),
    (b"* 0 FETCH (UID 1)\r\n", false),
    (b"* 0 EXPUNGE\r\n", false),
    (b"* 1 FETCH (UID 0)\r\n", true),
    (b"* 1 FETCH (UID)\r\n", false),
    (b"* 1 FETCH (FLAGS (\\Seen)\r\n", false),
    (b"* 1 FETCH UID 1\r\n", false),
    (b"* 1 FETCH (BODY[HEADER.FIELDS ()] \"x\")\r\n", true),
    (b"* 1 FETCH (BODY[1.HEADER.FIELD (A)] \"x\")\r\n", true),
    (b"* 1 FETCH (BODY[] \"abc)\r\n", false),
    (b"* 1 FETCH (BODY[] {10}\r\nabc)\r\n", false),
    (b"* 1 FETCH (BODY[] {99999999999}\r\n)\r\n", false),
    (b"* 1 FETCH (BODY[] {99999999999999999999}\r\n)\r\n", false),
    (b"* 1 FETCH (BODY[] {3x}\r\nabc)\r\n", false),
    (
        b"* 1 FETCH (INTERNALDATE \"32-Jan-2024 00:00:00 +0000\")\r\n",
        true,
    ),
    (
        b"* 1 FETCH (INTERNALDATE \"01-Jan-2024 25:00:00 +0000\")\r\n",
        true,
    ),
    (
        b"* 1 FETCH (INTERNALDATE \"01-Foo-2024 00:00:00 +0000\")\r\n",
        true,
    ),
    (b"* 1 FETCH (ENVELOPE (NIL NIL))\r\n", true),
    (
        b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" x))\r\n",
        true,
    ),
    (b"* 1 FETCH (MODSEQ 5)\r\n", true),
    (b"* 1 EXPUNGE extra\r\n", false),
    (b"* LIST () \"ab\" INBOX\r\n", false),
    (b"* LIST (Noselect) \"/\" INBOX\r\n", true),
    (b"* STATUS INBOX (MESSAGES x)\r\n", false),
    (b"* SEARCH 1 2 x\r\n", false),
    (b"* VANISHED (EARLIER) x\r\n", false),
    (b"* THREAD (1 (\r\n", false),
    (b"* OK [UIDNEXT abc] x\r\n", true),
    (b"* OK [PERMANENTFLAGS \\Seen] x\r\n", true),
    (b"* OK caf\xe9\r\n", true),
    (b"* OK a\x00b\r\n", true),
    (b"* LIST () \"/\" \"caf\xe9\"\r\n", true),
    (b"+\r\n", true),
    (b"* SEARCH 1 \r\n", true),
    (b"* ESEARCH UID MIN 0 MAX 0\r\n", true),
    (b"* 1 FETCH (MODSEQ (0))\r\n", true),
    (b"* OK [HIGHESTMODSEQ 0] x\r\n", true),
    (b"* SEARCH 0 2\r\n", true),
    (b"* SEARCH 1 (MODSEQ 0)\r\n", true),
    (b"* ESEARCH ALL 1 MODSEQ 0\r\n", true),
];

#[test]
fn malformed_units_name_what_was_expected() {
    let mut cases = Vec::new();
    for &(unit, strict_only) in BAD {
        let opts = if strict_only { strict() } else { tolerant() };
        let e = match parse(unit, &opts) {
            Err(e) => e,
            Ok(r) => panic!("{:?} parses: {r:?}", unit.escape_ascii().to_string()),
        };
        if !strict_only {
            // What tolerant mode rejects, strict mode rejects too.
            assert!(parse(unit, &strict()).is_err());
        } else {
            assert!(
                parse(unit, &tolerant()).is_ok(),
                "tolerant mode should accept it"
            );
        }
        cases.push(Case {
            unit: Wire(unit.to_vec()),
            strict: strict_only,
            expected: e.expected,
            offset: e.offset,
            display: e.to_string(),
        });
    }
    insta::assert_debug_snapshot!(cases);
}

#[test]
fn known_answers_for_a_few_errors() {
    let e = parse(b"* 1 FETCH (UID 0)\r\n", &strict()).unwrap_err();
    assert_eq!((e.expected, e.offset), ("non-zero number", 15));
    assert_eq!(
        e.to_string(),
        "expected non-zero number at byte 15: * 1 FETCH (UID 0)\\r\\n"
    );
    // Tolerant mode's last reading keeps the item it cannot read, raw.
    let r = parse(b"* 1 FETCH (UID 0)\r\n", &tolerant()).unwrap();
    assert!(
        format!("{r:?}").contains(r#"Other { name: "UID", value: "0" }"#),
        "{r:?}"
    );

    let e = parse(b"a1 MAYBE done\r\n", &tolerant()).unwrap_err();
    assert_eq!(e.offset, 3);
    assert!(e.expected.contains("OK"), "{}", e.expected);

    let e = parse(b"* OK caf\xe9\r\n", &strict()).unwrap_err();
    assert_eq!((e.expected, e.offset), ("7-bit text", 8));
    assert!(e.to_string().ends_with("* OK caf\\xe9\\r\\n"), "{e}");
}

/// An error far into a long unit shows the bytes around it, not only the unit's start.
#[test]
fn display_shows_the_offending_bytes_of_a_long_unit() {
    let mut unit = b"* SEARCH".to_vec();
    for n in 1..=200 {
        unit.extend_from_slice(format!(" {n}").as_bytes());
    }
    unit.extend_from_slice(b" oops\r\n");
    let e = parse(&unit, &strict()).unwrap_err();
    assert_eq!(e.expected, "CRLF");
    assert_eq!(e.offset, unit.len() - 7);
    let shown = e.to_string();
    assert!(shown.contains("199 200 oops"), "{shown}");
    assert!(!shown.contains("* SEARCH 1 2"), "{shown}");
}

/// The units of every RFC example, to cut short or mutate.
fn rfc_units() -> &'static [Vec<u8>] {
    static UNITS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    UNITS.get_or_init(load_rfc_units)
}

fn load_rfc_units() -> Vec<Vec<u8>> {
    let mut units = Vec::new();
    for name in [
        "rfc3501_section7.txt",
        "rfc3501_section7_bodystructure.txt",
        "rfc3501_section8.txt",
        "rfc9051_section7.txt",
        "rfc9051_section7_bodystructure.txt",
        "rfc9051_section8.txt",
    ] {
        let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", name]
            .iter()
            .collect();
        let text = std::fs::read_to_string(path).unwrap();
        let mut stream = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("S:") {
                stream.extend_from_slice(rest.strip_prefix(' ').unwrap_or(rest).as_bytes());
                stream.extend_from_slice(b"\r\n");
            }
        }
        units.extend(
            frame(&stream, &[stream.len()])
                .into_iter()
                .map(|u| u.to_vec()),
        );
    }
    units
}

/// Every proper prefix of every RFC example unit is an error in both modes, never a panic.
#[test]
fn truncated_units_are_errors() {
    let units = rfc_units();
    assert!(units.len() > 100);
    for unit in units {
        for end in 0..unit.len() {
            let prefix = &unit[..end];
            for opts in [strict(), tolerant()] {
                assert!(
                    parse(prefix, &opts).is_err(),
                    "prefix parses: {:?}",
                    prefix.escape_ascii().to_string()
                );
            }
        }
    }
}

/// Pushes `input` into a client framer in pieces of the given sizes (cycled) and returns the
/// units. Frame errors are allowed (arbitrary input breaks limits); they must not panic.
fn frame(input: &[u8], pieces: &[usize]) -> Vec<Bytes> {
    let limits = Limits {
        max_line: 4096,
        max_literal: 4096,
        max_unit: 16384,
        ..Limits::default()
    };
    let mut framer = Framer::new(Role::Client, limits);
    let mut units = Vec::new();
    let mut rest = input;
    let mut n = 0;
    while !rest.is_empty() {
        let take = pieces[n % pieces.len()].clamp(1, rest.len());
        n += 1;
        framer.push(&rest[..take]);
        rest = &rest[take..];
        while let Some(frame) = framer.next_frame() {
            match frame {
                Ok(Frame::Unit(u)) => units.push(u),
                Ok(_) => {}
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
    units
}

/// Frames `input` and parses every unit in both modes; errors are checked, nothing may panic.
fn frame_and_parse(input: &[u8], pieces: &[usize]) {
    for unit in frame(input, pieces) {
        for opts in [strict(), tolerant()] {
            let _ = parse(&unit, &opts);
        }
    }
}

/// Pieces of IMAP syntax, so that random sequences of them reach deep into the grammar.
const TOKENS: &[&[u8]] = &[
    b"* ",
    b"a1 ",
    b"+ ",
    b"OK ",
    b"NO ",
    b"BYE ",
    b"1 ",
    b"0 ",
    b"-1 ",
    b"4294967296 ",
    b"FETCH ",
    b"(",
    b")",
    b" ",
    b"  ",
    b"\r\n",
    b"\n",
    b"\"",
    b"\"x\" ",
    b"\\",
    b"NIL ",
    b"{3}\r\n",
    b"{0}\r\n",
    b"~{2}\r\n",
    b"[",
    b"]",
    b"<",
    b">",
    b"BODY",
    b"BODYSTRUCTURE ",
    b"ENVELOPE ",
    b"FLAGS ",
    b"\\Seen ",
    b"UID ",
    b"RFC822.SIZE ",
    b"INTERNALDATE ",
    b"\"17-Jul-1996 02:44:25 -0700\" ",
    b"BODY[HEADER.FIELDS (A B)] ",
    b"BINARY[1] ",
    b"MODSEQ ",
    b"X-GM-LABELS ",
    b"LIST ",
    b"STATUS ",
    b"SEARCH ",
    b"ESEARCH ",
    b"THREAD ",
    b"NAMESPACE ",
    b"ID ",
    b"CAPABILITY ",
    b"[ALERT] ",
    b"[PERMANENTFLAGS ",
    b"[COPYUID ",
    b"1:*,3 ",
    b"\"TEXT\" ",
    b"\"PLAIN\" ",
    b"\"MESSAGE\" \"RFC822\" ",
    b"\xc3\xa9",
    b"\xff",
    b"\0",
    b"VANISHED ",
    b"(EARLIER) ",
    b"QUOTA ",
    b"METADATA ",
    b"ACL ",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes, pushed in arbitrary pieces, never make the framer or the parser panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        input in proptest::collection::vec(any::<u8>(), 0..1024),
        pieces in proptest::collection::vec(1usize..97, 1..8),
    ) {
        frame_and_parse(&input, &pieces);
        // Each line on its own too, as if it were a complete unit.
        for line in input.split_inclusive(|&b| b == b'\n') {
            for opts in [strict(), tolerant()] {
                let _ = parse(line, &opts);
            }
        }
    }

    /// Random sequences of IMAP tokens, ended by CRLF.
    #[test]
    fn token_soup_never_panics(
        picks in proptest::collection::vec(0..TOKENS.len(), 0..64),
        pieces in proptest::collection::vec(1usize..17, 1..4),
    ) {
        let mut input: Vec<u8> = picks.iter().flat_map(|&n| TOKENS[n].iter().copied()).collect();
        input.extend_from_slice(b"\r\n");
        frame_and_parse(&input, &pieces);
        for opts in [strict(), tolerant()] {
            let _ = parse(&input, &opts);
        }
    }

    /// Valid RFC example units with bytes changed, inserted or removed.
    #[test]
    fn mutated_units_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let units = rfc_units();
        let mut unit = pick.get(units).clone();
        for (at, byte, kind) in edits {
            let i = at.index(unit.len() + 1);
            match kind {
                0 if i < unit.len() => unit[i] = byte,
                1 => unit.insert(i, byte),
                _ if i < unit.len() => { unit.remove(i); }
                _ => {}
            }
        }
        for opts in [strict(), tolerant()] {
            let _ = parse(&unit, &opts);
        }
        frame_and_parse(&unit, &[unit.len().max(1)]);
    }
}

/// `open` repeated `n` times, then `middle`, then `close` repeated `n` times, inside `head` and
/// `tail`.
fn nested(head: &str, open: &str, middle: &str, close: &str, tail: &str, n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(head.len() + tail.len() + n * (open.len() + close.len()) + 64);
    v.extend_from_slice(head.as_bytes());
    for _ in 0..n {
        v.extend_from_slice(open.as_bytes());
    }
    v.extend_from_slice(middle.as_bytes());
    for _ in 0..n {
        v.extend_from_slice(close.as_bytes());
    }
    v.extend_from_slice(tail.as_bytes());
    v
}

const DEEP: usize = 10_000;

/// Nesting 10,000 deep, wherever the grammar nests, is an error naming the nesting, in both
/// modes. Each unit goes through the framer first, as on a connection.
#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let part = "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "BODYSTRUCTURE multipart",
            nested(
                "* 1 FETCH (BODYSTRUCTURE ",
                "(",
                &format!("({part})"),
                " \"MIXED\")",
                ")\r\n",
                DEEP,
            ),
            "shallower BODYSTRUCTURE nesting",
        ),
        (
            "BODYSTRUCTURE bare parentheses",
            nested("* 1 FETCH (BODYSTRUCTURE ", "(", "", ")", ")\r\n", DEEP),
            "shallower BODYSTRUCTURE nesting",
        ),
        (
            "BODY message/rfc822",
            nested(
                "* 1 FETCH (BODY ",
                "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 1 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ",
                &format!("({part})"),
                " 1)",
                ")\r\n",
                DEEP,
            ),
            "shallower BODYSTRUCTURE nesting",
        ),
        (
            "body-extension",
            nested(
                &format!("* 1 FETCH (BODYSTRUCTURE ({part} NIL NIL NIL NIL "),
                "(",
                "1",
                ")",
                "))\r\n",
                DEEP,
            ),
            "shallower body-extension nesting",
        ),
        (
            "THREAD",
            nested("* THREAD ", "(1 ", "2", ")", "\r\n", DEEP),
            "shallower THREAD nesting",
        ),
        (
            "unknown FETCH item",
            nested("* 1 FETCH (X-FOO ", "(", "", ")", ")\r\n", DEEP),
            "shallower nesting",
        ),
        (
            "LIST extended item",
            nested("* LIST () \"/\" INBOX (X-FOO ", "(", "", ")", ")\r\n", DEEP),
            "shallower nesting",
        ),
        (
            "STATUS unknown item",
            nested("* STATUS INBOX (X-FOO ", "(", "", ")", ")\r\n", DEEP),
            "shallower nesting",
        ),
        (
            "ESEARCH unknown item",
            nested("* ESEARCH X-FOO ", "(", "", ")", "\r\n", DEEP),
            "shallower nesting",
        ),
    ];
    for (what, bytes, expected) in &cases {
        // Lines this long are over the default line limit; raise it for the test.
        let limits = Limits {
            max_line: 1 << 20,
            ..Limits::default()
        };
        let mut framer = Framer::new(Role::Client, limits);
        framer.push(bytes);
        match framer.next_frame() {
            Some(Ok(Frame::Unit(u))) => assert_eq!(&u[..], &bytes[..], "{what}"),
            other => panic!("{what}: {other:?}"),
        }
        for opts in [strict(), tolerant()] {
            let e = parse(bytes, &opts).expect_err(what);
            assert_eq!(e.expected, *expected, "{what}: {e}");
        }
    }
}

/// Domino's wrapped FETCH items are unwrapped one level only: deeper wrapping is an error,
/// not recursion.
#[test]
fn wrapped_fetch_items_do_not_recurse() {
    let bytes = nested("* 1 FETCH ", "(", "UID 1", ")", "\r\n", DEEP);
    assert!(parse(&bytes, &tolerant()).is_err());
    assert!(parse(&bytes, &strict()).is_err());
    let two = b"* 1 FETCH ((UID 1))\r\n";
    assert!(parse(two, &tolerant()).is_ok());
    let three = b"* 1 FETCH (((UID 1)))\r\n";
    assert!(parse(three, &tolerant()).is_err());
}

/// Nesting below the limit parses: the limit is not a blanket refusal of nesting.
#[test]
fn nesting_below_the_limit_parses() {
    let part = "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1";
    let depth = ParseOptions::default().max_depth;
    let ok = nested(
        "* 1 FETCH (BODYSTRUCTURE ",
        "(",
        &format!("({part})"),
        " \"MIXED\")",
        ")\r\n",
        depth,
    );
    for opts in [strict(), tolerant()] {
        parse(&ok, &opts).unwrap();
    }
    let too_deep = nested(
        "* 1 FETCH (BODYSTRUCTURE ",
        "(",
        &format!("({part})"),
        " \"MIXED\")",
        ")\r\n",
        depth + 1,
    );
    assert!(parse(&too_deep, &tolerant()).is_err());
    // A caller may lower the limit.
    let shallow = ParseOptions {
        max_depth: 2,
        ..ParseOptions::default()
    };
    let three = nested(
        "* 1 FETCH (BODYSTRUCTURE ",
        "(",
        &format!("({part})"),
        " \"MIXED\")",
        ")\r\n",
        3,
    );
    assert_eq!(
        parse(&three, &shallow).unwrap_err().expected,
        "shallower BODYSTRUCTURE nesting"
    );
}

/// A literal that claims more bytes than the unit holds is an error, and nothing the size of
/// the claim is allocated (a claim of 2^62 bytes would abort the test if it were).
#[test]
fn literal_claims_are_not_trusted() {
    let e = parse(
        b"* 1 FETCH (BODY[] {4611686018427387904}\r\nabc)\r\n",
        &tolerant(),
    )
    .unwrap_err();
    assert_eq!(e.expected, "literal data");
    let e = parse(
        b"* 1 FETCH (BINARY[1] ~{4611686018427387904}\r\nabc)\r\n",
        &strict(),
    )
    .unwrap_err();
    assert_eq!(e.expected, "literal data");
}
