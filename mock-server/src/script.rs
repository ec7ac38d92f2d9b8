//! Script mode: exact control over what the server sends, for client tests that need bytes no
//! real semantics produce.
//!
//! A [`Script`] is a greeting and a list of steps run in order: each [`Script::expect`] step
//! waits for one client command (matched on its text without the tag, case-insensitively and
//! with runs of spaces folded, or by a predicate with [`Script::expect_with`]) and answers with
//! bytes in which `{tag}` is replaced by the client's tag; [`Script::send`] steps write bytes
//! without waiting; [`Script::close`] ends the connection. A command that does not match the
//! next step is answered `{tag} BAD` and recorded as a [`Mismatch`]; the script does not
//! advance.
//!
//! Run it without IO ([`ScriptSession`]: bytes in, bytes out) or over 127.0.0.1
//! ([`ScriptServer`]: every connection runs the script from the start).
//!
//! ```
//! use mock_server::script::{Script, ScriptSession};
//!
//! let script = Script::new()
//!     .greeting("* OK [CAPABILITY IMAP4rev1] scripted\r\n")
//!     .expect("LOGIN alice pw", "{tag} OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n")
//!     .expect("select inbox", "* 0 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n");
//! let mut s = ScriptSession::new(script);
//! let mut out = Vec::new();
//! s.handle_input(b"a1 LOGIN alice pw\r\nb7 SELECT  INBOX\r\n");
//! s.poll_transmit(&mut out);
//! assert!(String::from_utf8_lossy(&out).ends_with("b7 OK [READ-WRITE] done\r\n"));
//! assert!(s.is_complete() && s.mismatches().is_empty());
//! ```
//!
//! Literals in commands are read whole: `{n}` gets `+ Ready\r\n` and the literal's bytes become
//! part of the command text (`{n+}` gets no continuation). A line without a space (`DONE`, a
//! SASL response) is matched whole, and `{tag}` in its answer is the previous command's tag.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

type Predicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What a step expects of the client's command.
#[derive(Clone)]
enum Matcher {
    /// The normalized command text (tag removed, upper case, spaces folded).
    Text(String),
    /// A predicate over the command text (tag removed, as sent).
    Predicate(String, Predicate),
}

impl Matcher {
    fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Text(t) => normalize(text) == *t,
            Matcher::Predicate(_, p) => p(text),
        }
    }

    fn describe(&self) -> String {
        match self {
            Matcher::Text(t) => t.clone(),
            Matcher::Predicate(d, _) => d.clone(),
        }
    }
}

fn normalize(s: &str) -> String {
    s.split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

/// One step of a [`Script`].
#[derive(Clone)]
enum Step {
    Expect { matcher: Matcher, reply: Vec<u8> },
    Send(Vec<u8>),
    Close,
}

/// A scripted conversation: a greeting and steps run in order. See the
/// [module documentation](self).
#[derive(Clone, Default)]
pub struct Script {
    greeting: Vec<u8>,
    steps: Vec<Step>,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("greeting", &String::from_utf8_lossy(&self.greeting))
            .field("steps", &self.steps.len())
            .finish()
    }
}

impl Script {
    /// An empty script (no greeting, no steps).
    pub fn new() -> Self {
        Script::default()
    }

    /// Bytes sent as soon as the connection opens (a greeting, usually `* OK ...\r\n`).
    pub fn greeting(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.greeting = bytes.as_ref().to_vec();
        self
    }

    /// Waits for a command whose text (after the tag) equals `command`, ignoring case and
    /// runs of spaces; answers `reply` with every `{tag}` replaced by the command's tag.
    pub fn expect(mut self, command: &str, reply: impl AsRef<[u8]>) -> Self {
        self.steps.push(Step::Expect {
            matcher: Matcher::Text(normalize(command)),
            reply: reply.as_ref().to_vec(),
        });
        self
    }

    /// Waits for a command whose text (after the tag, as sent, literals included) satisfies
    /// `predicate`; `description` names it in a [`Mismatch`].
    pub fn expect_with(
        mut self,
        description: &str,
        predicate: impl Fn(&str) -> bool + Send + Sync + 'static,
        reply: impl AsRef<[u8]>,
    ) -> Self {
        self.steps.push(Step::Expect {
            matcher: Matcher::Predicate(description.to_owned(), Arc::new(predicate)),
            reply: reply.as_ref().to_vec(),
        });
        self
    }

    /// Sends bytes without waiting for the client (once the steps before are done); `{tag}` is
    /// the last command's tag.
    pub fn send(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.steps.push(Step::Send(bytes.as_ref().to_vec()));
        self
    }

    /// Closes the connection (once the steps before are done).
    pub fn close(mut self) -> Self {
        self.steps.push(Step::Close);
        self
    }
}

/// A client command that did not match the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The index of the step that was waiting (the number of steps before it).
    pub step: usize,
    /// What the step expected (`end of script` when none was left).
    pub expected: String,
    /// The command line the client sent (without CRLF; literals included).
    pub got: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "script step {}: expected {:?}, got {:?}",
            self.step, self.expected, self.got
        )
    }
}

/// A script run without IO: feed the client's bytes with [`ScriptSession::handle_input`],
/// take the server's with [`ScriptSession::poll_transmit`].
#[derive(Debug)]
pub struct ScriptSession {
    script: Script,
    next: usize,
    input: Vec<u8>,
    /// A command line being assembled across literals.
    command: Vec<u8>,
    /// Bytes of a literal still to read into `command`.
    literal: usize,
    out: Vec<u8>,
    last_tag: String,
    mismatches: Vec<Mismatch>,
    closed: bool,
}

impl ScriptSession {
    /// Starts the script: the greeting (and any leading `send` steps) is ready to transmit.
    pub fn new(script: Script) -> Self {
        let mut s = ScriptSession {
            out: script.greeting.clone(),
            script,
            next: 0,
            input: Vec::new(),
            command: Vec::new(),
            literal: 0,
            last_tag: String::new(),
            mismatches: Vec::new(),
            closed: false,
        };
        s.run_unconditional();
        s
    }

    /// Bytes from the client.
    pub fn handle_input(&mut self, data: &[u8]) {
        if self.closed {
            return;
        }
        self.input.extend_from_slice(data);
        loop {
            if self.literal > 0 {
                if self.input.is_empty() {
                    return;
                }
                let n = self.literal.min(self.input.len());
                self.command.extend(self.input.drain(..n));
                self.literal -= n;
                continue;
            }
            let Some(end) = self.input.windows(2).position(|w| w == b"\r\n") else {
                return;
            };
            let line: Vec<u8> = self.input.drain(..end + 2).collect();
            let line = &line[..end];
            self.command.extend_from_slice(line);
            if let Some((len, sync)) = literal_at_end(line) {
                self.command.extend_from_slice(b"\r\n");
                self.literal = len;
                if sync {
                    self.out.extend_from_slice(b"+ Ready\r\n");
                }
                continue;
            }
            let command = std::mem::take(&mut self.command);
            self.on_command(&String::from_utf8_lossy(&command));
            if self.closed {
                return;
            }
        }
    }

    fn on_command(&mut self, line: &str) {
        let (tag, text) = match line.split_once(' ') {
            Some((tag, text)) => (tag.to_owned(), text),
            None => (self.last_tag.clone(), line),
        };
        self.last_tag = tag.clone();
        match self.script.steps.get(self.next) {
            Some(Step::Expect { matcher, reply }) if matcher.matches(text) => {
                let reply = substitute(reply, &tag);
                self.out.extend_from_slice(&reply);
                self.next += 1;
                self.run_unconditional();
            }
            step => {
                let expected = match step {
                    Some(Step::Expect { matcher, .. }) => matcher.describe(),
                    _ => "end of script".to_owned(),
                };
                self.mismatches.push(Mismatch {
                    step: self.next,
                    expected: expected.clone(),
                    got: line.to_owned(),
                });
                let tag = if tag.is_empty() { "*" } else { &tag };
                self.out.extend_from_slice(
                    format!("{tag} BAD Unexpected command (script expects {expected})\r\n")
                        .as_bytes(),
                );
            }
        }
    }

    /// Runs `send` and `close` steps up to the next `expect`.
    fn run_unconditional(&mut self) {
        while let Some(step) = self.script.steps.get(self.next) {
            match step {
                Step::Send(bytes) => {
                    let bytes = substitute(bytes, &self.last_tag);
                    self.out.extend_from_slice(&bytes);
                }
                Step::Close => {
                    self.next += 1;
                    self.closed = true;
                    return;
                }
                Step::Expect { .. } => return,
            }
            self.next += 1;
        }
    }

    /// Appends the bytes to write to `buf`; returns how many.
    pub fn poll_transmit(&mut self, buf: &mut Vec<u8>) -> usize {
        let n = self.out.len();
        buf.append(&mut self.out);
        n
    }

    /// Whether a `close` step ran: write what [`ScriptSession::poll_transmit`] gives, then
    /// close the connection.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether every step has run.
    pub fn is_complete(&self) -> bool {
        self.next == self.script.steps.len()
    }

    /// How many steps have run.
    pub fn steps_done(&self) -> usize {
        self.next
    }

    /// Commands that did not match, in order.
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.mismatches
    }
}

fn substitute(bytes: &[u8], tag: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(i) = rest.windows(5).position(|w| w == b"{tag}") {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(tag.as_bytes());
        rest = &rest[i + 5..];
    }
    out.extend_from_slice(rest);
    out
}

/// `{n}` or `{n+}` (or `~{n}`) at the end of a line: the length and whether it synchronizes.
fn literal_at_end(line: &[u8]) -> Option<(usize, bool)> {
    let body = line.strip_suffix(b"}")?;
    let open = body.iter().rposition(|&b| b == b'{')?;
    let inner = &body[open + 1..];
    let (digits, sync) = match inner.strip_suffix(b"+") {
        Some(d) => (d, false),
        None => (inner, true),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((std::str::from_utf8(digits).ok()?.parse().ok()?, sync))
}

/// What the connections of a [`ScriptServer`] share.
#[derive(Debug, Default)]
struct Record {
    mismatches: Vec<Mismatch>,
    completed: usize,
    connections: usize,
}

/// A [`Script`] served on 127.0.0.1: every connection runs it from the start. Dropping the
/// server stops it (connections end within about 100 ms).
#[derive(Debug)]
pub struct ScriptServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    record: Arc<Mutex<Record>>,
    accept: Option<JoinHandle<()>>,
}

impl ScriptServer {
    /// Listens on an ephemeral port of 127.0.0.1.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub fn start(script: Script) -> io::Result<ScriptServer> {
        let listener = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let record = Arc::new(Mutex::new(Record::default()));
        let (s, r) = (stop.clone(), record.clone());
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (script, s, r) = (script.clone(), s.clone(), r.clone());
                std::thread::spawn(move || serve(stream, script, &s, &r));
            }
        });
        Ok(ScriptServer {
            addr,
            stop,
            record,
            accept: Some(accept),
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Mismatches of every connection so far, in the order they happened.
    pub fn mismatches(&self) -> Vec<Mismatch> {
        lock(&self.record).mismatches.clone()
    }

    /// How many connections ran every step of the script.
    pub fn completed(&self) -> usize {
        lock(&self.record).completed
    }

    /// How many connections have ended.
    pub fn connections(&self) -> usize {
        lock(&self.record).connections
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn serve(mut stream: TcpStream, script: Script, stop: &AtomicBool, record: &Mutex<Record>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let mut session = ScriptSession::new(script);
    let mut seen = 0;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let mut out = Vec::new();
        session.poll_transmit(&mut out);
        if !out.is_empty() && stream.write_all(&out).is_err() {
            break;
        }
        let new = &session.mismatches()[seen..];
        if !new.is_empty() {
            lock(record).mismatches.extend_from_slice(new);
            seen = session.mismatches().len();
        }
        if session.is_closed() || stop.load(Ordering::SeqCst) {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => session.handle_input(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let mut r = lock(record);
    r.connections += 1;
    if session.is_complete() {
        r.completed += 1;
    }
}
