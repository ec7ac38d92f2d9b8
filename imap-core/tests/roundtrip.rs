//! Round trips over generated values of every command and response type:
//! `parse(encode(x)) == x` in both directions, under every encoder option set, and framing of
//! the encoded stream split at arbitrary points.

use bytes::Bytes;
use imap_core::arbitrary;
use imap_core::encode::{EncodeOptions, encode_command, encode_response};
use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseError, ParseOptions, parse_command, parse_response};
use imap_core::types::Response;
use proptest::prelude::*;

fn option_sets() -> [EncodeOptions; 4] {
    [
        EncodeOptions::default(),
        EncodeOptions {
            literal_plus: true,
            ..EncodeOptions::default()
        },
        EncodeOptions {
            literal_minus: true,
            ..EncodeOptions::default()
        },
        EncodeOptions {
            utf8: true,
            ..EncodeOptions::default()
        },
    ]
}

fn parse_opts(e: &EncodeOptions) -> ParseOptions {
    ParseOptions {
        utf8: e.utf8,
        ..ParseOptions::default()
    }
}

/// The strict counterpart of [`parse_opts`].
fn strict(e: &EncodeOptions) -> ParseOptions {
    ParseOptions {
        strict: true,
        ..parse_opts(e)
    }
}

/// `parse(unit)`, a parse error failing the case with the encoded bytes shown.
fn reparse<T>(
    parse: fn(&Bytes, &ParseOptions) -> Result<T, ParseError>,
    unit: &Bytes,
    opts: &ParseOptions,
    bytes: &[u8],
) -> Result<T, TestCaseError> {
    parse(unit, opts).map_err(|e| {
        let mode = if opts.strict { "strict" } else { "tolerant" };
        TestCaseError::fail(format!("{mode}: {e}\n{}", bytes.escape_ascii()))
    })
}

/// Frames `bytes` (fed in `pieces`-sized chunks) into units.
fn frame_all(role: Role, bytes: &[u8], piece: usize) -> Vec<Bytes> {
    let mut f = Framer::new(role, Limits::default());
    let mut out = Vec::new();
    for chunk in bytes.chunks(piece.max(1)) {
        f.push(chunk);
        while let Some(frame) = f.next_frame() {
            match frame.expect("encoded output frames cleanly") {
                Frame::Unit(u) => out.push(u),
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }
    assert_eq!(f.buffered_len(), 0, "bytes left over after the last unit");
    out
}

/// Runs `body` on a thread with a 32 MiB stack. Proptest builds the value tree of a generated
/// response in nested `new_tree` calls whose frames, unoptimised, are large: with the 2 MiB of a
/// test thread a deep BODYSTRUCTURE inside a FETCH inside a stream of eight responses overflowed
/// (seen about once in 60,000 cases, debug build). The stack the codec itself needs is tested
/// elsewhere on ordinary threads; this only makes room for the generator.
fn on_big_stack(body: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .name("proptest".into())
        .stack_size(32 << 20)
        .spawn(body)
        .expect("spawn the test thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn responses_round_trip() {
    on_big_stack(|| {
        proptest!(ProptestConfig::with_cases(512), |(resp in arbitrary::response())| {
            for opts in option_sets() {
                let bytes = encode_response(&resp, &opts).to_vec();
                let units = frame_all(Role::Client, &bytes, bytes.len());
                prop_assert_eq!(units.len(), 1);
                let back = reparse(parse_response, &units[0], &parse_opts(&opts), &bytes)?;
                prop_assert_eq!(&back, &resp);
                // The encoder writes valid grammar: strict parsing, which tolerates nothing,
                // reads the same value (tolerant parsing could hide an encoder that leaves out
                // parentheses or escapes). Except an empty status text, written `* OK` without
                // the SP that `resp-text` needs, as servers do (see the encode module).
                let empty_text = matches!(
                    &resp,
                    Response::Status(st) if st.code.is_none() && st.text.is_empty()
                );
                if !empty_text {
                    let back = reparse(parse_response, &units[0], &strict(&opts), &bytes)?;
                    prop_assert_eq!(&back, &resp);
                }
            }
        });
    });
}

#[test]
fn commands_round_trip() {
    on_big_stack(|| {
        proptest!(ProptestConfig::with_cases(512), |(cmd in arbitrary::command())| {
            for opts in option_sets() {
                let bytes = encode_command(&cmd, &opts).to_vec();
                let units = frame_all(Role::Server, &bytes, bytes.len());
                prop_assert_eq!(units.len(), 1);
                let back = reparse(parse_command, &units[0], &parse_opts(&opts), &bytes)?;
                prop_assert_eq!(&back, &cmd);
                // And as valid grammar: strict parsing reads the same value.
                let back = reparse(parse_command, &units[0], &strict(&opts), &bytes)?;
                prop_assert_eq!(&back, &cmd);
            }
        });
    });
}

#[test]
fn response_streams_frame_identically_at_any_split() {
    on_big_stack(|| {
        proptest!(ProptestConfig::with_cases(512), |(
            resps in proptest::collection::vec(arbitrary::response(), 1..8),
            piece in 1usize..64,
        )| {
            let opts = EncodeOptions::default();
            let mut stream = Vec::new();
            let mut expected = Vec::new();
            for r in &resps {
                let b = encode_response(r, &opts).to_vec();
                expected.push(b.clone());
                stream.extend(b);
            }
            let units = frame_all(Role::Client, &stream, piece);
            let got: Vec<Vec<u8>> = units.iter().map(|u| u.to_vec()).collect();
            prop_assert_eq!(got, expected);
        });
    });
}
