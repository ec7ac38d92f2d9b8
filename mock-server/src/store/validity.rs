//! Where UIDVALIDITY values come from (RFC 9051 section 2.3.1.1).
//!
//! A UIDVALIDITY must never be reused for a mailbox name with other UIDs, and that includes
//! a server restart: a client that saved `(UIDVALIDITY, UIDNEXT)` and finds the same pair after
//! the in-memory store was rebuilt believes its cache is still good (it skipped one new message
//! and duplicated another when every restart counted from 1). So by default each value is the
//! wall clock in seconds, or one more than the last value given out in this process if that is
//! larger (the RFC's "32-bit representation of the current date/time"): strictly increasing,
//! and different after a restart that comes at least a second after the previous run's last
//! value was taken. Tests that need fixed values ask for a counter from a seed instead.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The last clocked value given out by any store in this process, so that stores built within
/// the same second (a test that restarts its server) still get different values.
static LAST_CLOCKED: AtomicU32 = AtomicU32::new(0);

/// A store's source of UIDVALIDITY values.
#[derive(Debug)]
pub(crate) enum UidValidities {
    /// From the wall clock, strictly increasing in the process (the default).
    Clock,
    /// A counter: the next value to give out ([`crate::store::Store::set_uid_validity_seed`]).
    Counter(NonZeroU32),
}

impl UidValidities {
    /// The next value.
    pub(crate) fn next(&mut self) -> NonZeroU32 {
        match self {
            UidValidities::Clock => clocked(now_secs()),
            UidValidities::Counter(next) => {
                let v = *next;
                *next = v.checked_add(1).unwrap_or(NonZeroU32::MIN);
                v
            }
        }
    }
}

/// The wall clock in seconds since 1970, as a u32 (until 2106).
fn now_secs() -> u32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

/// `max(now, last + 1)`, recorded as the new last value.
fn clocked(now: u32) -> NonZeroU32 {
    let next = |last: u32| last.saturating_add(1).max(now).max(1);
    let last = LAST_CLOCKED
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| Some(next(l)))
        .unwrap_or_else(|l| l);
    NonZeroU32::new(next(last)).unwrap_or(NonZeroU32::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocked_values_follow_the_clock_and_strictly_increase() {
        let a = UidValidities::Clock.next().get();
        assert!(a >= now_secs() - 1, "{a} is the clock");
        let b = clocked(0).get();
        let c = clocked(0).get();
        assert!(a < b && b < c, "{a} {b} {c}");
        // A clock ahead of the counter wins.
        assert_eq!(clocked(c + 100).get(), c + 100);
    }

    #[test]
    fn a_counter_counts_from_its_seed() {
        let mut v = UidValidities::Counter(NonZeroU32::new(7).unwrap());
        assert_eq!([v.next().get(), v.next().get()], [7, 8]);
        let mut top = UidValidities::Counter(NonZeroU32::MAX);
        assert_eq!([top.next().get(), top.next().get()], [u32::MAX, 1]);
    }
}
