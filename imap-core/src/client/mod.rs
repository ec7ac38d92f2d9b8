//! The sans-IO IMAP client state machine ([`ClientMachine`]).
//!
//! Bytes and time go in, typed events and bytes come out. The client never touches a socket, a
//! clock or a thread: drivers move bytes and call these methods.
//!
//! The methods fall in four groups:
//! - getters: [`ClientMachine::state`], [`ClientMachine::capabilities`], [`ClientMachine::selected`], ...
//! - inputs: [`ClientMachine::handle_input`], [`ClientMachine::handle_eof`], [`ClientMachine::handle_timeout`],
//!   [`ClientMachine::handle_tls_established`];
//! - commands: [`ClientMachine::send`], [`ClientMachine::authenticate`], [`ClientMachine::idle_done`];
//! - outputs: [`ClientMachine::poll_transmit`], [`ClientMachine::poll_event`], [`ClientMachine::poll_timeout`].
//!
//! After any input or command, drain the outputs: write what `poll_transmit` gives, handle
//! every `poll_event`, then wait for input or until `poll_timeout`. The order of the drains
//! does not matter: outputs are queued inside the client.

mod capabilities;
mod config;
mod error;
mod event;
mod state;
mod stream;
pub(crate) mod trace;
mod transmit;
mod wire;

pub use capabilities::Capabilities;
pub use config::{
    ClientConfig, DEFAULT_MAX_COMMAND_DATA, DEFAULT_OPERATION_DEADLINE, GREETING_PROBE,
};
pub use error::{ConnectionError, Outcome, UsageError};
pub use event::{CommandId, Completion, Event, Fetched, MailboxSummary};
pub use state::ConnState;
pub use trace::TRACE_TARGET;
pub use wire::{MAX_SHOWN, WIRE_TARGET};

use crate::deflate::Deflate;
use crate::encode::{EncodeOptions, Fragment, encode_authenticate_response, encode_command};
use crate::frame::{Frame, Framer, Role};
use crate::mailbox::{SelectedMailbox, Update};
use crate::parse::{ParseOptions, parse_response};
use crate::sasl::{Credentials, Mechanism, SaslMechanism, SaslSession, SaslStep};
use crate::types::{
    Capability, Code, Command, CommandBody, Continue, Data, ESearch, ESearchData, Response,
    StatusKind, StatusResponse, Str, Tag,
};
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::time::Instant;
use tracing::Span;

/// How much plaintext one step of inflation hands the framer: a DEFLATE bomb from a server is
/// framed and handled a piece at a time.
const INFLATE_PIECE: usize = 64 * 1024;
/// The most plaintext one [`ClientMachine::poll_transmit`] deflates while COMPRESS is active
/// (each piece ends with a sync flush, so the server can decode it at once): the rest stays
/// queued ([`ClientMachine::wants_write`]) for the next call, so a large literal goes out as
/// it is deflated rather than after all of it, as the server's replies do (mock-server's
/// session).
const DEFLATE_PIECE: usize = 64 * 1024;

/// Where a queued command is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not a byte sent yet.
    Queued,
    /// Partly sent: waiting for `+` before a synchronizing literal or the next SASL step.
    AwaitingContinuation,
    /// Fully sent; waiting for the tagged response.
    Sent,
}

struct Pending {
    id: CommandId,
    tag: Tag,
    body: CommandBody,
    fragments: VecDeque<Fragment>,
    phase: Phase,
    sasl: Option<Box<dyn SaslMechanism>>,
    sent_at: Option<Instant>,
    /// When the caller queued it: its overall deadline runs from then.
    queued_at: Instant,
    data: Vec<Data>,
    codes: Vec<Code>,
    /// The removals (EXPUNGE, VANISHED) its own data made in the mailbox model.
    removals: Vec<Update>,
    /// What `data` and `codes` hold, in bytes (see [`ClientConfig::max_command_data`]).
    collected: u64,
    /// IDLE only: the caller ended it before the server accepted it.
    cancel: bool,
    /// Its FETCH responses go out as they arrive ([`Event::Fetched`]) instead of into its
    /// completion ([`ClientMachine::stream_fetches`]).
    stream_fetches: bool,
    /// Streamed responses still count against [`ClientConfig::max_command_data`].
    stream_limited: bool,
    /// Its span in the trace, closed when it completes.
    span: Span,
}

/// The IDLE in progress.
struct Idle {
    id: CommandId,
    deadline: Instant,
    done_sent: bool,
    /// When DONE went out: the IDLE command's overall deadline runs from then.
    done_at: Option<Instant>,
    reissue: bool,
}

/// The client state machine. See the module documentation for the run loop.
pub struct ClientMachine {
    config: ClientConfig,
    framer: Framer,
    parse_opts: ParseOptions,
    encode_opts: EncodeOptions,
    state: ConnState,
    caps: Capabilities,
    utf8_enabled: bool,
    next_id: u64,
    next_tag: u64,
    commands: VecDeque<Pending>,
    out: BytesMut,
    events: VecDeque<Event>,
    error: Option<ConnectionError>,
    closed_reported: bool,
    bye: Option<StatusResponse>,
    selected: Option<SelectedMailbox>,
    idle: Option<Idle>,
    /// STARTTLS succeeded and the driver has not upgraded yet: input is discarded.
    awaiting_tls: bool,
    compress: Option<Deflate>,
    /// Compressed bytes that came in the same read as COMPRESS's OK, inflated by
    /// `handle_input` a piece at a time once the OK is handled.
    compressed_rest: Vec<u8>,
    /// The message and item of the literal being streamed.
    stream_ctx: Option<(Option<crate::types::SeqNum>, Option<crate::types::Uid>, Str)>,
    created: Instant,
    last_input: Instant,
    /// When to send [`config::GREETING_PROBE`] ([`ClientConfig::greeting_probe`]): set while
    /// nothing has arrived on a connection without TLS, cleared by input or once sent.
    probe_at: Option<Instant>,
    /// The connection's span in the trace (see [`trace`]).
    span: Span,
}

impl ClientMachine {
    /// A client for a new connection, waiting for the server's greeting.
    pub fn new(config: ClientConfig, now: Instant) -> ClientMachine {
        let probe_at = config_probe_at(&config, now);
        let mut framer = Framer::new(Role::Client, config.limits);
        framer.set_stream_threshold(config.stream_threshold);
        let parse_opts = ParseOptions {
            strict: config.strict,
            utf8: false,
            max_depth: config.limits.max_depth,
        };
        ClientMachine {
            config,
            framer,
            parse_opts,
            encode_opts: EncodeOptions::default(),
            state: ConnState::Greeting,
            caps: Capabilities::default(),
            utf8_enabled: false,
            next_id: 0,
            next_tag: 0,
            commands: VecDeque::new(),
            out: BytesMut::new(),
            events: VecDeque::new(),
            error: None,
            closed_reported: false,
            bye: None,
            selected: None,
            idle: None,
            awaiting_tls: false,
            compress: None,
            compressed_rest: Vec::new(),
            stream_ctx: None,
            created: now,
            last_input: now,
            probe_at,
            span: trace::connection_span(),
        }
    }

    // ----- getters -----

    /// The connection state.
    pub fn state(&self) -> ConnState {
        self.state
    }

    /// The server's capabilities as last announced.
    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// The selected mailbox, as the server has described it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.selected.as_ref()
    }

    /// The selected mailbox, mutable: for an operation that completes the model from what it
    /// knew before (a resynchronisation after a reconnection).
    pub(crate) fn selected_mut(&mut self) -> Option<&mut SelectedMailbox> {
        self.selected.as_mut()
    }

    /// Whether IDLE is running.
    pub fn is_idling(&self) -> bool {
        self.idle.is_some()
    }

    /// Gives back memory a connection does not need while it waits with little to receive
    /// (an IDLE: what thousands of idle connections cost is mostly their spare room): the
    /// receive buffer's ([`Framer::shrink`]), the send buffer once everything in it was
    /// taken, the spare room of the event and command queues. Nothing received, queued or
    /// unsent is lost; the buffers grow again with the next bytes.
    pub fn shrink_buffers(&mut self) {
        self.framer.shrink();
        if self.out.is_empty() {
            self.out = BytesMut::new();
        }
        self.events.shrink_to_fit();
        self.commands.shrink_to_fit();
        self.compressed_rest.shrink_to_fit();
    }

    /// The connection's span in the trace (see the crate documentation, "Tracing").
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Whether the connection is protected by TLS.
    pub fn is_tls(&self) -> bool {
        self.config.tls
    }

    /// Whether `poll_transmit` has bytes to give.
    pub fn wants_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// Whether the connection has failed or ended.
    pub fn is_closed(&self) -> bool {
        self.error.is_some() || self.closed_reported
    }

    /// Whether UTF8=ACCEPT is enabled (mailbox names travel as UTF-8).
    pub fn is_utf8_enabled(&self) -> bool {
        self.utf8_enabled
    }

    /// Whether an IDLE is running or queued (a re-issued IDLE waiting for its `+` counts).
    /// After [`ClientMachine::idle_done`], drivers drive the connection until this is `false`.
    pub fn is_idle_pending(&self) -> bool {
        self.idle.is_some()
            || self
                .commands
                .iter()
                .any(|p| matches!(p.body, CommandBody::Idle))
    }

    /// Whether any command is queued or waiting for its completion.
    pub fn has_pending_commands(&self) -> bool {
        !self.commands.is_empty()
    }

    /// The literal streaming threshold now in force (see
    /// [`ClientConfig::stream_threshold`]).
    pub fn stream_threshold(&self) -> Option<u64> {
        self.config.stream_threshold
    }

    /// Changes the literal streaming threshold: literals longer than `threshold` whose marker
    /// arrives after the call are delivered as [`Event::LiteralChunk`]s. A driver lowers it
    /// around one `FETCH` of a large body and restores it afterwards.
    pub fn set_stream_threshold(&mut self, threshold: Option<u64>) {
        self.config.stream_threshold = threshold;
        self.framer.set_stream_threshold(threshold);
    }

    /// Hands the FETCH responses of command `id` (a FETCH or a STORE) out as they arrive, each
    /// as an [`Event::Fetched`], instead of collecting them into its completion: what the
    /// client holds for the command then does not grow with the number of messages (the
    /// caller decides what it keeps). The mailbox model still learns from every response.
    /// Its other data (a `VANISHED (EARLIER)`) still goes into the completion.
    ///
    /// With `limited`, the responses still count against
    /// [`ClientConfig::max_command_data`] as collected ones do (for a caller that keeps them
    /// all); without, they do not (a caller that keeps what it chooses).
    ///
    /// Returns `false` when no such command is queued or running (it completed already).
    pub fn stream_fetches(&mut self, id: CommandId, limited: bool) -> bool {
        match self.commands.iter_mut().find(|p| p.id == id) {
            Some(p) => {
                p.stream_fetches = true;
                p.stream_limited = limited;
                true
            }
            None => false,
        }
    }

    // ----- commands -----

    /// Queues a command and returns its handle. The command is refused at once, with nothing
    /// sent, when it is not valid in the state it would run in (counting the queued commands
    /// before it as if they succeed), or when it would send a password in the clear.
    ///
    /// # Errors
    /// A [`UsageError`] saying why the command was refused.
    pub fn send(&mut self, now: Instant, body: CommandBody) -> Result<CommandId, UsageError> {
        self.check(&body)?;
        let sasl = match &body {
            CommandBody::Authenticate { .. } => {
                return Err(UsageError::Invalid(
                    "use ClientMachine::authenticate for AUTHENTICATE",
                ));
            }
            _ => None,
        };
        self.enqueue(now, body, sasl)
    }

    /// Queues `AUTHENTICATE` with a SASL mechanism; uses SASL-IR when the server advertises it.
    ///
    /// # Errors
    /// A [`UsageError`] when the state is wrong, the mechanism would send a password in the
    /// clear, or the credentials do not fit the mechanism.
    pub fn authenticate(
        &mut self,
        now: Instant,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<CommandId, UsageError> {
        let session = SaslSession::new(mechanism, credentials)
            .map_err(|e| UsageError::Sasl(e.to_string()))?;
        self.authenticate_session(now, session)
    }

    /// Queues `AUTHENTICATE` with a prepared SASL session (for example one with a fixed SCRAM
    /// nonce, or other iteration limits).
    ///
    /// # Errors
    /// As [`ClientMachine::authenticate`].
    pub fn authenticate_session(
        &mut self,
        now: Instant,
        session: SaslSession,
    ) -> Result<CommandId, UsageError> {
        self.authenticate_with(now, Box::new(session))
    }

    /// Queues `AUTHENTICATE` with any SASL mechanism, a custom one included (EXTERNAL, GSSAPI,
    /// a vendor's): its name goes in the command, its initial response too when the server
    /// advertises SASL-IR, and it answers every challenge.
    ///
    /// # Errors
    /// As [`ClientMachine::authenticate`]; [`UsageError::Invalid`] when the name is not an atom.
    pub fn authenticate_with(
        &mut self,
        now: Instant,
        mut mechanism: Box<dyn SaslMechanism>,
    ) -> Result<CommandId, UsageError> {
        let name = crate::types::Atom::try_from(mechanism.name())
            .map_err(|_| UsageError::Invalid("a SASL mechanism name must be an atom"))?;
        let body = CommandBody::Authenticate {
            mechanism: name,
            initial: None,
        };
        self.check(&body)?;
        if mechanism.sends_password() {
            self.check_plaintext()?;
        }
        let initial = if self.caps.has(&Capability::SaslIr) {
            mechanism.initial_response()
        } else {
            None
        };
        let body = match body {
            CommandBody::Authenticate { mechanism, .. } => CommandBody::Authenticate {
                mechanism,
                initial: initial.map(|s| crate::secret::Secret::new(Bytes::from(s.into_inner()))),
            },
            other => other,
        };
        self.enqueue(now, body, Some(mechanism))
    }

    /// Ends the running IDLE (sends `DONE`). Its completion arrives as an event.
    ///
    /// # Errors
    /// [`UsageError::NotIdling`] when IDLE is not running.
    pub fn idle_done(&mut self, now: Instant) -> Result<(), UsageError> {
        match &mut self.idle {
            Some(idle) if !idle.done_sent => {
                idle.done_sent = true;
                idle.done_at = Some(now);
                idle.reissue = false;
                let done = crate::encode::encode_done();
                wire::sent_line(&self.span, &done);
                self.out.extend_from_slice(&done);
                Ok(())
            }
            Some(idle) => {
                idle.reissue = false;
                Ok(())
            }
            None => {
                // An IDLE still waiting for its `+` is cancelled as soon as it starts.
                if let Some(p) = self
                    .commands
                    .iter_mut()
                    .find(|p| matches!(p.body, CommandBody::Idle))
                {
                    p.cancel = true;
                    return Ok(());
                }
                Err(UsageError::NotIdling)
            }
        }
    }

    fn check(&self, body: &CommandBody) -> Result<(), UsageError> {
        if self.error.is_some() || self.closed_reported {
            return Err(UsageError::Closed);
        }
        let projected = self.projected_state();
        if !state::allowed(body, projected) {
            return Err(UsageError::WrongState {
                command: state::command_name(body),
                state: projected.name(),
            });
        }
        match body {
            CommandBody::Login { .. } => {
                if self.caps.has(&Capability::LoginDisabled) {
                    return Err(UsageError::LoginDisabled);
                }
                self.check_plaintext()?;
            }
            CommandBody::Idle if self.caps.is_known() && !self.caps.has(&Capability::Idle) => {
                return Err(UsageError::MissingCapability("IDLE"));
            }
            CommandBody::Compress(_) if self.compress.is_some() => {
                return Err(UsageError::Invalid("compression is already active"));
            }
            CommandBody::StartTls if self.config.tls => {
                return Err(UsageError::Invalid("the connection already uses TLS"));
            }
            _ => {}
        }
        Ok(())
    }

    fn check_plaintext(&self) -> Result<(), UsageError> {
        let tls_queued = self
            .commands
            .iter()
            .any(|p| matches!(p.body, CommandBody::StartTls));
        if !self.config.tls && !tls_queued && !self.config.allow_plaintext_login {
            return Err(UsageError::PlaintextLogin);
        }
        Ok(())
    }

    /// The state the next queued command will run in if every queued command succeeds.
    fn projected_state(&self) -> ConnState {
        let mut s = match self.state {
            // Commands may be queued before the greeting; assume it will be OK.
            ConnState::Greeting => ConnState::NotAuthenticated,
            s => s,
        };
        for p in &self.commands {
            s = state::after_ok(&p.body, s);
        }
        s
    }

    /// Encodes and queues a command; refuses it when a string argument holds a NUL byte the
    /// grammar cannot carry.
    fn enqueue(
        &mut self,
        now: Instant,
        body: CommandBody,
        sasl: Option<Box<dyn SaslMechanism>>,
    ) -> Result<CommandId, UsageError> {
        let tag = Tag::new(Bytes::from(format!("A{:04}", self.next_tag + 1)))
            .expect("generated tags are valid");
        let cmd = Command {
            tag: tag.clone(),
            body,
        };
        let fragments: VecDeque<Fragment> = encode_command(&cmd, &self.encode_opts)
            .into_fragments()
            .into();
        // RFC 9051 section 9: `literal` carries CHAR8, which excludes NUL; only `literal8`
        // (BINARY, RFC 3516), where the grammar allows it (APPEND data), may hold one. A
        // quoted string never does (the encoder makes such a value a literal), so a NUL can
        // only reach the wire in a plain literal: a name a server listed with a NUL in it and
        // the caller sent back, for instance.
        let nul = fragments.iter().any(|f| {
            matches!(f, Fragment::Literal { data, binary: false, .. } if memchr::memchr(0, data).is_some())
        });
        if nul {
            return Err(UsageError::Nul);
        }
        self.next_id += 1;
        let id = CommandId(self.next_id);
        self.next_tag += 1;
        let span = trace::command_span(&self.span, &tag, &cmd.body);
        self.commands.push_back(Pending {
            id,
            tag,
            body: cmd.body,
            fragments,
            phase: Phase::Queued,
            sasl,
            sent_at: None,
            queued_at: now,
            data: Vec::new(),
            codes: Vec::new(),
            removals: Vec::new(),
            collected: 0,
            cancel: false,
            stream_fetches: false,
            stream_limited: false,
            span,
        });
        self.pump(now);
        Ok(id)
    }

    /// Moves queued command bytes to the output, honouring synchronizing literals, barriers
    /// and RFC 9051 section 5.5 (no sequence-number command while one that may expunge runs).
    fn pump(&mut self, now: Instant) {
        if self.state == ConnState::Greeting || self.awaiting_tls || self.error.is_some() {
            return;
        }
        loop {
            if self.idle.is_some() {
                return;
            }
            let mut blocked = false;
            let mut expunge_risk = false;
            let mut earlier_unfinished = false;
            let mut next = None;
            for (idx, p) in self.commands.iter().enumerate() {
                match p.phase {
                    Phase::AwaitingContinuation => {
                        blocked = true;
                        break;
                    }
                    Phase::Sent => {
                        if state::is_barrier(&p.body) {
                            blocked = true;
                            break;
                        }
                        expunge_risk |= state::may_expunge(&p.body);
                        earlier_unfinished = true;
                    }
                    Phase::Queued => {
                        next = Some(idx);
                        break;
                    }
                }
            }
            let Some(idx) = next.filter(|_| !blocked) else {
                return;
            };
            let body = &self.commands[idx].body;
            let needs_quiet = state::is_barrier(body)
                || matches!(
                    body,
                    CommandBody::Select { .. } | CommandBody::Examine { .. }
                );
            if (needs_quiet && earlier_unfinished)
                || (state::uses_seq_numbers(body) && expunge_risk)
            {
                return;
            }
            if matches!(body, CommandBody::Idle) && self.commands[idx].cancel {
                // Cancelled before it was sent.
                let p = self.commands.remove(idx).expect("index is valid");
                self.complete_locally(p, Outcome::Ok, "IDLE cancelled before it started");
                continue;
            }
            if let CommandBody::Select { mailbox, .. } | CommandBody::Examine { mailbox, .. } = body
            {
                let read_only = matches!(body, CommandBody::Examine { .. });
                self.selected = Some(SelectedMailbox::new(mailbox.clone(), read_only));
            }
            self.send_fragments(idx, now, false);
        }
    }

    /// Sends fragments of command `idx` until a synchronizing literal or the end; `released`:
    /// the first fragment is the synchronizing literal the server's `+` asked for.
    fn send_fragments(&mut self, idx: usize, now: Instant, mut released: bool) {
        let p = &mut self.commands[idx];
        p.sent_at.get_or_insert(now);
        let mut wire = wire::Sent::start(&p.body);
        while let Some(f) = p.fragments.pop_front() {
            match f {
                Fragment::Line(b) => {
                    wire.line(&b);
                    self.out.extend_from_slice(&b);
                }
                Fragment::Literal { data, sync, .. } if !sync || released => {
                    wire.literal(data.len());
                    self.out.extend_from_slice(&data);
                }
                f @ Fragment::Literal { .. } => {
                    p.fragments.push_front(f);
                    p.phase = Phase::AwaitingContinuation;
                    wire.finish(&p.span);
                    return;
                }
            }
            released = false;
        }
        wire.finish(&p.span);
        p.phase = match p.body {
            // These wait for `+` (a SASL challenge, or IDLE's acceptance).
            CommandBody::Authenticate { .. } | CommandBody::Idle => Phase::AwaitingContinuation,
            _ => Phase::Sent,
        };
    }

    // ----- inputs -----

    /// Feeds bytes received from the server.
    pub fn handle_input(&mut self, now: Instant, bytes: &[u8]) {
        if self.error.is_some() || self.awaiting_tls {
            // After STARTTLS's OK and before the upgrade, plaintext bytes are an injection
            // attempt (CVE-2011-0411 style): never parse them.
            return;
        }
        self.last_input = now;
        self.probe_at = None;
        if self.compress.is_some() {
            self.inflate_and_process(now, bytes);
        } else {
            self.framer.push(bytes);
            self.process(now);
            // COMPRESS's OK came in this read: what followed it is compressed.
            let rest = std::mem::take(&mut self.compressed_rest);
            if !rest.is_empty() {
                self.inflate_and_process(now, &rest);
            }
        }
        // A server that keeps sending keeps the driver's timer from firing: the overall
        // deadline is checked on input too.
        self.check_deadline(now);
    }

    /// Inflates compressed input a piece at a time, framing and handling each piece before
    /// the next: what a DEFLATE bomb holds never sits in the framer at once.
    fn inflate_and_process(&mut self, now: Instant, bytes: &[u8]) {
        let mut rest = bytes;
        loop {
            let Some(z) = &mut self.compress else {
                return;
            };
            let mut plain = Vec::new();
            match z.inflate_some(rest, &mut plain, INFLATE_PIECE) {
                Ok(taken) => rest = &rest[taken..],
                Err(e) => {
                    self.fail(ConnectionError::Compression(e));
                    return;
                }
            }
            self.framer.push(&plain);
            self.process(now);
            if rest.is_empty() || self.error.is_some() {
                return;
            }
        }
    }

    /// The server closed the connection.
    pub fn handle_eof(&mut self, now: Instant) {
        let _ = now;
        if self.error.is_some() {
            return;
        }
        if self.state == ConnState::Logout && self.commands.is_empty() {
            self.finish(None);
        } else {
            let bye = self.bye.as_ref().map(|b| b.text.clone());
            self.fail(ConnectionError::Closed { bye });
        }
    }

    /// The driver finished the TLS handshake after [`Event::StartTls`]. Capabilities are
    /// forgotten (RFC 9051 6.2.1): ask for them again with CAPABILITY.
    pub fn handle_tls_established(&mut self, now: Instant) {
        if self.awaiting_tls {
            self.awaiting_tls = false;
            self.config.tls = true;
            self.forget_caps();
            self.pump(now);
        }
    }

    /// Time passed: re-issues IDLE when due, and fails the connection on a timeout. Calling it
    /// when nothing is due does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.error.is_some() {
            return;
        }
        if let (ConnState::Greeting, Some(t)) = (self.state, self.config.greeting_timeout)
            && now >= self.created + t
        {
            self.fail(ConnectionError::Timeout("no greeting"));
            return;
        }
        if let Some(at) = self.probe_at
            && now >= at
        {
            self.probe_at = None;
            if self.state == ConnState::Greeting {
                wire::sent_line(&self.span, config::GREETING_PROBE);
                self.out.extend_from_slice(config::GREETING_PROBE);
            }
        }
        if let Some(idle) = &mut self.idle {
            if let Some(l) = self.config.idle_liveness
                && now >= self.last_input + l
            {
                self.fail(ConnectionError::Timeout("no data while idling"));
                return;
            }
            if now >= idle.deadline && !idle.done_sent {
                idle.done_sent = true;
                idle.done_at = Some(now);
                idle.reissue = true;
                let done = crate::encode::encode_done();
                wire::sent_line(&self.span, &done);
                self.out.extend_from_slice(&done);
            }
        }
        if let Some(t) = self.config.command_timeout {
            let idle_id = self.idle.as_ref().map(|i| i.id);
            let late = self.commands.iter().any(|p| {
                Some(p.id) != idle_id
                    && p.sent_at.is_some_and(|s| now >= s.max(self.last_input) + t)
            });
            if late {
                self.fail(ConnectionError::Timeout("command"));
                return;
            }
        }
        self.check_deadline(now);
    }

    /// Fails the connection when a command (or the greeting) is past its overall deadline.
    fn check_deadline(&mut self, now: Instant) {
        if self.error.is_none()
            && let Some(deadline) = self.next_deadline()
            && now >= deadline
        {
            let deadline = self.config.operation_deadline.unwrap_or_default();
            self.fail(ConnectionError::DeadlineExceeded { deadline });
        }
    }

    /// The earliest overall deadline ([`ClientConfig::operation_deadline`]): of the greeting,
    /// or of a command, counted from when the caller queued it (a running IDLE: from its
    /// DONE).
    fn next_deadline(&self) -> Option<Instant> {
        let d = self.config.operation_deadline?;
        let greeting = (self.state == ConnState::Greeting).then_some(self.created);
        let started = self.commands.iter().filter_map(|p| match &self.idle {
            Some(idle) if idle.id == p.id => idle.done_at,
            _ => Some(p.queued_at),
        });
        greeting.into_iter().chain(started).min().map(|s| s + d)
    }

    // ----- outputs -----

    /// Appends the bytes to send to `buf`; returns how many were appended. While COMPRESS is
    /// active, one call deflates at most 64 KiB of what is queued: call again while
    /// [`ClientMachine::wants_write`].
    pub fn poll_transmit(&mut self, buf: &mut Vec<u8>) -> usize {
        if self.out.is_empty() {
            return 0;
        }
        match &mut self.compress {
            Some(z) => {
                // A piece at a time: a 5 MiB APPEND literal deflated whole took 0.4 s before
                // its first byte went out (`cargo bench -p imap-tokio --bench compress`).
                let n = self.out.len().min(DEFLATE_PIECE);
                let plain = self.out.split_to(n);
                let before = buf.len();
                z.deflate(&plain, buf);
                buf.len() - before
            }
            None => {
                let plain = self.out.split();
                buf.extend_from_slice(&plain);
                plain.len()
            }
        }
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        let event = self.next_event()?;
        trace::event(&self.span, &event);
        Some(event)
    }

    fn next_event(&mut self) -> Option<Event> {
        if let Some(e) = self.events.pop_front() {
            return Some(e);
        }
        if let Some(err) = &self.error
            && !self.closed_reported
        {
            self.closed_reported = true;
            return Some(Event::Closed(Some(err.clone())));
        }
        None
    }

    /// When [`ClientMachine::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.error.is_some() {
            return None;
        }
        let mut t: Option<Instant> = None;
        let mut consider = |x: Instant| t = Some(t.map_or(x, |t| t.min(x)));
        if let (ConnState::Greeting, Some(g)) = (self.state, self.config.greeting_timeout) {
            consider(self.created + g);
        }
        if let (ConnState::Greeting, Some(p)) = (self.state, self.probe_at) {
            consider(p);
        }
        if let Some(idle) = &self.idle {
            if !idle.done_sent {
                consider(idle.deadline);
            }
            if let Some(l) = self.config.idle_liveness {
                consider(self.last_input + l);
            }
        }
        if let Some(ct) = self.config.command_timeout {
            let idle_id = self.idle.as_ref().map(|i| i.id);
            for p in &self.commands {
                if let (Some(s), true) = (p.sent_at, Some(p.id) != idle_id) {
                    consider(s.max(self.last_input) + ct);
                }
            }
        }
        if let Some(d) = self.next_deadline() {
            consider(d);
        }
        t
    }

    // ----- processing -----

    fn process(&mut self, now: Instant) {
        while self.error.is_none() && !self.awaiting_tls {
            let Some(frame) = self.framer.next_frame() else {
                break;
            };
            match frame {
                Ok(Frame::Unit(unit)) => {
                    wire::received(&self.span, &unit);
                    self.stream_ctx = None;
                    self.handle_unit(now, unit);
                }
                Ok(Frame::LiteralChunk {
                    unit_offset,
                    literal_offset,
                    total,
                    data,
                }) => {
                    if literal_offset == 0 {
                        wire::received_streamed(&self.span, total);
                    }
                    if literal_offset == 0 || self.stream_ctx.is_none() {
                        let held = self.framer.held_prefix();
                        let prefix =
                            &held[..usize::try_from(unit_offset).unwrap_or(0).min(held.len())];
                        let (seq, uid, item) = stream::context(prefix);
                        let uid = uid.or_else(|| {
                            seq.and_then(|s| self.selected.as_ref().and_then(|m| m.uid(s)))
                        });
                        self.stream_ctx = Some((seq, uid, item));
                    }
                    let (seq, uid, item) = self.stream_ctx.clone().unwrap_or_default();
                    self.events.push_back(Event::LiteralChunk {
                        seq,
                        uid,
                        item,
                        offset: literal_offset,
                        total,
                        data,
                    });
                }
                Err(e) => {
                    // The framer resynchronised; a response was lost. Losing a tagged response
                    // would hang its command, so this is fatal.
                    self.fail(ConnectionError::Frame(e));
                }
            }
        }
        self.pump(now);
    }

    fn handle_unit(&mut self, now: Instant, unit: Bytes) {
        let resp = match parse_response(&unit, &self.parse_opts) {
            Ok(r) => r,
            Err(e) => {
                if self.state == ConnState::Greeting {
                    self.fail(ConnectionError::Greeting(e));
                } else if unit.first() == Some(&b'*') || !self.is_pending_tag(&unit) {
                    // Skipped: untagged data, or a line that answers none of our commands
                    // (Xeams sends FETCH items on a line of their own, with no `*`;
                    // paperless-ngx #13412).
                    self.events.push_back(Event::Unparsed(e));
                } else {
                    // An unparseable tagged response or continuation: the command it belongs
                    // to can never complete.
                    self.fail(ConnectionError::Protocol(e.to_string()));
                }
                return;
            }
        };
        if self.state == ConnState::Greeting {
            self.handle_greeting(now, resp);
            return;
        }
        match resp {
            Response::Continue(c) => self.handle_continue(now, c),
            Response::Status(s) if s.tag.is_some() => self.handle_tagged(now, s),
            Response::Status(s) => self.handle_untagged_status(s, unit.len()),
            Response::Data(d) => self.handle_data(d, unit.len()),
        }
    }

    fn handle_greeting(&mut self, now: Instant, resp: Response) {
        match resp {
            Response::Status(s) if s.tag.is_none() => {
                if let Some(Code::Capability(c)) = &s.code {
                    self.set_caps(c.clone());
                }
                match s.kind {
                    StatusKind::Ok => {
                        self.set_state(ConnState::NotAuthenticated);
                        self.events.push_back(Event::Greeting(s));
                    }
                    StatusKind::PreAuth => {
                        self.set_state(ConnState::Authenticated);
                        self.events.push_back(Event::Greeting(s));
                    }
                    _ => {
                        let text = s.text.clone();
                        self.events.push_back(Event::Bye(s));
                        self.fail(ConnectionError::Refused(text));
                        return;
                    }
                }
                self.pump(now);
            }
            _ => self.fail(ConnectionError::Protocol(
                "the first response was not a greeting".into(),
            )),
        }
    }

    fn set_caps(&mut self, list: Vec<Capability>) {
        let caps = Capabilities::new(list);
        trace::capabilities(&self.span, &self.caps, &caps);
        self.caps = caps;
        self.encode_opts.literal_plus = self.caps.has(&Capability::LiteralPlus);
        self.encode_opts.literal_minus =
            self.caps.has(&Capability::LiteralMinus) || self.caps.is_rev2();
    }

    /// Changes the connection state, with an event in the trace.
    fn set_state(&mut self, state: ConnState) {
        trace::state(&self.span, self.state, state);
        self.state = state;
    }

    /// Forgets the capabilities (after STARTTLS and authentication), with an event in the
    /// trace.
    fn forget_caps(&mut self) {
        let before = self.caps.clone();
        self.caps.forget();
        trace::capabilities(&self.span, &before, &self.caps);
    }

    fn waiting_index(&self) -> Option<usize> {
        self.commands
            .iter()
            .position(|p| p.phase == Phase::AwaitingContinuation)
    }

    fn handle_continue(&mut self, now: Instant, c: Continue) {
        let Some(idx) = self.waiting_index() else {
            // Tolerated: a continuation nobody asked for (some servers repeat `+ idling`).
            self.events.push_back(Event::Continuation(c));
            return;
        };
        let p = &mut self.commands[idx];
        match p.body {
            CommandBody::Idle if p.fragments.is_empty() => {
                p.phase = Phase::Sent;
                let id = p.id;
                let cancel = p.cancel;
                self.idle = Some(Idle {
                    id,
                    deadline: now + self.config.idle_reissue,
                    done_sent: cancel,
                    done_at: cancel.then_some(now),
                    reissue: false,
                });
                self.events.push_back(Event::IdleStarted(id));
                if cancel {
                    // idle_done() was called before the server accepted IDLE.
                    let done = crate::encode::encode_done();
                    wire::sent_line(&p.span, &done);
                    self.out.extend_from_slice(&done);
                }
            }
            CommandBody::Authenticate { .. } if p.fragments.is_empty() => {
                let challenge = c.decode_base64().unwrap_or_default();
                let Some(sasl) = p.sasl.as_mut() else {
                    // No SASL session: cancel the exchange.
                    wire::sent_line(&p.span, b"*\r\n");
                    self.out.extend_from_slice(b"*\r\n");
                    return;
                };
                match sasl.step(&challenge) {
                    Ok(SaslStep::Respond(r)) => {
                        let line = encode_authenticate_response(r.expose());
                        wire::sent_secret(&p.span);
                        self.out.extend_from_slice(&line);
                    }
                    Ok(SaslStep::Done) => {
                        let line = encode_authenticate_response(&[]);
                        wire::sent_secret(&p.span);
                        self.out.extend_from_slice(&line);
                    }
                    Err(_) => {
                        // Cancel (RFC 9051 6.2.2): the server answers with a tagged BAD.
                        wire::sent_line(&p.span, b"*\r\n");
                        self.out.extend_from_slice(b"*\r\n");
                    }
                    #[allow(unreachable_patterns)]
                    Ok(_) => {
                        wire::sent_line(&p.span, b"*\r\n");
                        self.out.extend_from_slice(b"*\r\n");
                    }
                }
            }
            CommandBody::Other { .. } if p.fragments.is_empty() => {
                self.events.push_back(Event::Continuation(c));
            }
            _ => {
                // Release the synchronizing literal and continue sending.
                p.phase = Phase::Queued;
                self.send_fragments(idx, now, true);
            }
        }
    }

    /// Whether `unit` starts with the tag of a command in flight, or is a continuation
    /// request (`+`), which always answers one.
    fn is_pending_tag(&self, unit: &[u8]) -> bool {
        let first = unit
            .split(|&b| b == b' ' || b == b'\r' || b == b'\n')
            .next()
            .unwrap_or_default();
        first.starts_with(b"+") || self.commands.iter().any(|p| p.tag.as_bytes() == first)
    }

    fn handle_tagged(&mut self, now: Instant, s: StatusResponse) {
        let tag = s.tag.clone().expect("tagged");
        let Some(idx) = self.commands.iter().position(|p| p.tag == tag) else {
            self.fail(ConnectionError::Protocol(format!(
                "tagged response for unknown tag {tag}"
            )));
            return;
        };
        let mut p = self.commands.remove(idx).expect("index is valid");
        let outcome = Outcome::from_kind(s.kind);
        if let Some(Code::Capability(c)) = &s.code {
            self.set_caps(c.clone());
        }
        let was_idle = self.idle.as_ref().is_some_and(|i| i.id == p.id);
        let reissue_idle = was_idle && self.idle.as_ref().is_some_and(|i| i.reissue);
        if was_idle {
            self.idle = None;
        }
        if outcome == Outcome::Ok {
            self.after_ok(now, &mut p, &s);
        } else {
            self.set_state(state::after_failure(&p.body, self.state));
            if matches!(
                p.body,
                CommandBody::Select { .. } | CommandBody::Examine { .. }
            ) {
                self.selected = None;
            }
        }
        let summary = match p.body {
            CommandBody::Select { .. } | CommandBody::Examine { .. } if outcome == Outcome::Ok => {
                self.selected.as_ref().map(summary_of)
            }
            _ => None,
        };
        let reissue_body = reissue_idle.then(|| p.body.clone());
        let sasl_error = match (&p.sasl, outcome) {
            (Some(sasl), Outcome::No | Outcome::Bad) => sasl.server_error().map(Box::new),
            _ => None,
        };
        let elapsed = now.saturating_duration_since(p.queued_at);
        trace::completed(&p.span, outcome, s.code.as_ref(), &s.text, elapsed);
        self.events.push_back(Event::Completed(Completion {
            id: p.id,
            tag: p.tag,
            outcome,
            code: s.code,
            text: s.text,
            data: p.data,
            untagged_codes: p.codes,
            removals: p.removals,
            summary,
            sasl_error,
        }));
        if let Some(body) = reissue_body
            && self.error.is_none()
            && outcome == Outcome::Ok
        {
            // IDLE again: it has no string argument to refuse.
            let _ = self.enqueue(now, body, None);
        }
    }

    fn after_ok(&mut self, now: Instant, p: &mut Pending, s: &StatusResponse) {
        let new_state = state::after_ok(&p.body, self.state);
        match &p.body {
            CommandBody::Login { .. } | CommandBody::Authenticate { .. } => {
                if let Some(sasl) = p.sasl.as_mut() {
                    // SCRAM: the server must prove it knows the password too.
                    if let Err(e) = sasl.verify_final(None) {
                        self.fail(ConnectionError::Authentication(e.to_string()));
                        return;
                    }
                }
                // RFC 9051 6.2.2: capabilities may change after authentication. They are
                // known when the server announced them with the completion: in the response
                // code, or in an untagged CAPABILITY before it (Dovecot sends that when the
                // client asked CAPABILITY before logging in).
                let announced = matches!(s.code, Some(Code::Capability(_)))
                    || p.data.iter().any(|d| matches!(d, Data::Capability(_)));
                if !announced {
                    self.forget_caps();
                }
            }
            CommandBody::StartTls => {
                // Anything already received after the OK was sent in plaintext before the TLS
                // handshake: discard it unparsed (response injection).
                drop(self.framer.take_buffered());
                self.awaiting_tls = true;
                self.events.push_back(Event::StartTls);
            }
            CommandBody::Compress(_) => {
                self.compressed_rest = self.framer.take_buffered().to_vec();
                self.compress = Some(Deflate::new());
                self.events.push_back(Event::Compressing);
            }
            CommandBody::Enable(_) => {
                for d in &p.data {
                    if let Data::Enabled(list) = d
                        && (list.contains(&Capability::Utf8Accept)
                            || list.contains(&Capability::Utf8Only))
                    {
                        self.utf8_enabled = true;
                        self.parse_opts.utf8 = true;
                        self.encode_opts.utf8 = true;
                    }
                }
            }
            CommandBody::Close | CommandBody::Unselect => self.selected = None,
            CommandBody::Capability => {}
            _ => {}
        }
        if new_state == ConnState::Logout {
            self.selected = None;
        }
        self.set_state(new_state);
        let _ = now;
    }

    fn handle_untagged_status(&mut self, s: StatusResponse, size: usize) {
        // SELECT and EXAMINE describe the mailbox with response codes, and MOVE reports its
        // COPYUID in an untagged OK (RFC 6851 section 4.3): they are the command's own data
        // (its summary, its mapping), not unsolicited events. ALERTs always reach the caller.
        let running = self.collector_for_status().map(|p| &p.body);
        let selecting = matches!(
            running,
            Some(CommandBody::Select { .. } | CommandBody::Examine { .. })
        );
        let moving = matches!(running, Some(CommandBody::Move { .. }));
        let mut own = false;
        if let Some(code) = &s.code {
            if let Code::Capability(c) = code {
                self.set_caps(c.clone());
            }
            if let Some(m) = &mut self.selected {
                let u = m.apply_code(code);
                if !matches!(u, Update::Unchanged) && !selecting {
                    self.events.push_back(Event::Mailbox(u));
                }
            }
            let limit = self.config.max_command_data;
            if let Some(p) = self.collector_for_status() {
                if !collect(p, size, std::mem::size_of::<Code>(), limit) {
                    self.fail_over_limit();
                    return;
                }
                p.codes.push(code.clone());
            }
            own = (selecting && !matches!(code, Code::Alert))
                || (moving && matches!(code, Code::CopyUid { .. }));
        }
        if s.kind == StatusKind::Bye {
            self.set_state(ConnState::Logout);
            self.bye = Some(s.clone());
            self.events.push_back(Event::Bye(s));
            return;
        }
        if !own {
            self.events.push_back(Event::Status(s));
        }
    }

    /// The running command untagged `d` belongs to. An ESEARCH goes to the command its
    /// `(TAG "...")` correlator names when one is running (RFC 4466 section 2.6.2); one holding
    /// ADDTO or REMOVEFROM names a search that already completed (a CONTEXT=SEARCH update, RFC
    /// 5267 section 4.3) and belongs to no command; other ESEARCH responses go to the running
    /// search, whatever their correlator says, as servers that get it wrong are tolerated.
    fn collector_for_data(&mut self, d: &Data) -> Option<&mut Pending> {
        let running = |p: &&mut Pending| p.phase != Phase::Queued && collects(&p.body, d);
        if let Data::ESearch(ESearch {
            tag: Some(t), data, ..
        }) = d
        {
            let named = self
                .commands
                .iter()
                .position(|p| p.phase != Phase::Queued && p.tag.as_bytes() == t.as_bytes());
            if let Some(i) = named {
                return self.commands.get_mut(i).filter(|p| collects(&p.body, d));
            }
            let update =
                |x: &ESearchData| matches!(x, ESearchData::AddTo(_) | ESearchData::RemoveFrom(_));
            if data.iter().any(update) {
                return None;
            }
        }
        self.commands.iter_mut().find(running)
    }

    fn collector_for_status(&mut self) -> Option<&mut Pending> {
        self.commands.iter_mut().find(|p| p.phase != Phase::Queued)
    }

    /// Untagged data goes once: into the completion of the running command it answers (its
    /// removals from the mailbox model with it), or, when no command claims it, out as
    /// [`Event::Data`] (after [`Event::Mailbox`] when it changed the model).
    fn handle_data(&mut self, d: Data, size: usize) {
        if let Data::Capability(c) = &d {
            self.set_caps(c.clone());
        }
        let update = match &mut self.selected {
            Some(m) => match m.apply_data(&d) {
                Ok(u) => u,
                Err(e) => {
                    self.fail(ConnectionError::Protocol(e.to_string()));
                    return;
                }
            },
            None => Update::Unchanged,
        };
        let limit = self.config.max_command_data;
        if let Some(p) = self.collector_for_data(&d) {
            let streamed = p.stream_fetches && matches!(d, Data::Fetch { .. });
            if (!streamed || p.stream_limited)
                && !collect(p, size, std::mem::size_of::<Data>(), limit)
            {
                self.fail_over_limit();
                return;
            }
            if streamed && let Data::Fetch { seq, data } = d {
                let id = p.id;
                self.events.push_back(Event::Fetched { id, seq, data });
                return;
            }
            if matches!(update, Update::Expunged(_) | Update::Vanished(_)) {
                p.removals.push(update);
            }
            p.data.push(d);
            return;
        }
        if !matches!(update, Update::Unchanged) {
            self.events.push_back(Event::Mailbox(update));
        }
        self.events.push_back(Event::Data(d));
    }

    /// A command collected more than [`ClientConfig::max_command_data`]: what it collected
    /// is dropped and the connection fails (its commands are aborted).
    fn fail_over_limit(&mut self) {
        let limit = self.config.max_command_data;
        for p in &mut self.commands {
            if p.collected > limit {
                p.data = Vec::new();
                p.codes = Vec::new();
                p.removals = Vec::new();
            }
        }
        self.fail(ConnectionError::TooMuchData { limit });
    }

    fn complete_locally(&mut self, p: Pending, outcome: Outcome, text: &'static str) {
        let text = Str::from_static(text);
        trace::completed(&p.span, outcome, None, &text, std::time::Duration::ZERO);
        self.events.push_back(Event::Completed(Completion {
            id: p.id,
            tag: p.tag,
            outcome,
            code: None,
            text,
            data: p.data,
            untagged_codes: p.codes,
            removals: p.removals,
            summary: None,
            sasl_error: None,
        }));
    }

    /// Records a sticky connection error; every queued command is aborted after the events
    /// already parsed, and `Event::Closed` comes last.
    fn fail(&mut self, err: ConnectionError) {
        if self.error.is_some() {
            return;
        }
        for p in std::mem::take(&mut self.commands) {
            self.complete_locally(p, Outcome::Aborted, "connection failed");
        }
        self.idle = None;
        trace::failed(&self.span, &err);
        self.set_state(ConnState::Logout);
        self.error = Some(err);
    }

    /// A clean end after LOGOUT.
    fn finish(&mut self, _err: Option<ConnectionError>) {
        if !self.closed_reported {
            self.closed_reported = true;
            self.events.push_back(Event::Closed(None));
        }
    }
}

/// Counts a datum of `size` bytes on the wire, held in an element of `held` bytes, against the
/// command's `limit`; `false` once the command would hold more than the limit.
fn collect(p: &mut Pending, size: usize, held: usize, limit: u64) -> bool {
    p.collected = p.collected.saturating_add((size + held) as u64);
    p.collected <= limit
}

/// The SELECT/EXAMINE summary of the model.
fn summary_of(m: &SelectedMailbox) -> MailboxSummary {
    MailboxSummary {
        exists: m.exists(),
        recent: m.recent(),
        flags: m.flags().map(<[_]>::to_vec).unwrap_or_default(),
        permanent_flags: m.permanent_flags().map(<[_]>::to_vec),
        uid_validity: m.uid_validity(),
        uid_next: m.uid_next(),
        highest_modseq: m.highest_modseq(),
        unseen: m.first_unseen(),
        read_only: m.is_read_only(),
    }
}

/// Whether untagged `d` belongs to a command like `body` (RFC 9051 section 7: which responses
/// each command produces).
fn collects(body: &CommandBody, d: &Data) -> bool {
    use CommandBody as C;
    match d {
        Data::Capability(_) => matches!(
            body,
            C::Capability | C::Login { .. } | C::Authenticate { .. } | C::StartTls
        ),
        Data::Enabled(_) => matches!(body, C::Enable(_)),
        Data::Flags(_) | Data::Exists(_) | Data::Recent(_) => {
            matches!(body, C::Select { .. } | C::Examine { .. })
        }
        Data::List(_) => matches!(body, C::List { .. }),
        Data::Lsub(_) => matches!(body, C::Lsub { .. }),
        Data::XList(_) => matches!(body, C::XList { .. }),
        Data::Status { .. } => matches!(body, C::Status { .. } | C::List { .. }),
        Data::Search { .. } => matches!(body, C::Search { .. }),
        Data::Sort { .. } => matches!(body, C::Sort { .. }),
        Data::ESearch(_) => matches!(body, C::Search { .. } | C::Sort { .. }),
        Data::Thread(_) => matches!(body, C::Thread { .. }),
        Data::Fetch { .. } => matches!(body, C::Fetch { .. } | C::Store { .. }),
        Data::Expunge(_) | Data::Vanished { earlier: false, .. } => matches!(
            body,
            C::Expunge | C::UidExpunge(_) | C::Move { .. } | C::Close
        ),
        Data::Vanished { earlier: true, .. } => {
            matches!(body, C::Select { .. } | C::Examine { .. } | C::Fetch { .. })
        }
        Data::Namespace(_) => matches!(body, C::Namespace),
        Data::Id(_) => matches!(body, C::Id(_)),
        Data::Quota { .. } => matches!(
            body,
            C::GetQuota(_) | C::GetQuotaRoot(_) | C::SetQuota { .. }
        ),
        Data::QuotaRoot { .. } => matches!(body, C::GetQuotaRoot(_)),
        Data::Acl { .. } => matches!(body, C::GetAcl(_)),
        Data::ListRights { .. } => matches!(body, C::ListRights { .. }),
        Data::MyRights { .. } => matches!(body, C::MyRights(_)),
        Data::Metadata { .. } => matches!(body, C::GetMetadata { .. }),
        Data::Other { .. } => matches!(body, C::Other { .. }),
        _ => false,
    }
}

/// When a connection made at `now` sends [`GREETING_PROBE`]: only without TLS.
fn config_probe_at(config: &ClientConfig, now: Instant) -> Option<Instant> {
    config
        .greeting_probe
        .filter(|_| !config.tls)
        .map(|p| now + p)
}
