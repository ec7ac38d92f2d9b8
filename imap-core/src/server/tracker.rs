//! [`SessionTracker`]: one connection's view of the selected mailbox's sequence numbers.
//!
//! Every session has its own sequence numbers (go-imap's `imapserver/tracker.go` makes the same
//! split): messages expunged by another session keep their number in this session until the
//! `EXPUNGE` is announced, and messages added elsewhere get a number only when `EXISTS` is sent.
//! The store deals in UIDs; the tracker translates between the two at the protocol boundary.
//!
//! # Cost
//!
//! The UIDs are kept in a sorted `Vec` (sequence order is ascending UID order):
//!
//! - [`SessionTracker::seq`], [`SessionTracker::uid`]: O(log n) and O(1);
//! - [`SessionTracker::apply_added`]: amortised O(1) per UID (new UIDs are above every known one);
//! - [`SessionTracker::apply_expunged`]: O(log n) to find each UID plus a `Vec::remove`, which
//!   moves the later UIDs (O(n) memmove per expunge; fine for a test server with thousands of
//!   messages, not for millions: a Fenwick tree over a bitmap would make it O(log n));
//! - [`SessionTracker::resolve`], [`SessionTracker::resolve_uids`]: O(k + log n) per range of
//!   the set, for k matching messages.

use crate::types::{MessageSet, SeqNum, SeqSet, Uid, UidSet};

/// Why a sequence set cannot be resolved (the command gets a tagged `BAD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// A sequence number above the number of messages (RFC 9051 section 6.4.x: "invalid
    /// sequence number").
    #[error("message sequence number {seq} out of range (the mailbox has {exists} messages)")]
    OutOfRange {
        /// The number asked for.
        seq: u32,
        /// The number of messages this session knows.
        exists: u32,
    },
    /// `*` in a sequence set of an empty mailbox.
    #[error("no messages: `*` does not name a message")]
    Empty,
    /// `$` (SEARCHRES): resolved by the caller, not by the tracker.
    #[error("the saved search result `$` is resolved by the caller")]
    Saved,
}

/// The UIDs one session knows, in sequence order. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionTracker {
    uids: Vec<Uid>,
}

impl SessionTracker {
    /// A tracker for a freshly selected mailbox holding `uids` (any order; duplicates dropped).
    pub fn new(uids: impl IntoIterator<Item = Uid>) -> Self {
        let mut uids: Vec<Uid> = uids.into_iter().collect();
        uids.sort_unstable();
        uids.dedup();
        SessionTracker { uids }
    }

    /// The number of messages the session knows (its `EXISTS`).
    pub fn len(&self) -> u32 {
        self.uids.len() as u32
    }

    /// Whether the session knows no message.
    pub fn is_empty(&self) -> bool {
        self.uids.is_empty()
    }

    /// The UIDs in sequence order: `uids()[i]` is the UID of sequence number `i + 1`.
    pub fn uids(&self) -> &[Uid] {
        &self.uids
    }

    /// The sequence number of `uid`, if the session knows it.
    pub fn seq(&self, uid: Uid) -> Option<SeqNum> {
        self.uids
            .binary_search(&uid)
            .ok()
            .and_then(|i| SeqNum::new(i as u32 + 1))
    }

    /// The UID of sequence number `seq`, if it is in range.
    pub fn uid(&self, seq: SeqNum) -> Option<Uid> {
        self.uids.get(seq.get() as usize - 1).copied()
    }

    /// Records messages that arrived (before sending `EXISTS`); returns the new `EXISTS`.
    /// UIDs the session already knows are ignored.
    pub fn apply_added(&mut self, uids: impl IntoIterator<Item = Uid>) -> u32 {
        for uid in uids {
            match self.uids.last() {
                Some(&last) if uid <= last => {
                    if let Err(i) = self.uids.binary_search(&uid) {
                        self.uids.insert(i, uid);
                    }
                }
                _ => self.uids.push(uid),
            }
        }
        self.len()
    }

    /// Forgets expunged messages and returns the `EXPUNGE` numbers to send, in the order to
    /// send them: each number is counted after the removals before it, so a client applying
    /// them one by one ends with this tracker's numbering. UIDs the session does not know are
    /// skipped. The messages are removed highest UID first, so the numbers come out in
    /// descending order and no later one is shifted by an earlier one.
    pub fn apply_expunged(&mut self, uids: impl IntoIterator<Item = Uid>) -> Vec<SeqNum> {
        let mut uids: Vec<Uid> = uids.into_iter().collect();
        uids.sort_unstable_by(|a, b| b.cmp(a));
        uids.dedup();
        let mut out = Vec::with_capacity(uids.len());
        for uid in uids {
            if let Ok(i) = self.uids.binary_search(&uid) {
                self.uids.remove(i);
                out.extend(SeqNum::new(i as u32 + 1));
            }
        }
        out
    }

    /// The UIDs of a sequence set, ascending and without duplicates. `*` is the last message.
    ///
    /// # Errors
    /// A number above `EXISTS`, or `*` when the mailbox is empty.
    pub fn resolve(&self, set: &SeqSet) -> Result<Vec<Uid>, ResolveError> {
        let exists = self.len();
        let mut out = Vec::new();
        for item in set.items() {
            let (a, b) = item.bounds(exists);
            if a == 0 {
                // Only `*` resolves to 0.
                return Err(ResolveError::Empty);
            }
            if b > exists {
                return Err(ResolveError::OutOfRange { seq: b, exists });
            }
            out.extend_from_slice(&self.uids[a as usize - 1..b as usize]);
        }
        sort_dedup(&mut out, set.items().len());
        Ok(out)
    }

    /// The known UIDs in a UID set, ascending and without duplicates. UIDs the session does not
    /// know are left out (RFC 9051 section 6.4.9); `*` is the highest known UID, so `n:*`
    /// always includes the last message even when `n` is above it.
    pub fn resolve_uids(&self, set: &UidSet) -> Vec<Uid> {
        let Some(largest) = self.uids.last().map(|u| u.get()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in set.items() {
            let (a, b) = item.bounds(largest);
            let start = self.uids.partition_point(|u| u.get() < a);
            let end = self.uids.partition_point(|u| u.get() <= b);
            if start < end {
                out.extend_from_slice(&self.uids[start..end]);
            }
        }
        sort_dedup(&mut out, set.items().len());
        out
    }

    /// Resolves a [`MessageSet`] of sequence numbers or UIDs; `$` is left to the caller.
    ///
    /// # Errors
    /// As [`SessionTracker::resolve`], and [`ResolveError::Saved`] for `$`.
    pub fn resolve_set(&self, set: &MessageSet) -> Result<Vec<Uid>, ResolveError> {
        match set {
            MessageSet::Seq(s) => self.resolve(s),
            MessageSet::Uid(u) => Ok(self.resolve_uids(u)),
            _ => Err(ResolveError::Saved),
        }
    }
}

/// Sorts and deduplicates UIDs gathered from `items` ranges (one range is already sorted).
fn sort_dedup(v: &mut Vec<Uid>, items: usize) {
    if items > 1 {
        v.sort_unstable();
        v.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Bound, NumSet, SetItem};
    use proptest::prelude::*;

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    fn seq(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    fn uids(v: &[u32]) -> Vec<Uid> {
        v.iter().map(|&n| uid(n)).collect()
    }

    fn tracker(v: &[u32]) -> SessionTracker {
        SessionTracker::new(uids(v))
    }

    #[test]
    fn numbering_follows_uid_order() {
        let t = tracker(&[10, 3, 7]);
        assert_eq!(t.len(), 3);
        assert_eq!(t.seq(uid(3)), Some(seq(1)));
        assert_eq!(t.seq(uid(10)), Some(seq(3)));
        assert_eq!(t.seq(uid(4)), None);
        assert_eq!(t.uid(seq(2)), Some(uid(7)));
        assert_eq!(t.uid(seq(4)), None);
    }

    /// Table of (mailbox, expunged UIDs, EXPUNGE numbers to send), as go-imap's tracker tests.
    #[test]
    fn expunge_numbers_table() {
        let cases: &[(&[u32], &[u32], &[u32])] = &[
            (&[1, 2, 3, 4, 5], &[2], &[2]),
            (&[1, 2, 3, 4, 5], &[2, 4], &[4, 2]),
            (&[1, 2, 3, 4, 5], &[4, 2], &[4, 2]),
            (&[1, 2, 3, 4, 5], &[1, 2, 3], &[3, 2, 1]),
            (&[1, 2, 3, 4, 5], &[5, 5, 9], &[5]),
            (&[10, 20, 30], &[30, 10, 20], &[3, 2, 1]),
            (&[10, 20, 30], &[], &[]),
        ];
        for (mailbox, gone, want) in cases {
            let mut t = tracker(mailbox);
            let got: Vec<u32> = t
                .apply_expunged(uids(gone))
                .iter()
                .map(|s| s.get())
                .collect();
            assert_eq!(&got, want, "{mailbox:?} - {gone:?}");
        }
    }

    #[test]
    fn added_extends_and_ignores_known() {
        let mut t = tracker(&[1, 2]);
        assert_eq!(t.apply_added(uids(&[5, 6, 2])), 4);
        assert_eq!(t.uids(), &uids(&[1, 2, 5, 6])[..]);
        // An out-of-order arrival still lands in sequence order.
        assert_eq!(t.apply_added(uids(&[3])), 5);
        assert_eq!(t.seq(uid(3)), Some(seq(3)));
    }

    fn seq_set(items: Vec<SetItem<SeqNum>>) -> SeqSet {
        NumSet::new(items).unwrap()
    }

    #[test]
    fn resolve_sequence_sets_with_star() {
        let t = tracker(&[4, 8, 15, 16, 23, 42]);
        let v = |n| Bound::Value(seq(n));
        assert_eq!(t.resolve(&SeqSet::all()).unwrap(), t.uids().to_vec());
        assert_eq!(
            t.resolve(&seq_set(vec![SetItem::Single(Bound::Star)]))
                .unwrap(),
            uids(&[42])
        );
        assert_eq!(
            t.resolve(&seq_set(vec![
                SetItem::Range(Bound::Star, v(5)),
                SetItem::Single(v(1)),
                SetItem::Range(v(2), v(1)),
            ]))
            .unwrap(),
            uids(&[4, 8, 23, 42])
        );
        assert_eq!(
            t.resolve(&SeqSet::single(seq(7))),
            Err(ResolveError::OutOfRange { seq: 7, exists: 6 })
        );
        assert_eq!(
            SessionTracker::default().resolve(&SeqSet::all()),
            Err(ResolveError::Empty)
        );
    }

    #[test]
    fn resolve_uid_sets_skip_unknown_and_star_is_last() {
        let t = tracker(&[4, 8, 15, 16, 23, 42]);
        assert_eq!(
            t.resolve_uids(&UidSet::range(uid(5), uid(16))),
            uids(&[8, 15, 16])
        );
        // `559:*` includes the last message even though 559 > 42 (RFC 9051 section 6.4.9).
        let tail = NumSet::new(vec![SetItem::Range(Bound::Value(uid(559)), Bound::Star)]).unwrap();
        assert_eq!(t.resolve_uids(&tail), uids(&[42]));
        assert_eq!(t.resolve_uids(&UidSet::single(uid(9))), vec![]);
        assert_eq!(
            SessionTracker::default().resolve_uids(&UidSet::all()),
            vec![]
        );
        assert_eq!(
            t.resolve_set(&MessageSet::Saved { uid: true }),
            Err(ResolveError::Saved)
        );
    }

    proptest! {
        /// Applying the EXPUNGE numbers one by one to a plain list of UIDs (what a client does)
        /// gives the tracker's numbering.
        #[test]
        fn expunge_numbers_replay_like_a_client(
            present in proptest::collection::btree_set(1u32..200, 0..60),
            gone in proptest::collection::vec(1u32..220, 0..40),
        ) {
            let present: Vec<u32> = present.into_iter().collect();
            let mut t = tracker(&present);
            let mut client: Vec<Uid> = uids(&present);
            for s in t.apply_expunged(uids(&gone)) {
                client.remove(s.get() as usize - 1);
            }
            prop_assert_eq!(&client[..], t.uids());
            for (i, u) in client.iter().enumerate() {
                prop_assert_eq!(t.seq(*u), SeqNum::new(i as u32 + 1));
            }
        }
    }
}
