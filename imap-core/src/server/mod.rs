//! The sans-IO IMAP server session ([`ServerSession`]) and the per-connection sequence-number
//! view ([`SessionTracker`]).
//!
//! The session frames and parses what the client sends, answers what is pure protocol by itself
//! (`+` for a synchronizing literal, `BAD` for a malformed or unknown command, the refusal of a
//! literal over the limit), and hands everything else to the driver as [`ServerEvent`]s. The
//! driver (a mailbox store) answers with [`Response`]s through [`ServerSession::send`] and its
//! helpers; every response is written by [`encode_response`]. No sockets, clocks or threads:
//! time comes in as an argument.
//!
//! The methods fall in four groups:
//! - getters: [`ServerSession::is_closed`], [`ServerSession::is_compressed`],
//!   [`ServerSession::pending_tag`], [`ServerSession::wants_write`];
//! - inputs: [`ServerSession::handle_input`], [`ServerSession::handle_eof`],
//!   [`ServerSession::handle_timeout`];
//! - responses: [`ServerSession::send`], [`ServerSession::respond_tagged`],
//!   [`ServerSession::send_continuation`], [`ServerSession::start_tls`],
//!   [`ServerSession::start_compress`];
//! - outputs: [`ServerSession::poll_transmit`], [`ServerSession::poll_event`],
//!   [`ServerSession::poll_timeout`].
//!
//! After any input or response, drain the outputs: write what `poll_transmit` gives and handle
//! every `poll_event`. Outputs are queued inside the session, so the order of the drains does not
//! matter.
//!
//! # The rules, all in one place
//!
//! - **One command at a time.** After a [`ServerEvent::Command`] the session reads no further
//!   command until the driver has sent that command's tagged response. Pipelined commands wait
//!   in the framer's buffer, so a command that changes how the following bytes are read
//!   (AUTHENTICATE, IDLE, STARTTLS, COMPRESS, ENABLE UTF8=ACCEPT) is always finished first.
//! - **Literals.** A synchronizing literal (`{N}`) within [`Limits::max_literal`] gets `+ Ready`
//!   as soon as its marker line is framed. One over the limit is refused before any of its bytes
//!   are read: `NO [TOOBIG]` for a synchronizing literal (the client will not send it), `BAD
//!   [TOOBIG]` for a non-synchronizing one (its bytes are skipped unbuffered, RFC 7888 section 4).
//!   The tag of the refused command is read from the frame error's excerpt.
//! - **AUTHENTICATE.** After the command, each continuation request the driver sends makes the
//!   next client line SASL data ([`ServerEvent::AuthenticateData`]); the tagged response ends
//!   the exchange. A line that is not base64 gets a tagged `BAD` and ends it.
//! - **IDLE.** The driver's continuation request starts it; the next line must be `DONE`
//!   ([`ServerEvent::IdleDone`]), anything else gets a tagged `BAD` (the IDLE is over). A
//!   literal announced during IDLE or AUTHENTICATE is refused with
//!   [`Framer::reject_pending_literal`].
//! - **STARTTLS.** A tagged `OK` to STARTTLS ([`ServerSession::start_tls`]) discards every byte
//!   received after the STARTTLS command line (plaintext command injection, CVE-2011-0411
//!   style): the driver then flushes the `OK` and starts the TLS handshake.
//! - **COMPRESS.** A tagged `OK` to COMPRESS ([`ServerSession::start_compress`]) is written
//!   uncompressed; everything after it is deflated, and input after the COMPRESS command line
//!   (including bytes already received) is inflated.
//! - **Malformed input** gets `BAD` with a reason ([`ServerEvent::BadCommand`]) and the session
//!   goes on; unknown command names get `BAD` too. The session never panics on any input.
//! - **BYE.** After an untagged `BYE` (logout, autologout, broken compression) input is ignored
//!   and [`ServerEvent::Closed`] is reported.

mod event;
mod fenwick;
mod output;
mod tracker;

pub use event::{CommandError, ServerEvent};
pub use tracker::{ResolveError, SessionTracker};

use crate::encode::{EncodeOptions, encode_response};
use crate::frame::{Frame, FrameError, Framer, Limits, Role};
use crate::parse::{ParseOptions, is_idle_done, parse_authenticate_response, parse_command};
use crate::types::{
    Code, Command, CommandBody, Continue, Response, StatusKind, StatusResponse, Str, Tag,
};
use bytes::Bytes;
use output::{Compressed, Output};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How much plaintext one step of inflation hands the framer.
const INFLATE_PIECE: usize = 64 * 1024;
/// Compressed input waits while responses of this many (plaintext) bytes are unwritten.
const OUT_HIGH_WATER: usize = 256 * 1024;

/// How a server session reads and limits client input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Framing limits. `max_literal` is the largest literal accepted (larger ones are refused
    /// before their bytes are read); `max_depth` bounds parenthesis nesting in commands.
    pub limits: Limits,
    /// Parse commands strictly (no tolerated deviations).
    pub strict: bool,
    /// Log the client out (`* BYE`) after this long without input; RFC 9051 section 5.4 asks
    /// for at least 30 minutes. `None`: never.
    pub autologout: Option<Duration>,
    /// The framing limits until [`ServerSession::set_authenticated`]: an unauthenticated
    /// client sends LOGIN, AUTHENTICATE and a few small commands, so a large literal is refused
    /// (no `+`) before any of its bytes are read. Clamped to `limits`.
    pub login_limits: Limits,
    /// Log the client out (`* BYE`) when it has not authenticated this long after connecting,
    /// however steadily it sends: an overall deadline, not an inactivity timeout, so dribbling
    /// a byte a second does not hold a connection. `None`: never.
    pub login_deadline: Option<Duration>,
}

impl Default for ServerConfig {
    /// 64 MiB literals, 1 MiB lines, depth 64, tolerant parsing, autologout after 30 minutes;
    /// before login 8 KiB literals, 64 KiB lines, depth 8, and three minutes to log in
    /// (Dovecot's login timeout).
    fn default() -> Self {
        ServerConfig {
            limits: Limits {
                max_line: 1 << 20,
                max_literal: 64 << 20,
                max_unit: (64 << 20) + (1 << 20),
                max_depth: 64,
            },
            strict: false,
            autologout: Some(Duration::from_secs(30 * 60)),
            login_limits: Limits {
                max_line: 64 << 10,
                max_literal: 8 << 10,
                max_unit: 80 << 10,
                max_depth: 8,
            },
            login_deadline: Some(Duration::from_secs(3 * 60)),
        }
    }
}

impl ServerConfig {
    /// The limits before login: `login_limits`, none above `limits`.
    fn pre_login_limits(&self) -> Limits {
        let (l, max) = (&self.login_limits, &self.limits);
        Limits {
            max_line: l.max_line.min(max.max_line),
            max_literal: l.max_literal.min(max.max_literal),
            max_unit: l.max_unit.min(max.max_unit),
            max_depth: l.max_depth.min(max.max_depth),
        }
    }
}

/// What a command in progress waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Authenticate,
    Idle,
    StartTls,
    Compress,
}

/// Where the session is; see "The rules" in the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// The next unit is a command.
    Ready,
    /// A command is with the driver; no input is read until its tagged response.
    Busy { tag: Tag, kind: Kind },
    /// AUTHENTICATE: the driver sent a challenge; the next line is SASL data.
    AuthLine { tag: Tag },
    /// IDLE: the driver sent `+`; the next line should be `DONE`.
    Idling { tag: Tag },
    /// `BYE` sent or the client gone: input is ignored.
    Closed,
}

/// The server side of one IMAP connection. See the module documentation for the run loop and
/// the rules.
#[derive(Debug)]
pub struct ServerSession {
    config: ServerConfig,
    framer: Framer,
    parse_opts: ParseOptions,
    encode_opts: EncodeOptions,
    phase: Phase,
    /// Wire bytes waiting (uncompressed connection, or the tagged `OK` of COMPRESS and what
    /// was queued before it).
    out: Output,
    /// Events, each with the unit it was read from (see [`ServerSession::poll_event_raw`]).
    events: VecDeque<(ServerEvent, Option<Bytes>)>,
    /// The unit being handled, attached to the events it gives.
    unit: Option<Bytes>,
    /// COMPRESS=DEFLATE: the streams, and the plaintext waiting to be deflated.
    deflate: Option<Compressed>,
    /// Compressed input not inflated yet: inflation follows the framer (a piece at a time, only
    /// when no complete unit is buffered) and stops while output waits to be written, so a
    /// DEFLATE bomb costs memory and work only as the client reads the answers.
    compressed: Vec<u8>,
    /// `compressed[compressed_at..]` is pending.
    compressed_at: usize,
    /// Plaintext bytes of the responses written since the driver last took the output: the
    /// back-pressure measure, whatever the compression ratio.
    unsent_plain: usize,
    closed_reported: bool,
    /// `process` is running: responses sent from inside it must not start it again.
    processing: bool,
    last_input: Instant,
    /// When the session was made, for `login_deadline`.
    connected: Instant,
    /// [`ServerSession::set_authenticated`] was called: the full limits apply and the login
    /// deadline is over.
    authenticated: bool,
}

impl ServerSession {
    /// A session for a new connection. Send the greeting with [`ServerSession::send`].
    pub fn new(config: ServerConfig, now: Instant) -> Self {
        let limits = config.pre_login_limits();
        let parse_opts = ParseOptions {
            strict: config.strict,
            utf8: false,
            max_depth: limits.max_depth,
        };
        ServerSession {
            framer: Framer::new(Role::Server, limits),
            config,
            parse_opts,
            encode_opts: EncodeOptions::default(),
            phase: Phase::Ready,
            out: Output::default(),
            events: VecDeque::new(),
            unit: None,
            deflate: None,
            compressed: Vec::new(),
            compressed_at: 0,
            unsent_plain: 0,
            closed_reported: false,
            processing: false,
            last_input: now,
            connected: now,
            authenticated: false,
        }
    }

    // ----- getters -----

    /// The configuration given to [`ServerSession::new`].
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Whether the connection is over (`BYE` sent, or the client closed it).
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// Whether the next bytes from the client start a new command: no command is with the
    /// driver, no AUTHENTICATE or IDLE exchange is under way, nothing is compressed, and no
    /// input is buffered, half framed or waiting to be handed out. A driver may use it to
    /// judge the cost of input from its first bytes.
    pub fn at_command_start(&self) -> bool {
        self.phase == Phase::Ready
            && self.deflate.is_none()
            && self.events.is_empty()
            && self.unit.is_none()
            && self.framer.at_unit_start()
    }

    /// Whether COMPRESS=DEFLATE is active.
    pub fn is_compressed(&self) -> bool {
        self.deflate.is_some()
    }

    /// The tag of the command in progress (waiting for its tagged response), if any.
    pub fn pending_tag(&self) -> Option<&Tag> {
        match &self.phase {
            Phase::Busy { tag, .. } | Phase::AuthLine { tag } | Phase::Idling { tag } => Some(tag),
            Phase::Ready | Phase::Closed => None,
        }
    }

    /// Whether an IDLE is in progress (its `+` sent, `DONE` not received).
    pub fn is_idling(&self) -> bool {
        matches!(self.phase, Phase::Idling { .. })
    }

    /// How many bytes the client has not been given yet: on a compressed connection, the
    /// plaintext still to deflate counts as it is (it is deflated as it is taken).
    pub fn pending_output(&self) -> usize {
        self.out.len() + self.deflate.as_ref().map_or(0, Compressed::len)
    }

    /// Whether [`ServerSession::poll_transmit`] has bytes to give.
    pub fn wants_write(&self) -> bool {
        !self.out.is_empty() || self.deflate.as_ref().is_some_and(|c| !c.is_empty())
    }

    // ----- inputs -----

    /// Takes bytes received from the client, in any pieces.
    pub fn handle_input(&mut self, now: Instant, data: &[u8]) {
        if self.phase == Phase::Closed {
            return;
        }
        self.last_input = now;
        match &self.deflate {
            Some(_) => self.compressed.extend_from_slice(data),
            None => self.framer.push(data),
        }
        self.process();
    }

    /// The client closed its side of the connection.
    pub fn handle_eof(&mut self, _now: Instant) {
        self.phase = Phase::Closed;
        self.report_closed();
    }

    /// Checks the autologout timer; calling it early does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.phase == Phase::Closed {
            return;
        }
        if self.login_deadline().is_some_and(|t| now >= t) {
            self.bye(None, "Autologout; too long without logging in");
        } else if self.idle_deadline().is_some_and(|t| now >= t) {
            self.bye(None, "Autologout; idle for too long");
        }
    }

    /// The client has authenticated (LOGIN or AUTHENTICATE succeeded): the full limits of the
    /// configuration apply from the next command on, and the login deadline is over. Call it
    /// before the tagged `OK`.
    pub fn set_authenticated(&mut self) {
        if !self.authenticated {
            self.authenticated = true;
            self.framer.set_limits(self.config.limits);
            self.parse_opts.max_depth = self.config.limits.max_depth;
        }
    }

    /// Enables or disables `UTF8=ACCEPT` (RFC 9755): mailbox names are read and written as
    /// UTF-8. Call it when ENABLE UTF8=ACCEPT succeeds, before the tagged response.
    pub fn set_utf8(&mut self, on: bool) {
        self.parse_opts.utf8 = on;
        self.encode_opts.utf8 = on;
    }

    // ----- responses -----

    /// Queues a response. A tagged status response that answers the command in progress ends
    /// it; for STARTTLS and COMPRESS a tagged `OK` does what [`ServerSession::start_tls`] and
    /// [`ServerSession::start_compress`] do. A continuation request during AUTHENTICATE or
    /// IDLE makes the session read the next client line as SASL data or `DONE`. An untagged
    /// `BYE` closes the session: no more input is read, but responses can still be sent (the
    /// tagged `OK` of LOGOUT follows its `BYE`).
    pub fn send(&mut self, response: Response) {
        self.write(&response);
        match &response {
            Response::Continue(_) => match &self.phase {
                Phase::Busy {
                    tag,
                    kind: Kind::Authenticate,
                } => self.phase = Phase::AuthLine { tag: tag.clone() },
                Phase::Busy {
                    tag,
                    kind: Kind::Idle,
                } => self.phase = Phase::Idling { tag: tag.clone() },
                _ => {}
            },
            Response::Status(StatusResponse {
                tag: None,
                kind: StatusKind::Bye,
                ..
            }) => {
                self.phase = Phase::Closed;
                self.report_closed();
                return;
            }
            Response::Status(StatusResponse {
                tag: Some(t), kind, ..
            }) => {
                let kind = *kind;
                let done = match &self.phase {
                    Phase::Busy { tag, kind: k } if tag == t => Some(*k),
                    Phase::AuthLine { tag } | Phase::Idling { tag } if tag == t => {
                        Some(Kind::Plain)
                    }
                    _ => None,
                };
                if let Some(k) = done {
                    self.phase = Phase::Ready;
                    if kind == StatusKind::Ok {
                        match k {
                            Kind::StartTls => {
                                // Bytes after the STARTTLS line came in plaintext: drop them.
                                drop(self.framer.take_buffered());
                            }
                            Kind::Compress => self.begin_compress(),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        if !self.processing {
            self.process();
        }
    }

    /// Sends a tagged status response (`tag OK [code] text`).
    pub fn respond_tagged(
        &mut self,
        tag: Tag,
        kind: StatusKind,
        code: Option<Code>,
        text: impl Into<Str>,
    ) {
        self.send(Response::Status(StatusResponse {
            tag: Some(tag),
            kind,
            code,
            text: text.into(),
        }));
    }

    /// Sends untagged responses encoded beforehand (by [`encode_response`], or pieced together
    /// with [`encode_fetch_data`](crate::encode::encode_fetch_data)): `bytes` are one or more
    /// whole untagged data responses, each ending with CRLF, written as they are (deflated under
    /// COMPRESS). A server that keeps encodings sends FETCH responses this way. The bytes change
    /// nothing in the session's state, so they must not be a continuation request, a `BYE` or a
    /// tagged response (send those with [`ServerSession::send`]).
    pub fn send_encoded(&mut self, bytes: Bytes) {
        self.unsent_plain = self.unsent_plain.saturating_add(bytes.len());
        match &mut self.deflate {
            Some(c) => c.plain.push_encoded(bytes),
            None => self.out.push_encoded(bytes),
        }
    }

    /// Sends an untagged status response (`* OK [code] text`, `* BYE ...`).
    pub fn send_untagged_status(
        &mut self,
        kind: StatusKind,
        code: Option<Code>,
        text: impl Into<Str>,
    ) {
        self.send(Response::Status(StatusResponse {
            tag: None,
            kind,
            code,
            text: text.into(),
        }));
    }

    /// Sends a continuation request (`+ text`); during AUTHENTICATE `text` is the base64
    /// challenge.
    pub fn send_continuation(&mut self, text: impl Into<Str>) {
        self.send(Response::Continue(Continue {
            code: None,
            text: text.into(),
        }));
    }

    /// Accepts the STARTTLS command in progress: sends its tagged `OK` and discards every byte
    /// received after the STARTTLS command line. Returns how many bytes were discarded. The
    /// driver then writes what [`ServerSession::poll_transmit`] gives and starts the TLS
    /// handshake; later input is the decrypted stream. Does nothing (returns 0) when no
    /// STARTTLS is in progress.
    pub fn start_tls(&mut self) -> usize {
        let Phase::Busy {
            tag,
            kind: Kind::StartTls,
        } = &self.phase
        else {
            return 0;
        };
        let tag = tag.clone();
        let discarded = self.framer.buffered_len();
        self.respond_tagged(tag, StatusKind::Ok, None, "Begin TLS negotiation now");
        discarded
    }

    /// Accepts the COMPRESS command in progress: sends its tagged `OK` uncompressed and
    /// compresses everything after it; input after the COMPRESS line is inflated. Does nothing
    /// when no COMPRESS is in progress.
    pub fn start_compress(&mut self) {
        if let Phase::Busy {
            tag,
            kind: Kind::Compress,
        } = &self.phase
        {
            let tag = tag.clone();
            self.respond_tagged(tag, StatusKind::Ok, None, "DEFLATE active");
        }
    }

    // ----- outputs -----

    /// Appends all the bytes to write to `buf` (copying them, and deflating all that waits on
    /// a compressed connection); returns how many. [`ServerSession::poll_transmit_chunk`]
    /// hands out the same bytes without copying, a bounded piece at a time.
    ///
    /// On a compressed connection, taking the output lets the session read on: compressed
    /// input left waiting while the output was full is inflated and framed now, so call
    /// [`ServerSession::poll_event`] again after this.
    pub fn poll_transmit(&mut self, buf: &mut Vec<u8>) -> usize {
        let mut n = self.out.drain_into(buf);
        if let Some(c) = &mut self.deflate {
            while let Some(piece) = c.next_slice(usize::MAX) {
                n += piece.len();
                buf.extend_from_slice(&piece);
            }
        }
        self.after_output_taken();
        n
    }

    /// The next piece of bytes to write, at most `max` of them, or `None` when nothing waits.
    /// Literal payloads of responses (a `BODY[]`) come out as the very `Bytes` they were sent
    /// with, or zero-copy slices of them: a large message is never copied into an output
    /// buffer. On a compressed connection each call deflates at most `max` bytes of plaintext
    /// and ends the piece with a sync flush, so the client can read a piece as soon as it
    /// arrives, and a small response queued before a large one is not held back by the
    /// large one's compression.
    ///
    /// As with [`ServerSession::poll_transmit`], taking output may let compressed input be
    /// read: call [`ServerSession::poll_event`] after it.
    pub fn poll_transmit_chunk(&mut self, max: usize) -> Option<Bytes> {
        let piece = match self.out.pop(max) {
            Some(p) => Some(p),
            None => self.deflate.as_mut().and_then(|c| c.next_slice(max)),
        };
        self.after_output_taken();
        piece
    }

    /// Output was taken: compressed input that waited for it may be read now.
    fn after_output_taken(&mut self) {
        self.unsent_plain = self.pending_output();
        if self.compressed_at < self.compressed.len() && !self.processing {
            self.process();
        }
    }

    /// Whether compressed input is waiting to be inflated (for the output to be written).
    pub fn has_pending_input(&self) -> bool {
        self.compressed_at < self.compressed.len()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.poll_event_raw().map(|(event, _)| event)
    }

    /// The next event with the exact bytes of the unit it was read from, as the client sent
    /// them (inflated under COMPRESS): a command line with its literals, a SASL line, `DONE`,
    /// a malformed command. `None` for events that no one unit gave (a frame error, a broken
    /// compressed stream, the end of the connection). Transcripts that must show what a client
    /// really sent use it; the bytes are the unit the command's strings are slices of, so
    /// keeping them costs no copy.
    pub fn poll_event_raw(&mut self) -> Option<(ServerEvent, Option<Bytes>)> {
        self.events.pop_front()
    }

    /// When [`ServerSession::handle_timeout`] should be called next (the autologout deadline).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase == Phase::Closed {
            return None;
        }
        match (self.idle_deadline(), self.login_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The inactivity deadline.
    fn idle_deadline(&self) -> Option<Instant> {
        self.config.autologout.map(|d| self.last_input + d)
    }

    /// The overall deadline to authenticate, while not authenticated.
    fn login_deadline(&self) -> Option<Instant> {
        if self.authenticated {
            return None;
        }
        self.config.login_deadline.map(|d| self.connected + d)
    }

    // ----- internals -----

    fn write(&mut self, response: &Response) {
        let encoded = encode_response(response, &self.encode_opts);
        let plain: usize = encoded.fragments().iter().map(|f| f.as_bytes().len()).sum();
        self.unsent_plain = self.unsent_plain.saturating_add(plain);
        match &mut self.deflate {
            Some(c) => c.plain.push_fragments(encoded.fragments()),
            None => self.out.push_fragments(encoded.fragments()),
        }
    }

    fn bye(&mut self, code: Option<Code>, text: &'static str) {
        self.send_untagged_status(StatusKind::Bye, code, text);
    }

    fn push_event(&mut self, event: ServerEvent) {
        self.events.push_back((event, self.unit.clone()));
    }

    fn report_closed(&mut self) {
        if !self.closed_reported {
            self.closed_reported = true;
            self.push_event(ServerEvent::Closed);
        }
    }

    /// Starts DEFLATE: later output is compressed, and bytes already received after the
    /// COMPRESS line are inflated and framed again.
    fn begin_compress(&mut self) {
        let pending = self.framer.take_buffered();
        self.deflate = Some(Compressed::new());
        self.compressed = pending.to_vec();
        self.compressed_at = 0;
    }

    /// Inflates the next piece of pending compressed input into the framer; whether anything
    /// was inflated. Nothing is inflated while [`OUT_HIGH_WATER`] bytes of responses wait.
    fn inflate_more(&mut self) -> bool {
        let Some(d) = self.deflate.as_mut().map(|c| &mut c.deflate) else {
            return false;
        };
        if self.compressed_at == self.compressed.len() || self.unsent_plain >= OUT_HIGH_WATER {
            return false;
        }
        let mut plain = Vec::new();
        match d.inflate_some(
            &self.compressed[self.compressed_at..],
            &mut plain,
            INFLATE_PIECE,
        ) {
            Ok(taken) => {
                self.compressed_at += taken;
                if self.compressed_at == self.compressed.len() {
                    self.compressed.clear();
                    self.compressed_at = 0;
                } else if self.compressed_at > self.compressed.len() / 2 {
                    self.compressed.drain(..self.compressed_at);
                    self.compressed_at = 0;
                }
                self.framer.push(&plain);
                taken > 0 || !plain.is_empty()
            }
            Err(e) => {
                self.compressed.clear();
                self.compressed_at = 0;
                self.bye(None, "Invalid compressed data");
                self.push_event(ServerEvent::BadCommand {
                    tag: None,
                    error: CommandError::Compression(e),
                });
                false
            }
        }
    }

    /// Frames and handles units while the session may read.
    fn process(&mut self) {
        self.processing = true;
        self.process_units();
        self.processing = false;
    }

    fn process_units(&mut self) {
        loop {
            if matches!(self.phase, Phase::Busy { .. } | Phase::Closed) {
                return;
            }
            match self.framer.next_frame() {
                Some(Ok(Frame::Unit(unit))) => {
                    self.unit = Some(unit.clone());
                    self.on_unit(unit);
                    self.unit = None;
                }
                Some(Err(e)) => self.on_frame_error(e),
                // Chunks come only with a stream threshold, which the session never sets.
                Some(Ok(_)) => {}
                None => {
                    if let Some(ann) = self.framer.take_literal_announcement() {
                        self.on_literal(ann.len);
                        continue;
                    }
                    if self.inflate_more() {
                        continue;
                    }
                    return;
                }
            }
        }
    }

    fn on_literal(&mut self, len: u64) {
        match std::mem::replace(&mut self.phase, Phase::Ready) {
            Phase::AuthLine { tag } | Phase::Idling { tag } => {
                self.framer.reject_pending_literal();
                self.reject(
                    Some(tag),
                    "Unexpected literal",
                    CommandError::UnexpectedLiteral(len),
                );
            }
            phase => {
                self.phase = phase;
                self.send_continuation("Ready");
            }
        }
    }

    fn on_unit(&mut self, unit: Bytes) {
        match std::mem::replace(&mut self.phase, Phase::Ready) {
            Phase::Ready => match parse_command(&unit, &self.parse_opts) {
                Ok(Command {
                    tag,
                    body: CommandBody::Other { name, .. },
                }) => {
                    let text = format!("Unknown command {name}");
                    self.reject(Some(tag), &text, CommandError::UnknownCommand(name));
                }
                Ok(cmd) => {
                    let kind = match &cmd.body {
                        CommandBody::Authenticate { .. } => Kind::Authenticate,
                        CommandBody::Idle => Kind::Idle,
                        CommandBody::StartTls => Kind::StartTls,
                        CommandBody::Compress(_) => Kind::Compress,
                        _ => Kind::Plain,
                    };
                    self.phase = Phase::Busy {
                        tag: cmd.tag.clone(),
                        kind,
                    };
                    self.push_event(ServerEvent::Command(cmd));
                }
                Err(e) => {
                    let text = format!(
                        "Error in IMAP command: expected {} at byte {}",
                        e.expected, e.offset
                    );
                    self.reject(leading_tag(&unit), &text, CommandError::Parse(e));
                }
            },
            Phase::AuthLine { tag } => match parse_authenticate_response(&unit) {
                Ok(data) => {
                    self.phase = Phase::Busy {
                        tag: tag.clone(),
                        kind: Kind::Authenticate,
                    };
                    self.push_event(ServerEvent::AuthenticateData {
                        tag,
                        data: data.map(Into::into),
                    });
                }
                Err(e) => self.reject(Some(tag), "Invalid base64", CommandError::Parse(e)),
            },
            Phase::Idling { tag } => {
                if is_idle_done(&unit) {
                    self.phase = Phase::Busy {
                        tag: tag.clone(),
                        kind: Kind::Plain,
                    };
                    self.push_event(ServerEvent::IdleDone { tag });
                } else {
                    self.reject(Some(tag), "Expected DONE", CommandError::ExpectedDone);
                }
            }
            phase => self.phase = phase,
        }
    }

    fn on_frame_error(&mut self, e: FrameError) {
        // During AUTHENTICATE or IDLE the unit answers that command; otherwise its tag is the
        // first word of the excerpt (tags are printable ASCII without `\`, so the excerpt shows
        // them unescaped).
        let tag = match std::mem::replace(&mut self.phase, Phase::Ready) {
            Phase::AuthLine { tag } | Phase::Idling { tag } => Some(tag),
            phase => {
                self.phase = phase;
                match &e {
                    FrameError::LineTooLong { excerpt, .. }
                    | FrameError::LiteralTooLarge { excerpt, .. }
                    | FrameError::UnitTooLarge { excerpt, .. }
                    | FrameError::InvalidLiteralLength { excerpt } => {
                        leading_tag(excerpt.as_str().as_bytes())
                    }
                }
            }
        };
        let (kind, text) = match &e {
            FrameError::LiteralTooLarge {
                excerpt,
                len,
                limit,
            } => {
                let text = format!("Literal of {len} bytes exceeds the limit of {limit}");
                // A non-synchronizing literal's marker shows at the end of a short excerpt.
                let s = excerpt.as_str();
                let sync = !(s.ends_with("+}\\r\\n") || s.ends_with("-}\\r\\n"));
                let kind = if sync {
                    StatusKind::No
                } else {
                    StatusKind::Bad
                };
                (kind, text)
            }
            FrameError::UnitTooLarge { limit, .. } => (
                StatusKind::Bad,
                format!("Command larger than {limit} bytes"),
            ),
            FrameError::LineTooLong { limit, .. } => {
                (StatusKind::Bad, format!("Line longer than {limit} bytes"))
            }
            _ => (StatusKind::Bad, "Invalid literal length".to_owned()),
        };
        let code = matches!(e, FrameError::LiteralTooLarge { .. }).then_some(Code::TooBig);
        self.write(&Response::Status(StatusResponse {
            tag: tag.clone(),
            kind,
            code,
            text: text.into(),
        }));
        self.push_event(ServerEvent::BadCommand {
            tag,
            error: CommandError::Frame(e),
        });
    }

    /// Answers `BAD` (tagged when the tag is known) and reports it.
    fn reject(&mut self, tag: Option<Tag>, text: &str, error: CommandError) {
        self.write(&Response::Status(StatusResponse {
            tag: tag.clone(),
            kind: StatusKind::Bad,
            code: None,
            text: Str::from(text),
        }));
        self.push_event(ServerEvent::BadCommand { tag, error });
    }
}

/// The tag at the start of a unit (or excerpt), if its first word is a valid tag.
fn leading_tag(bytes: &[u8]) -> Option<Tag> {
    let end = bytes
        .iter()
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    Tag::new(Bytes::copy_from_slice(&bytes[..end.min(256)])).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deflate::Deflate;
    use crate::encode::{Fragment, encode_command};
    use crate::parse::parse_response;
    use crate::secret::Secret;
    use crate::types::{AppendData, AppendMessage, Atom, Mailbox, SimpleCode};
    use proptest::prelude::*;

    /// A quinn-style pair: the session, a virtual clock, and a client end that frames and
    /// parses what the session writes. No sockets, no sleeps.
    struct Pair {
        server: ServerSession,
        now: Instant,
        client: Framer,
        /// Client side of COMPRESS, once active.
        inflate: Option<Deflate>,
    }

    impl Pair {
        fn new() -> Self {
            Self::with(ServerConfig::default())
        }

        fn with(config: ServerConfig) -> Self {
            let now = Instant::now();
            Pair {
                server: ServerSession::new(config, now),
                now,
                client: Framer::new(Role::Client, Limits::default()),
                inflate: None,
            }
        }

        fn push(&mut self, bytes: &[u8]) {
            self.now += Duration::from_millis(1);
            self.server.handle_input(self.now, bytes);
        }

        /// Sends a command as a client would: each synchronizing literal only after the
        /// session's `+`.
        fn command(&mut self, tag: &str, body: CommandBody, opts: EncodeOptions) {
            let cmd = Command {
                tag: Tag::try_from(tag).unwrap(),
                body,
            };
            for f in encode_command(&cmd, &opts).into_fragments() {
                if let Fragment::Literal { sync: true, .. } = f {
                    let r = self.responses();
                    assert!(
                        matches!(r.last(), Some(Response::Continue(c)) if c.text.as_bytes() == b"Ready"),
                        "no + before a literal: {r:?}"
                    );
                }
                self.push(f.as_bytes());
            }
        }

        fn plain(&mut self, tag: &str, body: CommandBody) {
            self.command(tag, body, EncodeOptions::default())
        }

        fn responses(&mut self) -> Vec<Response> {
            let mut wire = Vec::new();
            self.server.poll_transmit(&mut wire);
            if let Some(d) = &mut self.inflate {
                let mut plain = Vec::new();
                d.inflate(&wire, &mut plain).unwrap();
                wire = plain;
            }
            self.client.push(&wire);
            let mut out = Vec::new();
            while let Some(f) = self.client.next_frame() {
                let Ok(Frame::Unit(u)) = f else {
                    panic!("{f:?}")
                };
                out.push(parse_response(&u, &ParseOptions::strict()).unwrap());
            }
            out
        }

        fn events(&mut self) -> Vec<ServerEvent> {
            std::iter::from_fn(|| self.server.poll_event()).collect()
        }

        fn ok(&mut self, tag: &str) {
            self.server
                .respond_tagged(tag.try_into().unwrap(), StatusKind::Ok, None, "done");
        }
    }

    fn tag(t: &str) -> Tag {
        Tag::try_from(t).unwrap()
    }

    fn status(r: &Response) -> (Option<&str>, StatusKind, Option<&Code>) {
        match r {
            Response::Status(s) => (s.tag.as_ref().map(Tag::as_str), s.kind, s.code.as_ref()),
            other => panic!("not a status: {other:?}"),
        }
    }

    fn command_tags(events: &[ServerEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                ServerEvent::Command(c) => c.tag.to_string(),
                other => panic!("not a command: {other:?}"),
            })
            .collect()
    }

    /// Each event carries the exact bytes of its unit (odd spacing, a literal and a
    /// malformed command included), for transcripts of what a client really sent.
    #[test]
    fn events_carry_the_exact_bytes_of_their_unit() {
        let mut p = Pair::new();
        p.push(b"a1 bogus(\r\na2  NOOP\r\n");
        let raw = |p: &mut Pair| {
            let (e, b) = p.server.poll_event_raw().unwrap();
            (e, b.map(|b| b.to_vec()))
        };
        let (e, b) = raw(&mut p);
        assert!(matches!(e, ServerEvent::BadCommand { .. }), "{e:?}");
        assert_eq!(b.as_deref(), Some(&b"a1 bogus(\r\n"[..]));
        // Tolerant parsing reads the double space; the transcript still shows it.
        let (e, b) = raw(&mut p);
        assert!(matches!(e, ServerEvent::Command(_)), "{e:?}");
        assert_eq!(b.as_deref(), Some(&b"a2  NOOP\r\n"[..]));
        p.ok("a2");
        p.push(b"a3 APPEND INBOX {3+}\r\nabc\r\n");
        let (e, b) = raw(&mut p);
        assert!(matches!(e, ServerEvent::Command(_)), "{e:?}");
        assert_eq!(b.as_deref(), Some(&b"a3 APPEND INBOX {3+}\r\nabc\r\n"[..]));
        p.ok("a3");
        p.server.handle_eof(p.now);
        assert_eq!(raw(&mut p), (ServerEvent::Closed, None));
    }

    #[test]
    fn pipelined_commands_are_handed_out_one_at_a_time() {
        let mut p = Pair::new();
        p.server
            .send_untagged_status(StatusKind::Ok, None, "IMAP4rev2 ready");
        assert_eq!(status(&p.responses()[0]), (None, StatusKind::Ok, None));
        p.push(b"a1 NOOP\r\na2 CAPABILITY\r\na3 LOGOUT\r\n");
        assert_eq!(command_tags(&p.events()), ["a1"]);
        assert_eq!(p.server.pending_tag(), Some(&tag("a1")));
        p.ok("a1");
        assert_eq!(command_tags(&p.events()), ["a2"]);
        p.ok("a2");
        assert_eq!(command_tags(&p.events()), ["a3"]);
        p.server.send_untagged_status(StatusKind::Bye, None, "bye");
        p.ok("a3"); // the LOGOUT OK follows its BYE
        p.push(b"a4 NOOP\r\n"); // ignored: the session is closed
        assert_eq!(p.events(), [ServerEvent::Closed]);
        assert!(p.server.is_closed());
        let r = p.responses();
        assert_eq!(r.len(), 4);
        assert_eq!(status(&r[2]), (None, StatusKind::Bye, None));
        assert_eq!(status(&r[3]), (Some("a3"), StatusKind::Ok, None));
    }

    #[test]
    fn synchronizing_literal_gets_ready_and_arrives_whole() {
        let mut p = Pair::new();
        let msg = AppendMessage {
            flags: vec![],
            date: None,
            data: AppendData::Literal {
                data: Str::from("Subject: hi\r\n\r\nhello\r\n"),
                binary: false,
            },
        };
        let body = CommandBody::Append {
            mailbox: Mailbox::inbox(),
            messages: vec![msg.clone(), msg],
        };
        p.plain("a1", body.clone());
        let ev = p.events();
        assert_eq!(
            ev,
            [ServerEvent::Command(Command {
                tag: tag("a1"),
                body: body.clone()
            })]
        );
        p.ok("a1");
        // LITERAL+: no `+` is sent.
        let plus = EncodeOptions {
            literal_plus: true,
            ..EncodeOptions::default()
        };
        p.command("a2", body, plus);
        let r = p.responses();
        assert_eq!(r.len(), 1, "{r:?}"); // a1 OK; no `+` for a2
        assert_eq!(command_tags(&p.events()), ["a2"]);
    }

    #[test]
    fn literal_over_the_limit_is_refused_before_its_bytes() {
        let config = ServerConfig {
            limits: Limits {
                max_literal: 100,
                ..ServerConfig::default().limits
            },
            ..ServerConfig::default()
        };
        let mut p = Pair::with(config);
        p.push(b"a1 APPEND INBOX {5000}\r\n");
        let r = p.responses();
        assert_eq!(r.len(), 1);
        assert_eq!(
            status(&r[0]),
            (Some("a1"), StatusKind::No, Some(&Code::TooBig))
        );
        assert!(matches!(
            &p.events()[..],
            [ServerEvent::BadCommand { tag: Some(t), error: CommandError::Frame(FrameError::LiteralTooLarge { len: 5000, .. }) }] if t.as_str() == "a1"
        ));
        // The client does not send the literal; the session reads the next command.
        p.push(b"a2 NOOP\r\n");
        assert_eq!(command_tags(&p.events()), ["a2"]);
        p.ok("a2");
        // A non-synchronizing one: BAD [TOOBIG], and its bytes are skipped unbuffered.
        p.push(b"a3 APPEND INBOX {200+}\r\n");
        p.push(&[b'x'; 200]);
        p.push(b"\r\na4 NOOP\r\n");
        let r = p.responses();
        assert_eq!(
            status(&r[1]),
            (Some("a3"), StatusKind::Bad, Some(&Code::TooBig))
        );
        let ev = p.events();
        assert!(
            matches!(&ev[0], ServerEvent::BadCommand { tag: Some(t), .. } if t.as_str() == "a3")
        );
        assert_eq!(command_tags(&ev[1..]), ["a4"]);
    }

    #[test]
    fn malformed_and_unknown_commands_get_bad_and_the_session_goes_on() {
        let mut p = Pair::new();
        p.push(b"a1 FETCH one two\r\n* nonsense\r\n\r\na2 XYZZY 1 2\r\na3 SELECT\r\na4 NOOP\r\n");
        let r = p.responses();
        let got: Vec<_> = r.iter().map(status).collect();
        assert_eq!(
            got,
            [
                (Some("a1"), StatusKind::Bad, None),
                (None, StatusKind::Bad, None),
                (None, StatusKind::Bad, None),
                (Some("a2"), StatusKind::Bad, None),
                (Some("a3"), StatusKind::Bad, None),
            ]
        );
        let ev = p.events();
        assert_eq!(ev.len(), 6);
        assert!(
            matches!(&ev[3], ServerEvent::BadCommand { error: CommandError::UnknownCommand(a), .. } if a.as_str() == "XYZZY")
        );
        assert_eq!(command_tags(&ev[5..]), ["a4"]);
    }

    #[test]
    fn authenticate_lines_are_sasl_data_until_the_tagged_response() {
        let mut p = Pair::new();
        p.push(b"a1 AUTHENTICATE PLAIN\r\n");
        let ev = p.events();
        assert!(matches!(
            &ev[..],
            [ServerEvent::Command(Command {
                body: CommandBody::Authenticate { .. },
                ..
            })]
        ));
        p.server.send_continuation("");
        p.push(b"AGZyZWQAc2VjcmV0\r\na2 NOOP\r\n");
        let ev = p.events();
        let ServerEvent::AuthenticateData {
            tag: t,
            data: Some(d),
        } = &ev[0]
        else {
            panic!("{ev:?}")
        };
        assert_eq!(
            (t.as_str(), &d.expose()[..]),
            ("a1", &b"\0fred\0secret"[..])
        );
        assert!(!format!("{ev:?}").contains("secret"));
        assert_eq!(ev.len(), 1, "a2 waits for the AUTHENTICATE to finish");
        p.ok("a1");
        assert_eq!(command_tags(&p.events()), ["a2"]);
        p.ok("a2");
        // Cancel, then garbage.
        p.push(b"a3 AUTHENTICATE LOGIN\r\n");
        p.events();
        p.server.send_continuation("VXNlcm5hbWU6");
        p.push(b"*\r\n");
        assert_eq!(
            p.events(),
            [ServerEvent::AuthenticateData {
                tag: tag("a3"),
                data: None
            }]
        );
        p.server
            .respond_tagged(tag("a3"), StatusKind::Bad, None, "cancelled");
        p.push(b"a4 AUTHENTICATE PLAIN\r\n");
        p.events();
        p.server.send_continuation("");
        p.push(b"not base64!\r\na5 NOOP\r\n");
        let ev = p.events();
        assert!(
            matches!(&ev[0], ServerEvent::BadCommand { tag: Some(t), .. } if t.as_str() == "a4")
        );
        assert_eq!(command_tags(&ev[1..]), ["a5"]);
    }

    #[test]
    fn idle_expects_done_only() {
        let mut p = Pair::new();
        p.push(b"a1 IDLE\r\n");
        assert_eq!(command_tags(&p.events()), ["a1"]);
        p.server.send_continuation("idling");
        assert!(p.server.is_idling());
        p.push(b"DONE\r\n");
        assert_eq!(p.events(), [ServerEvent::IdleDone { tag: tag("a1") }]);
        p.ok("a1");
        p.push(b"a2 IDLE\r\n");
        p.events();
        p.server.send_continuation("idling");
        p.push(b"a3 NOOP\r\n");
        assert_eq!(
            p.events(),
            [ServerEvent::BadCommand {
                tag: Some(tag("a2")),
                error: CommandError::ExpectedDone
            }]
        );
        let r = p.responses();
        assert_eq!(
            status(r.last().unwrap()),
            (Some("a2"), StatusKind::Bad, None)
        );
        // A literal during IDLE is refused, not answered with `+`.
        p.push(b"a4 IDLE\r\n");
        p.events();
        p.server.send_continuation("idling");
        p.push(b"DONE {5}\r\n");
        let ev = p.events();
        assert_eq!(
            ev,
            [ServerEvent::BadCommand {
                tag: Some(tag("a4")),
                error: CommandError::UnexpectedLiteral(5)
            }]
        );
        assert!(
            p.responses()
                .iter()
                .all(|r| !matches!(r, Response::Continue(c) if c.text.as_bytes() == b"Ready"))
        );
        p.push(b"a5 NOOP\r\n");
        assert_eq!(command_tags(&p.events()), ["a5"]);
    }

    #[test]
    fn starttls_discards_injected_commands() {
        let mut p = Pair::new();
        p.push(b"a1 STARTTLS\r\na2 LOGIN fred secret\r\n");
        assert_eq!(command_tags(&p.events()), ["a1"]);
        p.push(b"a3 NOOP\r\n");
        assert_eq!(p.server.start_tls(), 31);
        assert!(p.events().is_empty());
        let r = p.responses();
        assert_eq!(status(&r[0]), (Some("a1"), StatusKind::Ok, None));
        // After the handshake: fresh commands are read.
        p.push(b"a4 NOOP\r\n");
        assert_eq!(command_tags(&p.events()), ["a4"]);
        // A refused STARTTLS discards nothing.
        p.ok("a4");
        p.push(b"a5 STARTTLS\r\na6 NOOP\r\n");
        p.events();
        p.server
            .respond_tagged(tag("a5"), StatusKind::Bad, None, "no TLS here");
        assert_eq!(command_tags(&p.events()), ["a6"]);
    }

    #[test]
    fn compress_inflates_pipelined_input_and_deflates_output() {
        let mut p = Pair::new();
        let mut client = Deflate::new();
        let mut wire = b"a1 COMPRESS DEFLATE\r\n".to_vec();
        client.deflate(b"a2 NOOP\r\n", &mut wire);
        p.push(&wire);
        assert!(
            matches!(&p.events()[..], [ServerEvent::Command(Command { body: CommandBody::Compress(a), .. })] if a.as_str() == "DEFLATE")
        );
        p.server.start_compress();
        assert!(p.server.is_compressed());
        // The OK is plaintext.
        assert_eq!(
            status(&p.responses()[0]),
            (Some("a1"), StatusKind::Ok, None)
        );
        p.inflate = Some(Deflate::new());
        assert_eq!(command_tags(&p.events()), ["a2"]);
        p.ok("a2");
        let mut more = Vec::new();
        client.deflate(b"a3 NOOP\r\n", &mut more);
        for b in &more {
            p.push(&[*b]);
        }
        assert_eq!(command_tags(&p.events()), ["a3"]);
        p.server.respond_tagged(
            tag("a3"),
            StatusKind::Ok,
            Some(Code::Simple(SimpleCode::CompressionActive)),
            "x",
        );
        let r = p.responses();
        assert_eq!(status(&r[0]), (Some("a2"), StatusKind::Ok, None));
        assert_eq!(r.len(), 2);
        // Garbage in the compressed stream: BYE.
        p.push(&[0xff; 8]);
        assert!(p.server.is_closed());
        assert!(p.events().contains(&ServerEvent::Closed));
    }

    /// Responses encoded beforehand go out as given, in order with the others, short ones
    /// gathered with what is around them and long ones as a chunk of their own, deflated on a
    /// compressed connection.
    #[test]
    fn encoded_responses_go_out_in_order() {
        use crate::types::{Data, FetchData, Flag, SeqNum};
        let fetch = |seq: u32, flag: &str| {
            Response::Data(Data::Fetch {
                seq: SeqNum::new(seq).unwrap(),
                data: vec![FetchData::Flags(vec![Flag::Keyword(
                    Atom::try_from(flag).unwrap(),
                )])],
            })
        };
        let opts = EncodeOptions::default();
        let long = "k".repeat(2000);
        for compressed in [false, true] {
            let mut p = Pair::new();
            if compressed {
                p.push(b"a1 COMPRESS DEFLATE\r\n");
                p.events();
                p.server.start_compress();
                p.responses();
                p.inflate = Some(Deflate::new());
            }
            p.server.send(fetch(1, "one"));
            let mut two = encode_response(&fetch(2, "two"), &opts).to_vec();
            two.extend(encode_response(&fetch(3, &long), &opts).to_vec());
            p.server.send_encoded(Bytes::from(two));
            p.server
                .send_encoded(encode_response(&fetch(4, "four"), &opts).to_vec().into());
            p.server.send(fetch(5, "five"));
            let expected: Vec<Response> =
                [(1, "one"), (2, "two"), (3, &long), (4, "four"), (5, "five")]
                    .into_iter()
                    .map(|(n, f)| fetch(n, f))
                    .collect();
            assert_eq!(p.responses(), expected, "compressed: {compressed}");
            assert!(!p.server.wants_write());
        }
    }

    /// Answers every command event with OK; how many.
    fn answer_all(p: &mut Pair) -> usize {
        let mut n = 0;
        while let Some(ev) = p.server.poll_event() {
            if let ServerEvent::Command(c) = ev {
                p.server
                    .respond_tagged(c.tag, StatusKind::Ok, None, "NOOP completed");
                n += 1;
            }
        }
        n
    }

    /// A DEFLATE bomb of 500,000 NOOPs (4.5 MB of commands in a few KB): the session inflates
    /// a piece at a time and stops while the answers wait unread, so a client that sends it and
    /// leaves costs a bounded amount of work; a client that reads gets every answer.
    #[test]
    fn a_deflate_bomb_is_worked_through_as_the_client_reads() {
        const N: usize = 500_000;
        let bomb = |p: &mut Pair| {
            p.push(b"z COMPRESS DEFLATE\r\n");
            p.events();
            p.server.start_compress();
            p.server.poll_transmit(&mut Vec::new());
            let mut wire = Vec::new();
            Deflate::new().deflate(&b"a NOOP\r\n".repeat(N), &mut wire);
            assert!(wire.len() < 20_000, "{}", wire.len());
            p.push(&wire);
        };
        let mut p = Pair::new();
        bomb(&mut p);
        let before_read = answer_all(&mut p);
        // The answers written so far are about OUT_HIGH_WATER bytes ("a OK NOOP completed").
        assert!(before_read > 0);
        assert!(
            before_read <= OUT_HIGH_WATER / 20 + INFLATE_PIECE / 8,
            "{before_read}"
        );
        p.server.handle_eof(p.now);
        p.server.poll_transmit(&mut Vec::new());
        assert_eq!(answer_all(&mut p), 0, "work goes on after the client left");

        let mut p = Pair::new();
        bomb(&mut p);
        let (mut answered, mut rounds) = (0, 0);
        loop {
            answered += answer_all(&mut p);
            let mut out = Vec::new();
            p.server.poll_transmit(&mut out);
            if out.is_empty() && !p.server.has_pending_input() {
                break;
            }
            rounds += 1;
        }
        assert_eq!(answered, N);
        // Each round stops past OUT_HIGH_WATER bytes of answers (overshooting by at most one
        // inflated piece of commands).
        assert!(rounds >= N * 20 / (2 * OUT_HIGH_WATER), "{rounds}");
    }

    #[test]
    fn autologout_after_the_configured_silence() {
        let mut p = Pair::new();
        let deadline = p.server.poll_timeout().unwrap();
        p.server.handle_timeout(deadline - Duration::from_secs(1));
        assert!(!p.server.is_closed());
        p.server.handle_timeout(deadline);
        assert_eq!(p.events(), [ServerEvent::Closed]);
        assert_eq!(status(&p.responses()[0]), (None, StatusKind::Bye, None));
        assert_eq!(p.server.poll_timeout(), None);
    }

    /// Before login a 64 MiB literal gets no `+` and none of its bytes are kept; after
    /// [`ServerSession::set_authenticated`] the full limits apply.
    #[test]
    fn large_literals_wait_for_login() {
        let mut p = Pair::new();
        p.push(b"a1 LOGIN fred {67108864}\r\n");
        let r = p.responses();
        assert!(
            !r.iter().any(|r| matches!(r, Response::Continue(_))),
            "{r:?}"
        );
        // Refused as any literal over the limit is ([TOOBIG]).
        assert_eq!(status(&r[0]).1, StatusKind::No);
        p.events();
        p.push(b"a2 LOGIN fred {8192}\r\n");
        assert!(matches!(p.responses()[..], [Response::Continue(_)]));
        p.push(&[b'x'; 8192]);
        p.push(b"\r\n");
        assert_eq!(command_tags(&p.events()), ["a2"]);
        p.server.set_authenticated();
        p.ok("a2");
        p.responses();
        p.push(b"a3 APPEND INBOX {67108864}\r\n");
        assert!(matches!(p.responses()[..], [Response::Continue(_)]));
    }

    /// A client that sends a byte a second never goes idle, but is logged out when the login
    /// deadline passes; once authenticated only the inactivity timeout applies.
    #[test]
    fn dribbling_does_not_defeat_the_login_deadline() {
        let mut p = Pair::new();
        let limit = ServerConfig::default().login_deadline.unwrap();
        let start = p.now;
        let mut bytes = b"a1 NOOP".iter().cycle();
        while !p.server.is_closed() {
            p.now += Duration::from_secs(1);
            p.server.handle_input(p.now, &[*bytes.next().unwrap()]);
            if p.server.poll_timeout().is_some_and(|t| p.now >= t) {
                p.server.handle_timeout(p.now);
            }
            assert!(p.now - start <= limit + Duration::from_secs(1));
        }
        let r = p.responses();
        assert_eq!(status(r.last().unwrap()).1, StatusKind::Bye);

        let mut p = Pair::new();
        p.server.set_authenticated();
        let idle = ServerConfig::default().autologout.unwrap();
        assert_eq!(p.server.poll_timeout(), Some(p.now + idle));
        p.server.handle_timeout(p.now + limit);
        assert!(!p.server.is_closed());
    }

    #[test]
    fn login_is_parsed_and_hidden_from_debug() {
        let mut p = Pair::new();
        p.plain(
            "a1",
            CommandBody::Login {
                username: Str::from("fred"),
                password: Secret::new(Str::from("hunter2 with spaces\r\n")),
            },
        );
        let ev = p.events();
        assert!(matches!(
            &ev[..],
            [ServerEvent::Command(Command {
                body: CommandBody::Login { .. },
                ..
            })]
        ));
        assert!(!format!("{ev:?}").contains("hunter2"));
        let _ = Atom::try_from("x");
    }

    /// A driver that answers everything, so that the session keeps reading.
    fn drive(p: &mut Pair) -> Vec<u8> {
        while let Some(e) = p.server.poll_event() {
            match e {
                ServerEvent::Command(c) => match c.body {
                    CommandBody::Idle | CommandBody::Authenticate { .. } => {
                        p.server.send_continuation("go")
                    }
                    CommandBody::StartTls => {
                        p.server.start_tls();
                    }
                    _ => p.server.respond_tagged(c.tag, StatusKind::Ok, None, "ok"),
                },
                ServerEvent::AuthenticateData { tag, .. } | ServerEvent::IdleDone { tag } => {
                    p.server.respond_tagged(tag, StatusKind::Ok, None, "ok")
                }
                _ => {}
            }
        }
        let mut sink = Vec::new();
        p.server.poll_transmit(&mut sink);
        sink
    }

    proptest! {
        /// Any bytes, in any pieces: no panic, and the session never stops answering.
        #[test]
        fn never_panics_on_any_input(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..40),
                    Just(b"a1 NOOP\r\n".to_vec()),
                    Just(b"a2 APPEND x {3}\r\n".to_vec()),
                    Just(b"a3 IDLE\r\n".to_vec()),
                    Just(b"DONE\r\n".to_vec()),
                    Just(b"a4 AUTHENTICATE PLAIN\r\n".to_vec()),
                    Just(b"a5 FETCH 1:* (BODY[]<0.10>)\r\n".to_vec()),
                    Just(b"{99999999999999999999999}\r\n".to_vec()),
                ],
                0..30,
            )
        ) {
            let mut p = Pair::new();
            for piece in &pieces {
                p.push(piece);
                drive(&mut p);
            }
        }

        /// Input split at arbitrary points gives the same events as input fed whole.
        #[test]
        fn split_input_gives_the_same_events(cut in proptest::collection::vec(1usize..20, 1..20)) {
            let input: &[u8] = b"a1 LOGIN {4+}\r\nfred {6+}\r\nsecret\r\nbad\r\na2 SELECT INBOX\r\na3 IDLE\r\nDONE\r\na4 UID FETCH 1:* FLAGS\r\n";
            let mut whole = Pair::new();
            whole.push(input);
            let a = drive(&mut whole);
            let mut split = Pair::new();
            let (mut rest, mut i, mut b) = (input, 0, Vec::new());
            while !rest.is_empty() {
                let n = cut[i % cut.len()].min(rest.len());
                split.push(&rest[..n]);
                b.extend(drive(&mut split));
                rest = &rest[n..];
                i += 1;
            }
            prop_assert_eq!(a, b);
            prop_assert!(whole.server.pending_tag().is_none());
            prop_assert!(split.server.pending_tag().is_none());
        }
    }
}
