//! The generic single-command operation ([`Simple`]).

use super::{OpError, Operation};
use crate::client::{ClientMachine, CommandId, Completion};
use crate::engine::OpContext;
use crate::types::CommandBody;
use std::fmt;
use std::task::Poll;

type MapFn<T> = Box<dyn FnOnce(Completion, &ClientMachine) -> Result<T, OpError> + Send>;

/// One command whose OK completion is mapped to the output (with the client's state at
/// completion, for the mailbox model). A `NO` or `BAD` is [`OpError::Command`].
pub struct Simple<T> {
    body: Option<CommandBody>,
    id: Option<CommandId>,
    map: Option<MapFn<T>>,
    /// Fails at once with this, sending nothing (arguments refused before any command).
    error: Option<OpError>,
}

impl<T> Simple<T> {
    /// Sends `body`, maps its completion with `map`.
    pub fn new(
        body: CommandBody,
        map: impl FnOnce(Completion, &ClientMachine) -> Result<T, OpError> + Send + 'static,
    ) -> Simple<T> {
        Simple {
            body: Some(body),
            id: None,
            map: Some(Box::new(map)),
            error: None,
        }
    }

    /// An operation that fails at its first step with `error`, sending nothing (for arguments
    /// refused before any command is built).
    pub fn failed(error: OpError) -> Simple<T> {
        Simple {
            body: None,
            id: None,
            map: None,
            error: Some(error),
        }
    }

    /// [`Simple::new`] for a command that could be built, else [`Simple::failed`].
    pub fn try_new(
        body: Result<CommandBody, OpError>,
        map: impl FnOnce(Completion, &ClientMachine) -> Result<T, OpError> + Send + 'static,
    ) -> Simple<T> {
        match body {
            Ok(body) => Simple::new(body, map),
            Err(e) => Simple::failed(e),
        }
    }

    /// Sends `body`, maps its completion with `map` (which cannot fail).
    pub fn map(body: CommandBody, map: impl FnOnce(Completion) -> T + Send + 'static) -> Simple<T> {
        Simple::new(body, move |c, _| Ok(map(c)))
    }
}

impl Simple<Completion> {
    /// Sends `body` and yields its OK completion as it is.
    pub fn completion(body: CommandBody) -> Simple<Completion> {
        Simple::map(body, |c| c)
    }
}

impl Simple<()> {
    /// Sends `body`; yields nothing but its success.
    pub fn unit(body: CommandBody) -> Simple<()> {
        Simple::map(body, drop)
    }
}

impl<T: Send> Operation for Simple<T> {
    type Output = T;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<T, OpError>> {
        if let Some(e) = self.error.take() {
            return Poll::Ready(Err(e));
        }
        let id = match (self.id, self.body.take()) {
            (Some(id), _) => id,
            (None, Some(body)) => {
                let id = cx.send(body)?;
                self.id = Some(id);
                id
            }
            (None, None) => return Poll::Ready(Err(OpError::Superseded)),
        };
        let c = std::task::ready!(cx.poll_completion(id))?;
        let map = self.map.take().ok_or(OpError::Superseded)?;
        Poll::Ready(map(c, cx.client()))
    }
}

impl<T> fmt::Debug for Simple<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simple")
            .field("body", &self.body)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}
