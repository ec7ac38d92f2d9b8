//! FETCH responses taken as they arrive: the collected FETCH ([`FetchMessages`], what
//! [`super::fetch`] runs), which merges each response into its result at once instead of
//! keeping every response in the completion first, and the streamed FETCH ([`FetchStart`], then
//! [`FetchNext`] for each message, behind [`crate::ops::FetchStream`]), whose memory does not
//! grow with the number of messages.

use super::{OpError, Operation};
use crate::client::CommandId;
use crate::engine::OpContext;
use crate::ops::fetch::{Collector, Message, Messages};
use crate::types::CommandBody;
use std::task::Poll;

/// A FETCH whose messages are merged as their responses arrive ([`Collector`]) and yielded
/// keyed by UID: the result of [`crate::ops::fetch::into_messages`] on its completion, with
/// one copy of the data held at a time.
#[derive(Debug)]
pub struct FetchMessages {
    body: Option<Result<CommandBody, OpError>>,
    id: Option<CommandId>,
    collector: Collector,
}

impl FetchMessages {
    /// Sends `body` (a FETCH), or fails at its first step with the error, sending nothing.
    pub fn new(body: Result<CommandBody, OpError>) -> FetchMessages {
        FetchMessages {
            body: Some(body),
            id: None,
            collector: Collector::default(),
        }
    }
}

impl Operation for FetchMessages {
    type Output = Messages;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Messages, OpError>> {
        let id = match (self.id, self.body.take()) {
            (Some(id), _) => id,
            (None, Some(body)) => {
                let id = cx.send(body?)?;
                cx.stream_fetches(id, true);
                *self.id.insert(id)
            }
            (None, None) => return Poll::Ready(Err(OpError::Superseded)),
        };
        while let Some(f) = cx.pop_fetched(id) {
            self.collector.add(f.seq, f.data);
        }
        std::task::ready!(cx.poll_completion(id))?;
        let collector = std::mem::take(&mut self.collector);
        Poll::Ready(Ok(collector.into_messages()))
    }
}

/// Sends a FETCH whose responses are handed out one at a time by [`FetchNext`]; yields the
/// command's handle. Its command stays claimed when it finishes, for the [`FetchNext`]s that
/// continue it ([`Operation::continues`]); any other operation forgets it (the rest of its
/// responses are then read and dropped).
#[derive(Debug)]
pub struct FetchStart {
    body: Option<CommandBody>,
}

impl FetchStart {
    /// Sends `body` (a FETCH).
    pub fn new(body: CommandBody) -> FetchStart {
        FetchStart { body: Some(body) }
    }
}

impl Operation for FetchStart {
    type Output = CommandId;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<CommandId, OpError>> {
        let body = self.body.take().ok_or(OpError::Superseded)?;
        let id = cx.send(body)?;
        cx.stream_fetches(id, false);
        Poll::Ready(Ok(id))
    }

    fn hands_over(&self) -> bool {
        true
    }
}

/// The next message of the FETCH [`FetchStart`] sent: one response as it arrived (a message
/// the server answered in several responses comes once for each), or `None` once the command
/// completed OK (and on every call after that). Fails with [`OpError::Command`] when the
/// server refused the command.
#[derive(Debug)]
pub struct FetchNext {
    id: CommandId,
}

impl FetchNext {
    /// The next message of command `id` (from [`FetchStart`]).
    pub fn new(id: CommandId) -> FetchNext {
        FetchNext { id }
    }
}

impl Operation for FetchNext {
    type Output = Option<Message>;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Option<Message>, OpError>> {
        if let Some(f) = cx.pop_fetched(self.id) {
            return Poll::Ready(Ok(Some(Message::from(f))));
        }
        if !cx.is_claimed(self.id) {
            // Completed and taken already, or forgotten by another operation.
            return Poll::Ready(Ok(None));
        }
        std::task::ready!(cx.poll_completion(self.id))?;
        Poll::Ready(Ok(None))
    }

    fn continues(&self) -> bool {
        true
    }

    fn hands_over(&self) -> bool {
        true
    }
}
