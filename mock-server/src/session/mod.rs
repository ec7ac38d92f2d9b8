//! The protocol layer: one connection's [`MockSession`], driving `imap_core`'s sans-IO
//! [`ServerSession`] with a [`MailStore`] (the in-memory [`Store`](crate::store::Store) or any
//! other).
//!
//! A `MockSession` is sans-IO as well: bytes and time in ([`MockSession::handle_input`],
//! [`MockSession::handle_timeout`], [`MockSession::wake`]), bytes out ([`MockSession::poll_transmit`]). The
//! listener runs one per connection (a task on its runtime for TCP, a thread for an in-memory
//! connection); tests can drive one directly.
//!
//! # Announcing changes made elsewhere
//!
//! After every command (and at once during IDLE, when the store's watcher calls
//! [`MockSession::wake`]) the session polls its [`SelectionHandle`] and announces what changed, in its
//! own sequence numbers ([`SessionTracker`]):
//!
//! - new messages: `EXISTS` (and `RECENT` before IMAP4rev2 is enabled), after any command;
//! - a keyword new to the mailbox: `FLAGS` (and `PERMANENTFLAGS` when read-write), first;
//! - flag changes made by others: one `FETCH (UID .. FLAGS .. )` per message with its current
//!   flags (with `MODSEQ` once CONDSTORE is on), after any command, unless the session already
//!   sent that state or a newer one (the `announce` module: flags never go backwards); changes
//!   this session made were reported by its own command;
//! - expunges: `EXPUNGE` (or `VANISHED` with QRESYNC), but not after FETCH, STORE, SEARCH, SORT
//!   or THREAD by sequence numbers (RFC 9051 section 7.5.1, RFC 2180 section 4). Until then
//!   the expunged message keeps its number in this session.
//!
//! A FETCH (or STORE) by sequence number that names a message expunged elsewhere but not yet
//! announced returns data for the others and a tagged `NO [EXPUNGEISSUED]` (RFC 2180 section
//! 4.1.2; RFC 5530's code): the client learns the EXPUNGE at its next NOOP. STORE.SILENT
//! answers OK when the others were stored (RFC 2180 section 4.2.1).

mod acl;
mod announce;
mod auth;
mod catenate;
mod context;
mod fetch_wire;
mod mailboxes;
mod notify;
mod notify_meta;
mod notify_names;
pub use notify::BACKLOG as NOTIFY_BACKLOG;
mod oauth;
pub mod options;
mod quirky;
mod selected;
pub(crate) mod stream;
mod told;

use crate::backend::{MailAccount, MailStore, SelectionHandle};
use crate::store::{SessionId, StoreError};
use crate::transcript::{self, Direction};
use imap_core::encode::{EncodeOptions, encode_response};
use imap_core::protocol::{CommandKind, ConnState, forbids_expunge};
use imap_core::server::{ServerEvent, ServerSession, SessionTracker};
use imap_core::types::{
    Atom, Capability, Code, Command, CommandBody, Data, FetchData, Flag, Response, SimpleCode,
    StatusKind, StatusResponse, Str, Tag, Uid,
};
use options::{InjectPoint, Quirks, SessionOptions};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

/// The selected mailbox of a session.
struct Selected {
    view: Box<dyn SelectionHandle>,
    tracker: SessionTracker,
    /// Expunged in the store, not yet announced (a set: looked up per message announced).
    pending_expunge: BTreeSet<Uid>,
    /// SEARCHRES `$`.
    saved: Vec<Uid>,
    /// Per message, the MODSEQ of the flags this session last sent its client (see
    /// [`announce`]): nothing older is ever sent after it.
    told: told::Told,
    /// The mailbox's flags as last sent in `FLAGS` (SELECT, or a new keyword since).
    flags: Vec<Flag>,
    /// The name it was selected by, normalized (for STATUS of the selected mailbox).
    name: String,
    /// CONTEXT=SEARCH UPDATE contexts (RFC 5267 section 4.3); they end with the selection.
    contexts: Vec<context::UpdateContext>,
    /// Messages others changed the flags of, not yet announced (a NOTIFY without
    /// FlagChange woke the session); at most one entry per message.
    unsent_flags: Vec<Uid>,
}

/// The connection state (RFC 9051 section 3).
enum State {
    NotAuthenticated,
    Authenticated(Arc<dyn MailAccount>),
    Selected(Arc<dyn MailAccount>, Box<Selected>),
    Logout,
}

/// What was enabled with ENABLE (or implied by a command).
#[derive(Default, Clone, Copy)]
struct Enabled {
    condstore: bool,
    qresync: bool,
    rev2: bool,
    utf8: bool,
}

/// One connection's IMAP session over the store. See the module documentation.
pub struct MockSession {
    core: ServerSession,
    store: Arc<dyn MailStore>,
    options: Arc<SessionOptions>,
    id: SessionId,
    connection: u64,
    secure: bool,
    state: State,
    enabled: Enabled,
    sasl: Option<auth::Sasl>,
    /// STARTTLS accepted: the driver must start the TLS handshake now.
    tls_requested: bool,
    /// A fault closed the connection: the driver must drop it without flushing more.
    aborted: bool,
    encode_opts: EncodeOptions,
    /// Output already rewritten for the quirk profile, before what the core still holds.
    pending: Vec<u8>,
    /// The time of the latest input or timer call (the session is sans-IO).
    now: Instant,
    /// Failed LOGIN and AUTHENTICATE attempts so far.
    auth_failures: u32,
    /// A failed authentication's answer, held back until its delay is over.
    delayed: Option<auth::Delayed>,
    /// A FETCH still being answered, a message at a time as the output is taken.
    fetch_job: Option<stream::FetchJob>,
    /// A command that may take long, run by the next `poll_transmit` (see `has_work`).
    deferred: Option<Command>,
    /// The NOTIFY registration (RFC 5465), if any: `None` until NOTIFY SET, after NOTIFY NONE
    /// and after an overflow.
    notify: Option<notify::Registration>,
}

impl std::fmt::Debug for MockSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockSession")
            .field("id", &self.id)
            .field("connection", &self.connection)
            .field("secure", &self.secure)
            .finish()
    }
}

/// The name of a command for faults and injections: the shared [`CommandKind::name`] (the
/// `UID` prefix dropped), `OTHER` for a command imap-core has no type for.
pub fn command_name(body: &CommandBody) -> &'static str {
    match CommandKind::of(body) {
        CommandKind::Other => "OTHER",
        kind => kind.name(),
    }
}

/// A tagged-response error: kind, code and text.
pub(crate) struct Fail {
    kind: StatusKind,
    code: Option<Code>,
    text: String,
}

impl Fail {
    fn no(text: impl Into<String>) -> Self {
        Fail {
            kind: StatusKind::No,
            code: None,
            text: text.into(),
        }
    }

    fn bad(text: impl Into<String>) -> Self {
        Fail {
            kind: StatusKind::Bad,
            code: None,
            text: text.into(),
        }
    }

    fn code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail {
            kind: StatusKind::No,
            code: e.code(),
            text: e.to_string(),
        }
    }
}

/// A command's outcome: the tagged OK's code and text, or a failure.
pub(crate) type Outcome = Result<(Option<Code>, String), Fail>;

fn ok(text: &str) -> Outcome {
    Ok((None, text.to_owned()))
}

/// IMAP4rev2 deprecates the `\Recent` flag with the RECENT response (RFC 9051 appendix E,
/// item 12): once a client has enabled IMAP4rev2 the flag is left out of FETCH FLAGS, as the
/// RECENT response is left out of SELECT where that is made.
fn without_recent(resp: &mut Response) {
    if let Response::Data(Data::Fetch { data, .. }) = resp {
        for item in data {
            if let FetchData::Flags(flags) = item {
                flags.retain(|f| *f != Flag::Recent);
            }
        }
    }
}

impl MockSession {
    /// A session for a new connection, greeting already queued. `secure`: the connection is
    /// encrypted (implicit TLS) or in memory. `connection` numbers the transcript.
    pub fn new(
        store: Arc<dyn MailStore>,
        options: Arc<SessionOptions>,
        secure: bool,
        connection: u64,
        now: Instant,
    ) -> Self {
        let id = store.new_session();
        let mut s = MockSession {
            core: ServerSession::new(options.core.clone(), now),
            store,
            options,
            id,
            connection,
            secure,
            state: State::NotAuthenticated,
            enabled: Enabled::default(),
            sasl: None,
            tls_requested: false,
            aborted: false,
            encode_opts: EncodeOptions::default(),
            pending: Vec::new(),
            now,
            auth_failures: 0,
            delayed: None,
            fetch_job: None,
            deferred: None,
            notify: None,
        };
        let (code, text) = match s.options.quirks {
            Quirks::Gmail => (None, "Gimap ready for requests from 127.0.0.1".to_owned()),
            Quirks::Exchange => (
                None,
                "The Microsoft Exchange IMAP4 service is ready.".to_owned(),
            ),
            Quirks::Standard | Quirks::ExchangeBodyStructure | Quirks::BareContinuation => (
                Some(Code::Capability(s.capabilities())),
                "mock-server ready.".to_owned(),
            ),
        };
        s.untagged(StatusKind::Ok, code, &text);
        s.inject(&InjectPoint::AfterGreeting);
        s
    }

    // ----- getters -----

    /// Whether the connection is over; close it once the output is written.
    pub fn is_closed(&self) -> bool {
        self.core.is_closed()
    }

    /// Whether the client has logged in (and not logged out).
    pub fn is_authenticated(&self) -> bool {
        matches!(self.state, State::Authenticated(_) | State::Selected(..))
    }

    /// Whether a fault asked to drop the connection now.
    pub fn is_aborted(&self) -> bool {
        self.aborted
    }

    /// Whether STARTTLS was accepted: write the output, then start the TLS handshake and
    /// call [`MockSession::set_secure`]. Reported once.
    pub fn take_tls_request(&mut self) -> bool {
        std::mem::take(&mut self.tls_requested)
    }

    /// The connection is now encrypted (after the STARTTLS handshake).
    pub fn set_secure(&mut self) {
        self.secure = true;
    }

    /// The faults injected into this connection.
    fn faults(&self) -> &options::Faults {
        self.options.faults.for_connection(self.connection)
    }

    /// The store session id.
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// This session's view of the selected mailbox: the UIDs in sequence-number order, as the
    /// session has announced them to its client (changes not yet announced are not applied).
    /// `None` when no mailbox is selected.
    pub fn view_uids(&self) -> Option<&[Uid]> {
        match &self.state {
            State::Selected(_, sel) => Some(sel.tracker.uids()),
            _ => None,
        }
    }

    // ----- inputs -----

    /// Bytes from the client.
    pub fn handle_input(&mut self, now: Instant, data: &[u8]) {
        self.now = now;
        self.core.handle_input(now, data);
        self.drain();
    }

    /// The client closed the connection.
    pub fn handle_eof(&mut self, now: Instant) {
        self.core.handle_eof(now);
        self.drain();
        self.state = State::Logout;
    }

    /// Autologout check, and the end of a failed authentication's delay.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        self.release_delayed(now);
        self.core.handle_timeout(now);
        self.drain();
    }

    /// When [`MockSession::handle_timeout`] is due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let delayed = self.delayed.as_ref().map(|d| d.until);
        match (self.core.poll_timeout(), delayed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The store changed: during IDLE, announce it now; with NOTIFY, tell what it asks for
    /// (RFC 5465: at any time, not only during IDLE).
    pub fn wake(&mut self) {
        if self.core.is_idling() && self.notify.is_none() {
            self.announce(true);
        } else {
            self.notify_wake();
        }
    }

    // ----- outputs -----

    /// Appends the bytes to write to `buf`; returns how many. A large FETCH is answered in
    /// pieces of about [`stream::CHUNK`] bytes, the next one made only when this is called
    /// again: call it until it returns 0, writing each piece before taking the next, and the
    /// client's reading paces the work (a client that stops reading holds one piece, not the
    /// whole reply). On a compressed connection this also handles the commands that waited for
    /// the output to be taken (their answers come with the next call), so a DEFLATE bomb is
    /// worked through only as fast as the client reads, and not at all once it is gone.
    ///
    /// This copies the bytes into `buf`; [`MockSession::poll_transmit_chunks`] hands out the same
    /// bytes without copying message data.
    pub fn poll_transmit(&mut self, buf: &mut Vec<u8>) -> usize {
        let mut chunks = Vec::new();
        let n = self.poll_transmit_chunks(&mut chunks);
        buf.reserve(n);
        for c in chunks {
            buf.extend_from_slice(&c);
        }
        n
    }

    /// As [`MockSession::poll_transmit`], but the piece is appended to `out` as chunks: encoded
    /// response lines, and literal payloads (a `BODY[]`) as zero-copy slices of the stored
    /// message, so serving a large message copies none of it. A piece is about
    /// [`stream::CHUNK`] bytes at most (one literal is cut into slices of that size), and the
    /// next message of a FETCH is made only once the previous one is all taken: a client that
    /// stops reading holds at most one message's framing, never a copy of its data. On a
    /// compressed connection each piece is at most [`stream::CHUNK`] bytes of plaintext
    /// deflated and sync-flushed, so output starts flowing before a large response is all
    /// compressed.
    pub fn poll_transmit_chunks(&mut self, out: &mut Vec<bytes::Bytes>) -> usize {
        self.transmit(out, false)
    }

    /// As [`MockSession::poll_transmit_chunks`], but only cheap work
    /// ([`MockSession::work_is_cheap`]), and at most one step of a FETCH: it stops before a
    /// command that is not cheap (it is left for the next [`MockSession::poll_transmit_chunks`],
    /// and [`MockSession::wants_poll`] stays `true`). Its cost is bounded by the output it makes
    /// and a few hundred messages looked at, so an async driver may run it on its runtime's
    /// worker (with every wait for the store lock handed off) and let other connections run
    /// between two calls, so that none waits behind another's large response.
    pub fn poll_transmit_cheap(&mut self, out: &mut Vec<bytes::Bytes>) -> usize {
        self.transmit(out, true)
    }

    /// [`MockSession::poll_transmit_chunks`], or only cheap work when `cheap`.
    fn transmit(&mut self, out: &mut Vec<bytes::Bytes>, cheap: bool) -> usize {
        let first = out.len();
        // Output made so far, in plaintext bytes (what deflating costs is the plaintext).
        let mut taken = 0;
        loop {
            if cheap && !self.work_is_cheap() {
                break;
            }
            if let Some(cmd) = self.deferred.take() {
                self.command(cmd);
            }
            taken += self.take_output(out, stream::CHUNK - taken);
            let mut steps = 0;
            while self.fetch_job.is_some()
                && taken < stream::CHUNK
                && !self.aborted
                && !self.core.wants_write()
                && !(cheap && (steps > 0 || !self.work_is_cheap()))
            {
                self.fetch_step(stream::CHUNK - taken);
                steps += 1;
                taken += self.take_output(out, stream::CHUNK - taken);
            }
            self.drain();
            // Pipelined commands go on until the piece is big enough.
            let fetching = cheap && self.fetch_job.is_some();
            if !self.has_work() || self.aborted || taken >= stream::CHUNK || fetching {
                break;
            }
        }
        stream::coalesce(out, first);
        out[first..].iter().map(bytes::Bytes::len).sum()
    }

    /// Whether the next [`MockSession::poll_transmit`] does work that can take long: a command
    /// that touches messages or mailboxes (SEARCH, SORT, THREAD, FETCH, APPEND, LIST, ...),
    /// or the next messages of a FETCH. Other calls may take the store lock too (LOGIN, SCRAM's
    /// slow key derivation, change polling, leaving a mailbox on drop), if briefly: an async
    /// driver makes every call into the session where blocking cannot stall other connections
    /// (the TCP listener runs them under `tokio::task::block_in_place`), but for the cheap
    /// work of [`MockSession::work_is_cheap`] and [`MockSession::input_is_cheap`], which it
    /// runs on its worker with any wait for the store lock handed off.
    pub fn has_work(&self) -> bool {
        self.deferred.is_some() || self.fetch_job.is_some()
    }

    /// Whether the session may take input and make output at a cost bounded by the bytes
    /// in and out ([`MockSession::poll_transmit_cheap`]), as far as its state tells: logged in
    /// (LOGIN and AUTHENTICATE, which check passwords or derive keys, are refused at once),
    /// no SASL exchange or held answer, no COMPRESS (inflating is not bounded by the input),
    /// no quirk profile rewriting the output, no transcript and no NOTIFY registration (each
    /// command's end then looks at other mailboxes).
    pub fn input_is_cheap(&self) -> bool {
        self.is_authenticated()
            && self.sasl.is_none()
            && self.delayed.is_none()
            && self.notify.is_none()
            && !self.core.is_compressed()
            && self.options.transcript.is_none()
            && !self.options.quirks.rewrites_output()
    }

    /// Whether the work [`MockSession::poll_transmit_chunks`] would do next is cheap (see
    /// [`MockSession::input_is_cheap`]): taking output, reading pipelined commands, and a
    /// command that is cheap per step (a FETCH of items written from kept data) or the
    /// next step of one.
    pub fn work_is_cheap(&self) -> bool {
        if !self.input_is_cheap() {
            return false;
        }
        match (&self.deferred, &self.fetch_job) {
            (Some(cmd), _) => stream::is_cheap(&cmd.body),
            (None, Some(job)) => job.is_cheap(self.writes_own_fetch()),
            (None, None) => true,
        }
    }

    /// Whether a FETCH's responses are written by the session itself (`fetch_wire`) rather
    /// than through the core, for the transcript or the quirk profile.
    fn writes_own_fetch(&self) -> bool {
        self.options.transcript.is_none() && !self.options.quirks.rewrites_output()
    }

    /// Whether nothing is under way (no output, work or held answer waiting) and the next
    /// input starts a new command, so that a driver may judge the cost of that input from
    /// its bytes.
    pub fn at_command_start(&self) -> bool {
        !self.wants_poll() && self.delayed.is_none() && self.core.at_command_start()
    }

    /// Whether [`MockSession::poll_transmit`] has anything to do: output waiting, a command or a
    /// FETCH to go on with, or compressed input to read. When it is `false`, a call returns 0
    /// at once without touching the store, so a driver may skip it (or make it on its runtime's
    /// worker).
    pub fn wants_poll(&self) -> bool {
        self.has_work()
            || self.core.wants_write()
            || self.core.has_pending_input()
            || !self.pending.is_empty()
    }

    /// Moves what is ready (from the core, rewritten for the quirk profile, and the bytes of
    /// [`options::Faults::answers`]) into `out`: at most `budget` bytes of the core's output
    /// (at least one piece when any waits), zero-copy; returns how many plaintext bytes that
    /// was (on a compressed connection, the plaintext a piece was deflated from).
    fn take_output(&mut self, out: &mut Vec<bytes::Bytes>, budget: usize) -> usize {
        if !self.options.quirks.rewrites_output() && self.pending.is_empty() {
            let mut n = 0;
            while n < budget.max(1) {
                let before = self.core.pending_output();
                let Some(piece) = self.core.poll_transmit_chunk(budget.max(1) - n) else {
                    break;
                };
                // Compressed, the queue shrank by the plaintext deflated; else by the piece.
                n += before
                    .saturating_sub(self.core.pending_output())
                    .max(piece.len());
                out.push(piece);
            }
            return n;
        }
        self.flush_core();
        let n = self.pending.len();
        if n > 0 {
            out.push(std::mem::take(&mut self.pending).into());
        }
        n
    }

    /// Moves what the core wrote on its own into `pending`, rewritten for the quirk profile.
    fn flush_core(&mut self) {
        let mut out = Vec::new();
        self.core.poll_transmit(&mut out);
        if self.core.is_compressed() {
            self.pending.append(&mut out);
        } else {
            let out = quirky::rewrite_core(&out, self.options.quirks);
            self.pending.extend_from_slice(&out);
        }
    }

    // ----- internals -----

    fn drain(&mut self) {
        while let Some((ev, unit)) = self.core.poll_event_raw() {
            if self.aborted {
                return;
            }
            match ev {
                ServerEvent::Command(cmd) => {
                    let secret = matches!(
                        cmd.body,
                        CommandBody::Login { .. } | CommandBody::Authenticate { .. }
                    );
                    let unit = if secret { None } else { unit };
                    self.record_client(transcript::command_text(&cmd), unit);
                    if stream::is_light(&cmd.body) {
                        self.command(cmd);
                    } else {
                        // Done by the next `poll_transmit`, which a driver runs where slow
                        // work cannot stall other connections (`has_work`). The core reads
                        // no further command meanwhile.
                        self.deferred = Some(cmd);
                    }
                }
                ServerEvent::AuthenticateData { tag, data } => {
                    self.record_client("<redacted>".into(), None);
                    self.sasl_step(tag, data.map(|d| d.into_inner()));
                }
                ServerEvent::IdleDone { tag } => {
                    self.record_client("DONE".into(), unit);
                    self.respond(tag, ok("IDLE terminated"));
                }
                ServerEvent::BadCommand { tag, error } => {
                    let sasl_line =
                        tag.is_some() && tag.as_ref() == self.sasl.as_ref().map(|s| &s.tag);
                    if sasl_line {
                        self.sasl = None;
                    }
                    let unit = unit.filter(|u| !sasl_line && !transcript::holds_credentials(u));
                    self.record_client(format!("<rejected: {error}>"), unit);
                }
                ServerEvent::Closed => {
                    self.state = State::Logout;
                }
                _ => {}
            }
        }
    }

    /// Records what the client sent: `unit`, its exact bytes, when the transcript is exact
    /// (`None` for anything holding credentials), else `text`.
    fn record_client(&self, text: String, unit: Option<bytes::Bytes>) {
        if let Some(t) = &self.options.transcript {
            t.record_client(self.connection, text, unit);
        }
    }

    /// Sends a response the session made, as the enabled extensions shape it.
    fn send(&mut self, mut resp: Response) {
        if self.enabled.rev2 {
            without_recent(&mut resp);
        }
        self.send_as_is(resp);
    }

    /// Sends a response exactly as given (recording it): the session's own, and fault
    /// injections, which a test means to arrive as written.
    fn send_as_is(&mut self, resp: Response) {
        if let Some(t) = &self.options.transcript {
            t.record(
                self.connection,
                Direction::Server,
                transcript::response_text(&resp, &self.encode_opts),
            );
        }
        let quirks = self.options.quirks;
        if !quirks.rewrites_output() || self.core.is_compressed() {
            return self.core.send(resp);
        }
        self.flush_core();
        let (resp, rewrite) = quirky::prepare(resp, quirks);
        let own = encode_response(&resp, &self.encode_opts).to_vec();
        self.core.send(resp);
        let mut out = Vec::new();
        self.core.poll_transmit(&mut out);
        if !out.starts_with(&own) {
            // Compressed, or encoded differently from what we expected: leave it alone.
            self.pending.append(&mut out);
            return;
        }
        // The core wrote exactly these bytes first; anything after them is its own output (the
        // `+ Ready` of a literal in a command it read next, say).
        if rewrite {
            self.pending
                .extend_from_slice(&quirky::rewrite_own(&own, quirks));
        } else {
            self.pending.extend_from_slice(&own);
        }
        let rest = &out[own.len()..];
        if self.core.is_compressed() {
            self.pending.extend_from_slice(rest);
        } else {
            self.pending
                .extend_from_slice(&quirky::rewrite_core(rest, quirks));
        }
    }

    fn data(&mut self, d: Data) {
        self.send(Response::Data(d));
    }

    fn untagged(&mut self, kind: StatusKind, code: Option<Code>, text: &str) {
        self.send(Response::Status(StatusResponse {
            tag: None,
            kind,
            code,
            text: Str::from(text),
        }));
    }

    fn continuation(&mut self, text: &str) {
        self.send(Response::Continue(imap_core::types::Continue {
            code: None,
            text: Str::from(text),
        }));
    }

    fn respond(&mut self, tag: Tag, outcome: Outcome) {
        let outcome = match outcome {
            Err(f) if auth::is_auth_failure(&f) => return self.auth_failed(tag, f),
            outcome => outcome,
        };
        self.respond_now(tag, outcome);
    }

    /// Sends a tagged response at once.
    fn respond_now(&mut self, tag: Tag, outcome: Outcome) {
        let (kind, code, text) = match outcome {
            Ok((code, text)) => (StatusKind::Ok, code, text),
            Err(f) => (f.kind, f.code, f.text),
        };
        let text = if self.options.quirks == Quirks::Exchange {
            String::new()
        } else {
            text
        };
        self.send(Response::Status(StatusResponse {
            tag: Some(tag),
            kind,
            code,
            text: text.into(),
        }));
    }

    fn inject(&mut self, at: &InjectPoint) {
        let hits: Vec<Response> = self
            .faults()
            .inject
            .iter()
            .filter(|i| &i.at == at)
            .map(|i| i.response.clone())
            .collect();
        for r in hits {
            self.send_as_is(r);
        }
    }

    /// The capabilities for the current state.
    pub fn capabilities(&self) -> Vec<Capability> {
        let a = |s: &'static str| Atom::from_static(s);
        let mut v = vec![Capability::Imap4rev1];
        if self.options.uidplus {
            // IMAP4rev2 includes UIDPLUS (RFC 9051 appendix E).
            v.push(Capability::Imap4rev2);
        }
        let authed = matches!(self.state, State::Authenticated(_) | State::Selected(..));
        let login_ok = self.secure || self.options.allow_plaintext_login;
        if !authed {
            if self.options.starttls && !self.secure {
                v.push(Capability::StartTls);
            }
            // SCRAM-SHA-256 and CRAM-MD5 never send the password: offered with or without TLS,
            // when the store can check them.
            let sasl = self.store.as_sasl().is_some();
            if sasl {
                v.push(Capability::Auth(a("SCRAM-SHA-256")));
            }
            if login_ok {
                v.push(Capability::Auth(a("PLAIN")));
                v.push(Capability::Auth(a("LOGIN")));
                if self.oauth_offered() {
                    v.push(Capability::Auth(a("XOAUTH2")));
                    v.push(Capability::Auth(a("OAUTHBEARER")));
                }
            } else {
                v.push(Capability::LoginDisabled);
            }
            if sasl {
                v.push(Capability::Auth(a("CRAM-MD5")));
            }
            v.push(Capability::SaslIr);
        }
        v.push(Capability::Idle);
        if self.options.uidplus {
            v.push(Capability::UidPlus);
        }
        v.extend([
            Capability::Move,
            Capability::Enable,
            Capability::Unselect,
            Capability::Id,
            Capability::Namespace,
            Capability::SpecialUse,
            Capability::CreateSpecialUse,
            Capability::Children,
            Capability::ListExtended,
            Capability::ListStatus,
            Capability::ESearch,
            Capability::SearchRes,
            Capability::CondStore,
            Capability::QResync,
            Capability::LiteralPlus,
            Capability::Binary,
            Capability::Sort,
            Capability::SortDisplay,
            Capability::ESort,
            Capability::Thread(a("REFERENCES")),
            Capability::Thread(a("ORDEREDSUBJECT")),
            Capability::Utf8Accept,
            Capability::ObjectId,
            Capability::StatusSize,
            Capability::AppendLimit(self.store.append_limit()),
            Capability::SaveDate,
            Capability::Preview,
            Capability::MultiAppend,
            Capability::Catenate,
            Capability::ContextSearch,
            Capability::Notify,
        ]);
        if self.store.as_quota().is_some() {
            v.extend([
                Capability::Quota,
                Capability::QuotaRes(a("STORAGE")),
                Capability::QuotaRes(a("MESSAGE")),
            ]);
        }
        if self.store.as_acl().is_some() {
            v.extend([Capability::Acl, Capability::Rights(a("texk"))]);
        }
        if self.store.as_metadata().is_some() {
            v.extend([Capability::Metadata, Capability::MetadataServer]);
        }
        if !self.core.is_compressed() {
            v.push(Capability::Compress(a("DEFLATE")));
        }
        if self.options.quirks == Quirks::Gmail {
            v.push(Capability::XGmExt1);
        }
        v
    }

    fn command(&mut self, cmd: Command) {
        let name = command_name(&cmd.body);
        if let Some(drop) = &self.faults().drop_at_command
            && drop.eq_ignore_ascii_case(name)
        {
            self.aborted = true;
            return;
        }
        if self.scripted_answer(name, &cmd.tag) {
            return;
        }
        let tag = cmd.tag.clone();
        let body = cmd.body;
        // The states each command is valid in, as the client checks them (RFC 9051 section 6).
        let kind = CommandKind::of(&body);
        let state = self.conn_state();
        if !kind.valid_in(state) {
            let text = format!(
                "{} is not valid in the {} state",
                kind.label(),
                state.name()
            );
            let end = stream::End {
                tag,
                name,
                allow_expunge: !forbids_expunge(&body),
                own_change: false,
            };
            return self.finish(end, Err(Fail::bad(text)));
        }
        // Commands that answer (or start an exchange) themselves.
        match body {
            CommandBody::Authenticate { mechanism, initial } => {
                return self.authenticate(tag, mechanism, initial.map(|s| s.into_inner()));
            }
            CommandBody::Idle => return self.idle(tag),
            CommandBody::StartTls => return self.starttls(tag),
            CommandBody::Compress(alg) => return self.compress(tag, alg),
            CommandBody::Logout => {
                self.untagged(StatusKind::Bye, None, "Logging out");
                self.state = State::Logout;
                return self.respond(tag, ok("LOGOUT completed"));
            }
            _ => {}
        }
        // RFC 9051 section 7.5.1 and RFC 5256: no EXPUNGE during FETCH, STORE, SEARCH, SORT
        // and THREAD by sequence numbers (the rule the client pipelines by).
        let allow_expunge = !forbids_expunge(&body);
        let own_change = self.notify.is_some() && notify::changes_others(&body);
        if own_change {
            // Others' changes so far are told; what this command changes is not.
            self.notify_others();
        }
        let outcome = self.dispatch(&tag, body);
        if self.aborted {
            return;
        }
        let end = stream::End {
            tag,
            name,
            allow_expunge,
            own_change,
        };
        match &mut self.fetch_job {
            // A FETCH goes on a message at a time as the client reads (`poll_transmit`).
            Some(job) => job.end = Some(end),
            None => self.finish(end, outcome),
        }
    }

    /// Answers the command with the bytes of [`options::Faults::answers`], if it names it.
    fn scripted_answer(&mut self, name: &str, tag: &Tag) -> bool {
        if self.core.is_compressed() {
            return false;
        }
        let Some((_, answer)) =
            (self.faults().answers.iter()).find(|(n, _)| n.eq_ignore_ascii_case(name))
        else {
            return false;
        };
        let answer = answer.replace("{tag}", &String::from_utf8_lossy(tag.as_bytes()));
        self.flush_core();
        self.pending.extend_from_slice(answer.as_bytes());
        // The core reads the next command only once this one is answered: answer it there,
        // and write everything but that answer.
        let done = Response::Status(StatusResponse {
            tag: Some(tag.clone()),
            kind: StatusKind::Ok,
            code: None,
            text: Str::from("scripted"),
        });
        let own = encode_response(&done, &self.encode_opts).to_vec().len();
        self.core.send(done);
        let mut out = Vec::new();
        self.core.poll_transmit(&mut out);
        self.pending
            .extend_from_slice(out.get(own..).unwrap_or_default());
        true
    }

    /// The end of every command: announcements, the tagged response, injections.
    fn finish(&mut self, end: stream::End, outcome: Outcome) {
        let stream::End {
            tag,
            name,
            allow_expunge,
            own_change,
        } = end;
        self.announce(allow_expunge);
        if own_change {
            self.notify_absorb();
        } else {
            self.notify_others();
        }
        self.inject(&InjectPoint::BeforeTagged(name.into()));
        self.respond(tag, outcome);
        self.inject(&InjectPoint::AfterTagged(name.into()));
    }

    fn dispatch(&mut self, tag: &Tag, body: CommandBody) -> Outcome {
        use CommandBody as C;
        match body {
            C::Capability => {
                let caps = self.capabilities();
                self.data(Data::Capability(caps));
                ok("CAPABILITY completed")
            }
            C::Noop => ok("NOOP completed"),
            C::Check => {
                self.selected_mut()?;
                ok("CHECK completed")
            }
            C::Id(_) => {
                self.data(Data::Id(Some(vec![
                    (Str::from("name"), Some(Str::from("mock-server"))),
                    (
                        Str::from("version"),
                        Some(Str::from(env!("CARGO_PKG_VERSION"))),
                    ),
                ])));
                ok("ID completed")
            }
            C::Login { username, password } => self.login(username, password.into_inner()),
            C::Enable(caps) => self.enable(caps),
            other => match self.state {
                State::NotAuthenticated | State::Logout => {
                    Err(Fail::bad("Not authenticated: command not allowed now"))
                }
                _ => self.authenticated_command(tag, other),
            },
        }
    }

    /// The connection state, as the shared protocol rules name it.
    fn conn_state(&self) -> ConnState {
        match self.state {
            State::NotAuthenticated => ConnState::NotAuthenticated,
            State::Authenticated(_) => ConnState::Authenticated,
            State::Selected(..) => ConnState::Selected,
            State::Logout => ConnState::Logout,
        }
    }

    fn account(&self) -> Result<Arc<dyn MailAccount>, Fail> {
        match &self.state {
            State::Authenticated(a) | State::Selected(a, _) => Ok(a.clone()),
            _ => Err(Fail::bad("Not authenticated")),
        }
    }

    fn selected_mut(&mut self) -> Result<&mut Selected, Fail> {
        match &mut self.state {
            State::Selected(_, s) => Ok(s),
            _ => Err(Fail::bad("No mailbox selected")),
        }
    }

    fn enable(&mut self, caps: Vec<Capability>) -> Outcome {
        self.account()?;
        let mut newly = Vec::new();
        for c in caps {
            let e = &mut self.enabled;
            let flag = match &c {
                Capability::CondStore => &mut e.condstore,
                Capability::QResync => &mut e.qresync,
                Capability::Imap4rev2 if self.options.uidplus => &mut e.rev2,
                Capability::Utf8Accept => &mut e.utf8,
                _ => continue,
            };
            if !*flag {
                *flag = true;
                newly.push(c);
            }
        }
        if self.enabled.qresync {
            self.enabled.condstore = true;
        }
        if self.enabled.utf8 {
            self.core.set_utf8(true);
            self.encode_opts.utf8 = true;
        }
        self.data(Data::Enabled(newly));
        ok("ENABLE completed")
    }

    fn idle(&mut self, tag: Tag) {
        if let Err(f) = self.account() {
            return self.respond(tag, Err(f));
        }
        self.continuation("idling");
        self.inject(&InjectPoint::IdleStarted);
        self.announce(true);
    }

    fn starttls(&mut self, tag: Tag) {
        if self.secure || !self.options.starttls {
            return self.respond(tag, Err(Fail::bad("STARTTLS not available")));
        }
        if !matches!(self.state, State::NotAuthenticated) {
            return self.respond(tag, Err(Fail::bad("Already authenticated")));
        }
        if let Some(t) = &self.options.transcript {
            t.record(
                self.connection,
                Direction::Server,
                format!("{tag} OK Begin TLS negotiation now"),
            );
        }
        self.core.start_tls();
        self.tls_requested = true;
    }

    fn compress(&mut self, tag: Tag, alg: Atom) {
        if self.core.is_compressed() {
            let f = Fail::no("Compression already active")
                .code(Code::Simple(SimpleCode::CompressionActive));
            return self.respond(tag, Err(f));
        }
        if let Err(f) = self.account() {
            return self.respond(tag, Err(f));
        }
        if !alg.eq_ignore_ascii_case("DEFLATE") {
            return self.respond(tag, Err(Fail::bad("Unknown compression algorithm")));
        }
        if let Some(t) = &self.options.transcript {
            t.record(
                self.connection,
                Direction::Server,
                format!("{tag} OK DEFLATE active"),
            );
        }
        self.core.start_compress();
    }
}
