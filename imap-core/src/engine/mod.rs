//! The engine: the low-level [`ClientMachine`] plus the bookkeeping every driver needs to run
//! high-level [`Operation`]s, written once. A driver talks only to an [`Engine`].
//!
//! # The driver loop
//!
//! ```text
//! let mut run = engine.start(op, now());
//! loop {
//!     match engine.drive(&mut run, now()) {
//!         Step::Done(r)     => return r,
//!         Step::Transmit    => write all of engine.poll_transmit(..) (bounded by write_deadline),
//!         Step::StartTls    => handshake, then engine.handle_tls_established(now()),
//!         Step::Chunk(b)    => sink.write_all(&b),
//!         Step::Wait(until) => read until `until`: handle_input / handle_eof / handle_timeout,
//!     }
//! }
//! ```
//!
//! # Rules (the same for every driver)
//!
//! - **One operation at a time.** [`Engine::start`] begins an operation; commands it sends
//!   belong to it. Unsolicited events (mailbox updates no running command asked for, alerts,
//!   BYE, unparsed responses) go to a bounded queue ([`Engine::poll_event`],
//!   [`Engine::dropped_events`]); data a command asked for goes only into its completion.
//! - **Abandoning an operation leaves the connection usable.** A driver may stop calling
//!   `drive` at any point (a dropped future, a caller's timeout). The next [`Engine::start`]
//!   forgets the abandoned operation: completions of its commands are dropped when they
//!   arrive (the commands themselves still run on the server), chunks it was streaming are
//!   discarded, the streaming threshold it set is restored (the rest of a literal being
//!   streamed is read and discarded), and its mailbox updates land in the model as usual.
//!   Bytes a driver took from [`Engine::poll_transmit`] but did not write are the driver's to
//!   keep and write first (or the stream is unusable: drop it).
//! - **A continuing operation keeps the commands of the one before.** An operation may hand
//!   its commands over when it finishes ([`Operation::hands_over`]) to one that goes on with
//!   them ([`Operation::continues`]: the start and the messages of a streamed FETCH,
//!   [`crate::ops::FetchStream`]), which starts without forgetting anything; any other
//!   operation forgets them as above. FETCH
//!   responses of a streamed command ([`ClientMachine::stream_fetches`]) wait in the engine
//!   until an operation takes them ([`OpContext::pop_fetched`]), at most what one input held,
//!   since the driver reads again only when the operation waits.
//! - **IDLE is ended before the next command.** Starting any operation that does not work
//!   on the running IDLE itself ([`Operation::keeps_idle`]) sends `DONE` first; the new
//!   operation's commands are sent once the server has completed the IDLE.
//! - **A closed connection fails every operation.** Once the connection has ended (the server
//!   closed it, a timeout, a protocol error, or after LOGOUT), every running and later
//!   operation finishes with the reason ([`OpError::Connection`], or [`OpError::Closed`]
//!   after a clean LOGOUT); nothing already received is lost (the events stay queued).
//! - **Time** is the caller's: the client's inactivity timeouts and overall operation
//!   deadline ([`crate::client::ClientConfig`]) apply as they are; an operation may add a wake
//!   time of its own ([`Operation::wake_at`]), and [`Step::Wait`] gives the earliest.

mod access;
mod context;
mod queue;
mod retained;
mod step;

pub use access::HasEngine;
pub use context::OpContext;
pub use queue::{DEFAULT_MAX_EVENTS, EventQueue};
pub use step::Step;

use crate::client::trace;
use crate::client::{
    ClientConfig, ClientMachine, CommandId, Completion, ConnectionError, Event, Fetched,
};
use crate::mailbox::{SelectedMailbox, Update};
use crate::ops::{OpError, Operation};
use crate::types::{Data, StatusResponse};
use bytes::Bytes;
use std::collections::VecDeque;
use std::task::Poll;
use std::time::Instant;

/// The low-level [`ClientMachine`] and the routing around it: which completions the running
/// operation awaits, the unsolicited-event queue, the greeting, the closed reason, a pending
/// STARTTLS upgrade, IDLE, streamed chunks and the EXPUNGE log. See the [module
/// documentation](self) for the driver loop and the rules.
pub struct Engine {
    client: ClientMachine,
    /// Commands of the running operation whose completions it will claim.
    awaited: Vec<CommandId>,
    /// Completions that arrived for `awaited` commands and are not claimed yet.
    completions: Vec<Completion>,
    /// FETCH responses handed out as they arrive ([`Event::Fetched`]) for `awaited` commands,
    /// not claimed yet: at most what one input held.
    fetched: VecDeque<(CommandId, Fetched)>,
    events: EventQueue,
    greeting: Option<StatusResponse>,
    /// `Some(reason)` once the client reported `Closed` (`None` inside: clean LOGOUT).
    closed: Option<Option<ConnectionError>>,
    upgrade_pending: bool,
    /// The IDLE command the server accepted last.
    idle_started: Option<CommandId>,
    /// Literal chunks go to `chunks` (else they are discarded).
    streaming: bool,
    streamed: u64,
    chunks: VecDeque<Bytes>,
    /// The streaming threshold before the running operation changed it.
    saved_threshold: Option<Option<u64>>,
    /// Removals recorded for the running operation (EXPUNGE results).
    log: Option<Vec<Update>>,
    /// Which operation is current: [`Running`] handles of older ones are stale.
    epoch: u64,
}

/// An operation started on an [`Engine`] ([`Engine::start`]): drive it with
/// [`Engine::drive`] until [`Step::Done`].
#[derive(Debug)]
pub struct Running<O: Operation> {
    op: O,
    epoch: u64,
    result: Option<Result<O::Output, OpError>>,
}

impl<O: Operation> Running<O> {
    /// The operation.
    pub fn operation(&self) -> &O {
        &self.op
    }
}

impl Engine {
    /// An engine for a new connection, waiting for the greeting. `config.tls` must say
    /// whether the stream is already protected by TLS.
    pub fn new(config: ClientConfig, now: Instant) -> Engine {
        Engine {
            client: ClientMachine::new(config, now),
            awaited: Vec::new(),
            completions: Vec::new(),
            fetched: VecDeque::new(),
            events: EventQueue::default(),
            greeting: None,
            closed: None,
            upgrade_pending: false,
            idle_started: None,
            streaming: false,
            streamed: 0,
            chunks: VecDeque::new(),
            saved_threshold: None,
            log: None,
            epoch: 0,
        }
    }

    // ----- getters -----

    /// The low-level client, for its getters (state, capabilities, selected mailbox).
    pub fn client(&self) -> &ClientMachine {
        &self.client
    }

    /// The low-level client, mutable. Commands queued on it directly are not any operation's:
    /// their completions are dropped on arrival.
    pub fn client_mut(&mut self) -> &mut ClientMachine {
        &mut self.client
    }

    /// The selected mailbox as the client's model knows it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.client.selected()
    }

    /// The server's greeting, once received. Its capability code is dropped once IDLE waits
    /// and the client knows the capabilities: [`crate::client::ClientMachine::capabilities`]
    /// is the current list (after authentication it replaces the greeting's), and an idle
    /// connection keeps one list, not two.
    pub fn greeting(&self) -> Option<&StatusResponse> {
        self.greeting.as_ref()
    }

    /// Whether the connection has ended (cleanly or not).
    pub fn is_closed(&self) -> bool {
        self.closed.is_some() || self.client.is_closed()
    }

    /// Why the connection ended: `Some(None)` after a clean LOGOUT, `Some(Some(e))` after a
    /// failure, `None` while it is open.
    pub fn closed_reason(&self) -> Option<Option<&ConnectionError>> {
        self.closed.as_ref().map(Option::as_ref)
    }

    /// The error an operation fails with on the closed connection.
    pub fn closed_error(&self) -> OpError {
        match &self.closed {
            Some(Some(e)) => OpError::Connection(e.clone()),
            _ => OpError::Closed,
        }
    }

    /// Whether a STARTTLS upgrade is due ([`Step::StartTls`] was or will be returned).
    pub fn is_upgrade_pending(&self) -> bool {
        self.upgrade_pending
    }

    // ----- unsolicited events -----

    /// Removes and returns the oldest unsolicited event: mailbox updates no running command
    /// asked for ([`Event::Mailbox`]), untagged status responses ([`Event::Status`]: alerts,
    /// keep-alives), [`Event::Bye`], [`Event::Unparsed`], and data no command claimed that the
    /// mailbox model does not hold ([`Event::Data`]: a NOTIFY STATUS, an ESEARCH update).
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// Removes and returns every queued unsolicited event, oldest first.
    pub fn drain_events(&mut self) -> std::collections::vec_deque::Drain<'_, Event> {
        self.events.drain()
    }

    /// How many unsolicited events wait.
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    /// How many unsolicited events were dropped because the queue was full.
    pub fn dropped_events(&self) -> u64 {
        self.events.dropped()
    }

    /// Sets how many unsolicited events are kept ([`DEFAULT_MAX_EVENTS`] by default); the
    /// oldest are dropped beyond it.
    pub fn set_max_events(&mut self, max: usize) {
        self.events.set_max(max);
    }

    // ----- inputs (exactly the client's) -----

    /// Feeds bytes received from the server.
    pub fn handle_input(&mut self, now: Instant, bytes: &[u8]) {
        self.client.handle_input(now, bytes);
        self.pump();
    }

    /// The server closed the stream (or reading it failed: the connection is over).
    pub fn handle_eof(&mut self, now: Instant) {
        self.client.handle_eof(now);
        self.pump();
    }

    /// The instant of a [`Step::Wait`] passed.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.client.handle_timeout(now);
        self.pump();
    }

    /// A write made no progress by [`Engine::write_deadline`]: the connection fails with the
    /// typed reason.
    pub fn handle_write_timeout(&mut self, now: Instant) {
        self.client.handle_write_timeout(now);
        self.pump();
    }

    /// The driver finished the TLS handshake after [`Step::StartTls`].
    pub fn handle_tls_established(&mut self, now: Instant) {
        self.upgrade_pending = false;
        self.client.handle_tls_established(now);
        self.pump();
    }

    // ----- outputs -----

    /// Appends the bytes to send to `buf` (compressed when COMPRESS is active); returns how
    /// many were appended.
    pub fn poll_transmit(&mut self, buf: &mut Vec<u8>) -> usize {
        self.client.poll_transmit(buf)
    }

    /// Whether [`Engine::poll_transmit`] has bytes to give.
    pub fn wants_write(&self) -> bool {
        self.client.wants_write()
    }

    /// How long a write may block (see [`ClientMachine::write_deadline`]).
    pub fn write_deadline(&self, now: Instant) -> Option<Instant> {
        self.client.write_deadline(now)
    }

    /// When [`Engine::handle_timeout`] should next be called while no operation runs.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.client.poll_timeout()
    }

    // ----- running operations -----

    /// Starts an operation, forgetting whatever an abandoned previous one left (see the
    /// [module documentation](self)), and ending a running IDLE unless `op` works on it.
    pub fn start<O: Operation>(&mut self, op: O, now: Instant) -> Running<O> {
        if !op.continues() {
            self.forget_operation();
        }
        if !op.keeps_idle() {
            self.end_idle(now);
        }
        self.epoch += 1;
        trace::operation_started(self.client.span(), std::any::type_name::<O>());
        Running {
            op,
            epoch: self.epoch,
            result: None,
        }
    }

    /// Advances the running operation as far as it can go without I/O, and says what the
    /// driver must do next. Call it again after every step but [`Step::Done`].
    pub fn drive<O: Operation>(&mut self, run: &mut Running<O>, now: Instant) -> Step<O::Output> {
        if run.epoch != self.epoch {
            return Step::Done(Err(OpError::Superseded));
        }
        loop {
            self.pump();
            if self.upgrade_pending {
                return Step::StartTls;
            }
            if let Some(chunk) = self.chunks.pop_front() {
                return Step::Chunk(chunk);
            }
            if run.result.is_none() {
                let mut cx = OpContext { engine: self, now };
                if let Poll::Ready(r) = run.op.step(&mut cx) {
                    run.result = Some(r);
                }
            }
            if self.client.wants_write() {
                return Step::Transmit;
            }
            if self.pump() || !self.chunks.is_empty() {
                continue;
            }
            if let Some(r) = run.result.take() {
                if !run.op.hands_over() {
                    self.forget_operation();
                }
                self.epoch += 1;
                let name = std::any::type_name::<O>();
                trace::operation_finished(self.client.span(), name, r.as_ref().err());
                return Step::Done(r);
            }
            if self.is_closed() {
                self.forget_operation();
                self.epoch += 1;
                let error = self.closed_error();
                let name = std::any::type_name::<O>();
                trace::operation_finished(self.client.span(), name, Some(&error));
                return Step::Done(Err(error));
            }
            let wake = match (self.client.poll_timeout(), run.op.wake_at()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if self.client.is_idling() {
                self.shrink_buffers();
            }
            return Step::Wait(wake);
        }
    }

    /// Gives back the spare room of every buffer and queue (the client's, the completions,
    /// chunks and events waiting here), while IDLE waits: an idle connection then holds
    /// little more than its state. Nothing received or queued is lost. The greeting's
    /// capability list goes too once the client holds a newer one ([`Engine::greeting`]).
    fn shrink_buffers(&mut self) {
        self.client.shrink_buffers();
        if self.client.capabilities().is_known()
            && let Some(g) = &mut self.greeting
        {
            retained::forget_capabilities(g);
        }
        self.awaited.shrink_to_fit();
        self.completions.shrink_to_fit();
        self.chunks.shrink_to_fit();
        self.fetched.shrink_to_fit();
        self.events.shrink_to_fit();
    }

    /// Ends a running or starting IDLE (`DONE` is sent with the next transmit).
    fn end_idle(&mut self, now: Instant) {
        if self.client.is_idle_pending() {
            let _ = self.client.idle_done(now);
        }
    }

    /// Drops the running operation's claims: its later completions and chunks are
    /// discarded, and the streaming threshold it changed is restored.
    fn forget_operation(&mut self) {
        self.awaited.clear();
        self.completions.clear();
        self.fetched.clear();
        if let Some(t) = self.saved_threshold.take() {
            self.client.set_stream_threshold(t);
        }
        self.streaming = false;
        self.streamed = 0;
        self.chunks.clear();
        self.log = None;
    }

    /// Routes the client's events; returns whether anything the operation may wait for
    /// arrived (a claimed completion, a chunk, an event, the greeting, the end).
    fn pump(&mut self) -> bool {
        let mut routed = false;
        while let Some(ev) = self.client.poll_event() {
            routed = true;
            match ev {
                Event::Completed(c) => {
                    if self.awaited.contains(&c.id) {
                        self.completions.push(c);
                    }
                }
                // Claimed data: the running operation's, or an abandoned one's (dropped).
                Event::Fetched { id, seq, data } => {
                    if self.awaited.contains(&id) {
                        let uid = data.iter().find_map(|i| match i {
                            crate::types::FetchData::Uid(u) => Some(*u),
                            _ => None,
                        });
                        self.fetched.push_back((id, Fetched { seq, uid, data }));
                    }
                }
                Event::Greeting(s) => self.greeting = Some(retained::greeting(s)),
                Event::StartTls => self.upgrade_pending = true,
                Event::IdleStarted(id) => self.idle_started = Some(id),
                Event::LiteralChunk { data, .. } => {
                    if self.streaming {
                        self.streamed += data.len() as u64;
                        self.chunks.push_back(data);
                    }
                }
                Event::Closed(reason) => self.closed = Some(reason),
                Event::Mailbox(u) => {
                    if let Some(log) = &mut self.log
                        && matches!(u, Update::Expunged(_) | Update::Vanished(_))
                    {
                        log.push(u.clone());
                    }
                    self.events.push(Event::Mailbox(u));
                }
                // The mailbox model holds these: their changes are `Event::Mailbox`.
                Event::Data(d) if is_model_data(&d) => {}
                Event::Compressing | Event::Continuation(_) => {}
                other => self.events.push(other),
            }
        }
        routed
    }
}

/// Whether the mailbox model applies `d` (its changes are reported as updates instead).
fn is_model_data(d: &Data) -> bool {
    matches!(
        d,
        Data::Exists(_)
            | Data::Recent(_)
            | Data::Expunge(_)
            | Data::Vanished { .. }
            | Data::Fetch { .. }
            | Data::Flags(_)
    )
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("state", &self.client.state())
            .field("closed", &self.closed)
            .field("awaited", &self.awaited)
            .field("events", &self.events.len())
            .finish_non_exhaustive()
    }
}
