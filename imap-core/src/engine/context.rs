//! What an operation sees while it runs ([`OpContext`]).

use super::Engine;
use crate::client::{Capabilities, ClientMachine, CommandId, Completion, Event, Fetched};
use crate::mailbox::{SelectedMailbox, Update};
use crate::ops::OpError;
use crate::sasl::{Credentials, Mechanism, SaslMechanism};
use crate::types::{CommandBody, StatusResponse};
use bytes::Bytes;
use std::task::Poll;
use std::time::Instant;

/// The engine as one step of an [`crate::ops::Operation`] sees it: issue commands, claim their
/// completions, read the client's state (capabilities, selected mailbox), stream chunks.
///
/// Commands sent through it belong to the running operation: their completions are kept for
/// it until it claims them, and dropped on arrival once it has finished or was abandoned.
pub struct OpContext<'a> {
    pub(super) engine: &'a mut Engine,
    pub(super) now: Instant,
}

impl OpContext<'_> {
    /// The time the driver gave to this step.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The low-level client, for its getters.
    pub fn client(&self) -> &ClientMachine {
        &self.engine.client
    }

    /// The server's capabilities as last announced (not known yet: see
    /// [`Capabilities::is_known`]).
    pub fn capabilities(&self) -> &Capabilities {
        self.engine.client.capabilities()
    }

    /// The selected mailbox as the client's model knows it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.engine.client.selected()
    }

    /// The selected mailbox, mutable: what an operation learnt of it otherwise than from the
    /// server's data (a resynchronisation fills in what did not change).
    pub(crate) fn selected_mut(&mut self) -> Option<&mut SelectedMailbox> {
        self.engine.client.selected_mut()
    }

    /// Queues an event the operation made for the caller, as if it had arrived unsolicited:
    /// what a resynchronisation found changed ([`crate::ops::op::Resync`]).
    pub fn report(&mut self, event: Event) {
        self.engine.events.push(event);
    }

    /// The server's greeting, once received.
    pub fn greeting(&self) -> Option<&StatusResponse> {
        self.engine.greeting.as_ref()
    }

    /// Queues a command for this operation; claim its completion with
    /// [`OpContext::poll_completion`] or [`OpContext::take_completion`].
    ///
    /// # Errors
    /// [`OpError::Usage`] when the client refuses it (nothing is sent), or the connection's
    /// error when it is closed.
    pub fn send(&mut self, body: CommandBody) -> Result<CommandId, OpError> {
        let r = self.engine.client.send(self.now, body);
        self.claim(r)
    }

    /// Queues `AUTHENTICATE` with a SASL mechanism (SASL-IR when the server offers it) for this
    /// operation.
    ///
    /// # Errors
    /// As [`OpContext::send`].
    pub fn authenticate(
        &mut self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Result<CommandId, OpError> {
        let r = self
            .engine
            .client
            .authenticate(self.now, mechanism, credentials);
        self.claim(r)
    }

    /// Queues `AUTHENTICATE` with any SASL mechanism, a custom one included
    /// ([`ClientMachine::authenticate_with`]), for this operation.
    ///
    /// # Errors
    /// As [`OpContext::send`].
    pub fn authenticate_with(
        &mut self,
        mechanism: Box<dyn SaslMechanism>,
    ) -> Result<CommandId, OpError> {
        let r = self.engine.client.authenticate_with(self.now, mechanism);
        self.claim(r)
    }

    fn claim(
        &mut self,
        r: Result<CommandId, crate::client::UsageError>,
    ) -> Result<CommandId, OpError> {
        match r {
            Ok(id) => {
                self.engine.awaited.push(id);
                Ok(id)
            }
            Err(crate::client::UsageError::Closed) => Err(self.engine.closed_error()),
            Err(e) => Err(OpError::Usage(e)),
        }
    }

    /// Removes and returns the completion of command `id` when it has arrived, whatever its
    /// outcome (an aborted command included).
    pub fn take_completion(&mut self, id: CommandId) -> Option<Completion> {
        let at = self.engine.completions.iter().position(|c| c.id == id)?;
        self.engine.awaited.retain(|a| *a != id);
        Some(self.engine.completions.swap_remove(at))
    }

    /// The completion of command `id`, checked: `Ready(Ok)` for OK, `Ready(Err)` with
    /// [`OpError::Command`] for NO or BAD, or the connection's error when it was aborted;
    /// `Pending` until it arrives.
    pub fn poll_completion(&mut self, id: CommandId) -> Poll<Result<Completion, OpError>> {
        match self.take_completion(id) {
            Some(c) if c.outcome == crate::client::Outcome::Aborted => {
                Poll::Ready(Err(self.engine.closed_error()))
            }
            Some(c) => Poll::Ready(crate::ops::check(c).map_err(OpError::from)),
            None if self.engine.is_closed() => Poll::Ready(Err(self.engine.closed_error())),
            None => Poll::Pending,
        }
    }

    /// Hands the FETCH responses of command `id` (sent by this operation) to the operation as
    /// they arrive ([`OpContext::pop_fetched`]) instead of collecting them into its completion
    /// ([`ClientMachine::stream_fetches`]; `limited`: they still count against the client's
    /// `max_command_data`, for an operation that keeps them all).
    pub fn stream_fetches(&mut self, id: CommandId, limited: bool) {
        self.engine.client.stream_fetches(id, limited);
    }

    /// Removes and returns the oldest FETCH response of streamed command `id` not taken yet.
    pub fn pop_fetched(&mut self, id: CommandId) -> Option<Fetched> {
        let fetched = &mut self.engine.fetched;
        let at = fetched.iter().position(|(c, _)| *c == id)?;
        fetched.remove(at).map(|(_, f)| f)
    }

    /// Whether command `id` belongs to the running operation (or to the one it continues,
    /// [`crate::ops::Operation::continues`]) and has not been claimed: `false` once the
    /// engine forgot it.
    pub fn is_claimed(&self, id: CommandId) -> bool {
        self.engine.awaited.contains(&id)
    }

    /// Whether the server accepted IDLE command `id` (its `+` arrived).
    pub fn idle_started(&self, id: CommandId) -> bool {
        self.engine.idle_started == Some(id)
    }

    /// Ends the running (or starting) IDLE: `DONE` goes out with the next transmit. Nothing
    /// when no IDLE is pending.
    pub fn idle_done(&mut self) {
        self.engine.end_idle(self.now);
    }

    /// Streams literals longer than `threshold` bytes while this operation runs: their pieces
    /// are handed to the driver as [`super::Step::Chunk`]s. The previous threshold comes back
    /// when the operation ends (or is abandoned).
    pub fn stream_literals(&mut self, threshold: u64) {
        let e = &mut *self.engine;
        if e.saved_threshold.is_none() {
            e.saved_threshold = Some(e.client.stream_threshold());
        }
        e.client.set_stream_threshold(Some(threshold));
        e.streaming = true;
    }

    /// How many bytes of streamed literals were handed to the driver for this operation.
    pub fn streamed(&self) -> u64 {
        self.engine.streamed
    }

    /// Hands bytes to the driver's sink as a [`super::Step::Chunk`] (a section that arrived
    /// whole, below the streaming threshold).
    pub fn emit_chunk(&mut self, data: Bytes) {
        if !data.is_empty() {
            self.engine.streamed += data.len() as u64;
            self.engine.chunks.push_back(data);
        }
    }

    /// Records the removals (EXPUNGE, VANISHED updates) that arrive as unsolicited events from
    /// now on, for [`OpContext::take_removals`]. The removals a command's own data made are in
    /// its completion ([`crate::client::Completion::removals`]), not here.
    pub fn log_removals(&mut self) {
        self.engine.log.get_or_insert_with(Vec::new);
    }

    /// The removals recorded since [`OpContext::log_removals`]; stops recording.
    pub fn take_removals(&mut self) -> Vec<Update> {
        self.engine.log.take().unwrap_or_default()
    }

    /// Removes and returns the oldest unsolicited event.
    pub fn pop_event(&mut self) -> Option<Event> {
        self.engine.events.pop()
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.engine.is_closed()
    }

    /// The error that says why the connection ended ([`OpError::Closed`] after LOGOUT).
    pub fn closed_error(&self) -> OpError {
        self.engine.closed_error()
    }
}
