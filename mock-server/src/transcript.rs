//! Conversation transcripts: both directions, readable, credentials redacted.
//!
//! Each entry is one command or response, written as on the wire with CRLF shown as line breaks
//! and other control bytes escaped. Literal contents up to [`LITERAL_SHOWN`] bytes of printable
//! text are shown; longer or binary ones as `<N-byte literal>`. The arguments of LOGIN and
//! AUTHENTICATE and every line sent during an AUTHENTICATE exchange are replaced with
//! `<redacted>`.

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
        }
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
        let e = Entry {
            connection,
            direction,
            text,
        };
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
                    data: Str::from("Subject: x\r\n\r\nhi\r\n"),
                    binary: false,
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
