//! The wire trace: the plaintext IMAP the client sends and receives, as `tracing` events at
//! TRACE level on the target [`WIRE_TARGET`], credentials redacted and literals shown by size.
//!
//! The trace is taken where the client handles plaintext: received units after decryption and
//! decompression (the driver's TLS and the client's own COMPRESS=DEFLATE are below it), sent
//! lines before compression. So a TLS or COMPRESS connection shows the same IMAP as a plain one,
//! and every driver gets it.
//!
//! What a line shows:
//! - printable ASCII as it is (backslashes too), everything else escaped as
//!   [`crate::excerpt::Excerpt`] does (`\r`, `\n`, `\t`, `\xNN`), the final CRLF left out;
//! - a literal's payload as `<N bytes>` after its marker (`{N}`), and a literal streamed in
//!   chunks as `<N bytes streamed>`;
//! - `LOGIN` and `AUTHENTICATE` up to the command name (and the SASL mechanism), then
//!   `<redacted>`: user names, passwords, SASL-IR and tokens never appear, nor their lengths;
//!   the client's SASL responses during `AUTHENTICATE` are `<redacted>` too;
//! - at most [`MAX_SHOWN`] bytes of a response or command, then `...`.
//!
//! Nothing is rendered unless a subscriber enables the target at TRACE level: the check is
//! `tracing`'s cached callsite interest.

use crate::excerpt::{escape_controls_into as escape_into, secret_command_end};
use crate::frame::{Marker, parse_marker};
use crate::types::CommandBody;
use tracing::Span;

/// The target of the wire trace. Enable it at TRACE level to see it (for example
/// `RUST_LOG=imap_core=debug,imap_core::wire=trace`).
pub const WIRE_TARGET: &str = "imap_core::wire";

/// The most bytes of one response or command that the trace shows (the rest is `...`).
pub const MAX_SHOWN: usize = 1024;

/// What stands for hidden credentials.
const REDACTED: &str = "<redacted>";

/// Whether the wire trace is enabled: a cached check, true only under a subscriber that wants
/// TRACE on [`WIRE_TARGET`].
pub(crate) fn enabled() -> bool {
    tracing::enabled!(target: WIRE_TARGET, tracing::Level::TRACE)
}

/// Emits one line of the trace, `C:` (sent) or `S:` (received), under `parent`.
fn emit(parent: &Span, direction: &str, text: &str) {
    tracing::trace!(target: WIRE_TARGET, parent: parent, "{direction}: {text}");
}

/// A response received (one framed unit, with its literals; streamed literals are `NIL` in it).
pub(crate) fn received(parent: &Span, unit: &[u8]) {
    if enabled() {
        emit(parent, "S", &render(unit));
    }
}

/// The first chunk of a literal delivered in chunks: the trace shows its size once.
pub(crate) fn received_streamed(parent: &Span, total: u64) {
    if enabled() {
        emit(parent, "S", &format!("<{total} bytes streamed>"));
    }
}

/// A line the client sends outside a command's fragments (`DONE`, a SASL cancellation `*`).
pub(crate) fn sent_line(parent: &Span, line: &[u8]) {
    if enabled() {
        emit(parent, "C", &render(line));
    }
}

/// A line that carries credentials (a SASL response): shown as `<redacted>`.
pub(crate) fn sent_secret(parent: &Span) {
    if enabled() {
        emit(parent, "C", REDACTED);
    }
}

/// Renders `unit` for the trace: literals by size, CRLFs left out, at most [`MAX_SHOWN`] bytes.
fn render(unit: &[u8]) -> String {
    let mut out = String::with_capacity(unit.len().min(MAX_SHOWN) + 16);
    let mut budget = MAX_SHOWN;
    let mut rest = unit;
    while !rest.is_empty() {
        let (line, after) = match memchr::memchr(b'\n', rest) {
            Some(lf) => (&rest[..lf], &rest[lf + 1..]),
            None => (rest, &[][..]),
        };
        let literal = match parse_marker(line) {
            Marker::Literal { ann, .. } => usize::try_from(ann.len)
                .ok()
                .filter(|&len| len <= after.len()),
            _ => None,
        };
        let text = line.strip_suffix(b"\r").unwrap_or(line);
        if !push_bounded(&mut out, &mut budget, text) {
            return out;
        }
        match literal {
            Some(len) => {
                out.push_str(&format!("<{len} bytes>"));
                rest = &after[len..];
            }
            None => {
                // A line end inside a unit that announces no literal: only the last one does.
                if !after.is_empty() && !push_bounded(&mut out, &mut budget, b"\r\n") {
                    return out;
                }
                rest = after;
            }
        }
    }
    out
}

/// Appends `bytes` escaped to `out` within `budget`; `false` (with `...` appended) when the
/// budget ran out.
fn push_bounded(out: &mut String, budget: &mut usize, bytes: &[u8]) -> bool {
    let shown = bytes.len().min(*budget);
    escape_into(out, &bytes[..shown]);
    *budget -= shown;
    if shown < bytes.len() {
        out.push_str("...");
        return false;
    }
    true
}

/// The trace of one send of a command's fragments: its lines and literals rendered into one
/// line of the trace, credentials hidden. Inert (renders nothing) when the trace is disabled.
pub(crate) struct Sent {
    /// `None` when the trace is disabled.
    text: Option<String>,
    /// The command carries credentials: nothing after its name (and mechanism) is shown.
    secret: bool,
    /// The SASL mechanism of an AUTHENTICATE, shown after the command name.
    mechanism: bool,
    budget: usize,
}

impl Sent {
    /// Starts the trace of a send of `body`'s fragments.
    pub(crate) fn start(body: &CommandBody) -> Sent {
        let text = enabled().then(String::new);
        Sent {
            secret: text.is_some()
                && matches!(
                    body,
                    CommandBody::Login { .. } | CommandBody::Authenticate { .. }
                ),
            mechanism: matches!(body, CommandBody::Authenticate { .. }),
            text,
            budget: MAX_SHOWN,
        }
    }

    /// A line (a fragment ending in CRLF, or in a literal marker).
    pub(crate) fn line(&mut self, line: &[u8]) {
        let Some(out) = &mut self.text else {
            return;
        };
        if !self.secret && out.is_empty() && secret_command_end(line).is_some() {
            // A LOGIN or AUTHENTICATE sent by other means (a raw command).
            self.secret = true;
        }
        if self.secret {
            if out.is_empty() {
                match secret_command_end(line) {
                    Some(end) => {
                        let end = if self.mechanism {
                            token_end(line, end)
                        } else {
                            end
                        };
                        escape_into(out, &line[..end]);
                        let rest = &line[end..];
                        if rest != b"\r\n" && !rest.is_empty() {
                            out.push(' ');
                            out.push_str(REDACTED);
                        }
                    }
                    None => out.push_str(REDACTED),
                }
            } else if !out.ends_with(REDACTED) && line != b"\r\n" {
                out.push(' ');
                out.push_str(REDACTED);
            }
            return;
        }
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        push_bounded(out, &mut self.budget, line);
    }

    /// A literal's payload of `len` bytes.
    pub(crate) fn literal(&mut self, len: usize) {
        let Some(out) = &mut self.text else {
            return;
        };
        if self.secret {
            if !out.ends_with(REDACTED) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(REDACTED);
            }
        } else {
            out.push_str(&format!("<{len} bytes>"));
        }
    }

    /// Emits what was sent, if anything, under the command's span.
    pub(crate) fn finish(self, parent: &Span) {
        if let Some(text) = self.text.filter(|t| !t.is_empty()) {
            emit(parent, "C", &text);
        }
    }
}

/// The end of the token after offset `from` (past the spaces before it): the SASL mechanism
/// after `AUTHENTICATE`.
fn token_end(line: &[u8], from: usize) -> usize {
    let rest = &line[from..];
    let start = rest.iter().position(|b| *b != b' ').unwrap_or(rest.len());
    let len = rest[start..]
        .iter()
        .position(|b| matches!(b, b' ' | b'\r' | b'\n'))
        .unwrap_or(rest.len() - start);
    from + start + len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::types::Atom;
    use bytes::Bytes;

    /// Renders a send of `pieces` (`Ok(line)` or `Err(literal length)`) of `body` as the trace
    /// would, with the trace forced on.
    fn sent(body: &CommandBody, pieces: &[Result<&[u8], usize>]) -> String {
        let mut s = Sent::start(body);
        s.text = Some(String::new());
        s.secret = matches!(
            body,
            CommandBody::Login { .. } | CommandBody::Authenticate { .. }
        );
        for p in pieces {
            match p {
                Ok(line) => s.line(line),
                Err(len) => s.literal(*len),
            }
        }
        s.text.unwrap_or_default()
    }

    fn login() -> CommandBody {
        CommandBody::Login {
            username: "fred".into(),
            password: Secret::new("hunter2".into()),
        }
    }

    fn authenticate(initial: Option<&'static [u8]>) -> CommandBody {
        CommandBody::Authenticate {
            mechanism: Atom::from_static("PLAIN"),
            initial: initial.map(|i| Secret::new(Bytes::from_static(i))),
        }
    }

    #[test]
    fn response_literals_are_shown_by_size() {
        let unit =
            b"* 1 FETCH (UID 7 BODY[] {12}\r\nhello\r\nworld BODY[1] ~{3}\r\n\0\x01\x02)\r\n";
        assert_eq!(
            render(unit),
            "* 1 FETCH (UID 7 BODY[] {12}<12 bytes> BODY[1] ~{3}<3 bytes>)"
        );
    }

    #[test]
    fn plain_lines_are_escaped_and_bounded() {
        assert_eq!(
            render(b"* OK [ALERT] caf\xc3\xa9\r\n"),
            "* OK [ALERT] caf\\xc3\\xa9"
        );
        let mut long = b"* SEARCH".to_vec();
        long.extend(b" 9".repeat(2000));
        long.extend_from_slice(b"\r\n");
        let shown = render(&long);
        assert_eq!(shown.len(), MAX_SHOWN + 3);
        assert!(shown.ends_with("..."));
        // A literal announced but not all there (a unit cut short) is not skipped over.
        assert_eq!(
            render(b"* 1 FETCH (BODY[] {99}\r\nab"),
            "* 1 FETCH (BODY[] {99}\\r\\nab"
        );
    }

    #[test]
    fn login_hides_user_and_password() {
        let quoted = sent(&login(), &[Ok(b"A0001 LOGIN fred \"hunter2\"\r\n")]);
        assert_eq!(quoted, "A0001 LOGIN <redacted>");
        // As literals (LITERAL+): neither the values nor their lengths show.
        let literal = sent(
            &login(),
            &[
                Ok(b"A0001 LOGIN {4+}\r\n"),
                Err(4),
                Ok(b" {7+}\r\n"),
                Err(7),
                Ok(b"\r\n"),
            ],
        );
        assert_eq!(literal, "A0001 LOGIN <redacted>");
        // The rest of a LOGIN sent after a `+`.
        assert_eq!(sent(&login(), &[Err(7), Ok(b"\r\n")]), "<redacted>");
    }

    #[test]
    fn authenticate_shows_the_mechanism_only() {
        let ir = sent(
            &authenticate(Some(b"\0fred\0hunter2")),
            &[Ok(b"A0002 AUTHENTICATE PLAIN AGZyZWQAaHVudGVyMg==\r\n")],
        );
        assert_eq!(ir, "A0002 AUTHENTICATE PLAIN <redacted>");
        let no_ir = sent(&authenticate(None), &[Ok(b"A0002 AUTHENTICATE PLAIN\r\n")]);
        assert_eq!(no_ir, "A0002 AUTHENTICATE PLAIN");
    }

    #[test]
    fn raw_login_is_recognised() {
        let raw = CommandBody::Other {
            name: Atom::from_static("LOGIN"),
            args: crate::types::RawArgs::new(Bytes::from_static(b"fred hunter2")).expect("valid"),
        };
        let mut s = Sent::start(&raw);
        s.text = Some(String::new());
        s.line(b"A0003 LOGIN fred hunter2\r\n");
        s.literal(5);
        assert_eq!(s.text.as_deref(), Some("A0003 LOGIN <redacted>"));
    }

    #[test]
    fn other_commands_show_literals_by_size() {
        let body = CommandBody::Noop;
        let append = sent(
            &body,
            &[Ok(b"A0004 APPEND INBOX {310+}\r\n"), Err(310), Ok(b"\r\n")],
        );
        assert_eq!(append, "A0004 APPEND INBOX {310+}<310 bytes>");
    }

    #[test]
    fn disabled_trace_renders_nothing() {
        // No subscriber in unit tests: the trace is off and a send renders nothing.
        let mut s = Sent::start(&login());
        s.line(b"A0001 LOGIN fred hunter2\r\n");
        assert!(s.text.is_none());
    }
}
