//! The driver: [`Connection`] moves bytes between a [`Stream`] and the sans-IO
//! [`imap_core::client::Client`], and time into it. It never parses IMAP.
//!
//! The loop ([`Connection::wait`] and friends): write what `poll_transmit` gives, handle every
//! `poll_event`, upgrade to TLS when the core says STARTTLS succeeded, then read with the
//! stream's read timeout set to the core's `poll_timeout` (and the caller's deadline), and feed
//! the bytes, the end of stream or the timeout back to the core.

use crate::error::{Error, Result};
use crate::stream::Stream;
use bytes::Bytes;
use imap_connect::rustls::{ClientConnection, StreamOwned};
use imap_core::client::{
    Client as Core, ClientConfig, CommandId, Completion, ConnectionError, Event, Outcome,
    UsageError,
};
use imap_core::mailbox::{SelectedMailbox, Update};
use imap_core::ops::{self};
use imap_core::sasl::{Credentials, Mechanism};
use imap_core::types::{Code, CommandBody, StatusResponse};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// How many unsolicited events a connection keeps before dropping the oldest.
pub const DEFAULT_MAX_EVENTS: usize = 10_000;

/// Literals longer than this are streamed by [`Connection::stream_section`].
pub(crate) const STREAM_THRESHOLD: u64 = 64 * 1024;

/// The read buffer size (on the stack, per read).
const READ_BUF: usize = 16 * 1024;

/// What STARTTLS upgrades with.
pub(crate) use imap_connect::TlsTarget as TlsContext;

enum Transport {
    Plain(Box<dyn Stream>),
    Tls(Box<StreamOwned<ClientConnection, Box<dyn Stream>>>),
    Broken,
}

impl Transport {
    fn set_read_timeout(&mut self, t: Option<Duration>) -> io::Result<bool> {
        match self {
            Transport::Plain(s) => s.set_read_timeout(t),
            Transport::Tls(s) => s.sock.set_read_timeout(t),
            Transport::Broken => Ok(false),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf),
            Transport::Tls(s) => match s.read(buf) {
                // A peer that closes without close_notify: the end of the stream all the same.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                r => r,
            },
            Transport::Broken => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    fn set_write_timeout(&mut self, t: Option<Duration>) -> io::Result<bool> {
        match self {
            Transport::Plain(s) => s.set_write_timeout(t),
            Transport::Tls(s) => s.sock.set_write_timeout(t),
            Transport::Broken => Ok(false),
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
            Transport::Broken => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
            Transport::Broken => Err(io::ErrorKind::NotConnected.into()),
        }
    }
}

/// Which mailbox updates the running command produces itself (kept out of the event queue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quiet {
    None,
    /// FETCH and STORE: per-message updates.
    Fetch,
    /// SELECT and EXAMINE: every update and untagged status but ALERTs (the summary has
    /// them).
    All,
}

impl Quiet {
    fn of(body: &CommandBody) -> Quiet {
        match body {
            CommandBody::Fetch { .. } | CommandBody::Store { .. } => Quiet::Fetch,
            CommandBody::Select { .. } | CommandBody::Examine { .. } => Quiet::All,
            _ => Quiet::None,
        }
    }

    fn hides(self, u: &Update) -> bool {
        match self {
            Quiet::None => false,
            Quiet::Fetch => matches!(u, Update::Fetched(_)),
            Quiet::All => true,
        }
    }
}

/// What a read gave.
enum Input {
    Data(usize),
    Eof,
    Timeout,
}

/// An IMAP connection: the core state machine and the stream it talks over.
///
/// Commands are queued with [`Connection::send`] and awaited with [`Connection::wait`] (or both
/// at once with [`Connection::run`]); several may be in flight (pipelining). Unsolicited
/// events (mailbox updates, alerts, BYE) are kept in a bounded queue
/// ([`Connection::drain_events`]); data that belongs to a command is in its
/// [`Completion`]. The high-level [`crate::Client`] and [`crate::Session`] are built on this.
pub struct Connection {
    core: Core,
    io: Transport,
    tls: Option<TlsContext>,
    handshake_timeout: Option<Duration>,
    /// How long ending IDLE may take (the command timeout).
    done_timeout: Option<Duration>,
    out: Vec<u8>,
    /// Commands whose completion a caller will claim.
    awaited: Vec<CommandId>,
    completions: Vec<Completion>,
    events: VecDeque<Event>,
    max_events: usize,
    dropped_events: u64,
    greeting: Option<StatusResponse>,
    /// `Some(reason)` once the core reported `Closed` (`None` inside: clean LOGOUT).
    closed: Option<Option<ConnectionError>>,
    upgrade_pending: bool,
    idle_started: bool,
    /// Streaming a section: literal chunks are queued here.
    streaming: bool,
    chunks: VecDeque<Bytes>,
    /// Removals (EXPUNGE, VANISHED) to hand to the running command (EXPUNGE results).
    log: Option<Vec<Update>>,
    /// Which mailbox updates stay out of the event queue while the running command's own
    /// data produces them.
    quiet: Quiet,
    /// Send LOGOUT when dropped (set by the high-level types).
    logout_on_drop: bool,
}

impl Connection {
    /// A connection over `stream`, waiting for the greeting. `config.tls` must say whether the
    /// stream is already protected by TLS.
    pub fn new(stream: impl Stream + 'static, config: ClientConfig) -> Connection {
        Connection::from_boxed(Box::new(stream), config)
    }

    pub(crate) fn from_boxed(stream: Box<dyn Stream>, config: ClientConfig) -> Connection {
        let now = Instant::now();
        let done_timeout = config.command_timeout;
        Connection {
            core: Core::new(config, now),
            io: Transport::Plain(stream),
            tls: None,
            handshake_timeout: None,
            done_timeout,
            out: Vec::new(),
            awaited: Vec::new(),
            completions: Vec::new(),
            events: VecDeque::new(),
            max_events: DEFAULT_MAX_EVENTS,
            dropped_events: 0,
            greeting: None,
            closed: None,
            upgrade_pending: false,
            idle_started: false,
            streaming: false,
            chunks: VecDeque::new(),
            log: None,
            quiet: Quiet::None,
            logout_on_drop: false,
        }
    }

    /// Sets what STARTTLS upgrades with, and the time limit of a TLS handshake.
    pub(crate) fn set_tls(&mut self, tls: TlsContext, handshake_timeout: Option<Duration>) {
        self.tls = Some(tls);
        self.handshake_timeout = handshake_timeout;
    }

    /// Wraps the plain stream in TLS now (implicit TLS, port 993) and completes the handshake.
    pub(crate) fn start_tls(&mut self, deadline: Option<Instant>) -> Result<()> {
        let tls = self.tls.clone().ok_or(Error::Usage(UsageError::Invalid(
            "no TLS settings for this connection",
        )))?;
        let plain = match std::mem::replace(&mut self.io, Transport::Broken) {
            Transport::Plain(s) => s,
            other => {
                self.io = other;
                return Err(Error::Usage(UsageError::Invalid(
                    "the connection already uses TLS",
                )));
            }
        };
        let conn = ClientConnection::new(tls.config, tls.name).map_err(Error::Tls)?;
        self.io = Transport::Tls(Box::new(StreamOwned::new(conn, plain)));
        self.handshake(deadline)
    }

    fn handshake(&mut self, deadline: Option<Instant>) -> Result<()> {
        let Transport::Tls(s) = &mut self.io else {
            return Ok(());
        };
        let s = &mut **s;
        while s.conn.is_handshaking() {
            let t = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if t == Some(Duration::ZERO) {
                return Err(Error::Timeout(imap_connect::TimedOut::TlsHandshake));
            }
            s.sock.set_read_timeout(t)?;
            s.sock.set_write_timeout(t)?;
            match s.conn.complete_io(&mut s.sock) {
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {
                    return Err(Error::Timeout(imap_connect::TimedOut::TlsHandshake));
                }
                Err(e) => {
                    self.io = Transport::Broken;
                    self.core.handle_eof(Instant::now());
                    return Err(Error::from_io(e));
                }
            }
        }
        Ok(())
    }

    // ----- getters -----

    /// The sans-IO client, for its getters (state, capabilities, selected mailbox).
    pub fn core(&self) -> &Core {
        &self.core
    }

    /// The sans-IO client, mutable: commands queued on it directly are sent at the next drive;
    /// their completions are dropped unless [`Connection::send`] queued them.
    pub fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    /// The server's greeting, once received.
    pub fn greeting(&self) -> Option<&StatusResponse> {
        self.greeting.as_ref()
    }

    /// The selected mailbox as the core's model knows it (sequence numbers, UIDs, flags).
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.core.selected()
    }

    /// Whether the stream is protected by TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self.io, Transport::Tls(_))
    }

    /// Whether the connection has ended (cleanly or not).
    pub fn is_closed(&self) -> bool {
        self.closed.is_some() || self.core.is_closed()
    }

    /// How many unsolicited events were dropped because the queue was full.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events
    }

    /// Sets how many unsolicited events are kept (the oldest are dropped beyond it).
    pub fn set_max_events(&mut self, max: usize) {
        self.max_events = max;
    }

    /// Removes and returns the unsolicited events received so far: mailbox updates
    /// ([`Event::Mailbox`]), untagged status responses ([`Event::Status`]: alerts,
    /// keep-alives), [`Event::Bye`] and [`Event::Unparsed`].
    pub fn drain_events(&mut self) -> std::collections::vec_deque::Drain<'_, Event> {
        self.events.drain(..)
    }

    // ----- commands -----

    /// Queues a command and sends what can be sent; claim its completion with
    /// [`Connection::wait`].
    ///
    /// # Errors
    /// [`Error::Usage`] when the core refuses the command (nothing is sent), or an I/O error
    /// while writing.
    pub fn send(&mut self, body: CommandBody) -> Result<CommandId> {
        let id = self
            .core
            .send(Instant::now(), body)
            .map_err(|e| self.usage(e))?;
        self.awaited.push(id);
        self.flush()?;
        Ok(id)
    }

    /// Queues `AUTHENTICATE` with a SASL mechanism; claim its completion with
    /// [`Connection::wait`].
    ///
    /// # Errors
    /// As [`Connection::send`].
    pub fn send_authenticate(
        &mut self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<CommandId> {
        let id = self
            .core
            .authenticate(Instant::now(), mechanism, credentials)
            .map_err(|e| self.usage(e))?;
        self.awaited.push(id);
        self.flush()?;
        Ok(id)
    }

    /// Drives the connection until command `id` completes, and returns its completion (OK, NO
    /// or BAD).
    ///
    /// # Errors
    /// The connection's error when it failed before the command completed ([`Error::Connection`],
    /// [`Error::Io`], [`Error::Tls`]).
    pub fn wait(&mut self, id: CommandId) -> Result<Completion> {
        let found = self.drive(None, |s| s.completions.iter().any(|c| c.id == id));
        self.claim(id, found)
    }

    fn claim(&mut self, id: CommandId, driven: Result<bool>) -> Result<Completion> {
        self.awaited.retain(|a| *a != id);
        let Some(pos) = self.completions.iter().position(|c| c.id == id) else {
            driven?;
            return Err(self.closed_error());
        };
        let c = self.completions.remove(pos);
        if c.outcome == Outcome::Aborted {
            return Err(match driven {
                Err(e) => e,
                Ok(_) => self.closed_error(),
            });
        }
        Ok(c)
    }

    /// Sends a command and waits for its completion, which must be OK. An IDLE still running
    /// (started with [`Connection::idle_start`] and not ended) is ended first.
    ///
    /// # Errors
    /// [`Error::Command`] for `NO` or `BAD`, or as [`Connection::wait`].
    pub fn run(&mut self, body: CommandBody) -> Result<Completion> {
        self.end_idle();
        self.quiet = Quiet::of(&body);
        let id = self.send(body);
        let r = id.and_then(|id| self.wait(id));
        self.quiet = Quiet::None;
        Ok(ops::check(r?)?)
    }

    /// [`Connection::run`], also returning the removals (EXPUNGE and VANISHED updates) that
    /// arrived while it ran.
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub fn run_logged(&mut self, body: CommandBody) -> Result<(Completion, Vec<Update>)> {
        self.log = Some(Vec::new());
        let r = self.run(body);
        let log = self.log.take().unwrap_or_default();
        r.map(|c| (c, log))
    }

    /// Waits for the next unsolicited event, at most `timeout` (forever for `None`).
    ///
    /// # Errors
    /// When the connection fails.
    pub fn next_event(&mut self, timeout: Option<Duration>) -> Result<Option<Event>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.drive(deadline, |s| !s.events.is_empty())?;
        Ok(self.events.pop_front())
    }

    /// Waits for the greeting, at most until `deadline`.
    ///
    /// # Errors
    /// [`Error::Timeout`] when it does not come in time, or the connection's error (a `BYE`
    /// greeting is [`Error::Connection`]).
    pub fn wait_greeting(&mut self, deadline: Option<Instant>) -> Result<StatusResponse> {
        if !self.drive(deadline, |s| s.greeting.is_some())? {
            return Err(Error::Timeout(imap_connect::TimedOut::Greeting));
        }
        self.greeting.clone().ok_or(Error::Closed)
    }

    /// Fetches one section of one message (`UID FETCH uid BODY.PEEK[section]`) into `out`
    /// without holding it in memory: literals above 64 KiB arrive as chunks that are written as
    /// they come. Returns the number of bytes written.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the server sent no such message or section, I/O errors of
    /// `out`, or as [`Connection::run`].
    pub fn stream_section(
        &mut self,
        uid: imap_core::types::Uid,
        section: imap_core::types::Section,
        out: &mut dyn Write,
    ) -> Result<u64> {
        self.end_idle();
        let previous = self.core.stream_threshold();
        self.core.set_stream_threshold(Some(STREAM_THRESHOLD));
        self.streaming = true;
        self.chunks.clear();
        let result = self.stream_inner(uid, section, out);
        self.streaming = false;
        self.chunks.clear();
        self.core.set_stream_threshold(previous);
        result
    }

    fn stream_inner(
        &mut self,
        uid: imap_core::types::Uid,
        section: imap_core::types::Section,
        out: &mut dyn Write,
    ) -> Result<u64> {
        self.quiet = Quiet::Fetch;
        let id = self.send(ops::fetch::stream_command(uid, section.clone()))?;
        let mut written = 0u64;
        let mut streamed = false;
        loop {
            self.drive(None, |s| {
                !s.chunks.is_empty() || s.completions.iter().any(|c| c.id == id)
            })
            .inspect_err(|_| self.quiet = Quiet::None)?;
            while let Some(chunk) = self.chunks.pop_front() {
                out.write_all(&chunk)?;
                written += chunk.len() as u64;
                streamed = true;
            }
            if self.completions.iter().any(|c| c.id == id) {
                break;
            }
        }
        self.quiet = Quiet::None;
        let c = ops::check(self.wait(id)?)?;
        let messages = ops::fetch::messages(&c);
        let Some(m) = messages.get(&uid) else {
            return Err(Error::NotFound(imap_core::ops::op::Missing::Message(uid)));
        };
        if !streamed {
            match m.section(&section) {
                Some(data) => {
                    out.write_all(data)?;
                    written = data.len() as u64;
                }
                None => return Err(Error::NotFound(imap_core::ops::op::Missing::Section(uid))),
            }
        }
        out.flush()?;
        Ok(written)
    }

    /// STARTTLS: sends it and, on the server's OK, upgrades the stream to TLS. A failed
    /// handshake (an untrusted certificate, ...) is the error: the command's OK must not hide
    /// it.
    pub(crate) fn starttls(&mut self) -> Result<()> {
        let id = self.send(CommandBody::StartTls)?;
        // The upgrade happens inside the drive, as soon as the OK arrives.
        self.drive(None, |s| s.completions.iter().any(|c| c.id == id))?;
        ops::check(self.claim(id, Ok(true))?)?;
        if !self.is_tls() {
            return Err(Error::StartTlsUnavailable);
        }
        Ok(())
    }

    /// Starts IDLE and waits until the server accepts it.
    ///
    /// # Errors
    /// [`Error::Command`] when the server refuses IDLE, or as [`Connection::run`].
    pub fn idle_start(&mut self) -> Result<()> {
        self.end_idle();
        self.idle_started = false;
        let id = self.send(CommandBody::Idle)?;
        self.drive(None, |s| {
            s.idle_started || s.completions.iter().any(|c| c.id == id)
        })?;
        if let Some(pos) = self.completions.iter().position(|c| c.id == id) {
            let c = self.completions.remove(pos);
            self.awaited.retain(|a| *a != id);
            ops::check(c)?;
            return Err(Error::Usage(UsageError::NotIdling));
        }
        // The IDLE (and the ones the core re-issues) complete unclaimed.
        self.awaited.retain(|a| *a != id);
        Ok(())
    }

    /// Ends IDLE (sends `DONE`) and waits until the server has completed it (at most the
    /// command timeout).
    ///
    /// # Errors
    /// When the connection fails.
    pub fn idle_done(&mut self) -> Result<()> {
        if self.core.is_idle_pending() {
            let _ = self.core.idle_done(Instant::now());
        }
        let deadline = self.done_timeout.map(|t| Instant::now() + t);
        if !self.drive(deadline, |s| !s.core.is_idle_pending())? {
            return Err(Error::Timeout(imap_connect::TimedOut::IdleDone));
        }
        Ok(())
    }

    /// Asks the core to end an IDLE that is still running or starting (`DONE` is written by
    /// the next drive), as imap-tokio does before each operation: a command queued behind a
    /// running IDLE would wait for ever.
    fn end_idle(&mut self) {
        if self.core.is_idle_pending() {
            let _ = self.core.idle_done(Instant::now());
        }
    }

    /// Whether dropping the connection sends LOGOUT first (waiting at most a second).
    pub fn set_logout_on_drop(&mut self, logout: bool) {
        self.logout_on_drop = logout;
    }

    /// Logs out: sends LOGOUT, waits for its completion and (a little) for the server to
    /// close, then closes the stream.
    ///
    /// # Errors
    /// When LOGOUT fails; nothing when the connection is already closed.
    pub fn logout(&mut self) -> Result<()> {
        self.logout_on_drop = false;
        if self.is_closed() {
            return Ok(());
        }
        if self.core.is_idle_pending() {
            self.idle_done()?;
        }
        let r = self.run(CommandBody::Logout);
        let deadline = Instant::now() + Duration::from_secs(2);
        let _ = self.drive(Some(deadline), |s| s.closed.is_some());
        self.io = Transport::Broken;
        r.map(drop)
    }

    // ----- the loop -----

    fn usage(&self, e: UsageError) -> Error {
        match e {
            UsageError::Closed => self.closed_error(),
            e => Error::Usage(e),
        }
    }

    fn closed_error(&self) -> Error {
        match &self.closed {
            Some(Some(e)) => Error::Connection(e.clone()),
            _ => Error::Closed,
        }
    }

    /// Writes what the core has to send (through TLS and COMPRESS alike). Each write may block
    /// until the core's [`Core::write_deadline`], asked again after every write that made
    /// progress: the overall deadline bounds them all, the inactivity timeout each one.
    fn flush(&mut self) -> Result<()> {
        self.out.clear();
        if self.core.poll_transmit(&mut self.out) == 0 {
            return Ok(());
        }
        let mut pos = 0;
        let mut deadline = self.core.write_deadline(Instant::now());
        loop {
            let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if timeout.is_some_and(|t| t.is_zero()) {
                return Err(self.write_timed_out());
            }
            let step = self.io.set_write_timeout(timeout).map(|can_time_out| {
                let r = if pos < self.out.len() {
                    self.io.write(&self.out[pos..])
                } else {
                    self.io.flush().map(|()| 0)
                };
                (can_time_out, r)
            });
            match step {
                Ok((_, Ok(_))) if pos == self.out.len() => return Ok(()),
                Ok((_, Ok(0))) => {
                    self.fail_io();
                    return Err(Error::from_io(io::ErrorKind::WriteZero.into()));
                }
                Ok((_, Ok(n))) => {
                    pos += n;
                    deadline = self.core.write_deadline(Instant::now());
                }
                Ok((_, Err(e))) if e.kind() == io::ErrorKind::Interrupted => {}
                // The deadline decides: a timer that fired early writes again.
                Ok((true, Err(e))) if is_timeout(&e) => {}
                Ok((_, Err(e))) | Err(e) => {
                    self.fail_io();
                    return Err(Error::from_io(e));
                }
            }
        }
    }

    /// A write made no progress by the core's write deadline: the stream (which may end inside
    /// a command) is dropped and the core fails the connection with the typed reason
    /// ([`ConnectionError::DeadlineExceeded`] or a write timeout).
    fn write_timed_out(&mut self) -> Error {
        self.io = Transport::Broken;
        self.core.handle_write_timeout(Instant::now());
        self.pump();
        self.closed_error()
    }

    fn fail_io(&mut self) {
        self.io = Transport::Broken;
        self.core.handle_eof(Instant::now());
        self.pump();
    }

    fn push_event(&mut self, e: Event) {
        if self.max_events == 0 {
            self.dropped_events += 1;
            return;
        }
        if self.events.len() >= self.max_events {
            self.events.pop_front();
            self.dropped_events += 1;
        }
        self.events.push_back(e);
    }

    fn pump(&mut self) {
        while let Some(ev) = self.core.poll_event() {
            match ev {
                Event::Completed(c) => {
                    if self.awaited.contains(&c.id) {
                        self.completions.push(c);
                    }
                }
                Event::Greeting(s) => self.greeting = Some(s),
                Event::StartTls => self.upgrade_pending = true,
                Event::IdleStarted(_) => self.idle_started = true,
                Event::LiteralChunk { data, .. } => {
                    if self.streaming {
                        self.chunks.push_back(data);
                    }
                }
                Event::Closed(reason) => self.closed = Some(reason),
                Event::Mailbox(u) => {
                    // Only removals: they are what the command's result is made of, and the
                    // core counts them against `max_command_data` (EXISTS is not counted).
                    if let Some(log) = &mut self.log
                        && matches!(u, Update::Expunged(_) | Update::Vanished(_))
                    {
                        log.push(u.clone());
                    }
                    if !self.quiet.hides(&u) {
                        self.push_event(Event::Mailbox(u));
                    }
                }
                Event::Status(st) if self.quiet == Quiet::All && st.code != Some(Code::Alert) => {}
                Event::Data(_) | Event::Compressing | Event::Continuation(_) => {}
                other => self.push_event(other),
            }
        }
    }

    /// Drives the connection until `done` holds (`Ok(true)`) or `deadline` passes
    /// (`Ok(false)`).
    fn drive(
        &mut self,
        deadline: Option<Instant>,
        mut done: impl FnMut(&Self) -> bool,
    ) -> Result<bool> {
        let mut buf = [0u8; READ_BUF];
        loop {
            self.flush()?;
            self.pump();
            if self.upgrade_pending {
                self.upgrade_pending = false;
                let hs = self.handshake_timeout.map(|t| Instant::now() + t);
                self.start_tls(hs)?;
                self.core.handle_tls_established(Instant::now());
                continue;
            }
            if done(self) {
                return Ok(true);
            }
            if self.closed.is_some() {
                return Err(self.closed_error());
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Ok(false);
            }
            let wake = match (self.core.poll_timeout(), deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match self.read(wake, &mut buf) {
                Ok(Input::Data(n)) => self.core.handle_input(Instant::now(), &buf[..n]),
                Ok(Input::Eof) => {
                    self.io = Transport::Broken;
                    self.core.handle_eof(Instant::now());
                }
                Ok(Input::Timeout) => self.core.handle_timeout(Instant::now()),
                Err(e) => {
                    self.fail_io();
                    return Err(Error::from_io(e));
                }
            }
        }
    }

    fn read(&mut self, wake: Option<Instant>, buf: &mut [u8]) -> io::Result<Input> {
        let timeout = match wake {
            Some(w) => {
                let t = w.saturating_duration_since(Instant::now());
                if t.is_zero() {
                    return Ok(Input::Timeout);
                }
                Some(t)
            }
            None => None,
        };
        let can_time_out = self.io.set_read_timeout(timeout)?;
        loop {
            return match self.io.read(buf) {
                Ok(0) => Ok(Input::Eof),
                Ok(n) => Ok(Input::Data(n)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if can_time_out && is_timeout(&e) => Ok(Input::Timeout),
                Err(e) => Err(e),
            };
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Drop for Connection {
    fn drop(&mut self) {
        if !self.logout_on_drop || self.is_closed() || matches!(self.io, Transport::Broken) {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        if self.core.is_idle_pending() {
            let _ = self.core.idle_done(Instant::now());
            let _ = self.drive(Some(deadline), |s| !s.core.is_idle_pending());
        }
        if self.core.send(Instant::now(), CommandBody::Logout).is_ok() {
            let _ = self.drive(Some(deadline), |s| s.closed.is_some());
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("state", &self.core.state())
            .field("tls", &self.is_tls())
            .field("closed", &self.closed)
            .field("events", &self.events.len())
            .finish_non_exhaustive()
    }
}
