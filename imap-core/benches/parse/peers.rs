//! The peers we compare against: `imap-proto`, `imap-codec`, and a `memcpy` baseline.
//!
//! Every runner takes the whole corpus and a delivery mode (`None` = the whole buffer at once,
//! `Some(n)` = delivered in `n`-byte pieces, as a socket would), and returns how many responses
//! it parsed. The time spent buffering the pieces is part of the measurement: that is what a
//! user of the parser pays.

use std::hint::black_box;
use std::time::Instant;

use imap_codec::ResponseCodec;
use imap_codec::decode::Decoder;
use imap_codec::fragmentizer::Fragmentizer;

/// Why a runner did not produce a count.
pub enum RunError {
    /// The parser rejected the input (the message says where and why).
    Failed(String),
    /// A single iteration went past its deadline; the run was abandoned.
    OverBudget,
}

/// Result of one run: the number of responses parsed.
pub type RunResult = Result<usize, RunError>;

/// The start of the offending input for a warning line: 80 bytes, or `BENCH_PREVIEW` bytes.
pub fn preview(bytes: &[u8]) -> String {
    let limit = std::env::var("BENCH_PREVIEW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(80);
    let n = bytes.len().min(limit);
    format!("{:?}", String::from_utf8_lossy(&bytes[..n]))
}

/// `imap-proto` 0.17: `imap_proto::Response::parse(&[u8]) -> IResult<&[u8], Response>`
/// (nom 8, streaming: `Err(nom::Err::Incomplete(_))` on partial input).
///
/// Whole mode parses straight from the corpus slice. Chunked modes do what its users (the
/// `imap` and `async-imap` crates) do: append the received bytes to a `Vec`, retry the parse
/// from the start of the unconsumed part, and on `Incomplete` wait for more bytes; consumed
/// bytes are drained from the front of the buffer after each piece.
pub fn imap_proto(data: &[u8], chunk: Option<usize>, deadline: Instant) -> RunResult {
    let mut count = 0usize;
    let Some(chunk) = chunk else {
        let mut rest = data;
        while !rest.is_empty() {
            match imap_proto::Response::parse(rest) {
                Ok((next, response)) => {
                    black_box(response);
                    count += 1;
                    rest = next;
                }
                Err(e) => {
                    return Err(RunError::Failed(format!(
                        "response #{}: {e:?} at {}",
                        count + 1,
                        preview(rest)
                    )));
                }
            }
        }
        return Ok(count);
    };
    let mut buf: Vec<u8> = Vec::new();
    for piece in data.chunks(chunk) {
        if Instant::now() > deadline {
            return Err(RunError::OverBudget);
        }
        buf.extend_from_slice(piece);
        let mut pos = 0;
        while pos < buf.len() {
            match imap_proto::Response::parse(&buf[pos..]) {
                Ok((next, response)) => {
                    black_box(response);
                    count += 1;
                    pos = buf.len() - next.len();
                }
                Err(e) if e.is_incomplete() => break,
                Err(e) => {
                    return Err(RunError::Failed(format!(
                        "response #{}: {e:?} at {}",
                        count + 1,
                        preview(&buf[pos..])
                    )));
                }
            }
        }
        buf.drain(..pos);
    }
    if !buf.is_empty() {
        return Err(RunError::Failed(format!(
            "{} bytes left unparsed: {}",
            buf.len(),
            preview(&buf)
        )));
    }
    Ok(count)
}

/// `imap-codec` 2.0.0-alpha.10.
///
/// Whole mode: `ResponseCodec::default().decode(&[u8]) -> Result<(&[u8], Response),
/// ResponseDecodeError>` (trait `imap_codec::decode::Decoder`) in a loop over the corpus slice.
///
/// Chunked modes: `imap_codec::fragmentizer::Fragmentizer`, the crate's documented streaming
/// API (its `examples/client.rs`, and what `imap-next` builds on): `enqueue_bytes(piece)`, then
/// `progress()` until it returns `None`; whenever `is_message_complete()`, the message is
/// decoded with `decode_message(&ResponseCodec)`. No size cap
/// (`Fragmentizer::without_max_message_size`) so the 100 MiB literal is accepted.
pub fn imap_codec(data: &[u8], chunk: Option<usize>, deadline: Instant) -> RunResult {
    let codec = ResponseCodec::default();
    let mut count = 0usize;
    let Some(chunk) = chunk else {
        let mut rest = data;
        while !rest.is_empty() {
            match codec.decode(rest) {
                Ok((next, response)) => {
                    black_box(response);
                    count += 1;
                    rest = next;
                }
                Err(e) => {
                    return Err(RunError::Failed(format!(
                        "response #{}: {e:?} at {}",
                        count + 1,
                        preview(rest)
                    )));
                }
            }
        }
        return Ok(count);
    };
    let mut fragmentizer = Fragmentizer::without_max_message_size();
    for piece in data.chunks(chunk) {
        if Instant::now() > deadline {
            return Err(RunError::OverBudget);
        }
        fragmentizer.enqueue_bytes(piece);
        while fragmentizer.progress().is_some() {
            if !fragmentizer.is_message_complete() {
                continue;
            }
            match fragmentizer.decode_message(&codec) {
                Ok(response) => {
                    black_box(response);
                    count += 1;
                }
                Err(e) => {
                    return Err(RunError::Failed(format!(
                        "response #{}: {e:?} at {}",
                        count + 1,
                        preview(fragmentizer.message_bytes())
                    )));
                }
            }
        }
    }
    if !fragmentizer.message_bytes().is_empty() && !fragmentizer.is_message_complete() {
        return Err(RunError::Failed(format!(
            "incomplete message left: {}",
            preview(fragmentizer.message_bytes())
        )));
    }
    Ok(count)
}

/// Baseline: copy the same bytes, piece by piece, into a `Vec` (reused across iterations, so
/// this is the cost of touching every byte once, without page faults). Reports `expected` so
/// the driver's count check passes.
pub fn memcpy(
    data: &[u8],
    chunk: Option<usize>,
    scratch: &mut Vec<u8>,
    expected: usize,
) -> RunResult {
    scratch.clear();
    match chunk {
        None => scratch.extend_from_slice(data),
        Some(chunk) => {
            for piece in data.chunks(chunk) {
                scratch.extend_from_slice(black_box(piece));
            }
        }
    }
    black_box(&scratch);
    Ok(expected)
}
