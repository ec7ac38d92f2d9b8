//! IDLE (RFC 2177): [`Session::idle`] returns an [`Idle`] handle that waits for updates and
//! ends IDLE with `DONE`. The core re-issues IDLE by itself before the server's inactivity
//! timeout (29 minutes by default, [`crate::Connector::idle_reissue`]), and
//! [`crate::Connector::idle_timeout`] detects a dead connection while idling.

use crate::error::Result;
use crate::session::Session;
use imap_core::client::Event;
use imap_core::mailbox::SelectedMailbox;
use std::time::Duration;

/// A running IDLE. Updates arrive as [`Event`]s (mostly [`Event::Mailbox`]); the mailbox model
/// ([`Idle::selected`]) is kept up to date. Dropping the handle ends IDLE (waiting for the
/// server at most the command timeout).
#[derive(Debug)]
pub struct Idle<'a> {
    session: &'a mut Session,
    finished: bool,
}

impl Session {
    /// Starts IDLE and waits until the server accepts it.
    ///
    /// # Errors
    /// [`crate::Error::Usage`] when the server lacks IDLE, [`crate::Error::Command`] when it
    /// refuses, or as [`crate::Connection::run`].
    pub fn idle(&mut self) -> Result<Idle<'_>> {
        self.capabilities()?;
        self.conn.idle_start()?;
        Ok(Idle {
            session: self,
            finished: false,
        })
    }

    /// IDLE until something happens or `timeout` passes, then DONE: returns the events
    /// (empty after a quiet `timeout`).
    ///
    /// # Errors
    /// As [`Session::idle`] and [`Idle::wait_timeout`].
    pub fn idle_for(&mut self, timeout: Duration) -> Result<Vec<Event>> {
        let mut idle = self.idle()?;
        let first = idle.wait_timeout(timeout)?;
        idle.done()?;
        let mut events: Vec<Event> = first.into_iter().collect();
        events.extend(self.conn.drain_events());
        Ok(events)
    }
}

impl Idle<'_> {
    /// Waits for the next update, however long it takes (IDLE is re-issued as needed).
    ///
    /// # Errors
    /// When the connection fails (an IDLE timeout included).
    pub fn wait(&mut self) -> Result<Event> {
        loop {
            if let Some(e) = self.session.conn.next_event(None)? {
                return Ok(e);
            }
        }
    }

    /// Waits for the next update at most `timeout`; `None` when nothing came.
    ///
    /// # Errors
    /// When the connection fails.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Result<Option<Event>> {
        self.session.conn.next_event(Some(timeout))
    }

    /// The selected mailbox as the updates left it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.session.selected()
    }

    /// Ends IDLE (`DONE`) and waits for the server to complete it.
    ///
    /// # Errors
    /// When the connection fails.
    pub fn done(mut self) -> Result<()> {
        self.finished = true;
        self.session.conn.idle_done()
    }
}

impl Drop for Idle<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.session.conn.idle_done();
        }
    }
}
