//! Conversation transcripts: both directions, readable, credentials redacted.
//!
//! Each entry is one command or response, written as on the wire with CRLF shown as line breaks
//! and other control bytes escaped. Literal contents up to [`LITERAL_SHOWN`] bytes of printable
//! text are shown; longer or binary ones as `<N-byte literal>`. The arguments of LOGIN and
//! AUTHENTICATE and every line sent during an AUTHENTICATE exchange are replaced with
//! `<redacted>`.
//!
//! A transcript made with [`Transcript::exact`] records what each client really sent instead
//! of re-serialising the parsed command: [`Entry::bytes`] holds the exact bytes of the unit
//! (its odd spacing, lower-case names, literal markers and literal contents; inflated under
//! COMPRESS), and the text shows all of them. Credentials stay redacted even there: LOGIN,
//! AUTHENTICATE and the SASL lines (also when they are malformed) keep the `<redacted>` text
//! and no bytes.

use bytes::Bytes;
use imap_core::encode::{EncodeOptions, Fragment, encode_command, encode_response};
use imap_core::types::{Command, CommandBody, Response};
use std::sync::{Arc, Mutex};

/// The longest literal shown as text.
pub const LITERAL_SHOWN: usize = 200;

/// Who sent an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// The client (`C:`).
    Client,
    /// The server (`S:`).
    Server,
}

/// One recorded command or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The connection, numbered from 1 per server.
    pub connection: u64,
    /// Who sent it.
    pub direction: Direction,
    /// The readable, redacted text (several lines when it holds literals).
    pub text: String,
    /// The exact bytes the client sent, in a transcript made with [`Transcript::exact`];
    /// `None` for server entries and redacted ones.
    pub bytes: Option<Bytes>,
}

impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = match self.direction {
            Direction::Client => "C",
            Direction::Server => "S",
        };
        for (i, line) in self.text.lines().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "[{}] {who}: {line}", self.connection)?;
        }
        Ok(())
    }
}

type Sink = Arc<dyn Fn(&Entry) + Send + Sync>;

/// A shared transcript; clones record into the same list.
#[derive(Clone, Default)]
pub struct Transcript {
    entries: Arc<Mutex<Vec<Entry>>>,
    sink: Option<Sink>,
    exact: bool,
}

impl std::fmt::Debug for Transcript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transcript")
            .field("entries", &self.lock().len())
            .finish()
    }
}

impl Transcript {
    /// An empty transcript that keeps its entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// A transcript that also hands every entry to `sink` as it is recorded (the binary logs
    /// them this way).
    pub fn with_sink(sink: impl Fn(&Entry) + Send + Sync + 'static) -> Self {
        Transcript {
            entries: Arc::default(),
            sink: Some(Arc::new(sink)),
            exact: false,
        }
    }

    /// Records the exact bytes each client sent ([`Entry::bytes`], and all of them in the
    /// text) instead of a re-serialisation of the parsed command. Credentials stay redacted.
    pub fn exact(mut self) -> Self {
        self.exact = true;
        self
    }

    /// Whether client bytes are recorded exactly ([`Transcript::exact`]).
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every entry so far.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().clone()
    }

    /// The entries of one connection as text, `C: ` / `S: ` before each line.
    pub fn text(&self, connection: u64) -> String {
        let mut out = String::new();
        for e in self.lock().iter().filter(|e| e.connection == connection) {
            let who = match e.direction {
                Direction::Client => "C: ",
                Direction::Server => "S: ",
            };
            for line in e.text.lines() {
                out.push_str(who);
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// Records an entry.
    pub fn record(&self, connection: u64, direction: Direction, text: String) {
        self.push(Entry {
            connection,
            direction,
            text,
            bytes: None,
        });
    }

    /// Records what a client sent: exactly `bytes` in an exact transcript, else `text` (a
    /// re-serialisation). Never call it with credentials.
    pub fn record_client(&self, connection: u64, text: String, bytes: Option<Bytes>) {
        let (text, bytes) = match bytes {
            Some(b) if self.exact => (exact_text(&b), Some(b)),
            _ => (text, None),
        };
        self.push(Entry {
            connection,
            direction: Direction::Client,
            text,
            bytes,
        });
    }

    fn push(&self, e: Entry) {
        if let Some(s) = &self.sink {
            s(&e);
        }
        self.lock().push(e);
    }
}

/// A command as transcript text, with LOGIN and AUTHENTICATE arguments redacted.
pub fn command_text(cmd: &Command) -> String {
    match &cmd.body {
        CommandBody::Login { .. } => format!("{} LOGIN <redacted>", cmd.tag),
        CommandBody::Authenticate { mechanism, initial } => format!(
            "{} AUTHENTICATE {mechanism}{}",
            cmd.tag,
            if initial.is_some() { " <redacted>" } else { "" }
        ),
        _ => fragments_text(encode_command(cmd, &EncodeOptions::default()).fragments()),
    }
}

/// Whether a unit is a LOGIN or AUTHENTICATE command (its second word), whose arguments an
/// exact transcript must not show even when the command is malformed.
pub fn holds_credentials(unit: &[u8]) -> bool {
    let mut words = unit.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let name = words.nth(1).unwrap_or_default();
    let end = name
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(name.len());
    let name = &name[..end];
    [&b"LOGIN"[..], b"AUTHENTICATE"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// A response as transcript text.
pub fn response_text(resp: &Response, opts: &EncodeOptions) -> String {
    fragments_text(encode_response(resp, opts).fragments())
}

fn fragments_text(fragments: &[Fragment]) -> String {
    let mut out = String::new();
    for f in fragments {
        match f {
            Fragment::Line(l) => {
                let l = l.strip_suffix(b"\r\n").unwrap_or(l);
                escape_into(&mut out, l);
                if !out.ends_with('}') {
                    continue;
                }
                out.push('\n');
            }
            Fragment::Literal { data, .. } => {
                let printable = data
                    .iter()
                    .all(|&b| b == b'\r' || b == b'\n' || b == b'\t' || (0x20..0x7f).contains(&b));
                if printable && data.len() <= LITERAL_SHOWN {
                    out.push_str(&String::from_utf8_lossy(data).replace("\r\n", "\n"));
                } else {
                    out.push_str(&format!("<{}-byte literal>", data.len()));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every byte of a unit: CRLF as a line break, printable ASCII as it is, any other byte as
/// `\xNN` (so a bare LF or a NUL shows), literals in full.
fn exact_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(i) = memchr_crlf(rest) {
        escape_into(&mut out, &rest[..i]);
        out.push('\n');
        rest = &rest[i + 2..];
    }
    escape_into(&mut out, rest);
    out
}

/// Where the first CRLF starts.
fn memchr_crlf(b: &[u8]) -> Option<usize> {
    b.windows(2).position(|w| w == b"\r\n")
}

/// Printable ASCII as it is, every other byte as `\xNN`.
fn escape_into(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if (0x20..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_core::secret::Secret;
    use imap_core::types::{Str, Tag};

    #[test]
    fn exact_transcripts_show_every_byte_but_no_credentials() {
        let t = Transcript::new().exact();
        let unit = Bytes::from_static(b"a1  uid fetch 1 BODY[]\r\na2 X {3+}\r\na\nb\x00\r\n");
        t.record_client(1, "re-serialised".into(), Some(unit.clone()));
        let e = &t.entries()[0];
        assert_eq!(e.bytes.as_ref(), Some(&unit));
        assert_eq!(e.text, "a1  uid fetch 1 BODY[]\na2 X {3+}\na\\x0ab\\x00");
        // Without `exact`, the re-serialisation.
        let plain = Transcript::new();
        plain.record_client(1, "re-serialised".into(), Some(unit));
        assert_eq!(plain.entries()[0].text, "re-serialised");
        assert_eq!(plain.entries()[0].bytes, None);
        for secret in [
            &b"a1 LOGIN fred \"hunter2\r\n"[..],
            b"a1 login{4}\r\n",
            b"x  Authenticate PLAIN AGZyZWQAaHVudGVyMg==\r\n",
        ] {
            assert!(holds_credentials(secret), "{secret:?}");
        }
        assert!(!holds_credentials(b"a1 LOGOUT\r\n"));
        assert!(!holds_credentials(b"LOGIN\r\n"));
    }

    #[test]
    fn login_is_redacted_and_literals_are_readable() {
        let login = Command {
            tag: Tag::try_from("a1").unwrap(),
            body: CommandBody::Login {
                username: Str::from("fred"),
                password: Secret::new(Str::from("hunter2")),
            },
        };
        let t = command_text(&login);
        assert_eq!(t, "a1 LOGIN <redacted>");
        let append = Command {
            tag: Tag::try_from("a2").unwrap(),
            body: CommandBody::Append {
                mailbox: "INBOX".into(),
                messages: vec![imap_core::types::AppendMessage {
                    flags: vec![],
                    date: None,
                    data: imap_core::types::AppendData::Literal {
                        data: Str::from("Subject: x\r\n\r\nhi\r\n"),
                        binary: false,
                    },
                }],
            },
        };
        assert_eq!(
            command_text(&append),
            "a2 APPEND INBOX {18}\nSubject: x\n\nhi\n"
        );
        let flags = imap_core::types::Response::Data(imap_core::types::Data::Flags(vec![
            imap_core::types::Flag::Seen,
        ]));
        assert_eq!(
            response_text(&flags, &EncodeOptions::default()),
            "* FLAGS (\\Seen)"
        );
    }
}
