//! Capabilities: [`GetCapabilities`], and the step that makes sure they are known before an
//! operation decides on them ([`KnownCaps`]).

use super::{OpError, Operation};
use crate::client::{Capabilities, CommandId};
use crate::engine::OpContext;
use crate::types::CommandBody;
use std::task::Poll;

/// A step of a larger operation: `Ready` once the server's capabilities are known, asking with
/// CAPABILITY when they are not (before login on a server whose greeting had none, after
/// STARTTLS, after a login whose answer did not list them).
#[derive(Debug, Default)]
pub(crate) struct KnownCaps {
    id: Option<CommandId>,
}

impl KnownCaps {
    pub(crate) fn poll(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        let id = match self.id {
            Some(id) => id,
            None if cx.capabilities().is_known() => return Poll::Ready(Ok(())),
            None => *self.id.insert(cx.send(CommandBody::Capability)?),
        };
        std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(()))
    }
}

/// The server's capabilities, asked for with CAPABILITY when not known.
#[derive(Debug, Default)]
pub struct GetCapabilities {
    known: KnownCaps,
}

impl GetCapabilities {
    /// The operation.
    pub fn new() -> GetCapabilities {
        GetCapabilities::default()
    }
}

impl Operation for GetCapabilities {
    type Output = Capabilities;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Capabilities, OpError>> {
        std::task::ready!(self.known.poll(cx))?;
        Poll::Ready(Ok(cx.capabilities().clone()))
    }
}
