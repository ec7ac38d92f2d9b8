//! IDLE (RFC 2177) in three operations: [`IdleStart`] (until the server accepts it),
//! [`IdleWait`] (the next unsolicited event, maybe with a time limit) and [`IdleDone`]
//! (`DONE`, until the server completes the IDLE). The client re-issues IDLE by itself before
//! [`crate::client::ClientConfig::idle_reissue`]; any other operation ends a running IDLE
//! first.

use super::caps::KnownCaps;
use super::{OpError, Operation};
use crate::client::{CommandId, Event, UsageError};
use crate::engine::OpContext;
use crate::types::CommandBody;
use std::task::Poll;
use std::time::Instant;

/// Starts IDLE and finishes once the server accepts it (its `+`). Fails with
/// [`UsageError::MissingCapability`] when the server lacks IDLE, [`OpError::Command`] when it
/// refuses. The IDLE command itself completes later, after [`IdleDone`].
#[derive(Debug, Default)]
pub struct IdleStart {
    known: KnownCaps,
    id: Option<CommandId>,
}

impl IdleStart {
    /// The operation.
    pub fn new() -> IdleStart {
        IdleStart::default()
    }
}

impl Operation for IdleStart {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => {
                std::task::ready!(self.known.poll(cx))?;
                *self.id.insert(cx.send(CommandBody::Idle)?)
            }
        };
        if cx.idle_started(id) {
            return Poll::Ready(Ok(()));
        }
        // Completed without `+`: refused, or (a server that skips the wait) already over.
        std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Err(OpError::Usage(UsageError::NotIdling)))
    }
}

/// Waits for the next unsolicited event (during IDLE: mailbox updates, alerts, BYE), at most
/// until `until`; yields `None` when it passed first. Leaves a running IDLE running.
#[derive(Debug, Default)]
pub struct IdleWait {
    until: Option<Instant>,
}

impl IdleWait {
    /// Waits until an event arrives, or at most until `until` (`None`: for ever).
    pub fn new(until: Option<Instant>) -> IdleWait {
        IdleWait { until }
    }
}

impl Operation for IdleWait {
    type Output = Option<Event>;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Option<Event>, OpError>> {
        if let Some(e) = cx.pop_event() {
            return Poll::Ready(Ok(Some(e)));
        }
        if cx.is_closed() {
            return Poll::Ready(Err(cx.closed_error()));
        }
        match self.until {
            Some(until) if cx.now() >= until => Poll::Ready(Ok(None)),
            _ => Poll::Pending,
        }
    }

    fn wake_at(&self) -> Option<Instant> {
        self.until
    }

    fn keeps_idle(&self) -> bool {
        true
    }
}

/// Ends IDLE (`DONE`) and finishes once the server has completed it (bounded by the client's
/// operation deadline). Nothing to do when no IDLE is running.
#[derive(Debug, Default)]
pub struct IdleDone {
    sent: bool,
}

impl IdleDone {
    /// The operation.
    pub fn new() -> IdleDone {
        IdleDone::default()
    }
}

impl Operation for IdleDone {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        if !self.sent {
            self.sent = true;
            cx.idle_done();
        }
        if cx.client().is_idle_pending() {
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    }

    fn keeps_idle(&self) -> bool {
        true
    }
}

/// Waits for the next unsolicited event however long it takes ([`IdleWait`] without a time
/// limit, which never yields `None`). Leaves a running IDLE running.
#[derive(Debug, Default)]
pub struct IdleNext(IdleWait);

impl IdleNext {
    /// The operation.
    pub fn new() -> IdleNext {
        IdleNext(IdleWait::new(None))
    }
}

impl Operation for IdleNext {
    type Output = Event;

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<Event, OpError>> {
        match std::task::ready!(self.0.step(cx))? {
            Some(e) => Poll::Ready(Ok(e)),
            None => Poll::Pending,
        }
    }

    fn keeps_idle(&self) -> bool {
        true
    }
}
