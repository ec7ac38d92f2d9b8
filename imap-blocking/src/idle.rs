//! IDLE (RFC 2177): [`Session::idle`] returns an [`Idle`] handle that waits for updates and
//! ends IDLE with `DONE`, over the core's [`imap_core::ops::op::IdleStart`], [`imap_core::ops::op::IdleWait`] and
//! [`imap_core::ops::op::IdleDone`]. The core re-issues IDLE by itself before the server's inactivity timeout
//! (29 minutes by default, [`crate::Connector::idle_reissue`]), and
//! [`crate::Connector::idle_timeout`] detects a dead connection while idling.
//!
//! Dropping the handle without [`Idle::done`] leaves the IDLE running until the next
//! operation on the session, which sends `DONE` first (the engine's rule, see
//! [`imap_connect`]'s drop behaviour).

use crate::session::Session;
use imap_connect::Result;
use imap_core::client::Event;
use imap_core::engine::HasEngine;
use imap_core::ops::Commands;
use std::time::Duration;

/// A running IDLE on a [`Session`]: the core's handle ([`imap_core::ops::Idle`]), written once
/// for every driver. Updates arrive as [`Event`]s (mostly [`Event::Mailbox`]); the mailbox
/// model is kept up to date.
pub type Idle<'a> = imap_core::ops::Idle<'a, Session>;

impl Session {
    /// Starts IDLE and waits until the server accepts it.
    ///
    /// # Errors
    /// [`imap_connect::Error::Usage`] when the server lacks IDLE,
    /// [`imap_connect::Error::Command`] when it refuses, or as any command.
    pub fn idle(&mut self) -> Result<Idle<'_>> {
        self.idle_start()?;
        Ok(Idle::new(self))
    }

    /// IDLE for at most `timeout` or until the first update, then `DONE`; returns the events
    /// received (the first and any that came with it).
    ///
    /// # Errors
    /// As [`Session::idle`] and [`Idle::done`].
    pub fn idle_for(&mut self, timeout: Duration) -> Result<Vec<Event>> {
        let mut idle = self.idle()?;
        let first = idle.wait_timeout(timeout)?;
        idle.done()?;
        let mut events: Vec<Event> = first.into_iter().collect();
        events.extend(self.drain_events());
        Ok(events)
    }
}
