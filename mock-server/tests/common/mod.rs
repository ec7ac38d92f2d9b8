//! A raw-bytes IMAP client for the tests: writes literal byte strings or commands encoded by
//! `imap_core`, reads responses with `imap_core`'s framer and parser.

#![allow(dead_code)]

use imap_core::encode::{EncodeOptions, encode_command};
use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseOptions, parse_response};
use imap_core::types::{Command, CommandBody, Response, StatusKind, StatusResponse, Tag};
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// A small message.
pub const MSG: &[u8] = b"From: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n";

/// A client over any byte stream whose reads time out.
pub struct Raw<S: Read + Write> {
    /// The byte stream.
    pub stream: S,
    framer: Framer,
    /// Every unit received, as text.
    pub received: Vec<String>,
}

impl<S: Read + Write> Raw<S> {
    /// A client over `stream`.
    pub fn new(stream: S) -> Self {
        Raw {
            stream,
            framer: Framer::new(Role::Client, Limits::default()),
            received: Vec::new(),
        }
    }

    /// Writes bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
        self.stream.flush().unwrap();
    }

    /// Writes a command encoded by imap-core (LITERAL+).
    pub fn command(&mut self, tag: &str, body: CommandBody) {
        let cmd = Command {
            tag: Tag::try_from(tag).unwrap(),
            body,
        };
        let opts = EncodeOptions {
            literal_plus: true,
            ..EncodeOptions::default()
        };
        self.send(&encode_command(&cmd, &opts).to_vec());
    }

    /// The next response, or `None` on EOF or after 10 s.
    pub fn recv(&mut self) -> Option<Response> {
        self.next_within(Duration::from_secs(10))
    }

    /// The next response, or `None` on EOF or after `timeout`.
    pub fn next_within(&mut self, timeout: Duration) -> Option<Response> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(f) = self.framer.next_frame() {
                let Ok(Frame::Unit(u)) = f else {
                    panic!("bad frame {f:?}")
                };
                self.received.push(String::from_utf8_lossy(&u).into_owned());
                return Some(parse_response(&u, &ParseOptions::default()).unwrap());
            }
            if Instant::now() >= deadline {
                return None;
            }
            let mut buf = [0u8; 4096];
            match self.stream.read(&mut buf) {
                Ok(0) => return None,
                Ok(n) => self.framer.push(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return None,
            }
        }
    }

    /// Responses up to and including the tagged one for `tag`.
    pub fn until(&mut self, tag: &str) -> Vec<Response> {
        let mut out = Vec::new();
        loop {
            let r = self
                .recv()
                .unwrap_or_else(|| panic!("no tagged response for {tag}: {:?}", out));
            let done = matches!(&r, Response::Status(StatusResponse { tag: Some(t), .. }) if t.as_str() == tag);
            out.push(r);
            if done {
                return out;
            }
        }
    }

    /// Sends a raw command line and returns its responses.
    pub fn run(&mut self, tag: &str, line: &str) -> Vec<Response> {
        self.send(format!("{tag} {line}\r\n").as_bytes());
        self.until(tag)
    }
}

impl<S: Read + Write> Raw<S> {
    /// Sends a raw command line (`tag line`, literals included) and returns the exchange as
    /// text for a transcript snapshot: `C: ` before the command, `S: ` before each response
    /// unit, CRLFs as line ends.
    pub fn talk(&mut self, tag: &str, line: &str) -> String {
        let from = self.received.len();
        self.send(format!("{tag} {line}\r\n").as_bytes());
        self.until(tag);
        let mut out = format!("C: {tag} {}\n", line.replace("\r\n", "\n"));
        for unit in &self.received[from..] {
            let unit = unit.strip_suffix("\r\n").unwrap_or(unit);
            out.push_str(&format!("S: {}\n", unit.replace("\r\n", "\n")));
        }
        out
    }
}

/// The tagged status at the end of `responses`.
pub fn tagged(responses: &[Response]) -> &StatusResponse {
    match responses.last() {
        Some(Response::Status(s)) if s.tag.is_some() => s,
        other => panic!("no tagged response: {other:?}"),
    }
}

/// The kind of the tagged status at the end of `responses`.
pub fn kind(responses: &[Response]) -> StatusKind {
    tagged(responses).kind
}

/// The untagged data of `responses`.
pub fn data(responses: &[Response]) -> Vec<&imap_core::types::Data> {
    responses
        .iter()
        .filter_map(|r| match r {
            Response::Data(d) => Some(d),
            _ => None,
        })
        .collect()
}
