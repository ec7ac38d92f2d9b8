//! [`SessionTracker`]: one connection's view of the selected mailbox's sequence numbers.
//!
//! Every session has its own sequence numbers (go-imap's `imapserver/tracker.go` makes the same
//! split): messages expunged by another session keep their number in this session until the
//! `EXPUNGE` is announced, and messages added elsewhere get a number only when `EXISTS` is sent.
//! The store deals in UIDs; the tracker translates between the two at the protocol boundary.
//!
//! # Representation and cost
//!
//! The tracker keeps one *slot* per message it has known, in ascending UID order (which is
//! sequence order). An expunged message's slot is only marked dead, so no later slot moves; a
//! Fenwick tree (`super::fenwick`) counts the live slots, turning a slot
//! into a sequence number (prefix sum) and a sequence number into a slot (k-th live slot), each
//! in O(log n). Dead slots at the end are dropped at once; once dead slots outnumber live ones
//! (and are more than a small constant), all are dropped in one O(n) pass, which the expunges
//! before it pay for. While no slot is dead, lookups index the slots directly.
//!
//! With n messages and d dead slots (d is at most max(n, 1024)):
//!
//! - [`SessionTracker::seq`]: O(log n) (binary search, then a prefix sum);
//! - [`SessionTracker::uid`]: O(1) with no dead slot, O(log n) otherwise;
//! - [`SessionTracker::apply_added`]: amortised O(1) per UID above every known one (the usual
//!   case: UIDs only grow); O(n) for one below a known UID;
//! - [`SessionTracker::apply_expunged`]: O(k log k) to sort k UIDs, then O(log n) amortised per
//!   UID, so 500,000 single expunges on a 1,000,000-message mailbox cost O(k log n), not the
//!   O(k n) of `Vec::remove`;
//! - [`SessionTracker::resolve`], [`SessionTracker::resolve_uids`]: O(log n + k + d') per range
//!   of the set, for k matching messages and d' dead slots among them (d' = 0 when nothing is
//!   dead);
//! - [`SessionTracker::uids`]: O(1) with no dead slot; otherwise the first call after a change
//!   builds the list of live UIDs in O(n) (later calls are O(1)). Its callers (SEARCH, SORT,
//!   THREAD) walk every message anyway.

use std::sync::OnceLock;

use super::fenwick::Fenwick;
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

/// Dead slots tolerated before compaction is considered (it then also needs dead > live).
const MIN_DEAD_FOR_COMPACTION: usize = if cfg!(test) { 2 } else { 1024 };

/// The UIDs one session knows, in sequence order. See the module documentation.
#[derive(Clone, Default)]
pub struct SessionTracker {
    /// One UID per slot, strictly ascending; a dead slot keeps its UID.
    slots: Vec<Uid>,
    /// Whether each slot is live.
    alive: Vec<bool>,
    /// 1 per live slot, 0 per dead one.
    tree: Fenwick,
    /// Live slots: the session's `EXISTS`.
    live: u32,
    /// The live UIDs, built by [`SessionTracker::uids`] while some slot is dead; reset by every
    /// change.
    compact: OnceLock<Vec<Uid>>,
}

impl std::fmt::Debug for SessionTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTracker")
            .field("uids", &self.uids())
            .finish()
    }
}

impl PartialEq for SessionTracker {
    fn eq(&self, other: &Self) -> bool {
        self.uids() == other.uids()
    }
}

impl Eq for SessionTracker {}

impl SessionTracker {
    /// A tracker for a freshly selected mailbox holding `uids` (any order; duplicates dropped).
    pub fn new(uids: impl IntoIterator<Item = Uid>) -> Self {
        let mut slots: Vec<Uid> = uids.into_iter().collect();
        slots.sort_unstable();
        slots.dedup();
        let mut tree = Fenwick::default();
        tree.fill_ones(slots.len());
        SessionTracker {
            alive: vec![true; slots.len()],
            live: slots.len() as u32,
            slots,
            tree,
            compact: OnceLock::new(),
        }
    }

    /// The number of messages the session knows (its `EXISTS`).
    pub fn len(&self) -> u32 {
        self.live
    }

    /// Whether the session knows no message.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The UIDs in sequence order: `uids()[i]` is the UID of sequence number `i + 1`. O(1),
    /// except for the first call after an expunge that left dead slots (O(n); see the module
    /// documentation).
    pub fn uids(&self) -> &[Uid] {
        if self.dead() == 0 {
            return &self.slots;
        }
        self.compact.get_or_init(|| self.live_uids().collect())
    }

    /// The sequence number of `uid`, if the session knows it. O(log n).
    pub fn seq(&self, uid: Uid) -> Option<SeqNum> {
        let slot = self.slots.binary_search(&uid).ok()?;
        if self.dead() == 0 {
            return SeqNum::new(slot as u32 + 1);
        }
        if !self.alive[slot] {
            return None;
        }
        SeqNum::new(self.tree.prefix(slot + 1))
    }

    /// The UID of sequence number `seq`, if it is in range. O(1) while no slot is dead,
    /// O(log n) otherwise.
    pub fn uid(&self, seq: SeqNum) -> Option<Uid> {
        if seq.get() > self.live {
            return None;
        }
        if self.dead() == 0 {
            return self.slots.get(seq.get() as usize - 1).copied();
        }
        self.tree.find_kth(seq.get()).map(|slot| self.slots[slot])
    }

    /// Dead slots.
    fn dead(&self) -> usize {
        self.slots.len() - self.live as usize
    }

    /// The live UIDs in order.
    fn live_uids(&self) -> impl Iterator<Item = Uid> + '_ {
        self.slots
            .iter()
            .zip(&self.alive)
            .filter(|(_, a)| **a)
            .map(|(u, _)| *u)
    }

    /// The live UIDs of slots `start..end`.
    fn live_in(&self, start: usize, end: usize, out: &mut Vec<Uid>) {
        if self.dead() == 0 {
            out.extend_from_slice(&self.slots[start..end]);
        } else {
            out.extend(
                self.slots[start..end]
                    .iter()
                    .zip(&self.alive[start..end])
                    .filter(|(_, a)| **a)
                    .map(|(u, _)| *u),
            );
        }
    }

    /// Drops dead slots at the end, and every dead slot once they outnumber the live ones.
    fn trim(&mut self) {
        while self.alive.last() == Some(&false) {
            self.alive.pop();
            self.slots.pop();
            self.tree.pop_zero();
        }
        let dead = self.dead();
        if dead >= MIN_DEAD_FOR_COMPACTION && dead > self.live as usize {
            let mut keep = self.alive.iter();
            self.slots.retain(|_| keep.next() == Some(&true));
            self.alive.clear();
            self.alive.resize(self.slots.len(), true);
            self.tree.fill_ones(self.slots.len());
        }
    }

    /// Records messages that arrived (before sending `EXISTS`); returns the new `EXISTS`.
    /// UIDs the session already knows are ignored.
    pub fn apply_added(&mut self, uids: impl IntoIterator<Item = Uid>) -> u32 {
        let before = self.live;
        for uid in uids {
            match self.slots.last() {
                Some(&last) if uid <= last => match self.slots.binary_search(&uid) {
                    Ok(slot) if self.alive[slot] => {}
                    Ok(slot) => {
                        self.alive[slot] = true;
                        self.tree.add(slot, 1);
                        self.live += 1;
                    }
                    Err(slot) => {
                        // Below a known UID: the rare case, O(n).
                        self.slots.insert(slot, uid);
                        self.alive.insert(slot, true);
                        self.tree.rebuild(self.alive.iter().map(|&a| u32::from(a)));
                        self.live += 1;
                    }
                },
                _ => {
                    self.slots.push(uid);
                    self.alive.push(true);
                    self.tree.push(1);
                    self.live += 1;
                }
            }
        }
        if self.live != before {
            self.compact.take();
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
            if let Ok(slot) = self.slots.binary_search(&uid)
                && self.alive[slot]
            {
                out.extend(SeqNum::new(self.tree.prefix(slot + 1)));
                self.alive[slot] = false;
                self.tree.add(slot, -1);
                self.live -= 1;
            }
        }
        if !out.is_empty() {
            self.trim();
            self.compact.take();
        }
        out
    }

    /// The UIDs of a sequence set, ascending and without duplicates. `*` is the last message.
    ///
    /// # Errors
    /// A number above `EXISTS`, or `*` when the mailbox is empty.
    pub fn resolve(&self, set: &SeqSet) -> Result<Vec<Uid>, ResolveError> {
        let exists = self.len();
        let mut ranges = Vec::with_capacity(set.items().len());
        for item in set.items() {
            let (a, b) = item.bounds(exists);
            if a == 0 {
                // Only `*` resolves to 0.
                return Err(ResolveError::Empty);
            }
            if b > exists {
                return Err(ResolveError::OutOfRange { seq: b, exists });
            }
            ranges.push((a, b));
        }
        let mut out = Vec::new();
        for (a, b) in merge(ranges) {
            if self.dead() == 0 {
                out.extend_from_slice(&self.slots[a as usize - 1..b as usize]);
            } else {
                let start = self.tree.find_kth(a).unwrap_or(self.slots.len());
                let end = self.tree.find_kth(b).map_or(self.slots.len(), |s| s + 1);
                self.live_in(start, end, &mut out);
            }
        }
        Ok(out)
    }

    /// The known UIDs in a UID set, ascending and without duplicates. UIDs the session does not
    /// know are left out (RFC 9051 section 6.4.9); `*` is the highest known UID, so `n:*`
    /// always includes the last message even when `n` is above it.
    pub fn resolve_uids(&self, set: &UidSet) -> Vec<Uid> {
        // The last slot is live (dead ones at the end are dropped at once).
        let Some(largest) = self.slots.last().map(|u| u.get()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let ranges = set.items().iter().map(|i| i.bounds(largest)).collect();
        for (a, b) in merge(ranges) {
            let start = self.slots.partition_point(|u| u.get() < a);
            let end = self.slots.partition_point(|u| u.get() <= b);
            if start < end {
                self.live_in(start, end, &mut out);
            }
        }
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

/// Inclusive ranges merged where they overlap or touch, ascending: a set is resolved range by
/// range, so `1:*,1:*,...` (thousands of times in one command) costs the mailbox once, not
/// once per repetition, and the result needs no sorting or de-duplication.
fn merge(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
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

    /// `1:*,1:*,...` repeated thousands of times resolves range by range after merging: the
    /// result (and what is built on the way) is the mailbox once (issue 12, item 9: 31 KiB of
    /// it once grew to 332 MB before de-duplication).
    #[test]
    fn repeated_ranges_are_merged_before_resolving() {
        let t = tracker(&(1..=1000).collect::<Vec<_>>());
        fn items<K: Copy>(k: impl Fn(u32) -> K) -> Vec<SetItem<K>> {
            let mut v = vec![SetItem::Range(Bound::Value(k(1)), Bound::Star); 8000];
            v.push(SetItem::Range(Bound::Value(k(7)), Bound::Value(k(3))));
            v
        }
        let got = t.resolve(&NumSet::new(items(seq)).unwrap()).unwrap();
        assert_eq!(got.len(), 1000);
        assert!(got.capacity() < 2000, "{}", got.capacity());
        assert!(got.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(t.resolve_uids(&NumSet::new(items(uid)).unwrap()), got);
        assert_eq!(
            merge(vec![(5, 9), (1, 2), (3, 4), (11, 12), (8, 10)]),
            [(1, 12)]
        );
        assert_eq!(merge(vec![(1, 1), (3, 3)]), [(1, 1), (3, 3)]);
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

    /// One step of the model test.
    #[derive(Debug, Clone)]
    enum Op {
        Added(Vec<u32>),
        Expunged(Vec<u32>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            proptest::collection::vec(1u32..300, 0..8).prop_map(Op::Added),
            proptest::collection::vec(1u32..300, 0..12).prop_map(Op::Expunged),
        ]
    }

    /// Set items: a bound (`None` for `*`) and, for a range, the other bound.
    type Items = Vec<(Option<u32>, Option<Option<u32>>)>;

    /// A set of up to three items, numbers in `1..=max` or `*`.
    fn seq_items(max: u32) -> impl Strategy<Value = Items> {
        let bound = proptest::option::weighted(0.9, 1..=max.max(1));
        proptest::collection::vec((bound.clone(), proptest::option::of(bound)), 1..4)
    }

    fn to_set<T: crate::types::SetKey>(
        items: &Items,
        make: impl Fn(u32) -> Option<T>,
    ) -> Option<NumSet<T>> {
        let b = |v: Option<u32>| match v {
            Some(n) => make(n).map(Bound::Value),
            None => Some(Bound::Star),
        };
        let items = items
            .iter()
            .map(|&(x, y)| match y {
                None => b(x).map(SetItem::Single),
                Some(y) => Some(SetItem::Range(b(x)?, b(y)?)),
            })
            .collect::<Option<Vec<_>>>()?;
        NumSet::new(items).ok()
    }

    /// What a plain sorted `Vec` says a sequence set resolves to.
    fn naive_resolve(model: &[Uid], items: &Items) -> Option<Vec<Uid>> {
        let n = model.len() as u32;
        let v = |x: Option<u32>| x.unwrap_or(n);
        let mut out = Vec::new();
        for &(x, y) in items {
            let (a, b) = (v(x), v(y.unwrap_or(x)));
            let (a, b) = (a.min(b), a.max(b));
            if a == 0 || b > n {
                return None;
            }
            out.extend_from_slice(&model[a as usize - 1..b as usize]);
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    proptest! {
        /// The tracker against a plain sorted `Vec<Uid>` (insert, `Vec::remove`), after every
        /// step: numbering, lookups both ways, set resolution, equality and compaction.
        #[test]
        fn matches_a_vec_model(
            initial in proptest::collection::btree_set(1u32..300, 0..80),
            ops in proptest::collection::vec(op(), 0..30),
            sets in proptest::collection::vec(seq_items(90), 4),
            uid_sets in proptest::collection::vec(seq_items(320), 4),
        ) {
            let mut t = tracker(&initial.iter().copied().collect::<Vec<_>>());
            let mut model: Vec<Uid> = initial.iter().map(|&n| uid(n)).collect();
            for op in ops {
                match op {
                    Op::Added(add) => {
                        for u in uids(&add) {
                            if let Err(i) = model.binary_search(&u) {
                                model.insert(i, u);
                            }
                        }
                        prop_assert_eq!(t.apply_added(uids(&add)), model.len() as u32);
                    }
                    Op::Expunged(gone) => {
                        let mut want = Vec::new();
                        let mut gone = uids(&gone);
                        gone.sort_unstable_by(|a, b| b.cmp(a));
                        gone.dedup();
                        for u in &gone {
                            if let Ok(i) = model.binary_search(u) {
                                model.remove(i);
                                want.push(seq(i as u32 + 1));
                            }
                        }
                        prop_assert_eq!(t.apply_expunged(gone), want);
                    }
                }
                prop_assert_eq!(t.uids(), &model[..]);
                prop_assert_eq!(t.len(), model.len() as u32);
                prop_assert_eq!(t.is_empty(), model.is_empty());
                prop_assert!(t.dead() < MIN_DEAD_FOR_COMPACTION || t.dead() <= t.len() as usize);
                for n in 1..320 {
                    let want = model.binary_search(&uid(n)).ok().map(|i| seq(i as u32 + 1));
                    prop_assert_eq!(t.seq(uid(n)), want);
                }
                for n in 1..=model.len() as u32 + 1 {
                    prop_assert_eq!(t.uid(seq(n)), model.get(n as usize - 1).copied());
                }
                for items in &sets {
                    if let Some(set) = to_set(items, SeqNum::new) {
                        prop_assert_eq!(t.resolve(&set).ok(), naive_resolve(&model, items));
                    }
                }
                for items in &uid_sets {
                    if let Some(set) = to_set(items, Uid::new) {
                        let largest = model.last().map_or(0, |u| u.get());
                        let want: Vec<Uid> = model
                            .iter()
                            .copied()
                            .filter(|u| set.items().iter().any(|i| {
                                let (a, b) = i.bounds(largest);
                                (a..=b).contains(&u.get())
                            }))
                            .collect();
                        prop_assert_eq!(t.resolve_uids(&set), want);
                    }
                }
                prop_assert_eq!(&t, &SessionTracker::new(model.iter().copied()));
            }
        }
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
