//! A SEARCH's keys prepared once per command, before any message is tested: each sequence
//! set, UID set and the saved result `$` is resolved to sorted, merged ranges, so a set key
//! costs O(log r) per message for r merged ranges. Tested item by item as written, a peer's
//! `1:4294967295,1:4294967295,...` or `1,3,5,...` cost set items x messages (issue 12,
//! item 9); now a SEARCH costs O(r log r) once plus O(log r) per message and set key.

use super::SearchContext;
use imap_core::types::{NumRanges, SearchKey, SeqRanges, SetKey, Uid, UidRanges};

/// Numbers as sorted, disjoint inclusive ranges, looked up by binary search.
#[derive(Debug)]
pub(super) struct Members(Vec<(u32, u32)>);

impl Members {
    fn new<K: SetKey>(r: &NumRanges<K>) -> Self {
        Members(r.ranges().map(|(a, b)| (a.value(), b.value())).collect())
    }

    /// Whether `n` is a member. O(log r).
    fn contains(&self, n: u32) -> bool {
        let i = self.0.partition_point(|r| {
            probe::count();
            r.1 < n
        });
        self.0.get(i).is_some_and(|r| r.0 <= n)
    }
}

/// A search key with its sets resolved; everything else is left to the caller's leaf test.
#[derive(Debug)]
pub(super) enum Plan<'a> {
    /// A sequence set.
    Seq(Members),
    /// `UID` with a set.
    Uid(Members),
    /// `$`: `None` when nothing was saved (matches no message).
    Saved(Option<Members>),
    /// `NOT`.
    Not(Box<Plan<'a>>),
    /// `OR`.
    Or(Box<Plan<'a>>, Box<Plan<'a>>),
    /// A parenthesized list (all must match).
    And(Vec<Plan<'a>>),
    /// Any other key, tested on the message itself.
    Leaf(&'a SearchKey),
}

impl<'a> Plan<'a> {
    /// Resolves the sets in `key` (`*` is `ctx.max_seq` or `ctx.max_uid`). O(r log r) for r
    /// items written.
    pub(super) fn new(key: &'a SearchKey, ctx: &SearchContext<'_>) -> Self {
        use SearchKey as K;
        let boxed = |k| Box::new(Plan::new(k, ctx));
        match key {
            K::SeqSet(s) => Plan::Seq(Members::new(&SeqRanges::from_set(s, ctx.max_seq))),
            K::Uid(s) => Plan::Uid(Members::new(&UidRanges::from_set(s, ctx.max_uid))),
            K::SavedResult => Plan::Saved(ctx.saved.map(|s| {
                Members::new(&UidRanges::from_ranges(
                    s.iter().map(|u| (u.get(), u.get())),
                ))
            })),
            K::Not(k) => Plan::Not(boxed(k)),
            K::Or(a, b) => Plan::Or(boxed(a), boxed(b)),
            K::And(v) => Plan::And(v.iter().map(|k| Plan::new(k, ctx)).collect()),
            k => Plan::Leaf(k),
        }
    }

    /// Whether the message with sequence number `seq` and UID `uid` matches; `leaf` tests the
    /// keys that look at the message itself.
    pub(super) fn matches(&self, seq: u32, uid: Uid, leaf: &impl Fn(&SearchKey) -> bool) -> bool {
        match self {
            Plan::Seq(s) => s.contains(seq),
            Plan::Uid(s) => s.contains(uid.get()),
            Plan::Saved(s) => s.as_ref().is_some_and(|s| s.contains(uid.get())),
            Plan::Not(p) => !p.matches(seq, uid, leaf),
            Plan::Or(a, b) => a.matches(seq, uid, leaf) || b.matches(seq, uid, leaf),
            Plan::And(v) => v.iter().all(|p| p.matches(seq, uid, leaf)),
            Plan::Leaf(k) => leaf(k),
        }
    }
}

/// Counts the range comparisons of set lookups on this thread, for tests that bound the cost
/// of a SEARCH by operations rather than by time; nothing outside tests.
pub(super) mod probe {
    #[cfg(test)]
    thread_local!(static PROBES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });

    /// One range comparison.
    #[inline]
    pub(in crate::search) fn count() {
        #[cfg(test)]
        PROBES.with(|p| p.set(p.get() + 1));
    }

    /// The comparisons made on this thread so far.
    #[cfg(test)]
    pub(in crate::search) fn total() -> u64 {
        PROBES.with(std::cell::Cell::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_core::types::{Bound, SeqNum, SeqSet, SetItem, UidSet};

    fn ctx(saved: Option<&[Uid]>, max: u32) -> SearchContext<'_> {
        SearchContext {
            saved,
            now: 0,
            max_seq: max,
            max_uid: max,
        }
    }

    fn seq(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    /// The naive meaning: any item, as written, holds `n`.
    fn naive(set: &SeqSet, n: u32, largest: u32) -> bool {
        set.contains(n, largest)
    }

    #[test]
    fn sets_match_as_written() {
        // Odd numbers, a reversed range, `*` and repeats: every number 1..=60 as the items say.
        let v = |n| Bound::Value(seq(n));
        let mut items: Vec<SetItem<SeqNum>> =
            (1..=20).step_by(2).map(|n| SetItem::Single(v(n))).collect();
        items.push(SetItem::Range(v(40), v(30)));
        items.push(SetItem::Range(Bound::Star, v(55)));
        items.push(SetItem::Range(v(35), v(36)));
        items.push(SetItem::Single(v(5)));
        let set = SeqSet::new(items).unwrap();
        let key = SearchKey::SeqSet(set.clone());
        let plan = Plan::new(&key, &ctx(None, 60));
        for n in 1..=60 {
            let uid = Uid::new(n).unwrap();
            assert_eq!(plan.matches(n, uid, &|_| true), naive(&set, n, 60), "{n}");
        }
        // `*` in an empty mailbox matches nothing.
        let star = SearchKey::SeqSet(SeqSet::new(vec![SetItem::Single(Bound::Star)]).unwrap());
        let empty = Plan::new(&star, &ctx(None, 0));
        assert!(!empty.matches(1, Uid::new(1).unwrap(), &|_| true));
    }

    #[test]
    fn uid_saved_and_logic() {
        let saved = [Uid::new(3).unwrap(), Uid::new(7).unwrap()];
        let uid = |n| Uid::new(n).unwrap();
        let key = SearchKey::Or(
            Box::new(SearchKey::SavedResult),
            Box::new(SearchKey::Not(Box::new(SearchKey::Uid(UidSet::range(
                uid(2),
                uid(9),
            ))))),
        );
        let plan = Plan::new(&key, &ctx(Some(&saved), 10));
        let hits: Vec<u32> = (1..=10)
            .filter(|&n| plan.matches(n, uid(n), &|_| true))
            .collect();
        assert_eq!(hits, [1, 3, 7, 10]);
        let unsaved = Plan::new(&SearchKey::SavedResult, &ctx(None, 10));
        assert!(!unsaved.matches(3, uid(3), &|_| true));
    }
}
