//! A valid stream split anywhere: the framer must give exactly the units of the whole stream.
//!
//! Input: `[seed; 32] [mode] [size...]`. The seed draws 1 to 5 values from
//! `imap_core::arbitrary` (with a ChaCha RNG, as in the `roundtrip_*` targets), which are
//! encoded one after the other into the stream. `mode`:
//!
//! * bit 0 clear: responses, framed in the client role. Bit 3 set: literals longer than
//!   `mode >> 4` bytes are streamed, so each such literal must come out as chunks holding its
//!   bytes, and as `NIL` in its unit;
//! * bit 0 set: commands, framed in the server role, encoded with the option set of bits 1-2
//!   (default, LITERAL+, LITERAL-, UTF8=ACCEPT). The stream is also cut at the end of every
//!   line that announces a synchronizing literal, and after each piece the framer must announce
//!   exactly those literals (`take_literal_announcement`).
//!
//! Each size byte `s` gives a piece of `s % 64 + 1` bytes, the sizes repeating; without size
//! bytes the stream is pushed one byte at a time.
#![no_main]

use std::collections::BTreeMap;

use bytes::Bytes;
use imap_core::arbitrary;
use imap_core::encode::{EncodeOptions, Fragment, encode_command, encode_response};
use imap_core::frame::{Frame, Framer, Limits, LiteralAnnouncement, LiteralMode, Role};
use imap_core::types::{Command, Response};
use imap_core_fuzz::{encode_opts, generate, seed};
use libfuzzer_sys::fuzz_target;
use proptest::collection::vec;
use proptest::strategy::{BoxedStrategy, Strategy};

thread_local! {
    // Built once: building the strategy trees costs more than drawing values from them.
    static COMMANDS: BoxedStrategy<Vec<Command>> = vec(arbitrary::command(), 1..6).boxed();
    static RESPONSES: BoxedStrategy<Vec<Response>> = vec(arbitrary::response(), 1..6).boxed();
}

/// A streamed literal as the framer must report it: (index of its unit, `unit_offset`, bytes).
type Streamed = (usize, u64, Vec<u8>);

/// The stream, the units the framer must give, the literals it must stream, and the synchronizing
/// literals it must announce (by the stream offset where their marker line ends).
#[derive(Default)]
struct Expected {
    stream: Vec<u8>,
    units: Vec<Vec<u8>>,
    streamed: Vec<Streamed>,
    announced: BTreeMap<usize, LiteralAnnouncement>,
}

impl Expected {
    fn add(&mut self, fragments: &[Fragment], threshold: Option<u64>) {
        let mut unit: Vec<u8> = Vec::new();
        for fragment in fragments {
            match fragment {
                Fragment::Line(line) => {
                    self.stream.extend_from_slice(line);
                    unit.extend_from_slice(line);
                }
                Fragment::Literal { data, sync, binary } => {
                    if *sync {
                        self.announced.insert(
                            self.stream.len(),
                            LiteralAnnouncement {
                                len: data.len() as u64,
                                mode: LiteralMode::Sync,
                                binary: *binary,
                            },
                        );
                    }
                    self.stream.extend_from_slice(data);
                    if threshold.is_some_and(|t| data.len() as u64 > t) {
                        // The marker (`{N}` or `~{N}` and its CRLF) and the literal become NIL.
                        let brace = unit.iter().rposition(|&b| b == b'{').expect("marker");
                        let start = if brace > 0 && unit[brace - 1] == b'~' {
                            brace - 1
                        } else {
                            brace
                        };
                        unit.truncate(start);
                        self.streamed
                            .push((self.units.len(), start as u64, data.to_vec()));
                        unit.extend_from_slice(b"NIL");
                    } else {
                        unit.extend_from_slice(data);
                    }
                }
                other => panic!("unknown fragment {other:?}"),
            }
        }
        self.units.push(unit);
    }
}

/// Cut points: the repeated piece sizes, plus `extra` offsets.
fn cuts(len: usize, sizes: &[u8], extra: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut at = 0;
    let mut sizes = sizes.iter().map(|&s| usize::from(s % 64) + 1).cycle();
    while at < len {
        at += sizes.next().unwrap_or(1);
        cuts.push(at.min(len));
    }
    cuts.extend(extra);
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

fuzz_target!(|data: &[u8]| {
    let (seed, rest) = seed(data);
    let (mode, sizes) = rest.split_first().map_or((0, &[][..]), |(m, s)| (*m, s));
    let server = mode & 1 != 0;
    let mut expected = Expected::default();
    let threshold;
    if server {
        threshold = None;
        let opts = encode_opts(Some(&(mode >> 1)));
        for cmd in COMMANDS.with(|s| generate(s, &seed)) {
            expected.add(encode_command(&cmd, &opts).fragments(), None);
        }
    } else {
        threshold = (mode & 8 != 0).then_some(u64::from(mode >> 4));
        for resp in RESPONSES.with(|s| generate(s, &seed)) {
            let encoded = encode_response(&resp, &EncodeOptions::default());
            expected.add(encoded.fragments(), threshold);
        }
    }
    let stream = &expected.stream;
    let cuts = cuts(stream.len(), sizes, expected.announced.keys().copied());

    let role = if server { Role::Server } else { Role::Client };
    let mut framer = Framer::new(role, Limits::default());
    framer.set_stream_threshold(threshold);
    let mut units: Vec<Bytes> = Vec::new();
    let mut streamed: Vec<Streamed> = Vec::new();
    let mut at = 0;
    for cut in cuts {
        framer.push(&stream[at..cut]);
        at = cut;
        while let Some(frame) = framer.next_frame() {
            match frame {
                Ok(Frame::Unit(unit)) => units.push(unit),
                Ok(Frame::LiteralChunk {
                    unit_offset,
                    literal_offset,
                    total,
                    data,
                }) => {
                    assert!(!data.is_empty());
                    if literal_offset == 0 {
                        streamed.push((units.len(), unit_offset, Vec::new()));
                    }
                    let (_, offset, bytes) = streamed.last_mut().expect("first chunk");
                    assert_eq!(*offset, unit_offset);
                    assert_eq!(bytes.len() as u64, literal_offset);
                    bytes.extend_from_slice(&data);
                    assert!(bytes.len() as u64 <= total);
                }
                Ok(other) => panic!("unknown frame {other:?}"),
                Err(e) => panic!("frame error on a valid stream: {e}"),
            }
        }
        assert_eq!(
            framer.take_literal_announcement(),
            expected.announced.get(&at).copied(),
            "announcement after {at} bytes of {:?}",
            stream.escape_ascii().to_string()
        );
    }
    let units: Vec<Vec<u8>> = units.iter().map(|u| u.to_vec()).collect();
    assert_eq!(units, expected.units, "units differ");
    assert_eq!(streamed, expected.streamed, "streamed literals differ");
    assert_eq!(framer.buffered_len(), 0, "bytes left after the last unit");
    assert_eq!(framer.awaiting_literal(), None);
});
