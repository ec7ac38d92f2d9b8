//! IDLE (RFC 2177): [`Session::idle`] returns an [`Idle`] handle that waits for updates and
//! ends IDLE with `DONE`, over the core's [`op::IdleStart`], [`op::IdleWait`] and
//! [`op::IdleDone`]. The core re-issues IDLE by itself before the server's inactivity timeout
//! (29 minutes by default, [`crate::Connector::idle_reissue`]), and
//! [`crate::Connector::idle_timeout`] detects a dead connection while idling.
//!
//! [`Idle::wait`] is cancel-safe (an event leaves the queue only when it is returned), so it
//! can sit in `tokio::select!` beside a shutdown signal:
//!
//! ```no_run
//! # async fn f(mut session: imap_tokio::Session, mut stop: tokio::sync::oneshot::Receiver<()>)
//! # -> imap_tokio::Result<()> {
//! use imap_tokio::prelude::*;
//!
//! session.select("INBOX").await?;
//! let mut idle = session.idle().await?;
//! loop {
//!     tokio::select! {
//!         event = idle.wait() => println!("{:?}", event?),
//!         _ = &mut stop => break,
//!     }
//! }
//! idle.done().await?;
//! # Ok(()) }
//! ```
//!
//! Dropping the handle (or a future of it) without [`Idle::done`] leaves the IDLE running
//! until the next operation on the session, which sends `DONE` first (the engine's rule).

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
    /// Starts IDLE and waits until the server accepts it. Cancel-safe: if dropped, the next
    /// operation ends the IDLE that was being started.
    ///
    /// # Errors
    /// As [`op::IdleStart`].
    pub async fn idle(&mut self) -> Result<Idle<'_>> {
        self.idle_start().await?;
        Ok(Idle { session: self })
    }

    /// IDLE until something happens or `timeout` passes, then DONE: returns the events
    /// (empty after a quiet `timeout`).
    ///
    /// # Errors
    /// As [`Session::idle`] and [`Idle::wait_timeout`].
    pub async fn idle_for(&mut self, timeout: Duration) -> Result<Vec<Event>> {
        let mut idle = self.idle().await?;
        let first = idle.wait_timeout(timeout).await?;
        idle.done().await?;
        let mut events: Vec<Event> = first.into_iter().collect();
        events.extend(self.drain_events());
        Ok(events)
    }
}

impl Idle<'_> {
    /// Waits for the next update, however long it takes (IDLE is re-issued as needed).
    /// Cancel-safe: use it in `tokio::select!`.
    ///
    /// # Errors
    /// When the connection fails (an IDLE timeout included).
    pub async fn wait(&mut self) -> Result<Event> {
        loop {
            if let Some(e) = self.session.run(op::IdleWait::new(None)).await? {
                return Ok(e);
            }
        }
    }

    /// Waits for the next update at most `timeout`; `None` when nothing came. Cancel-safe.
    ///
    /// # Errors
    /// When the connection fails.
    pub async fn wait_timeout(&mut self, timeout: Duration) -> Result<Option<Event>> {
        let until = Instant::now() + timeout;
        self.session.run(op::IdleWait::new(Some(until))).await
    }

    /// The selected mailbox as the updates left it.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.session.selected()
    }

    /// Ends IDLE (`DONE`) and waits for the server to complete it. Cancel-safe: if dropped,
    /// `DONE` is still sent (at once, or by the next operation).
    ///
    /// # Errors
    /// When the connection fails.
    pub async fn done(self) -> Result<()> {
        self.session.idle_done().await
    }
}
