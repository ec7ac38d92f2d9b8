//! What a set of message numbers means, kept as ranges ([`NumRanges`]).
//!
//! A peer writes a set in a few bytes that may stand for billions of numbers (`1:4294967295`
//! is 12 bytes). Results built from peer sets (SEARCH, ESEARCH `ALL`, `APPENDUID`, `COPYUID`,
//! `VANISHED`) are kept as sorted, disjoint ranges: memory grows with the ranges written, never
//! with the numbers they cover, and every query walks ranges, not members.

use std::fmt;
use std::marker::PhantomData;
use std::num::NonZeroU32;

use super::seq::{Bound, NumSet, SeqNum, SetItem, SetKey, Uid};

/// A set of message numbers as sorted, disjoint, non-adjacent inclusive ranges, possibly
/// empty. Its size is the number of ranges, whatever the numbers they cover; [`NumRanges::len`]
/// counts the numbers without visiting them and [`NumRanges::iter`] visits them lazily.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NumRanges<K> {
    ranges: Vec<(u32, u32)>,
    key: PhantomData<K>,
}

/// UIDs as ranges.
pub type UidRanges = NumRanges<Uid>;
/// Sequence numbers as ranges.
pub type SeqRanges = NumRanges<SeqNum>;

impl<K> Default for NumRanges<K> {
    fn default() -> Self {
        NumRanges {
            ranges: Vec::new(),
            key: PhantomData,
        }
    }
}

impl<K: SetKey> NumRanges<K> {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The numbers covered by inclusive ranges `(a, b)` (either order; 0 is dropped), sorted
    /// and merged. O(r log r) for r ranges.
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let mut items: Vec<(u32, u32)> = ranges
            .into_iter()
            .map(|(a, b)| (a.min(b).max(1), a.max(b)))
            .filter(|&(_, b)| b >= 1)
            .collect();
        items.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(items.len());
        for (a, b) in items {
            match merged.last_mut() {
                Some(last) if u64::from(a) <= u64::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged.shrink_to_fit();
        NumRanges {
            ranges: merged,
            key: PhantomData,
        }
    }

    /// What a sequence set means, with `*` standing for `largest`. O(r log r) for r items,
    /// whatever the ranges cover.
    pub fn from_set<J: SetKey>(set: &NumSet<J>, largest: u32) -> Self {
        Self::from_ranges(set.items().iter().map(|i| i.bounds(largest)))
    }

    /// The union of `self` and `other`.
    pub fn union(&self, other: &Self) -> Self {
        Self::from_ranges(self.ranges.iter().chain(&other.ranges).copied())
    }

    /// How many numbers the set holds (up to 2^32 - 1, hence `u64`).
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|&(a, b)| u64::from(b - a) + 1).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `k` is in the set. O(log r).
    pub fn contains(&self, k: K) -> bool {
        let n = k.value();
        let i = self.ranges.partition_point(|r| r.1 < n);
        self.ranges.get(i).is_some_and(|r| r.0 <= n)
    }

    /// The smallest number.
    pub fn first(&self) -> Option<K> {
        self.ranges.first().map(|r| key(r.0))
    }

    /// The largest number.
    pub fn last(&self) -> Option<K> {
        self.ranges.last().map(|r| key(r.1))
    }

    /// The `n`-th smallest number (from 0). O(r).
    pub fn nth(&self, mut n: u64) -> Option<K> {
        for &(a, b) in &self.ranges {
            let len = u64::from(b - a) + 1;
            if n < len {
                // n < len <= b - a + 1, so a + n <= b.
                return Some(key(a + n as u32));
            }
            n -= len;
        }
        None
    }

    /// The set without its `n` smallest numbers. O(r).
    pub fn without_first(&self, mut n: u64) -> Self {
        let mut ranges = Vec::new();
        for &(a, b) in &self.ranges {
            let len = u64::from(b - a) + 1;
            if n >= len {
                n -= len;
                continue;
            }
            // n < len, so a + n <= b.
            ranges.push((a + n as u32, b));
            n = 0;
        }
        NumRanges {
            ranges,
            key: PhantomData,
        }
    }

    /// How many numbers of the set are smaller than `k`, if `k` is in the set. O(r).
    pub fn position(&self, k: K) -> Option<u64> {
        let n = k.value();
        let mut before = 0u64;
        for &(a, b) in &self.ranges {
            if n < a {
                return None;
            }
            if n <= b {
                return Some(before + u64::from(n - a));
            }
            before += u64::from(b - a) + 1;
        }
        None
    }

    /// The ranges, ascending, as `(first, last)`.
    pub fn ranges(&self) -> impl ExactSizeIterator<Item = (K, K)> + '_ {
        self.ranges.iter().map(|&(a, b)| (key(a), key(b)))
    }

    /// The numbers, ascending, one at a time (lazily: nothing is allocated).
    pub fn iter(&self) -> NumRangesIter<'_, K> {
        NumRangesIter {
            rest: &self.ranges,
            lo: self.ranges.first().map_or(0, |r| r.0),
            hi: self.ranges.last().map_or(0, |r| r.1),
            key: PhantomData,
        }
    }

    /// The set as a sequence set to send back (`None` when empty).
    pub fn to_set(&self) -> Option<NumSet<K>> {
        let items = self
            .ranges
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    SetItem::Single(Bound::Value(key(a)))
                } else {
                    SetItem::Range(Bound::Value(key(a)), Bound::Value(key(b)))
                }
            })
            .collect();
        NumSet::new(items).ok()
    }

    /// The same numbers under another key type (the wire did not say which: SEARCH results
    /// are UIDs or sequence numbers depending on the command).
    pub fn cast<J: SetKey>(self) -> NumRanges<J> {
        NumRanges {
            ranges: self.ranges,
            key: PhantomData,
        }
    }
}

/// A key from a number known to be at least 1.
fn key<K: SetKey>(n: u32) -> K {
    K::from_nonzero(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl<K: SetKey> FromIterator<K> for NumRanges<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        Self::from_ranges(iter.into_iter().map(|k| (k.value(), k.value())))
    }
}

impl<K: SetKey> fmt::Debug for NumRanges<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            if a == b {
                write!(f, "{sep}{a}")?;
            } else {
                write!(f, "{sep}{a}:{b}")?;
            }
        }
        f.write_str("}")
    }
}

/// Compares the members, in order (for tests and small results).
impl<K: SetKey> PartialEq<[K]> for NumRanges<K> {
    fn eq(&self, other: &[K]) -> bool {
        self.len() == other.len() as u64 && self.iter().eq(other.iter().copied())
    }
}

impl<K: SetKey> PartialEq<Vec<K>> for NumRanges<K> {
    fn eq(&self, other: &Vec<K>) -> bool {
        *self == other[..]
    }
}

impl<K: SetKey, const N: usize> PartialEq<[K; N]> for NumRanges<K> {
    fn eq(&self, other: &[K; N]) -> bool {
        *self == other[..]
    }
}

/// The numbers of a [`NumRanges`], ascending ([`NumRanges::iter`]); from both ends.
#[derive(Clone, Debug)]
pub struct NumRangesIter<'a, K> {
    /// The ranges not yet exhausted: the first one from `lo` on, the last one up to `hi`.
    rest: &'a [(u32, u32)],
    lo: u32,
    hi: u32,
    key: PhantomData<K>,
}

impl<K: SetKey> Iterator for NumRangesIter<'_, K> {
    type Item = K;

    fn next(&mut self) -> Option<K> {
        let &(_, b) = self.rest.first()?;
        let end = if self.rest.len() == 1 { self.hi } else { b };
        let v = self.lo;
        if v == end {
            self.rest = &self.rest[1..];
            if let Some(&(a, _)) = self.rest.first() {
                self.lo = a;
            }
        } else {
            self.lo += 1;
        }
        Some(key(v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let rest: u64 = match self.rest {
            [] => 0,
            [_] => u64::from(self.hi - self.lo) + 1,
            [(_, b), middle @ .., (a, _)] => {
                u64::from(b - self.lo)
                    + u64::from(self.hi - a)
                    + 2
                    + middle
                        .iter()
                        .map(|&(a, b)| u64::from(b - a) + 1)
                        .sum::<u64>()
            }
        };
        let n = usize::try_from(rest).ok();
        (n.unwrap_or(usize::MAX), n)
    }
}

impl<K: SetKey> DoubleEndedIterator for NumRangesIter<'_, K> {
    fn next_back(&mut self) -> Option<K> {
        let &(a, _) = self.rest.last()?;
        let start = if self.rest.len() == 1 { self.lo } else { a };
        let v = self.hi;
        if v == start {
            self.rest = &self.rest[..self.rest.len() - 1];
            if let Some(&(_, b)) = self.rest.last() {
                self.hi = b;
            }
        } else {
            self.hi -= 1;
        }
        Some(key(v))
    }
}

impl<'a, K: SetKey> IntoIterator for &'a NumRanges<K> {
    type Item = K;
    type IntoIter = NumRangesIter<'a, K>;

    fn into_iter(self) -> NumRangesIter<'a, K> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::UidSet;

    fn u(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    #[test]
    fn merges_and_counts_without_expanding() {
        let r = UidRanges::from_ranges([(9, 9), (1, 3), (4, 5), (u32::MAX, 7)]);
        assert_eq!(format!("{r:?}"), "{1:5,7:4294967295}");
        assert_eq!(r.len(), 5 + u64::from(u32::MAX) - 6);
        assert!(r.contains(u(4)) && r.contains(u(u32::MAX)) && !r.contains(u(6)));
        assert_eq!(r.first(), Some(u(1)));
        assert_eq!(r.last(), Some(u(u32::MAX)));
        assert_eq!(r.nth(5), Some(u(7)));
        assert_eq!(r.position(u(7)), Some(5));
        assert_eq!(r.position(u(6)), None);
        assert_eq!(
            r.iter().take(7).map(Uid::get).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 7, 8]
        );
        assert_eq!(r.ranges().len(), 2);
        assert_eq!(format!("{:?}", r.without_first(6)), "{8:4294967295}");
        assert!(r.without_first(r.len()).is_empty());
    }

    #[test]
    fn the_last_number_ends_the_iteration() {
        let r = UidRanges::from_ranges([(u32::MAX - 1, u32::MAX)]);
        assert_eq!(r.iter().collect::<Vec<_>>(), [u(u32::MAX - 1), u(u32::MAX)]);
        assert_eq!(r.iter().size_hint(), (2, Some(2)));
        let r = UidRanges::from_ranges([(1, 3), (5, 5), (7, 8)]);
        let both: Vec<u32> = r.iter().rev().map(Uid::get).collect();
        assert_eq!(both, [8, 7, 5, 3, 2, 1]);
        let mut it = r.iter();
        assert_eq!((it.next(), it.next_back()), (Some(u(1)), Some(u(8))));
        assert_eq!(it.size_hint(), (4, Some(4)));
        assert_eq!(it.map(Uid::get).collect::<Vec<_>>(), [2, 3, 5, 7]);
    }

    #[test]
    fn from_a_set_and_back() {
        let set = UidSet::new(vec![
            SetItem::Range(Bound::Value(u(5)), Bound::Value(u(3))),
            SetItem::Single(Bound::Star),
            SetItem::Single(Bound::Value(u(1))),
        ])
        .unwrap();
        let r = UidRanges::from_set(&set, 10);
        assert_eq!(r, [u(1), u(3), u(4), u(5), u(10)]);
        assert_eq!(UidRanges::from_set(&r.to_set().unwrap(), 0), r);
        assert!(UidRanges::new().to_set().is_none());
        assert_eq!(r.union(&UidRanges::from_iter([u(2)])).ranges().len(), 2);
    }
}
