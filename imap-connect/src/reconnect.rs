//! What every driver's reconnecting session decides, written once ([`Reconnection`]): which
//! errors are a lost connection worth reconnecting for, how long to wait before each attempt
//! (the core's [`Backoff`]), what to reselect and resynchronise afterwards (the core's
//! [`imap_core::ops::op::Resync`]), and which error to give up with.
//!
//! A driver's `Reconnecting` holds a [`Connector`](crate::Connector), a `Reconnection` and the
//! current session, and runs this loop (blocking or async):
//!
//! ```text
//! on an error e of the session:  plan.lose(&mut session, e)?    // not a lost connection: Err(e)
//! while there is no session:     sleep(plan.next_wait()?)         // gave up: Err(last error)
//!                                let attempt = login(), then run plan.resync() on it;
//!                                plan.settle(attempt, &mut session)?   // not a lost connection: Err(e)
//! ```

use crate::connector::Connector;
use crate::error::{Error, Result};
use imap_core::client::Event;
use imap_core::engine::HasEngine;
use imap_core::mailbox::SelectedMailbox;
use imap_core::ops::op::Resync;
use imap_core::ops::reconnect::{Backoff, Reconnect};
use std::time::Duration;

/// A reconnecting session's memory between connections and its decisions (see the [module
/// documentation](self)).
#[derive(Debug)]
pub struct Reconnection {
    plan: Reconnect,
    /// The error of the last failure (the loss, or the last failed attempt).
    last: Option<Error>,
    /// Whether a session was ever established (the first connection is not delayed).
    connected_once: bool,
}

impl Reconnection {
    /// Not connected yet: the first attempt is made at once.
    pub fn new(backoff: Backoff) -> Reconnection {
        Reconnection {
            plan: Reconnect::new(backoff),
            last: None,
            connected_once: false,
        }
    }

    /// The session failed with `e`. When `e` means the connection is lost
    /// ([`Error::is_fatal`]), remembers the folder it had selected for the resynchronisation
    /// and returns `Ok`: the caller drops the session and reconnects.
    ///
    /// # Errors
    /// `e` itself when the connection is still usable (a `NO`, a usage error): nothing to
    /// reconnect for.
    pub fn lost(&mut self, e: Error, selected: Option<&SelectedMailbox>) -> Result<()> {
        if !e.is_fatal() {
            return Err(e);
        }
        self.plan.lost(selected);
        self.last = Some(e);
        Ok(())
    }

    /// How long to wait before the next attempt (zero for the very first connection).
    ///
    /// # Errors
    /// The last failure's error once [`Backoff::max_attempts`] attempts failed in a row.
    pub fn next_wait(&mut self) -> Result<Duration> {
        if !self.connected_once && self.last.is_none() {
            return Ok(Duration::ZERO);
        }
        self.plan
            .next_wait()
            .map_err(|_| self.last.take().unwrap_or(Error::Closed))
    }

    /// The resynchronisation to run once logged in again (`None`: no folder was selected).
    pub fn resync(&self) -> Option<Resync> {
        self.plan.resync()
    }

    /// An attempt failed with `e` (connecting, logging in or resynchronising).
    ///
    /// # Errors
    /// `e` when it is not a lost connection (refused credentials, a folder that is gone,
    /// invalid settings): trying again would not help.
    pub fn failed(&mut self, e: Error) -> Result<()> {
        if !e.is_fatal() {
            return Err(e);
        }
        self.last = Some(e);
        Ok(())
    }

    /// Forgets the session in `slot` that failed with `e`, keeping its folder's state
    /// ([`Reconnection::lost`]); when `e` is not a lost connection the session stays.
    ///
    /// # Errors
    /// `e` when the connection is still usable.
    pub fn lose<S: HasEngine>(&mut self, slot: &mut Option<S>, e: Error) -> Result<()> {
        let selected = slot.as_ref().and_then(HasEngine::selected);
        self.lost(e, selected)?;
        *slot = None;
        Ok(())
    }

    /// Takes the outcome of an attempt: a session goes into `slot`
    /// ([`Reconnection::reconnected`]), an error is weighed ([`Reconnection::failed`]).
    ///
    /// # Errors
    /// As [`Reconnection::failed`].
    pub fn settle<S>(&mut self, attempt: Result<S>, slot: &mut Option<S>) -> Result<()> {
        match attempt {
            Ok(s) => {
                self.reconnected();
                *slot = Some(s);
                Ok(())
            }
            Err(e) => self.failed(e),
        }
    }

    /// An attempt succeeded: logged in and resynchronised.
    pub fn reconnected(&mut self) {
        if self.connected_once {
            self.plan.reconnected();
        } else {
            self.connected_once = true;
        }
        self.last = None;
    }

    /// How many times the session reconnected after a loss.
    pub fn reconnections(&self) -> u64 {
        self.plan.reconnections()
    }

    /// The core's plan (backoff, attempts, the folder state kept).
    pub fn plan(&self) -> &Reconnect {
        &self.plan
    }
}

/// What a driver's `Reconnecting` session holds, written once: the settings to connect with,
/// the [`Reconnection`] decisions, and the current session (`None` while lost).
#[derive(Debug)]
pub struct Reconnector<S> {
    /// The settings every attempt connects and logs in with.
    pub connector: Connector,
    /// The decisions.
    pub plan: Reconnection,
    /// The current session; `None` before the first connection and after a loss.
    pub session: Option<S>,
    /// Events a lost session had queued, delivered before the next session's.
    carried: Vec<Event>,
}

impl<S: HasEngine> Reconnector<S> {
    /// Not connected yet.
    pub fn new(connector: Connector, backoff: Backoff) -> Reconnector<S> {
        Reconnector {
            connector,
            plan: Reconnection::new(backoff),
            session: None,
            carried: Vec::new(),
        }
    }

    /// Whether there is no session (never connected, or lost).
    pub fn is_lost(&self) -> bool {
        self.session.is_none()
    }

    /// The session failed with `e` ([`Reconnection::lose`]); the events it had queued are
    /// kept, for [`Reconnector::queued`].
    ///
    /// # Errors
    /// `e` when the connection is still usable.
    pub fn lose(&mut self, e: Error) -> Result<()> {
        let events = self.session.as_mut().map(HasEngine::drain_events);
        self.carried.extend(events.unwrap_or_default());
        self.plan.lose(&mut self.session, e)
    }

    /// The outcome of an attempt ([`Reconnection::settle`]).
    ///
    /// # Errors
    /// As [`Reconnection::failed`].
    pub fn settle(&mut self, attempt: Result<S>) -> Result<()> {
        self.plan.settle(attempt, &mut self.session)
    }

    /// The session.
    ///
    /// # Errors
    /// [`Error::Closed`] while there is none.
    pub fn current(&mut self) -> Result<&mut S> {
        self.session.as_mut().ok_or(Error::Closed)
    }

    /// The events queued: those a lost session had left, then the current session's (what a
    /// resynchronisation found, and anything unsolicited), oldest first.
    pub fn queued(&mut self) -> Vec<Event> {
        let mut events = std::mem::take(&mut self.carried);
        if let Some(s) = &mut self.session {
            events.extend(s.drain_events());
        }
        events
    }

    /// How many times the connection was lost and made again.
    pub fn reconnections(&self) -> u64 {
        self.plan.reconnections()
    }
}

/// Defines an async driver's `Reconnecting` session over its `Session`, its connect trait and
/// its runtime's sleep, so that `imap-tokio` and `imap-smol` share one definition (the
/// blocking driver writes the same loop without `.await`). Not for use outside the drivers.
#[doc(hidden)]
#[macro_export]
macro_rules! async_reconnecting {
    (session = $session:ty, connect = $connect:path, sleep = $sleep:path $(,)?) => {
        /// A session that reconnects (after the `Backoff`'s wait), logs in again, reselects the
        /// folder it had selected and reports what changed while it was away (new messages, vanished
        /// ones, flag changes) as the ordinary `Event::Mailbox` events of the new session.
        #[derive(Debug)]
        pub struct Reconnecting($crate::Reconnector<$session>);

        impl Reconnecting {
            /// Not connected yet: the first call connects.
            pub fn new(connector: $crate::Connector, backoff: $crate::exports::Backoff) -> Self {
                Self($crate::Reconnector::new(connector, backoff))
            }

            /// The session, connecting (or reconnecting, waiting as the backoff says, and
            /// resynchronising) first when there is none.
            ///
            /// # Errors
            /// An error that is not a lost connection (refused credentials, a folder gone), or the
            /// last one once the backoff's attempts are used up.
            pub async fn session(&mut self) -> $crate::Result<&mut $session> {
                let this = &mut self.0;
                while this.is_lost() {
                    $sleep(this.plan.next_wait()?).await;
                    let attempt = async {
                        let mut session =
                            <$crate::Connector as $connect>::login(&this.connector).await?;
                        if let Some(resync) = this.plan.resync() {
                            $crate::exports::imap_core::ops::Commands::run(&mut session, resync)
                                .await?;
                        }
                        Ok(session)
                    };
                    let attempt = attempt.await;
                    this.settle(attempt)?;
                }
                this.current()
            }

            /// Runs `f` on the session; when the connection is lost meanwhile, reconnects and runs it
            /// once more on the new session (whose events tell what changed meanwhile).
            /// `f` may thus run twice: give it only what can be repeated (reads, SELECT, flags set to
            /// a value). An APPEND or a `+FLAGS` whose answer was lost may have been done already; run
            /// those on `Reconnecting::session` and decide after an error.
            ///
            /// # Errors
            /// `f`'s error when it is not a lost connection, or a second loss, or as
            /// `Reconnecting::session`.
            pub async fn run<T>(
                &mut self,
                mut f: impl AsyncFnMut(&mut $session) -> $crate::Result<T>,
            ) -> $crate::Result<T> {
                let first = f(self.session().await?).await;
                if let Err(e) = first {
                    self.0.lose(e)?;
                    return f(self.session().await?).await;
                }
                first
            }

            /// Waits for changes: the events already queued (what a resynchronisation found), or IDLE
            /// for at most `timeout` (`Session::idle_for`). When the connection is lost, reconnects
            /// and returns what the resynchronisation found (maybe nothing).
            ///
            /// # Errors
            /// As `Reconnecting::run`.
            pub async fn idle_for(
                &mut self,
                timeout: std::time::Duration,
            ) -> $crate::Result<Vec<$crate::exports::Event>> {
                self.session().await?;
                let queued = self.0.queued();
                if !queued.is_empty() {
                    return Ok(queued);
                }
                let idled = self.session().await?.idle_for(timeout).await;
                if let Err(e) = idled {
                    self.0.lose(e)?;
                    self.session().await?;
                    return Ok(self.0.queued());
                }
                idled
            }

            /// Removes and returns the events queued: those of a lost session, then the current
            /// session's (what a resynchronisation found among them), oldest first.
            pub fn drain_events(&mut self) -> Vec<$crate::exports::Event> {
                self.0.queued()
            }

            /// How many times the connection was lost and made again.
            pub fn reconnections(&self) -> u64 {
                self.0.reconnections()
            }

            /// Logs out, if connected.
            ///
            /// # Errors
            /// As `Session::logout`.
            pub async fn logout(self) -> $crate::Result<()> {
                match self.0.session {
                    Some(s) => s.logout().await,
                    None => Ok(()),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_core::client::ConnectionError;

    fn lost() -> Error {
        Error::Connection(ConnectionError::Closed { bye: None })
    }

    #[test]
    fn a_lost_connection_is_retried_with_backoff_and_other_errors_are_returned() {
        let backoff =
            Backoff::new(Duration::from_secs(1), Duration::from_secs(8)).with_max_attempts(Some(2));
        let mut r = Reconnection::new(backoff);
        assert_eq!(r.next_wait().unwrap(), Duration::ZERO, "first connection");
        r.reconnected();
        assert!(matches!(r.lost(Error::Closed, None), Ok(())));
        assert!(r.resync().is_none(), "nothing was selected");
        assert_eq!(r.next_wait().unwrap(), Duration::from_secs(1));
        assert!(r.failed(lost()).is_ok());
        assert_eq!(r.next_wait().unwrap(), Duration::from_secs(2));
        assert!(r.failed(lost()).is_ok());
        let gave_up = r.next_wait().unwrap_err();
        assert!(matches!(gave_up, Error::Connection(_)), "{gave_up:?}");
        let refused = Error::Usage(imap_core::client::UsageError::Invalid("x"));
        assert!(matches!(r.failed(refused), Err(Error::Usage(_))));
        r.reconnected();
        assert_eq!(r.reconnections(), 1);
    }
}
