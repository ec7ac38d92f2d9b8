//! Long-lived sessions, sans-IO: how long to wait before each reconnection ([`Backoff`]) and
//! what a reconnecting session remembers between connections ([`Reconnect`]).
//!
//! A driver's reconnecting session keeps a [`Reconnect`] beside its connection settings and
//! pumps it:
//!
//! ```text
//! on a failed connection:  plan.lost(session.selected());  drop the session
//! to reconnect:            loop {
//!                              sleep(plan.next_wait()?);           // Err: give up
//!                              connect and log in                 // failed: continue
//!                              if let Some(op) = plan.resync() { run op }  // failed: continue
//!                              plan.reconnected(); break
//!                          }
//! ```
//!
//! The resynchronisation ([`crate::ops::op::Resync`]) queues what changed while the client was
//! away as ordinary events on the new connection; the caller reads them as it reads every other
//! event.

use crate::mailbox::SelectedMailbox;
use crate::ops::op::{MailboxState, Resync};
use std::time::Duration;

/// How long to wait before each reconnection: exponential (`initial`, doubled for each
/// failed attempt, at most `max`), with optional jitter, and an optional limit of attempts.
/// The first attempt after a loss waits `initial` too, so a server that drops every
/// connection is not hammered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Backoff {
    /// The wait before the first attempt.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Wait a random time between half the computed wait and all of it ("equal jitter"), so
    /// that many clients cut at once do not come back at once.
    pub jitter: bool,
    /// Give up after this many failed attempts in a row (`None`: never).
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    /// 1 s, doubling up to 5 min, with jitter, never giving up.
    fn default() -> Self {
        Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(300),
            jitter: true,
            max_attempts: None,
        }
    }
}

impl Backoff {
    /// `initial`, doubling up to `max`, without jitter, never giving up.
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            jitter: false,
            max_attempts: None,
        }
    }

    /// With or without jitter.
    pub fn with_jitter(mut self, jitter: bool) -> Backoff {
        self.jitter = jitter;
        self
    }

    /// Gives up after `attempts` failed attempts in a row (`None`: never).
    pub fn with_max_attempts(mut self, attempts: Option<u32>) -> Backoff {
        self.max_attempts = attempts;
        self
    }

    /// The wait before attempt `attempt` (from 1) without jitter: `initial * 2^(attempt-1)`,
    /// at most `max`; `None` past [`Backoff::max_attempts`].
    pub fn base_delay(&self, attempt: u32) -> Option<Duration> {
        if self.max_attempts.is_some_and(|m| attempt > m) {
            return None;
        }
        let doublings = attempt.saturating_sub(1).min(31);
        let d = self.initial.saturating_mul(1 << doublings);
        Some(d.min(self.max))
    }

    /// The wait before attempt `attempt` (from 1): [`Backoff::base_delay`], with jitter when
    /// set (from the operating system's random source; without one, no jitter).
    pub fn delay(&self, attempt: u32) -> Option<Duration> {
        let d = self.base_delay(attempt)?;
        if !self.jitter {
            return Some(d);
        }
        let mut r = [0u8; 4];
        if getrandom::fill(&mut r).is_err() {
            return Some(d);
        }
        Some(jittered(d, u32::from_le_bytes(r)))
    }
}

/// `d` scaled into `[d/2, d]` by `random` (the whole `u32` range).
fn jittered(d: Duration, random: u32) -> Duration {
    let half = d / 2;
    let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    let extra = (u128::from(nanos) * u128::from(random) / u128::from(u32::MAX)) as u64;
    half + Duration::from_nanos(extra)
}

/// Reconnection stopped: [`Backoff::max_attempts`] attempts failed in a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GaveUp {
    /// How many attempts failed.
    pub attempts: u32,
}

impl std::fmt::Display for GaveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "gave up reconnecting after {} attempts", self.attempts)
    }
}

impl std::error::Error for GaveUp {}

/// What a reconnecting session keeps between connections: the backoff, the attempts made, the
/// state of the folder it had selected, and how often it reconnected. See the [module
/// documentation](self) for the loop a driver runs around it.
#[derive(Clone, Debug)]
pub struct Reconnect {
    backoff: Backoff,
    attempts: u32,
    state: Option<MailboxState>,
    reconnections: u64,
}

impl Reconnect {
    /// Nothing lost yet.
    pub fn new(backoff: Backoff) -> Reconnect {
        Reconnect {
            backoff,
            attempts: 0,
            state: None,
            reconnections: 0,
        }
    }

    /// The backoff policy.
    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// The connection failed: remembers the folder it had selected (`None`: none, nothing is
    /// reselected).
    pub fn lost(&mut self, selected: Option<&SelectedMailbox>) {
        self.state = selected.map(MailboxState::of);
    }

    /// The wait before the next attempt (counting it).
    ///
    /// # Errors
    /// [`GaveUp`] past [`Backoff::max_attempts`].
    pub fn next_wait(&mut self) -> Result<Duration, GaveUp> {
        self.attempts += 1;
        self.backoff.delay(self.attempts).ok_or(GaveUp {
            attempts: self.attempts - 1,
        })
    }

    /// The operation that reselects the folder and reports what changed, to run once logged
    /// in again (`None`: no folder was selected).
    pub fn resync(&self) -> Option<Resync> {
        self.state.clone().map(Resync::new)
    }

    /// The attempt succeeded (logged in, resynchronised): the next loss starts the backoff
    /// anew.
    pub fn reconnected(&mut self) {
        self.attempts = 0;
        self.reconnections += 1;
    }

    /// How many attempts failed since the connection was lost.
    pub fn failed_attempts(&self) -> u32 {
        self.attempts.saturating_sub(1)
    }

    /// How many times the session reconnected.
    pub fn reconnections(&self) -> u64 {
        self.reconnections
    }

    /// The folder state kept from the lost connection.
    pub fn state(&self) -> Option<&MailboxState> {
        self.state.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_cap_and_stops_at_the_limit() {
        let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(1))
            .with_max_attempts(Some(6));
        let waits: Vec<_> = (1..=7).map(|n| b.delay(n)).collect();
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(
            waits,
            [ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000), None]
        );
        // Far attempts neither overflow nor pass the cap.
        let b = Backoff::new(Duration::from_secs(3600), Duration::from_secs(7200));
        assert_eq!(b.delay(u32::MAX), Some(Duration::from_secs(7200)));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_wait() {
        let d = Duration::from_secs(10);
        assert_eq!(jittered(d, 0), Duration::from_secs(5));
        assert_eq!(jittered(d, u32::MAX), d);
        let b = Backoff::default();
        for n in 1..20 {
            let (base, got) = (b.base_delay(n).unwrap(), b.delay(n).unwrap());
            assert!(got >= base / 2 && got <= base, "{got:?} for {base:?}");
        }
    }

    #[test]
    fn the_plan_counts_attempts_and_starts_over_after_a_success() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60))
            .with_max_attempts(Some(2));
        let mut plan = Reconnect::new(b);
        assert!(
            plan.resync().is_none(),
            "nothing selected: nothing to reselect"
        );
        assert_eq!(plan.next_wait(), Ok(Duration::from_secs(1)));
        assert_eq!(plan.next_wait(), Ok(Duration::from_secs(2)));
        assert_eq!(plan.next_wait(), Err(GaveUp { attempts: 2 }));
        plan.reconnected();
        assert_eq!(plan.reconnections(), 1);
        assert_eq!(plan.next_wait(), Ok(Duration::from_secs(1)));
    }
}
