//! How long handing the output to the network may take: writes are bounded by the same
//! overall deadline as the rest of a command, and by the inactivity timeout. The drivers ask
//! here rather than keeping a policy of their own.

use super::{ClientMachine, ConnectionError};
use std::time::Instant;

impl ClientMachine {
    /// The moment by which a write of the output [`ClientMachine::poll_transmit`] gave, started at
    /// `now`, must have made progress: the earliest overall deadline of the greeting or a
    /// pending command ([`super::ClientConfig::operation_deadline`]), and `now` plus
    /// [`super::ClientConfig::command_timeout`] (the inactivity timeout: a driver asks again
    /// after each write that made progress, so a slow but steady upload is not cut short).
    /// `None`: a write may block forever. Past it the driver stops writing and calls
    /// [`ClientMachine::handle_write_timeout`].
    pub fn write_deadline(&self, now: Instant) -> Option<Instant> {
        let stalled = self.config.command_timeout.map(|t| now + t);
        match (self.next_deadline(), stalled) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A write made no progress by [`ClientMachine::write_deadline`] (a server that does not read
    /// fills the socket buffers and its TCP window). The connection fails with
    /// [`ConnectionError::DeadlineExceeded`] when a command's overall deadline has passed,
    /// else with [`ConnectionError::Timeout`]`("write")`, as any other failure does: pending
    /// commands complete as aborted, [`super::Event::Closed`] follows, and later calls get
    /// [`super::UsageError::Closed`]. The driver drops the stream, which may end inside a
    /// command.
    pub fn handle_write_timeout(&mut self, now: Instant) {
        if self.next_deadline().is_some_and(|d| now >= d) {
            self.check_deadline(now);
        } else {
            self.fail(ConnectionError::Timeout("write"));
        }
    }
}
