//! `ours`: the `imap-core` framer followed by the `imap-core` parser.

use std::time::Instant;

use crate::peers::RunResult;

pub use real::run;

/// The real runner, written against the agreed API:
/// `imap_core::frame::{Framer, Role, Limits, Frame}` with `Framer::new(Role::Client, limits)`,
/// `push(&[u8])`, `push_bytes(Bytes)`, `next_frame() -> Option<Result<Frame, FrameError>>`,
/// `Frame::Unit(Bytes)`;
/// and `imap_core::parse::parse_response(Bytes, &ParseOptions) -> Result<Response, ParseError>`.
mod real {
    use std::hint::black_box;

    use super::*;
    use crate::peers::RunError;
    use bytes::Bytes;
    use imap_core::frame::{Frame, Framer, Limits, Role};
    use imap_core::parse::{ParseOptions, parse_response};

    /// Framer limits for the bench: the defaults, as long as they admit the 100 MiB literal of
    /// the `bigliteral` corpus (raise the literal cap here if they do not).
    fn limits() -> Limits {
        Limits::default()
    }

    /// Pulls every complete unit out of the framer and parses it, counting parsed responses.
    fn drain(framer: &mut Framer, opts: &ParseOptions, count: &mut usize) -> Result<(), RunError> {
        while let Some(frame) = framer.next_frame() {
            #[allow(unreachable_patterns)]
            match frame {
                Ok(Frame::Unit(unit)) => match parse_response(&unit, opts) {
                    Ok(response) => {
                        black_box(response);
                        *count += 1;
                    }
                    Err(e) => {
                        return Err(RunError::Failed(format!(
                            "parse error on response #{}: {e}",
                            *count + 1
                        )));
                    }
                },
                Ok(_) => {
                    return Err(RunError::Failed(format!(
                        "unexpected non-unit frame after response #{count}"
                    )));
                }
                Err(e) => {
                    return Err(RunError::Failed(format!(
                        "frame error after response #{count}: {e}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Whole mode hands the corpus over once, as a caller holding the whole buffer would (a
    /// share of the `Bytes`, no copy); chunked modes push each piece and drain the complete
    /// units after every push, as a driver reading from a socket would.
    pub fn run(data: &Bytes, chunk: Option<usize>, deadline: Instant) -> RunResult {
        let opts = ParseOptions::default();
        let mut framer = Framer::new(Role::Client, limits());
        let mut count = 0usize;
        match chunk {
            None => {
                framer.push_bytes(data.clone());
                drain(&mut framer, &opts, &mut count)?;
            }
            Some(chunk) => {
                for piece in data.chunks(chunk) {
                    if Instant::now() > deadline {
                        return Err(RunError::OverBudget);
                    }
                    framer.push(piece);
                    drain(&mut framer, &opts, &mut count)?;
                }
            }
        }
        Ok(count)
    }
}
