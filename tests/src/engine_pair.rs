//! [`EnginePair`]: an [`Engine`] joined to a mock-server session in memory, with a virtual
//! clock, running high-level operations the way a blocking driver does ([`Commands`]).

use imap_core::client::ClientConfig;
use imap_core::engine::{Engine, Step};
use imap_core::ops::{Commands, OpError, Operation};
use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use std::time::Instant;

/// An engine and a mock-server session joined by an in-memory byte pipe.
pub struct EnginePair {
    /// The engine.
    pub engine: Engine,
    /// The server's session for this connection.
    pub server: MockSession,
    /// The virtual clock.
    pub now: Instant,
    /// What the operations streamed ([`Step::Chunk`]).
    pub sink: Vec<u8>,
}

impl EnginePair {
    /// A connection to `server`, past the greeting (passwords allowed: the pipe is memory).
    pub fn connect(server: &MockServer, now: Instant) -> EnginePair {
        let config = ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        };
        let mut p = EnginePair {
            engine: Engine::new(config, now),
            server: server.session(now),
            now,
            sink: Vec::new(),
        };
        p.run(imap_core::ops::op::Greeting::new())
            .expect("greeting");
        p
    }

    /// Moves what the server has written to the engine; whether there was anything.
    fn deliver(&mut self) -> bool {
        let mut moved = false;
        loop {
            let mut buf = Vec::new();
            if self.server.poll_transmit(&mut buf) == 0 {
                return moved;
            }
            self.engine.handle_input(self.now, &buf);
            moved = true;
        }
    }

    /// Runs `op` to its end. When it waits and the server has nothing to say, the server is
    /// told the store may have changed (as its listener's watcher would), then the virtual
    /// clock jumps to the wake-up time.
    ///
    /// # Panics
    /// When it would wait for ever.
    pub fn run<O: Operation>(&mut self, op: O) -> Result<O::Output, OpError> {
        let mut run = self.engine.start(op, self.now);
        loop {
            match self.engine.drive(&mut run, self.now) {
                Step::Done(r) => return r,
                Step::Transmit => {
                    let mut out = Vec::new();
                    self.engine.poll_transmit(&mut out);
                    self.server.handle_input(self.now, &out);
                }
                Step::Chunk(b) => self.sink.extend_from_slice(&b),
                Step::Wait(until) => {
                    if self.deliver() {
                        continue;
                    }
                    self.server.wake();
                    if self.deliver() {
                        continue;
                    }
                    let Some(t) = until else {
                        panic!("the operation waits for ever");
                    };
                    self.now = self.now.max(t);
                    self.engine.handle_timeout(self.now);
                    self.server.handle_timeout(self.now);
                }
                _ => panic!("STARTTLS cannot upgrade an in-memory pipe"),
            }
        }
    }
}

/// A blocking driver's `Commands`: running an operation returns its result.
impl Commands for EnginePair {
    type Run<'a, O: Operation + 'a> = Result<O::Output, OpError>;

    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> Self::Run<'a, O> {
        EnginePair::run(self, op)
    }
}
