//! IDLE (RFC 2177): [`Session::idle`] returns an [`Idle`] handle that waits for updates and
//! ends IDLE with `DONE`, over the core's [`op::IdleStart`], [`op::IdleWait`] and
//! [`op::IdleDone`]. The core re-issues IDLE by itself before the server's inactivity timeout
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
use imap_core::mailbox::SelectedMailbox;
use imap_core::ops::{Commands, op};
use std::time::{Duration, Instant};

/// A running IDLE. Updates arrive as [`Event`]s (mostly [`Event::Mailbox`]); the mailbox model
/// ([`Idle::selected`]) is kept up to date.
#[derive(Debug)]
pub struct Idle<'a> {
    session: &'a mut Session,
}

impl Session {
    /// Starts IDLE and waits until the server accepts it.
    ///
    /// # Errors
    /// [`imap_connect::Error::Usage`] when the server lacks IDLE,
    /// [`imap_connect::Error::Command`] when it refuses, or as any command.
    pub fn idle(&mut self) -> Result<Idle<'_>> {
        self.idle_start()?;
        Ok(Idle { session: self })
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

impl Idle<'_> {
    /// Waits for the next update (or alert, or BYE).
    ///
    /// # Errors
    /// When the connection fails (an IDLE liveness timeout included).
    pub fn wait(&mut self) -> Result<Event> {
        loop {
            if let Some(e) = self.session.run(op::IdleWait::new(None))? {
                return Ok(e);
            }
        }
    }

    /// Waits for the next update at most `timeout`; `None` when none came.
    ///
    /// # Errors
    /// As [`Idle::wait`].
    pub fn wait_timeout(&mut self, timeout: Duration) -> Result<Option<Event>> {
        let until = Instant::now() + timeout;
        self.session.run(op::IdleWait::new(Some(until)))
    }

    /// The selected mailbox, as the updates so far left it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.session.selected()
    }

    /// Ends IDLE (`DONE`) and waits for the server to complete it.
    ///
    /// # Errors
    /// When the connection fails.
    pub fn done(self) -> Result<()> {
        self.session.idle_done()
    }
}
