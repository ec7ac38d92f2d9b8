//! The driver: [`Connection`] moves bytes between an [`AsyncStream`] and the sans-IO
//! [`imap_core::client::Client`], and time into it. It never parses IMAP.
//!
//! The loop: write what `poll_transmit` gives, handle every `poll_event`, upgrade to TLS when
//! the core says STARTTLS succeeded, then read until the core's `poll_timeout` (or the caller's
//! deadline) and feed the bytes, the end of stream or the timeout back to the core.
//!
//! # Cancellation
//!
//! Every future of this crate may be dropped at any `.await` and the connection stays
//! usable, unless a method's documentation says otherwise:
//! - bytes waiting to be written are kept in the connection and written by the next future;
//! - reads are cancel-safe (nothing read is lost: a completed read is handed to the core
//!   before the next `.await`);
//! - a dropped command future leaves its command in flight: its response is read and
//!   discarded by whatever future drives the connection next;
//! - events are taken from the queue only when a future returns them.
//!
//! The exceptions: a future that is dropped during a TLS handshake (inside
//! [`crate::Connector`]'s connect futures) drops the connection with it, and
//! [`Connection::stream_section`] may have written part of the section to its writer.

use crate::error::{Error, Result};
use crate::stream::AsyncStream;
use bytes::Bytes;
use imap_core::client::{
    Client as Core, ClientConfig, CommandId, Completion, ConnectionError, Event, Outcome,
    UsageError,
};
use imap_core::mailbox::{SelectedMailbox, Update};
use imap_core::ops;
use imap_core::sasl::{Credentials, Mechanism};
use imap_core::types::{Code, CommandBody, StatusResponse};
use imap_tls::rustls::ClientConfig as TlsConfig;
use imap_tls::rustls::pki_types::ServerName;
use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// How many unsolicited events a connection keeps before dropping the oldest.
pub const DEFAULT_MAX_EVENTS: usize = 10_000;

/// Literals longer than this are streamed by [`Connection::stream_section`].
pub(crate) const STREAM_THRESHOLD: u64 = 64 * 1024;

/// The read buffer size (inside the driving future, per read).
const READ_BUF: usize = 8 * 1024;

/// What STARTTLS upgrades with.
#[derive(Clone)]
pub(crate) struct TlsContext {
    pub(crate) config: Arc<TlsConfig>,
    pub(crate) name: ServerName<'static>,
}

enum Transport {
    Plain(Box<dyn AsyncStream>),
    Tls(Box<TlsStream<Box<dyn AsyncStream>>>),
    Broken,
}

impl Transport {
    async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf).await,
            Transport::Tls(s) => match s.read(buf).await {
                // A peer that closes without close_notify: the end of the stream all the same.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                r => r,
            },
            Transport::Broken => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    fn writer(&mut self) -> io::Result<&mut (dyn AsyncWrite + Unpin + Send)> {
        match self {
            Transport::Plain(s) => Ok(s),
            Transport::Tls(s) => Ok(&mut **s),
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

/// An IMAP connection: the core state machine and the stream it talks over.
///
/// Commands are queued with [`Connection::send`] and awaited with [`Connection::wait`] (or both
/// at once with [`Connection::run`]); several may be in flight (pipelining). Unsolicited
/// events (mailbox updates, alerts, BYE) are kept in a bounded queue
/// ([`Connection::drain_events`]); data that belongs to a command is in its
/// [`Completion`]. The high-level [`crate::Client`] and [`crate::Session`] are built on this.
/// See the [module documentation](self) for cancellation.
pub struct Connection {
    core: Core,
    io: Transport,
    tls: Option<TlsContext>,
    handshake_timeout: Option<Duration>,
    /// How long ending IDLE may take (the command timeout).
    done_timeout: Option<Duration>,
    /// Bytes the core gave that are not written yet, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    needs_flush: bool,
    /// Commands whose completion a caller will claim.
    awaited: Vec<CommandId>,
    completions: Vec<Completion>,
    /// The command of the high-level operation in progress: if its future is dropped, the
    /// next operation abandons it.
    current: Option<CommandId>,
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
    saved_threshold: Option<Option<u64>>,
    chunks: VecDeque<Bytes>,
    /// Removals (EXPUNGE, VANISHED) to hand to the running command (EXPUNGE results).
    log: Option<Vec<Update>>,
    quiet: Quiet,
    /// Send LOGOUT when dropped (set by the high-level types).
    logout_on_drop: bool,
}

impl Connection {
    /// A connection over `stream`, waiting for the greeting. `config.tls` must say whether the
    /// stream is already protected by TLS.
    pub fn new(stream: impl AsyncStream + 'static, config: ClientConfig) -> Connection {
        Connection::from_boxed(Box::new(stream), config)
    }

    pub(crate) fn from_boxed(stream: Box<dyn AsyncStream>, config: ClientConfig) -> Connection {
        let now = Instant::now();
        let done_timeout = config.command_timeout;
        Connection {
            core: Core::new(config, now),
            io: Transport::Plain(stream),
            tls: None,
            handshake_timeout: None,
            done_timeout,
            out: Vec::new(),
            out_pos: 0,
            needs_flush: false,
            awaited: Vec::new(),
            completions: Vec::new(),
            current: None,
            events: VecDeque::new(),
            max_events: DEFAULT_MAX_EVENTS,
            dropped_events: 0,
            greeting: None,
            closed: None,
            upgrade_pending: false,
            idle_started: false,
            streaming: false,
            saved_threshold: None,
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
    /// Not cancel-safe: dropping the future drops the connection's stream.
    pub(crate) async fn start_tls(&mut self, deadline: Option<Instant>) -> Result<()> {
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
        let connect = TlsConnector::from(tls.config).connect(tls.name, plain);
        let result = match deadline {
            Some(d) => match tokio::time::timeout_at(d.into(), connect).await {
                Ok(r) => r,
                Err(_) => {
                    self.core.handle_eof(Instant::now());
                    return Err(Error::Timeout("in the TLS handshake"));
                }
            },
            None => connect.await,
        };
        match result {
            Ok(s) => {
                self.io = Transport::Tls(Box::new(s));
                Ok(())
            }
            Err(e) => {
                self.core.handle_eof(Instant::now());
                Err(Error::from_io(e))
            }
        }
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

    /// Abandons what a dropped future left behind: its command's completion will be
    /// discarded, streaming stops, and an IDLE still running or starting is ended (an
    /// `idle()` future dropped before it returned its handle leaves one, and every later
    /// command would wait behind it for ever).
    fn begin(&mut self) {
        if let Some(id) = self.current.take() {
            self.awaited.retain(|a| *a != id);
            self.completions.retain(|c| c.id != id);
        }
        self.idle_stop();
        if let Some(t) = self.saved_threshold.take() {
            self.core.set_stream_threshold(t);
        }
        self.streaming = false;
        self.chunks.clear();
        self.log = None;
        self.quiet = Quiet::None;
    }

    /// Queues a command and sends what can be sent; claim its completion with
    /// [`Connection::wait`]. Cancel-safe: if dropped, the command is still queued and sent by
    /// the next future that drives the connection.
    ///
    /// # Errors
    /// [`Error::Usage`] when the core refuses the command (nothing is sent), or an I/O error
    /// while writing.
    pub async fn send(&mut self, body: CommandBody) -> Result<CommandId> {
        let id = self.queue(body)?;
        self.flush().await?;
        Ok(id)
    }

    fn queue(&mut self, body: CommandBody) -> Result<CommandId> {
        let id = self
            .core
            .send(Instant::now(), body)
            .map_err(|e| self.usage(e))?;
        self.awaited.push(id);
        Ok(id)
    }

    /// Queues `AUTHENTICATE` with a SASL mechanism; claim its completion with
    /// [`Connection::wait`]. Cancel-safe like [`Connection::send`].
    ///
    /// # Errors
    /// As [`Connection::send`].
    pub async fn send_authenticate(
        &mut self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<CommandId> {
        let id = self
            .core
            .authenticate(Instant::now(), mechanism, credentials)
            .map_err(|e| self.usage(e))?;
        self.awaited.push(id);
        self.flush().await?;
        Ok(id)
    }

    /// Drives the connection until command `id` completes, and returns its completion (OK, NO
    /// or BAD). Cancel-safe: a completion that arrives is kept until a later `wait(id)`.
    ///
    /// # Errors
    /// The connection's error when it failed before the command completed.
    pub async fn wait(&mut self, id: CommandId) -> Result<Completion> {
        let driven = self
            .drive(None, |s| s.completions.iter().any(|c| c.id == id))
            .await;
        self.claim(id, driven)
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

    /// Sends a command and waits for its completion, which must be OK. Cancel-safe: if the
    /// future is dropped, the command still runs and its response is discarded by the next
    /// operation.
    ///
    /// # Errors
    /// [`Error::Command`] for `NO` or `BAD`, or as [`Connection::wait`].
    pub async fn run(&mut self, body: CommandBody) -> Result<Completion> {
        self.begin();
        self.quiet = Quiet::of(&body);
        let id = self.queue(body)?;
        self.current = Some(id);
        let r = self.wait(id).await;
        self.current = None;
        self.quiet = Quiet::None;
        Ok(ops::check(r?)?)
    }

    /// [`Connection::run`], also returning the removals (EXPUNGE and VANISHED updates) that
    /// arrived while it ran.
    /// Cancel-safe like [`Connection::run`].
    ///
    /// # Errors
    /// As [`Connection::run`].
    pub async fn run_logged(&mut self, body: CommandBody) -> Result<(Completion, Vec<Update>)> {
        self.begin();
        self.quiet = Quiet::of(&body);
        self.log = Some(Vec::new());
        let id = self.queue(body)?;
        self.current = Some(id);
        let r = self.wait(id).await;
        self.current = None;
        self.quiet = Quiet::None;
        let log = self.log.take().unwrap_or_default();
        Ok((ops::check(r?)?, log))
    }

    /// Waits for the next unsolicited event, at most `timeout` (forever for `None`).
    /// Cancel-safe: an event is removed from the queue only when the future returns it.
    ///
    /// # Errors
    /// When the connection fails.
    pub async fn next_event(&mut self, timeout: Option<Duration>) -> Result<Option<Event>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.drive(deadline, |s| !s.events.is_empty()).await?;
        Ok(self.events.pop_front())
    }

    /// Waits for the greeting, at most until `deadline`.
    ///
    /// # Errors
    /// [`Error::Timeout`] when it does not come in time, or the connection's error (a `BYE`
    /// greeting is [`Error::Connection`]).
    pub async fn wait_greeting(&mut self, deadline: Option<Instant>) -> Result<StatusResponse> {
        if !self.drive(deadline, |s| s.greeting.is_some()).await? {
            return Err(Error::Timeout("waiting for the greeting"));
        }
        self.greeting.clone().ok_or(Error::Closed)
    }

    /// Fetches one section of one message (`UID FETCH uid BODY.PEEK[section]`) into `out`
    /// without holding it in memory: literals above 64 KiB arrive as chunks that are written as
    /// they come. Returns the number of bytes written.
    ///
    /// Cancellation: the connection stays usable (the rest of the section is read and
    /// discarded by the next operation), but `out` may hold part of the section.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the server sent no such message or section, I/O errors of
    /// `out`, or as [`Connection::run`].
    pub async fn stream_section(
        &mut self,
        uid: imap_core::types::Uid,
        section: imap_core::types::Section,
        out: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<u64> {
        self.begin();
        self.saved_threshold = Some(self.core.stream_threshold());
        self.core.set_stream_threshold(Some(STREAM_THRESHOLD));
        self.streaming = true;
        self.quiet = Quiet::Fetch;
        let result = self.stream_inner(uid, section, out).await;
        self.begin();
        result
    }

    async fn stream_inner(
        &mut self,
        uid: imap_core::types::Uid,
        section: imap_core::types::Section,
        out: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<u64> {
        let id = self.queue(ops::fetch::stream_command(uid, section.clone()))?;
        self.current = Some(id);
        let mut written = 0u64;
        let mut streamed = false;
        loop {
            self.drive(None, |s| {
                !s.chunks.is_empty() || s.completions.iter().any(|c| c.id == id)
            })
            .await?;
            while let Some(chunk) = self.chunks.front().cloned() {
                out.write_all(&chunk).await?;
                self.chunks.pop_front();
                written += chunk.len() as u64;
                streamed = true;
            }
            if self.completions.iter().any(|c| c.id == id) {
                break;
            }
        }
        self.current = None;
        let c = ops::check(self.claim(id, Ok(true))?)?;
        let messages = ops::fetch::messages(&c);
        let Some(m) = messages.get(&uid) else {
            return Err(Error::NotFound(format!("message UID {uid}")));
        };
        if !streamed {
            match m.section(&section) {
                Some(data) => {
                    out.write_all(data).await?;
                    written = data.len() as u64;
                }
                None => return Err(Error::NotFound(format!("section of message UID {uid}"))),
            }
        }
        out.flush().await?;
        Ok(written)
    }

    /// STARTTLS: sends it and, on the server's OK, upgrades the stream to TLS. A failed
    /// handshake (an untrusted certificate, ...) is the error: the command's OK must not hide
    /// it. Not cancel-safe (see [`Connection::start_tls`]).
    pub(crate) async fn starttls(&mut self) -> Result<()> {
        self.begin();
        let id = self.queue(CommandBody::StartTls)?;
        // The upgrade happens inside the drive, as soon as the OK arrives.
        self.drive(None, |s| s.completions.iter().any(|c| c.id == id))
            .await?;
        ops::check(self.claim(id, Ok(true))?)?;
        if !self.is_tls() {
            return Err(Error::StartTlsUnavailable);
        }
        Ok(())
    }

    /// Starts IDLE and waits until the server accepts it. Cancel-safe: if dropped, the IDLE
    /// goes on being started; end it with [`Connection::idle_done`].
    ///
    /// # Errors
    /// [`Error::Command`] when the server refuses IDLE, or as [`Connection::run`].
    pub async fn idle_start(&mut self) -> Result<()> {
        self.begin();
        self.idle_started = false;
        let id = self.queue(CommandBody::Idle)?;
        self.current = Some(id);
        self.drive(None, |s| {
            s.idle_started || s.completions.iter().any(|c| c.id == id)
        })
        .await?;
        self.current = None;
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

    /// Asks the core to end IDLE (`DONE` is written by the next drive), without waiting.
    pub fn idle_stop(&mut self) {
        if self.core.is_idle_pending() {
            let _ = self.core.idle_done(Instant::now());
        }
    }

    /// Ends IDLE (sends `DONE`) and waits until the server has completed it (at most the
    /// command timeout). Cancel-safe: if
    /// dropped, `DONE` is still sent and the IDLE's completion discarded later.
    ///
    /// # Errors
    /// When the connection fails.
    pub async fn idle_done(&mut self) -> Result<()> {
        self.idle_stop();
        let deadline = self.done_timeout.map(|t| Instant::now() + t);
        if !self.drive(deadline, |s| !s.core.is_idle_pending()).await? {
            return Err(Error::Timeout("waiting for the server to end IDLE"));
        }
        Ok(())
    }

    /// Whether dropping the connection sends LOGOUT first (from a spawned task, when a tokio
    /// runtime is running; at most a second).
    pub fn set_logout_on_drop(&mut self, logout: bool) {
        self.logout_on_drop = logout;
    }

    /// Logs out: sends LOGOUT, waits for its completion and (a little) for the server to
    /// close, then closes the stream. Not meant to be cancelled: a dropped future leaves the
    /// connection closing.
    ///
    /// # Errors
    /// When LOGOUT fails; nothing when the connection is already closed.
    pub async fn logout(&mut self) -> Result<()> {
        self.logout_on_drop = false;
        if self.is_closed() {
            return Ok(());
        }
        if self.core.is_idle_pending() {
            self.idle_done().await?;
        }
        let r = self.run(CommandBody::Logout).await;
        let deadline = Instant::now() + Duration::from_secs(2);
        let _ = self.drive(Some(deadline), |s| s.closed.is_some()).await;
        if let Ok(w) = self.io.writer() {
            let _ = tokio::time::timeout(Duration::from_millis(200), w.shutdown()).await;
        }
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

    /// Writes what the core has to send (through TLS and COMPRESS alike). Cancel-safe:
    /// progress is kept in `out_pos`. Each write and flush may take until the core's
    /// [`Core::write_deadline`], asked again after every write that made progress: the overall
    /// deadline bounds them all, the inactivity timeout each one.
    async fn flush(&mut self) -> Result<()> {
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        if self.core.poll_transmit(&mut self.out) > 0 {
            self.needs_flush = true;
        }
        let r: io::Result<bool> = async {
            while self.out_pos < self.out.len() {
                let deadline = self.core.write_deadline(Instant::now());
                let w = self.io.writer()?;
                let Some(n) = bounded(deadline, w.write(&self.out[self.out_pos..])).await? else {
                    return Ok(false);
                };
                if n == 0 {
                    return Err(io::ErrorKind::WriteZero.into());
                }
                self.out_pos += n;
            }
            if self.needs_flush {
                let deadline = self.core.write_deadline(Instant::now());
                if bounded(deadline, self.io.writer()?.flush())
                    .await?
                    .is_none()
                {
                    return Ok(false);
                }
                self.needs_flush = false;
            }
            Ok(true)
        }
        .await;
        if let Ok(false) = r {
            // A write made no progress by the deadline: the stream (which may end inside a
            // command) is dropped and the core fails the connection with the typed reason.
            self.out = Vec::new();
            self.out_pos = 0;
            self.io = Transport::Broken;
            self.core.handle_write_timeout(Instant::now());
            self.pump();
            return Err(self.closed_error());
        }
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
            if self.out.capacity() > 64 * 1024 {
                self.out.shrink_to(4096);
            }
        }
        if let Err(e) = r {
            self.fail_io();
            return Err(Error::from_io(e));
        }
        Ok(())
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
    /// (`Ok(false)`). Cancel-safe (see the module documentation), except while upgrading to
    /// TLS.
    async fn drive(
        &mut self,
        deadline: Option<Instant>,
        done: impl Fn(&Self) -> bool,
    ) -> Result<bool> {
        let mut buf = [0u8; READ_BUF];
        loop {
            self.flush().await?;
            self.pump();
            if self.upgrade_pending {
                self.upgrade_pending = false;
                let hs = self.handshake_timeout.map(|t| Instant::now() + t);
                self.start_tls(hs).await?;
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
            let read = match wake {
                Some(w) => tokio::time::timeout_at(w.into(), self.io.read(&mut buf))
                    .await
                    .ok(),
                None => Some(self.io.read(&mut buf).await),
            };
            match read {
                None => self.core.handle_timeout(Instant::now()),
                Some(Ok(0)) => {
                    self.io = Transport::Broken;
                    self.core.handle_eof(Instant::now());
                }
                Some(Ok(n)) => self.core.handle_input(Instant::now(), &buf[..n]),
                Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Some(Err(e)) => {
                    self.fail_io();
                    return Err(Error::from_io(e));
                }
            }
        }
    }
}

/// `io` bounded by `deadline` (`None`: unbounded); `Ok(None)` when the deadline passed first.
async fn bounded<T>(
    deadline: Option<Instant>,
    io: impl std::future::Future<Output = io::Result<T>>,
) -> io::Result<Option<T>> {
    match deadline {
        Some(d) => match tokio::time::timeout_at(d.into(), io).await {
            Ok(r) => r.map(Some),
            Err(_) => Ok(None),
        },
        None => io.await.map(Some),
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if !self.logout_on_drop || self.is_closed() || matches!(self.io, Transport::Broken) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.core.is_idle_pending() {
            let _ = self.core.idle_done(Instant::now());
        }
        let _ = self.core.send(Instant::now(), CommandBody::Logout);
        let mut out = self.out.split_off(self.out_pos);
        self.core.poll_transmit(&mut out);
        let mut io = std::mem::replace(&mut self.io, Transport::Broken);
        handle.spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(1), async move {
                let w = io.writer()?;
                w.write_all(&out).await?;
                w.flush().await?;
                let mut buf = [0u8; 1024];
                // Read until the server closes (after its BYE), then shut down.
                while io.read(&mut buf).await? > 0 {}
                io.writer()?.shutdown().await
            })
            .await;
        });
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
