//! Long-lived sessions: [`Reconnecting`] keeps a session alive across lost connections. What
//! it holds and decides (which errors, how long to wait, what to reselect) is
//! [`imap_connect::Reconnector`]'s; the catching up is the core's
//! [`imap_core::ops::op::Resync`], whose findings arrive as ordinary events.

use crate::connect::BlockingConnect;
use crate::session::Session;
use imap_connect::{Connector, Reconnector, Result};
use imap_core::client::Event;
use imap_core::ops::Commands;
use imap_core::ops::reconnect::Backoff;
use std::time::Duration;

/// A session that reconnects (after the [`Backoff`]'s wait), logs in again, reselects the
/// folder it had selected and reports what changed while it was away (new messages, vanished
/// ones, flag changes) as the ordinary [`Event::Mailbox`] events of the new session.
///
/// ```no_run
/// use imap_blocking::prelude::*;
/// use imap_blocking::{Backoff, Reconnecting};
/// use std::time::Duration;
///
/// let connector = Connector::new("imap.example.org").password("alice", "secret");
/// let mut watcher = Reconnecting::new(connector, Backoff::default());
/// watcher.run(|s| s.select("INBOX"))?;
/// loop {
///     for event in watcher.idle_for(Duration::from_secs(600))? {
///         println!("{event:?}");
///     }
/// }
/// # Ok::<(), imap_blocking::Error>(())
/// ```
#[derive(Debug)]
pub struct Reconnecting(Reconnector<Session>);

impl Reconnecting {
    /// Not connected yet: the first call connects.
    pub fn new(connector: Connector, backoff: Backoff) -> Reconnecting {
        Reconnecting(Reconnector::new(connector, backoff))
    }

    /// The session, connecting (or reconnecting, waiting as the backoff says, and
    /// resynchronising) first when there is none.
    ///
    /// # Errors
    /// An error that is not a lost connection (refused credentials, a folder gone), or the
    /// last one once the backoff's attempts are used up.
    pub fn session(&mut self) -> Result<&mut Session> {
        let r = &mut self.0;
        while r.is_lost() {
            std::thread::sleep(r.plan.next_wait()?);
            let resync = r.plan.resync();
            let attempt = r.connector.login().and_then(|mut s| match resync {
                Some(op) => s.run(op).map(|_| s),
                None => Ok(s),
            });
            r.settle(attempt)?;
        }
        r.current()
    }

    /// Runs `f` on the session; when the connection is lost meanwhile, reconnects and runs it
    /// once more on the new session (whose events tell what changed meanwhile).
    /// `f` may thus run twice: give it only what can be repeated (reads, SELECT, flags set to
    /// a value). An APPEND or a `+FLAGS` whose answer was lost may have been done already; run
    /// those on [`Reconnecting::session`] and decide after an error.
    ///
    /// # Errors
    /// `f`'s error when it is not a lost connection, or a second loss, or as
    /// [`Reconnecting::session`].
    pub fn run<T>(&mut self, mut f: impl FnMut(&mut Session) -> Result<T>) -> Result<T> {
        match f(self.session()?) {
            Err(e) => self.0.lose(e)?,
            done => return done,
        }
        f(self.session()?)
    }

    /// Waits for changes: the events already queued (what a resynchronisation found), or IDLE
    /// for at most `timeout` ([`Session::idle_for`]). When the connection is lost, reconnects
    /// and returns what the resynchronisation found (maybe nothing).
    ///
    /// # Errors
    /// As [`Reconnecting::run`].
    pub fn idle_for(&mut self, timeout: Duration) -> Result<Vec<Event>> {
        self.session()?;
        match self.0.queued() {
            events if !events.is_empty() => Ok(events),
            _ => match self.session()?.idle_for(timeout) {
                Err(e) => {
                    self.0.lose(e)?;
                    self.session()?;
                    Ok(self.0.queued())
                }
                events => events,
            },
        }
    }

    /// Removes and returns the events queued: those of a lost session, then the current
    /// session's (what a resynchronisation found among them), oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        self.0.queued()
    }

    /// How many times the connection was lost and made again.
    pub fn reconnections(&self) -> u64 {
        self.0.reconnections()
    }

    /// Logs out, if connected.
    ///
    /// # Errors
    /// As [`Session::logout`].
    pub fn logout(self) -> Result<()> {
        self.0.session.map_or(Ok(()), Session::logout)
    }
}
