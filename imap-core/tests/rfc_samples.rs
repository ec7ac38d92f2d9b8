//! The server side of the RFC examples, through the framer and the response parser.
//!
//! `tests/data/*.txt` hold every server line of the sample sessions of RFC 3501 section 8 and
//! RFC 9051 section 8, and of the examples of section 7 of both RFCs, extracted from the RFC
//! text (see the header of `tests/data/rfc3501_section7.txt` for the format, and each file's
//! comments for how wrapped lines and literals were reconstructed).
//!
//! Each file is framed twice, pushed whole and pushed one byte at a time, and both must give
//! the same units, which together must be the whole file. Every unit is parsed in strict
//! mode, unless the data file marks it `#tolerant:` because the RFC example itself is not
//! valid under the RFC grammar; then strict mode must reject it and tolerant mode parse it.
//! Strict-valid units must parse to the same value in tolerant mode. The parsed responses are
//! snapshotted, one snapshot per data file.

use std::fmt;
use std::path::PathBuf;

use bytes::Bytes;
use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseOptions, parse_response};
use imap_core::types::{Data, Response};

/// One data file, turned into the bytes a server would send.
struct DataFile {
    /// The reconstructed byte stream (every `S:` line plus CRLF).
    bytes: Vec<u8>,
    /// Units the file marks as tolerant: byte offset of the unit's first line, and why.
    tolerant: Vec<(usize, String)>,
}

fn load(name: &str) -> DataFile {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut bytes = Vec::new();
    let mut tolerant = Vec::new();
    let mut pending: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(reason) = line.strip_prefix("#tolerant:") {
            assert!(pending.is_none(), "{name}:{}: two #tolerant markers", n + 1);
            pending = Some(reason.trim().to_owned());
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if let Some(rest) = line.strip_prefix("S:") {
            if let Some(reason) = pending.take() {
                tolerant.push((bytes.len(), reason));
            }
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            bytes.extend_from_slice(rest.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        } else {
            panic!("{name}:{}: not a comment nor an S: line: {line:?}", n + 1);
        }
    }
    assert!(pending.is_none(), "{name}: #tolerant marker at the end");
    DataFile { bytes, tolerant }
}

/// Frames `input`, pushed in pieces of `piece` bytes, into units. Any frame error fails.
fn frame(input: &[u8], piece: usize) -> Vec<Bytes> {
    let mut framer = Framer::new(Role::Client, Limits::default());
    let mut units = Vec::new();
    for chunk in input.chunks(piece) {
        framer.push(chunk);
        while let Some(frame) = framer.next_frame() {
            match frame {
                Ok(Frame::Unit(unit)) => units.push(unit),
                Ok(other) => panic!("unexpected frame {other:?}"),
                Err(e) => panic!("frame error: {e}"),
            }
        }
    }
    assert_eq!(framer.buffered_len(), 0, "bytes left in the framer");
    units
}

/// A unit as it appears in the snapshot: its bytes, escaped, on one line.
struct Wire(Bytes);

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

/// How a unit was parsed.
#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`, by the snapshots
enum Mode {
    /// Strict mode: the RFC example is valid grammar.
    Strict,
    /// Tolerant mode, because the example deviates from the grammar; strict mode's error.
    Tolerant { why: String, strict_error: String },
}

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`, by the snapshots
struct Sample {
    unit: Wire,
    mode: Mode,
    response: Response,
}

/// Frames and parses one data file, checking everything the module doc promises.
fn run(name: &str) -> Vec<Sample> {
    let file = load(name);
    let whole = frame(&file.bytes, file.bytes.len().max(1));
    let bytewise = frame(&file.bytes, 1);
    assert_eq!(
        whole, bytewise,
        "{name}: framing depends on how bytes arrive"
    );
    assert_eq!(
        whole.concat(),
        file.bytes,
        "{name}: units do not cover the file"
    );

    let strict = ParseOptions::strict();
    let tolerant = ParseOptions::default();
    let mut offset = 0;
    let mut marks = file.tolerant.iter().peekable();
    let mut samples = Vec::with_capacity(whole.len());
    for unit in whole {
        let start = offset;
        offset += unit.len();
        let mark = marks.next_if(|(at, _)| *at == start);
        assert!(
            marks.peek().is_none_or(|(at, _)| *at >= offset),
            "{name}: a #tolerant marker is not on the first line of a unit"
        );
        let text = unit.escape_ascii().to_string();
        let (mode, response) = match mark {
            None => {
                let strict_parse = parse_response(&unit, &strict).unwrap_or_else(|e| {
                    panic!("{name}: strict mode rejects an RFC example: {text}\n{e}")
                });
                let tolerant_parse = parse_response(&unit, &tolerant)
                    .unwrap_or_else(|e| panic!("{name}: tolerant mode rejects {text}\n{e}"));
                assert_eq!(
                    strict_parse, tolerant_parse,
                    "{name}: strict and tolerant modes disagree on {text}"
                );
                (Mode::Strict, strict_parse)
            }
            Some((_, why)) => {
                let strict_error = match parse_response(&unit, &strict) {
                    Err(e) => e.to_string(),
                    Ok(r) => {
                        panic!("{name}: marked #tolerant but strict mode accepts it: {text}\n{r:?}")
                    }
                };
                let parsed = parse_response(&unit, &tolerant)
                    .unwrap_or_else(|e| panic!("{name}: tolerant mode rejects {text}\n{e}"));
                (
                    Mode::Tolerant {
                        why: why.clone(),
                        strict_error,
                    },
                    parsed,
                )
            }
        };
        samples.push(Sample {
            unit: Wire(unit),
            mode,
            response,
        });
    }
    assert!(
        marks.next().is_none(),
        "{name}: a #tolerant marker matched no unit"
    );
    samples
}

#[test]
fn rfc3501_section7_examples() {
    let samples = run("rfc3501_section7.txt");
    assert_eq!(samples.len(), 29);
    insta::assert_debug_snapshot!(samples);
}

#[test]
fn rfc3501_section7_bodystructure_examples() {
    let samples = run("rfc3501_section7_bodystructure.txt");
    assert_eq!(samples.len(), 2);
    insta::assert_debug_snapshot!(samples);
}

#[test]
fn rfc3501_section8_sample_connection() {
    let samples = run("rfc3501_section8.txt");
    assert_eq!(samples.len(), 16);
    insta::assert_debug_snapshot!(samples);
}

#[test]
fn rfc9051_section7_examples() {
    let samples = run("rfc9051_section7.txt");
    assert_eq!(samples.len(), 56);
    insta::assert_debug_snapshot!(samples);
}

#[test]
fn rfc9051_section7_bodystructure_examples() {
    let samples = run("rfc9051_section7_bodystructure.txt");
    assert_eq!(samples.len(), 2);
    insta::assert_debug_snapshot!(samples);
}

#[test]
fn rfc9051_section8_sample_connection() {
    let samples = run("rfc9051_section8.txt");
    assert_eq!(samples.len(), 20);
    // The SCRAM challenges were joined from wrapped lines: they must decode to the messages of
    // the RFC 7677 example exchange they come from.
    let challenges: Vec<Vec<u8>> = samples
        .iter()
        .filter_map(|s| match &s.response {
            Response::Continue(c) => c.decode_base64(),
            _ => None,
        })
        .collect();
    assert_eq!(
        challenges,
        [
            &b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"[..],
            &b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="[..],
        ]
    );
    insta::assert_debug_snapshot!(samples);
}

/// The RFC examples that needed tolerant mode, across all files: the list the module doc
/// promises. Each entry also says why.
#[test]
fn rfc_examples_needing_tolerant_mode() {
    let files = [
        "rfc3501_section7.txt",
        "rfc3501_section7_bodystructure.txt",
        "rfc3501_section8.txt",
        "rfc9051_section7.txt",
        "rfc9051_section7_bodystructure.txt",
        "rfc9051_section8.txt",
    ];
    let mut listed = Vec::new();
    for name in files {
        for sample in run(name) {
            if let Mode::Tolerant { why, .. } = sample.mode {
                listed.push(format!("{name}: {:?}: {why}", sample.unit));
            }
        }
    }
    insta::assert_debug_snapshot!(listed);
}

/// The literal in the section 8 samples arrives whole, as the bytes the RFC shows.
#[test]
fn section8_literal_is_the_rfc_header() {
    for name in ["rfc3501_section8.txt", "rfc9051_section8.txt"] {
        let samples = run(name);
        let literal = samples
            .iter()
            .find_map(|s| match &s.response {
                Response::Data(Data::Fetch { data, .. }) => data.iter().find_map(|d| match d {
                    imap_core::types::FetchData::BodySection { data, .. } => data.clone(),
                    _ => None,
                }),
                _ => None,
            })
            .expect("a BODY[HEADER] literal");
        assert_eq!(literal.as_bytes().len(), 342, "{name}");
        assert!(literal.as_bytes().starts_with(b"Date: Wed, 17 Jul 1996"));
        assert!(literal.as_bytes().ends_with(b"CHARSET=US-ASCII\r\n\r\n"));
    }
}

#[test]
fn rfc9394_partial_and_rfc9586_uidfetch_examples() {
    use imap_core::types::{Bound, ESearchData, FetchData, Flag, PartialRange, SetItem};
    use std::num::NonZeroU32;
    let samples = run("rfc9394_rfc9586_examples.txt");
    assert_eq!(samples.len(), 40);
    let responses: Vec<&Response> = samples.iter().map(|s| &s.response).collect();
    let nz = |n| NonZeroU32::new(n).unwrap();
    let Response::Data(Data::ESearch(e)) = responses[0] else {
        panic!("{:?}", responses[0])
    };
    assert!(e.uid);
    let ESearchData::Partial { range, results } = &e.data[0] else {
        panic!("{e:?}")
    };
    assert_eq!(
        *range,
        PartialRange {
            from_end: true,
            first: nz(1),
            second: nz(100)
        }
    );
    assert_eq!(range.bounds(), (1, 100));
    assert_eq!(
        results.as_ref().map(|r| r.items().to_vec()),
        Some(vec![SetItem::Range(
            Bound::Value(23665),
            Bound::Value(23764)
        )])
    );
    let Response::Data(Data::ESearch(e)) = responses[6] else {
        panic!("{:?}", responses[6])
    };
    assert!(matches!(
        &e.data[0],
        ESearchData::Partial {
            range: PartialRange {
                from_end: false,
                ..
            },
            results: None
        }
    ));
    let Response::Data(Data::UidFetch { uid, data }) = responses[25] else {
        panic!("{:?}", responses[25])
    };
    assert_eq!(uid.get(), 25996);
    assert_eq!(data, &vec![FetchData::Flags(vec![Flag::Seen])]);
    insta::assert_debug_snapshot!(samples);
}
