//! A Fenwick tree (binary indexed tree) of 0/1 counts over arrival slots.
//!
//! The server's expunge tracker ([`super::tracker`]) keeps one slot per message, in
//! arrival (= UID) order, and marks an expunged message's slot dead instead of moving every
//! later slot. This tree counts the live slots, so that
//!
//! - a sequence number becomes a slot by a k-th-one search ([`Fenwick::find_kth`]),
//! - a slot becomes a sequence number by a prefix sum ([`Fenwick::prefix`]),
//! - marking a slot dead is a point update ([`Fenwick::add`]),
//!
//! each in O(log n). Appending a slot costs amortised O(1) ([`Fenwick::push`]), rebuilding from
//! scratch O(n) ([`Fenwick::rebuild`], [`Fenwick::fill_ones`]).

/// Prefix sums of small counts over slots `0..len`.
///
/// In the 1-based numbering of the classic formulation, node `i` holds the sum of the slots
/// `(i - lowbit(i), i]`; it is stored at `tree[i - 1]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fenwick {
    tree: Vec<u32>,
}

/// The lowest set bit of `i` (0 for 0).
#[inline]
fn lowbit(i: usize) -> usize {
    i & i.wrapping_neg()
}

impl Fenwick {
    /// Appends a slot holding `value`. Amortised O(1): node `i` sums the nodes that cover
    /// `(i - lowbit(i), i - 1]`, which are `log2(lowbit(i))` many.
    pub(crate) fn push(&mut self, value: u32) {
        let i = self.tree.len() + 1;
        let stop = i - lowbit(i);
        let mut sum = value;
        let mut j = i - 1;
        while j > stop {
            sum += self.tree[j - 1];
            j &= j - 1;
        }
        self.tree.push(sum);
    }

    /// Removes the last slot, which must hold 0 (no other node covers it, so nothing else
    /// changes).
    pub(crate) fn pop_zero(&mut self) {
        debug_assert_eq!(self.point(self.tree.len() - 1), 0);
        self.tree.pop();
    }

    /// Adds `delta` to slot `slot` (0-based). O(log n).
    pub(crate) fn add(&mut self, slot: usize, delta: i32) {
        let n = self.tree.len();
        let mut i = slot + 1;
        while i <= n {
            self.tree[i - 1] = self.tree[i - 1].wrapping_add_signed(delta);
            i += lowbit(i);
        }
    }

    /// The sum of slots `0..end`. O(log n).
    pub(crate) fn prefix(&self, end: usize) -> u32 {
        let mut i = end;
        let mut sum = 0u32;
        while i > 0 {
            sum = sum.wrapping_add(self.tree[i - 1]);
            i &= i - 1;
        }
        sum
    }

    /// The value of one slot. O(log n).
    pub(crate) fn point(&self, slot: usize) -> u32 {
        self.prefix(slot + 1).wrapping_sub(self.prefix(slot))
    }

    /// The sum of every slot.
    #[cfg(test)]
    pub(crate) fn total(&self) -> u32 {
        self.prefix(self.tree.len())
    }

    /// The slot holding the `k`-th unit (1-based): the smallest slot `s` with
    /// `prefix(s + 1) >= k`. `None` when `k` is 0 or exceeds the total. O(log n).
    pub(crate) fn find_kth(&self, k: u32) -> Option<usize> {
        if k == 0 {
            return None;
        }
        let n = self.tree.len();
        let mut pos = 0usize;
        let mut rest = k;
        let mut step = if n == 0 { 0 } else { 1usize << n.ilog2() };
        while step > 0 {
            let next = pos + step;
            if next <= n {
                let v = self.tree[next - 1];
                if v < rest {
                    pos = next;
                    rest -= v;
                }
            }
            step >>= 1;
        }
        // `pos` is the largest 1-based index whose prefix is below `k`; slot `pos` (0-based) is
        // the answer if it exists.
        (pos < n).then_some(pos)
    }

    /// Replaces the contents with `values`, in O(n).
    pub(crate) fn rebuild(&mut self, values: impl IntoIterator<Item = u32>) {
        self.tree.clear();
        self.tree.extend(values);
        let n = self.tree.len();
        for i in 1..=n {
            let parent = i + lowbit(i);
            if parent <= n {
                self.tree[parent - 1] = self.tree[parent - 1].wrapping_add(self.tree[i - 1]);
            }
        }
    }

    /// Replaces the contents with `n` slots holding 1 each, in O(n): node `i` is `lowbit(i)`.
    pub(crate) fn fill_ones(&mut self, n: usize) {
        self.tree.clear();
        // Node values are at most `n`, which the caller keeps below 2^32.
        self.tree
            .extend((1..=n).map(|i| u32::try_from(lowbit(i)).unwrap_or(u32::MAX)));
    }

    /// The raw nodes, for tests.
    #[cfg(test)]
    pub(crate) fn nodes(&self) -> &[u32] {
        &self.tree
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_kth(values: &[u32], k: u32) -> Option<usize> {
        if k == 0 {
            return None;
        }
        let mut sum = 0;
        for (i, v) in values.iter().enumerate() {
            sum += v;
            if sum >= k {
                return Some(i);
            }
        }
        None
    }

    #[test]
    fn push_matches_rebuild() {
        let values: Vec<u32> = (0..1000).map(|i| (i * 7 % 3 == 0) as u32).collect();
        let mut pushed = Fenwick::default();
        for v in &values {
            pushed.push(*v);
        }
        let mut built = Fenwick::default();
        built.rebuild(values.iter().copied());
        assert_eq!(pushed.nodes(), built.nodes());
        let mut ones = Fenwick::default();
        ones.fill_ones(1000);
        let mut ones_built = Fenwick::default();
        ones_built.rebuild(std::iter::repeat_n(1, 1000));
        assert_eq!(ones.nodes(), ones_built.nodes());
    }

    #[test]
    fn empty_tree_answers_nothing() {
        let f = Fenwick::default();
        assert_eq!(f.find_kth(1), None);
        assert_eq!(f.total(), 0);
    }

    proptest! {
        #[test]
        fn queries_match_naive(
            values in proptest::collection::vec(0u32..2, 0..200),
            updates in proptest::collection::vec((0usize..200, any::<bool>()), 0..50),
        ) {
            let mut values = values;
            let mut f = Fenwick::default();
            for v in &values {
                f.push(*v);
            }
            for (slot, up) in updates {
                if values.is_empty() {
                    break;
                }
                let slot = slot % values.len();
                if up {
                    values[slot] += 1;
                    f.add(slot, 1);
                } else if values[slot] > 0 {
                    values[slot] -= 1;
                    f.add(slot, -1);
                }
            }
            let total: u32 = values.iter().sum();
            prop_assert_eq!(f.total(), total);
            for end in 0..=values.len() {
                prop_assert_eq!(f.prefix(end), values[..end].iter().sum::<u32>());
            }
            for k in 0..=total + 1 {
                prop_assert_eq!(f.find_kth(k), naive_kth(&values, k));
            }
            while let Some(0) = values.last() {
                values.pop();
                f.pop_zero();
                prop_assert_eq!(f.total(), total);
            }
        }
    }
}
