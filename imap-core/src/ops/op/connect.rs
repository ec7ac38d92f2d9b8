//! The start of a connection: waiting for the greeting ([`Greeting`]) and STARTTLS
//! ([`StartTls`]).

use super::{OpError, Operation};
use crate::client::CommandId;
use crate::engine::OpContext;
use crate::types::{CommandBody, StatusResponse};
use std::task::Poll;

/// Waits for the server's greeting (OK or PREAUTH; a BYE greeting fails the connection).
/// The driver bounds it with its connect timeout; the client's greeting timeout applies too.
#[derive(Debug, Default)]
pub struct Greeting(());

impl Greeting {
    /// The operation.
    pub fn new() -> Greeting {
        Greeting(())
    }
}

impl Operation for Greeting {
    type Output = StatusResponse;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<StatusResponse, OpError>> {
        match cx.greeting() {
            Some(g) => Poll::Ready(Ok(g.clone())),
            None if cx.is_closed() => Poll::Ready(Err(cx.closed_error())),
            None => Poll::Pending,
        }
    }
}

/// STARTTLS: on the server's OK the driver upgrades the stream ([`crate::engine::Step::StartTls`])
/// before the operation finishes; the capabilities are then forgotten, as RFC 9051 6.2.1
/// requires.
#[derive(Debug, Default)]
pub struct StartTls {
    id: Option<CommandId>,
}

impl StartTls {
    /// The operation.
    pub fn new() -> StartTls {
        StartTls::default()
    }
}

impl Operation for StartTls {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => *self.id.insert(cx.send(CommandBody::StartTls)?),
        };
        std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(()))
    }
}
