//! The IDLE handle every driver hands out ([`Idle`]), written once over [`Commands`]: its
//! methods return what the driver's `run` returns (a result, or a future of one).

use super::{Commands, op};
use crate::engine::HasEngine;
use crate::mailbox::SelectedMailbox;
use std::time::{Duration, Instant};

/// A running IDLE on a driver's session `S` (started with [`op::IdleStart`]). Updates arrive
/// as events (mostly mailbox updates); the mailbox model ([`Idle::selected`]) is kept up to
/// date. Waiting is cancel-safe in async drivers (an event leaves the queue only when it is
/// returned). Dropping the handle leaves the IDLE running until the next operation on the
/// session, which sends `DONE` first (the engine's rule).
#[derive(Debug)]
pub struct Idle<'a, S> {
    session: &'a mut S,
}

impl<'a, S: Commands + HasEngine> Idle<'a, S> {
    /// The handle of the IDLE running on `session` (after [`op::IdleStart`] finished).
    pub fn new(session: &'a mut S) -> Self {
        Idle { session }
    }

    /// The next update (or alert, or BYE), however long it takes (IDLE is re-issued as
    /// needed). Fails when the connection fails (an IDLE liveness timeout included).
    pub fn wait(&mut self) -> S::Run<'_, op::IdleNext> {
        self.session.run(op::IdleNext::new())
    }

    /// The next update within `timeout`; `None` when none came.
    pub fn wait_timeout(&mut self, timeout: Duration) -> S::Run<'_, op::IdleWait> {
        let until = Instant::now() + timeout;
        self.session.run(op::IdleWait::new(Some(until)))
    }

    /// The selected mailbox, as the updates so far left it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.session.selected()
    }

    /// Ends IDLE (`DONE`) and waits for the server to complete it.
    pub fn done(self) -> S::Run<'a, op::IdleDone> {
        self.session.run(op::IdleDone::new())
    }
}
