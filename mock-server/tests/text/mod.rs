//! Conversations as text: a sans-IO [`MockSession`] fed command lines, answering with the exact
//! bytes it wrote, so a test reads as the conversation it checks.

#![allow(dead_code)]

use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use mock_server::store::Store;
use std::time::Instant;

/// One connection to `server`, spoken to in text.
pub struct Conn {
    session: MockSession,
    now: Instant,
}

impl Conn {
    /// A connection, greeting read and dropped.
    pub fn new(server: &MockServer) -> Self {
        let now = Instant::now();
        let mut c = Conn {
            session: server.session(now),
            now,
        };
        c.take();
        c
    }

    /// A connection logged in as `user` (password `pw`) with `mailbox` selected.
    pub fn selected(server: &MockServer, user: &str, mailbox: &str) -> Self {
        let mut c = Conn::new(server);
        c.ok(&format!("l LOGIN {user} pw"));
        c.ok(&format!("s SELECT {mailbox}"));
        c
    }

    /// Everything the server wrote since the last call.
    pub fn take(&mut self) -> String {
        let mut out = Vec::new();
        self.session.poll_transmit(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Sends `line` (CRLF added) and returns what the server answered.
    pub fn cmd(&mut self, line: &str) -> String {
        self.raw(format!("{line}\r\n").as_bytes())
    }

    /// Sends raw bytes and returns what the server answered.
    pub fn raw(&mut self, bytes: &[u8]) -> String {
        self.session.handle_input(self.now, bytes);
        self.take()
    }

    /// Sends `line` and checks the tagged response is OK; returns the answer.
    pub fn ok(&mut self, line: &str) -> String {
        let out = self.cmd(line);
        let tag = line.split(' ').next().unwrap_or_default();
        assert!(
            out.contains(&format!("\r\n{tag} OK")) || out.starts_with(&format!("{tag} OK")),
            "{line} -> {out}"
        );
        out
    }

    /// The answer's lines other than the tagged one.
    pub fn untagged(&mut self, line: &str) -> Vec<String> {
        self.cmd(line)
            .split("\r\n")
            .filter(|l| l.starts_with("* "))
            .map(str::to_owned)
            .collect()
    }
}

/// A server over a store with user `u` (password `pw`) and `messages` in INBOX.
pub fn server_with(messages: &[&[u8]]) -> MockServer {
    let mut b = Store::builder().user("u", "pw").mailbox("INBOX");
    for m in messages {
        b = b.message(m.to_vec(), &[], None);
    }
    MockServer::builder()
        .store(b.build().unwrap())
        .build()
        .unwrap()
}

/// A small message.
pub const MSG: &[u8] = b"From: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n";
