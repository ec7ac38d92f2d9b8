//! Test harness for cross-crate integration tests: [`Pair`] connects a sans-IO
//! [`imap_core::client::ClientMachine`] to a sans-IO mock-server session in memory, with a virtual
//! clock. No sockets, no threads, no sleeps: [`Pair::run`] moves bytes both ways until neither
//! side has anything to say.
//!
//! Over real sockets: [`net::TcpClient`] drives the same client on a blocking TCP connection,
//! and [`dovecot::Dovecot`] runs a private Dovecot to compare the mock server with.
//!
//! The driver scenarios, written once and expanded for each driver (imap-blocking, imap-tokio)
//! in `tests/driver_*.rs`: [`mock_server_scenarios!`] (every method against the mock server,
//! with [`fixture`]) and [`real_server_scenarios!`] (against private Dovecot and Cyrus servers,
//! with [`real`]).

pub mod cyrus;
pub mod dovecot;
pub mod engine_pair;
pub mod fixture;
pub mod memory;
pub mod net;
pub mod peers;
pub mod process;
pub mod real;
pub mod runtime;
mod scenarios;

pub mod differential;

use imap_core::client::{ClientConfig, ClientMachine, CommandId, Completion, Event};
use imap_core::types::CommandBody;
use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use std::time::{Duration, Instant};

/// A client and a server session joined by an in-memory byte pipe.
pub struct Pair {
    /// The client.
    pub client: ClientMachine,
    /// The server's session for this connection.
    pub server: MockSession,
    /// The virtual clock.
    pub now: Instant,
    /// Every event the client produced, in order.
    pub events: Vec<Event>,
    /// Bytes the client sent, for transcripts.
    pub client_bytes: Vec<u8>,
    /// Bytes the server sent, for transcripts.
    pub server_bytes: Vec<u8>,
}

impl Pair {
    /// A pair on `server`'s store, past the greeting.
    pub fn connect(server: &MockServer, now: Instant) -> Pair {
        let config = ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        };
        let mut p = Pair {
            client: ClientMachine::new(config, now),
            server: server.session(now),
            now,
            events: Vec::new(),
            client_bytes: Vec::new(),
            server_bytes: Vec::new(),
        };
        p.run();
        p
    }

    /// Moves bytes both ways until both sides are quiet. Returns whether anything moved.
    pub fn run(&mut self) -> bool {
        let mut moved = false;
        for _ in 0..10_000 {
            let mut buf = Vec::new();
            self.server.poll_transmit(&mut buf);
            if !buf.is_empty() {
                self.server_bytes.extend_from_slice(&buf);
                self.client.handle_input(self.now, &buf);
            }
            let mut out = Vec::new();
            self.client.poll_transmit(&mut out);
            if !out.is_empty() {
                self.client_bytes.extend_from_slice(&out);
                self.server.handle_input(self.now, &out);
            }
            while let Some(e) = self.client.poll_event() {
                self.events.push(e);
            }
            if buf.is_empty() && out.is_empty() {
                return moved;
            }
            moved = true;
        }
        panic!("the pair never went quiet");
    }

    /// Sends `body` and runs until it completes; returns its completion. The completion stays
    /// in [`Pair::events`] too, in order: the data a command claimed is only there (each datum
    /// is delivered once), and an oracle reading every datum reads it there.
    ///
    /// # Panics
    /// When the client refuses the command or it never completes.
    pub fn call(&mut self, body: CommandBody) -> Completion {
        let id = self.client.send(self.now, body).expect("command accepted");
        self.run();
        self.events
            .iter()
            .find_map(|e| match e {
                Event::Completed(c) if c.id == id => Some(c.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("command {id:?} did not complete: {:?}", self.events))
    }

    /// Removes and returns the completion of `id` from the recorded events.
    pub fn take_completion(&mut self, id: CommandId) -> Option<Completion> {
        let at = self
            .events
            .iter()
            .position(|e| matches!(e, Event::Completed(c) if c.id == id))?;
        match self.events.remove(at) {
            Event::Completed(c) => Some(c),
            _ => None,
        }
    }

    /// Tells the server session the store changed (as the listener's watcher would), and runs.
    pub fn wake(&mut self) {
        self.server.wake();
        self.run();
    }

    /// Advances the virtual clock and delivers timeouts to both sides.
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.run();
    }

    /// Logs in and selects `mailbox`.
    pub fn login_select(&mut self, user: &str, password: &str, mailbox: &str) -> Completion {
        let c = self.call(CommandBody::Login {
            username: user.into(),
            password: imap_core::secret::Secret::new(password.into()),
        });
        assert!(c.is_ok(), "login: {c:?}");
        let c = self.call(CommandBody::Select {
            mailbox: mailbox.into(),
            params: Default::default(),
        });
        assert!(c.is_ok(), "select: {c:?}");
        c
    }

    /// The client model's UIDs in sequence order (`None` for a UID not yet known).
    pub fn client_uids(&self) -> Vec<Option<u32>> {
        match self.client.selected() {
            Some(m) => m
                .messages()
                .iter()
                .map(|(_, u, _)| u.map(|u| u.get()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The server session's view: UIDs in sequence order as announced to this client.
    pub fn server_uids(&self) -> Vec<Option<u32>> {
        self.server
            .view_uids()
            .map(|v| v.iter().map(|u| Some(u.get())).collect())
            .unwrap_or_default()
    }
}
