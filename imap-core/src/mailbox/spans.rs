//! A UID set as sorted ranges with running counts ([`Spans`]), for resolving `VANISHED` and
//! UID lookups against the mailbox model.

use crate::types::{UidRanges, UidSet};

/// A UID set as sorted, disjoint, non-adjacent inclusive ranges, with counts.
pub(crate) struct Spans {
    pub(crate) ranges: Vec<(u32, u32)>,
    /// `before[i]`: how many UIDs the ranges before `i` hold; one more entry than `ranges`.
    before: Vec<u64>,
}

impl Spans {
    /// The ranges of `set`, with `*` as the largest possible UID. O(r log r).
    pub(crate) fn new(set: &UidSet) -> Self {
        let ranges: Vec<(u32, u32)> = UidRanges::from_set(set, u32::MAX)
            .ranges()
            .map(|(a, b)| (a.get(), b.get()))
            .collect();
        let mut before = Vec::with_capacity(ranges.len() + 1);
        let mut sum = 0u64;
        before.push(0);
        for &(a, b) in &ranges {
            sum += u64::from(b - a) + 1;
            before.push(sum);
        }
        Spans { ranges, before }
    }

    /// How many UIDs the set holds.
    pub(crate) fn total(&self) -> u64 {
        self.before.last().copied().unwrap_or(0)
    }

    /// The index range of the ranges that meet `[x, y]`.
    pub(crate) fn meeting(&self, x: u64, y: u64) -> (usize, usize) {
        let i = self.ranges.partition_point(|r| u64::from(r.1) < x);
        let j = self.ranges.partition_point(|r| u64::from(r.0) <= y);
        (i, j.max(i))
    }

    /// How many UIDs of the set lie in `[x, y]`. O(log r).
    pub(crate) fn count(&self, x: u64, y: u64) -> u64 {
        if x > y {
            return 0;
        }
        let (i, j) = self.meeting(x, y);
        if i == j {
            return 0;
        }
        let mut c = self.before[j] - self.before[i];
        let (first, _) = self.ranges[i];
        if x > u64::from(first) {
            c -= x - u64::from(first);
        }
        let (_, last) = self.ranges[j - 1];
        if y < u64::from(last) {
            c -= u64::from(last) - y;
        }
        c
    }

    /// The UIDs of the set in `[x, y]`, as ranges. O(ranges met).
    pub(crate) fn clipped(&self, x: u64, y: u64) -> UidRanges {
        let (i, j) = if x > y { (0, 0) } else { self.meeting(x, y) };
        // Both ends lie within u32: a range meeting [x, y] clips to values of the range.
        UidRanges::from_ranges(
            self.ranges[i..j]
                .iter()
                .map(|&(a, b)| (u64::from(a).max(x) as u32, u64::from(b).min(y) as u32)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Bound, NumSet, SetItem, Uid};

    fn set(items: &[(u32, u32)]) -> UidSet {
        let u = |n| Uid::new(n).unwrap();
        NumSet::new(
            items
                .iter()
                .map(|&(a, b)| SetItem::Range(Bound::Value(u(a)), Bound::Value(u(b))))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn uid_ranges_count_and_list() {
        let r = Spans::new(&set(&[(8, 10), (1, 3), (4, 4), (20, 20), (9, 12)]));
        assert_eq!(r.ranges, vec![(1, 4), (8, 12), (20, 20)]);
        assert_eq!(r.total(), 10);
        assert_eq!(r.count(3, 9), 4);
        assert_eq!(r.count(5, 7), 0);
        assert_eq!(r.count(0, 1 << 32), 10);
        assert_eq!(r.clipped(3, 9), UidRanges::from_ranges([(3, 4), (8, 9)]));
        assert!(r.clipped(13, 19).is_empty());
    }
}
