//! The in-memory harness: an [`Engine`] joined to a scripted peer, with a virtual clock, and
//! [`Commands`] implemented on it the way a blocking driver does.

use imap_core::client::ClientConfig;
use imap_core::engine::{Engine, Running, Step};
use imap_core::ops::{Commands, OpError, Operation};
use std::collections::VecDeque;
use std::time::Instant;

/// One step of a script: a command line the client must send (its text after the tag, or the
/// whole line for untagged lines such as `DONE`; a line ending in a literal is one step, the
/// rest of the command after the literal's bytes another), and the reply, in which `{tag}` is the tag
/// of the command (for untagged lines: of the last tagged one).
struct Expect {
    line: String,
    reply: String,
}

/// A scripted server: answers each line it receives with the next step of its script, and
/// panics on a line the script does not expect.
pub struct Peer {
    steps: VecDeque<Expect>,
    input: Vec<u8>,
    /// Bytes of a literal still to skip.
    literal: usize,
    last_tag: String,
    /// What the server sends next.
    pub output: Vec<u8>,
    /// Every line the client sent, tags included.
    pub lines: Vec<String>,
}

impl Peer {
    fn new(greeting: &str) -> Peer {
        Peer {
            steps: VecDeque::new(),
            input: Vec::new(),
            literal: 0,
            last_tag: String::new(),
            output: greeting.as_bytes().to_vec(),
            lines: Vec::new(),
        }
    }

    fn handle(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
        loop {
            if self.literal > 0 {
                let n = self.literal.min(self.input.len());
                self.input.drain(..n);
                self.literal -= n;
                if self.literal > 0 {
                    return;
                }
            }
            let Some(end) = self.input.windows(2).position(|w| w == b"\r\n") else {
                return;
            };
            let line: Vec<u8> = self.input.drain(..end + 2).collect();
            let line = String::from_utf8_lossy(&line[..end]).into_owned();
            self.lines.push(line.clone());
            // A literal ends this line: skip its bytes (answering `+` when synchronizing).
            if let Some(open) = line.rfind('{').filter(|_| line.ends_with('}')) {
                let spec = &line[open + 1..line.len() - 1];
                let sync = !spec.ends_with('+');
                self.literal = spec.trim_end_matches('+').parse().expect("literal length");
                if sync {
                    self.output.extend_from_slice(b"+ go on\r\n");
                }
                // The line up to the literal is a step of its own, and so is the rest of the
                // command after the literal's bytes.
                self.answer(&line);
                continue;
            }
            self.answer(&line);
        }
    }

    fn answer(&mut self, line: &str) {
        // The rest of a command after a literal (` (\\Seen) {5}` of a MULTIAPPEND, or nothing)
        // has no tag of its own.
        let text = match line.split_once(' ') {
            Some((tag, rest)) if !line.starts_with("DONE") && !tag.is_empty() => {
                self.last_tag = tag.to_owned();
                rest.to_owned()
            }
            _ => line.to_owned(),
        };
        let step = self
            .steps
            .pop_front()
            .unwrap_or_else(|| panic!("unexpected line {line:?}: the script is over"));
        assert!(
            text.starts_with(&step.line),
            "the client sent {line:?}, the script expected {:?}",
            step.line
        );
        let reply = step.reply.replace("{tag}", &self.last_tag);
        self.output.extend_from_slice(reply.as_bytes());
    }
}

/// An engine and a scripted peer in memory, with a virtual clock.
pub struct Harness {
    /// The engine under test.
    pub engine: Engine,
    /// The server.
    pub peer: Peer,
    /// The virtual clock.
    pub now: Instant,
    /// What [`Step::Chunk`]s delivered.
    pub sink: Vec<u8>,
}

impl Harness {
    /// A connection to a server that greets with `greeting` (a whole line, CRLF included),
    /// past the greeting. Plaintext passwords are allowed (the "network" is memory).
    pub fn new(greeting: &str) -> Harness {
        let config = ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        };
        Harness::with_config(greeting, config)
    }

    /// [`Harness::new`] with a client configuration.
    pub fn with_config(greeting: &str, config: ClientConfig) -> Harness {
        let now = Instant::now();
        let mut h = Harness {
            engine: Engine::new(config, now),
            peer: Peer::new(greeting),
            now,
            sink: Vec::new(),
        };
        h.run(imap_core::ops::op::Greeting::new()).expect("greeted");
        h
    }

    /// Adds a step to the script: the client must send `line` (the text after the tag; it
    /// may end early: a prefix), and the server answers `reply` (`{tag}` is the command's tag).
    pub fn expect(&mut self, line: &str, reply: &str) -> &mut Harness {
        self.peer.steps.push_back(Expect {
            line: line.to_owned(),
            reply: reply.to_owned(),
        });
        self
    }

    /// Whether every scripted step was used.
    pub fn script_done(&self) -> bool {
        self.peer.steps.is_empty()
    }

    /// Delivers what the server has sent; returns whether there was anything.
    pub fn deliver(&mut self) -> bool {
        if self.peer.output.is_empty() {
            return false;
        }
        let bytes = std::mem::take(&mut self.peer.output);
        self.engine.handle_input(self.now, &bytes);
        true
    }

    /// Drives `run` until it finishes (`Ok(result)`) or waits for input the server does not
    /// have (`Err(wake-up time)`).
    pub fn turn<O: Operation>(
        &mut self,
        run: &mut Running<O>,
    ) -> Result<Result<O::Output, OpError>, Option<Instant>> {
        loop {
            match self.engine.drive(run, self.now) {
                Step::Done(r) => return Ok(r),
                Step::Transmit => {
                    let mut out = Vec::new();
                    self.engine.poll_transmit(&mut out);
                    self.peer.handle(&out);
                }
                Step::StartTls => self.engine.handle_tls_established(self.now),
                Step::Chunk(b) => self.sink.extend_from_slice(&b),
                Step::Wait(until) => {
                    if !self.deliver() {
                        return Err(until);
                    }
                }
                _ => unreachable!("a step this harness does not know"),
            }
        }
    }

    /// Runs `op` to its end; when it waits with nothing to read, the virtual clock jumps to
    /// its wake-up time.
    ///
    /// # Panics
    /// When it would wait for ever (the script has no answer for it).
    pub fn run<O: Operation>(&mut self, op: O) -> Result<O::Output, OpError> {
        let mut run = self.engine.start(op, self.now);
        loop {
            match self.turn(&mut run) {
                Ok(r) => return r,
                Err(Some(t)) => {
                    self.now = self.now.max(t);
                    self.engine.handle_timeout(self.now);
                }
                Err(None) => panic!("the operation waits for ever; sent {:?}", self.peer.lines),
            }
        }
    }
}

/// A blocking driver's `Commands`: running an operation returns its result.
impl Commands for Harness {
    type Run<'a, O: Operation + 'a> = Result<O::Output, OpError>;

    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> Self::Run<'a, O> {
        Harness::run(self, op)
    }
}
