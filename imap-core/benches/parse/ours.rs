//! `ours`: the `imap-core` framer followed by the `imap-core` parser.
//!
//! The framer (`imap_core::frame`) and parser (`imap_core::parse`) are being written in
//! parallel, so the real runner (`mod real`) is compiled out with `#[cfg(any())]` (always
//! false) and a stub that reports "disabled" stands in for it; the driver then prints
//! `ours=n/a`.
//!
//! To enable `ours` once both APIs have landed:
//! 1. delete the two `#[cfg(any())]` attribute lines (on `pub use real::run;` and `mod real`);
//! 2. delete everything between `// BEGIN STUB` and `// END STUB`;
//! 3. if `Limits::default()` caps literals below 100 MiB, raise the cap in `real::limits()`
//!    (the `bigliteral` corpus is one 104857600-byte literal).

use std::time::Instant;

use crate::peers::RunResult;

#[cfg(any())]
pub use real::run;

// BEGIN STUB
pub use stub::run;

/// Stand-in while `imap_core::frame` / `imap_core::parse` are not merged.
mod stub {
    use super::*;
    use crate::peers::RunError;

    /// Always `Disabled`: the driver prints `ours=n/a`.
    pub fn run(_data: &[u8], _chunk: Option<usize>, _deadline: Instant) -> RunResult {
        Err(RunError::Disabled)
    }
}
// END STUB

/// The real runner, written against the agreed API:
/// `imap_core::frame::{Framer, Role, Limits, Frame}` with `Framer::new(Role::Client, limits)`,
/// `push(&[u8])`, `next_frame() -> Option<Result<Frame, FrameError>>`, `Frame::Unit(Bytes)`;
/// and `imap_core::parse::parse_response(Bytes, &ParseOptions) -> Result<Response, ParseError>`.
#[cfg(any())]
mod real {
    use std::hint::black_box;

    use super::*;
    use crate::peers::RunError;
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
                Ok(Frame::Unit(unit)) => match parse_response(unit, opts) {
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

    /// Whole mode pushes the corpus once; chunked modes push each piece and drain the complete
    /// units after every push, as a driver reading from a socket would.
    pub fn run(data: &[u8], chunk: Option<usize>, deadline: Instant) -> RunResult {
        let opts = ParseOptions::default();
        let mut framer = Framer::new(Role::Client, limits());
        let mut count = 0usize;
        match chunk {
            None => {
                framer.push(data);
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
