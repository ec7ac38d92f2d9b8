//! The sequence-number <-> UID index of the selected mailbox ([`SeqMap`]).
//!
//! # Model
//!
//! Messages are numbered `1..=len()`, densely, in ascending UID order (RFC 9051 section
//! 2.3.1.2). For each message the model knows, where a response has told it, its UID, its flags
//! and its MODSEQ; a message announced by `EXISTS` knows nothing until a FETCH tells it.
//!
//! # Representation
//!
//! The model stores only what it was told: memory grows with the number of distinct messages a
//! server described, never with the message count it claimed.
//!
//! - `tree`: a counted B-tree ([`super::seq_tree`]) of items in sequence order, each one
//!   message the model holds (its UID, flags and MODSEQ where known) or a run of messages
//!   nothing is known about, stored as a count. Each subtree carries its message count and its
//!   smallest and largest known UID, so a sequence number is found by summing counts, a UID by
//!   comparing bounds (known UIDs ascend with sequence numbers), and an expunge renumbers every
//!   later message by changing the counts on one path.
//! - `tail`: messages after the last one the tree holds, about which nothing is known
//!   (typically those announced by `EXISTS` and not fetched yet). `EXISTS` only moves this
//!   count.
//!
//! A FETCH about a message inside a run splits the run around it; a FETCH past the tree takes
//! the messages before it from the tail as one run. `* 10000000 EXISTS` then
//! `* 10000000 FETCH (FLAGS ())` holds two items.
//!
//! # Invariants ([`SeqMap::check_invariants`])
//!
//! 1. The tree is well formed: every subtree's counts and UID bounds are right, leaves lie at
//!    one depth, nodes hold between 1 and 64 entries, no run is empty.
//! 2. The known UIDs are strictly ascending in sequence order.
//! 3. The tree's last item, if any, is a message it holds: unknown messages at the end are
//!    counted in `tail`.
//! 4. `len()` is the tree's message count plus `tail`, within `u32`.
//!
//! # Cost (n items in the tree, k affected, B = 64)
//!
//! | operation | cost |
//! |---|---|
//! | [`SeqMap::apply_exists`] | O(1): new messages join the tail |
//! | [`SeqMap::apply_expunge`] | O(B log_B n) |
//! | [`SeqMap::apply_vanished`] | O((k + r) B log_B n) for k removed UIDs in r ranges, or O(n + r B log_B n) when k is a large fraction of n |
//! | [`SeqMap::apply_fetch`] | O(B log_B n) |
//! | [`SeqMap::uid`], [`SeqMap::seq`] | O(B log_B n) |
//! | [`SeqMap::iter`] | O(n + len()) for the whole walk |
//!
//! n counts what the server described (messages fetched, and the runs between them), not
//! `EXISTS`: k single `EXPUNGE`s cost O(k log n) whether they hit held messages or runs.

use super::error::ModelError;
use super::event::{Fetched, MessageRef, RemovedRun, UncertainRun, Vanished};
use super::seq_tree::{At, Item, Items, Msg, SeqTree};
use super::spans::Spans;
use crate::types::{Flag, SeqNum, Uid, UidSet};

/// The default limit on messages with known data (see [`SeqMap::with_limit`]).
pub const DEFAULT_MAX_MESSAGES: u32 = 10_000_000;

/// The largest limit [`SeqMap::with_limit`] accepts (2^30): some 50 GiB of held messages.
pub const MAX_LIMIT: u32 = 1 << 30;

/// The messages of the selected mailbox in sequence order, each with its UID, flags and MODSEQ
/// where known. See the [module documentation](self) for the invariants and costs.
///
/// Every `apply_*` method either applies the whole response or, on `Err`, changes nothing.
#[derive(Clone, Debug)]
pub struct SeqMap {
    tree: SeqTree,
    /// Messages after the last one the tree holds, nothing known about them.
    tail: u32,
    limit: u32,
}

impl Default for SeqMap {
    fn default() -> Self {
        Self::new()
    }
}

/// A sequence number from a count known to be at least 1.
#[inline]
fn seq_num(n: u32) -> SeqNum {
    SeqNum::new(n).unwrap_or(SeqNum::MIN)
}

/// A UID from a value known to be at least 1.
#[inline]
fn uid_of(n: u32) -> Uid {
    Uid::new(n).unwrap_or(Uid::MIN)
}

/// Whether two flag lists hold the same flags, in any order.
fn same_flags(a: &[Flag], b: &[Flag]) -> bool {
    a.len() == b.len() && a.iter().all(|f| b.contains(f)) && b.iter().all(|f| a.contains(f))
}

/// Records a FETCH's data in `m`; returns whether the flags and the MODSEQ changed.
fn record(
    m: &mut Msg,
    learn: Option<Uid>,
    flags: Option<Vec<Flag>>,
    modseq: Option<u64>,
) -> (bool, bool) {
    if learn.is_some() {
        m.uid = learn;
    }
    if flags.is_none() && modseq.is_none() {
        return (false, false);
    }
    let d = m.data.get_or_insert_with(Box::default);
    let flags_changed = match flags {
        Some(f) => {
            let changed = d.flags.as_deref().is_none_or(|old| !same_flags(old, &f));
            d.flags = Some(f.into_boxed_slice());
            changed
        }
        None => false,
    };
    let modseq_changed = match modseq {
        Some(v) => {
            let changed = d.modseq != Some(v);
            d.modseq = Some(v);
            changed
        }
        None => false,
    };
    (flags_changed, modseq_changed)
}

/// Merges the gaps at `i - 1` and `i` of a leaf, if both are gaps.
fn merge_gaps(items: &mut Vec<Item>, i: usize) {
    if i == 0 || i >= items.len() {
        return;
    }
    if let (Item::Gap(a), Item::Gap(b)) = (&items[i - 1], &items[i]) {
        let sum = a + b;
        items[i - 1] = Item::Gap(sum);
        items.remove(i);
    }
}

/// Removes message `at` from its leaf; returns its UID.
fn take_one(items: &mut Vec<Item>, at: At) -> Option<Uid> {
    if let Item::Gap(k) = &mut items[at.index]
        && *k > 1
    {
        *k -= 1;
        return None;
    }
    let gone = items.remove(at.index);
    merge_gaps(items, at.index);
    match gone {
        Item::Msg(m) => m.uid,
        Item::Gap(_) => None,
    }
}

/// Removes up to `rest` messages of a leaf from `at` on; returns how many it removed.
fn take_many(items: &mut Vec<Item>, at: At, rest: u32) -> u32 {
    let mut removed = 0;
    let mut i = at.index;
    let mut offset = at.offset;
    while removed < rest && i < items.len() {
        match &mut items[i] {
            Item::Gap(k) => {
                let take = (*k - offset).min(rest - removed);
                *k -= take;
                removed += take;
                if *k == 0 {
                    items.remove(i);
                } else {
                    i += 1;
                }
            }
            Item::Msg(_) => {
                items.remove(i);
                removed += 1;
            }
        }
        offset = 0;
    }
    merge_gaps(items, i);
    removed
}

/// Puts `k` unknown messages before message `at` of a leaf, joining a neighbouring gap.
fn put_gap(items: &mut Vec<Item>, at: At, k: u32) {
    if let Some(Item::Gap(g)) = items.get_mut(at.index) {
        *g += k;
    } else if let Some(Item::Gap(g)) = at.index.checked_sub(1).and_then(|i| items.get_mut(i)) {
        *g += k;
    } else {
        items.insert(at.index, Item::Gap(k));
    }
}

/// Replaces `len` messages from `first` on by `gap` unknown messages.
#[derive(Clone, Copy, Debug)]
struct Edit {
    first: u32,
    len: u32,
    gap: u32,
}

/// `items` with `edits` (ascending, disjoint, within the items) applied, in one pass.
fn rewrite(items: Vec<Item>, edits: &[Edit]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let push_gap = |out: &mut Vec<Item>, k: u32| {
        if k == 0 {
            return;
        }
        if let Some(Item::Gap(g)) = out.last_mut() {
            *g += k;
        } else {
            out.push(Item::Gap(k));
        }
    };
    let mut e = 0usize;
    let mut pos = 1u64;
    for item in items {
        let end = pos + u64::from(item.count());
        let mut covered = 0u64;
        let mut added = 0u32;
        let mut j = e;
        while let Some(edit) = edits.get(j).filter(|x| u64::from(x.first) < end) {
            let (a, b) = (
                u64::from(edit.first),
                u64::from(edit.first) + u64::from(edit.len),
            );
            covered += b.min(end).saturating_sub(a.max(pos));
            if a >= pos {
                added += edit.gap;
            }
            if b > end {
                break;
            }
            j += 1;
            e = j;
        }
        match item {
            Item::Msg(m) if covered == 0 => out.push(Item::Msg(m)),
            Item::Msg(_) => {}
            Item::Gap(k) => push_gap(&mut out, k - covered as u32),
        }
        push_gap(&mut out, added);
        pos = end;
    }
    out
}

impl SeqMap {
    /// An empty map with the default limit ([`DEFAULT_MAX_MESSAGES`]).
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_MESSAGES)
    }

    /// An empty map that keeps data for at most `max_messages` messages (clamped to
    /// [`MAX_LIMIT`]).
    ///
    /// The message count itself is not limited: `EXISTS` costs no memory, and neither do the
    /// messages a FETCH skips. The limit bounds the memory a server can make the model take
    /// (about 20 bytes per message held, plus 40 and its flags when it has flags or a MODSEQ): a FETCH that would record data about
    /// one message more than the limit is refused with [`ModelError::TooManyMessages`].
    pub fn with_limit(max_messages: u32) -> Self {
        SeqMap {
            tree: SeqTree::default(),
            tail: 0,
            limit: max_messages.min(MAX_LIMIT),
        }
    }

    /// The limit on messages with known data.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The number of messages (the `EXISTS` count).
    pub fn len(&self) -> u32 {
        self.tree.summary().count + self.tail
    }

    /// Whether the mailbox is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of messages whose UID is unknown.
    pub fn unknown_uids(&self) -> u32 {
        self.tree.summary().unknown + self.tail
    }

    /// The UID of message `seq`, if known.
    pub fn uid(&self, seq: SeqNum) -> Option<Uid> {
        self.held(seq.get()).and_then(|m| m.uid)
    }

    /// The sequence number of the message with UID `uid`, if the model knows that UID.
    pub fn seq(&self, uid: Uid) -> Option<SeqNum> {
        self.tree.seq_of(uid).map(seq_num)
    }

    /// The flags of message `seq`, if a FETCH told them.
    pub fn flags(&self, seq: SeqNum) -> Option<&[Flag]> {
        self.held(seq.get()).and_then(Msg::flags)
    }

    /// The MODSEQ of message `seq`, if a FETCH told it.
    pub fn modseq(&self, seq: SeqNum) -> Option<u64> {
        self.held(seq.get()).and_then(Msg::modseq)
    }

    /// Every message in sequence order: its sequence number, its UID and its flags where known.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            items: self.tree.items(),
            gap: 0,
            next: 1,
            remaining: self.len(),
        }
    }

    /// The messages of the model whose UID is in `uids`, ascending: `(seq, uid)`.
    ///
    /// `*` in the set stands for the largest possible UID. Costs O((k + r) log n) for k hits
    /// in r ranges.
    pub fn find_uids(&self, uids: &UidSet) -> Vec<(SeqNum, Uid)> {
        let ranges = Spans::new(uids);
        (self.tree.known_in(&ranges.ranges).into_iter())
            .map(|(s, u)| (seq_num(s), u))
            .collect()
    }

    /// Removes every message.
    pub fn clear(&mut self) {
        self.tree = SeqTree::default();
        self.tail = 0;
    }

    /// Forgets every UID, flag list and MODSEQ but keeps the message count: what a changed
    /// UIDVALIDITY requires.
    pub fn forget_uids(&mut self) {
        let len = self.len();
        self.clear();
        self.tail = len;
    }

    /// Applies `n EXISTS`: the mailbox now holds `n` messages. Returns how many are new.
    ///
    /// # Errors
    /// [`ModelError::ExistsShrank`] when `n` is smaller than the current count: only `EXPUNGE`
    /// and `VANISHED` remove messages.
    pub fn apply_exists(&mut self, n: u32) -> Result<u32, ModelError> {
        let len = self.len();
        if n < len {
            return Err(ModelError::ExistsShrank {
                exists: len,
                received: n,
            });
        }
        self.tail += n - len;
        Ok(n - len)
    }

    /// Applies `seq EXPUNGE`: removes message `seq`, renumbering every later message down by
    /// one. Returns the UID of the removed message, if it was known.
    ///
    /// # Errors
    /// [`ModelError::NoSuchMessage`] when `seq` exceeds the message count.
    pub fn apply_expunge(&mut self, seq: SeqNum) -> Result<Option<Uid>, ModelError> {
        let n = seq.get();
        if n > self.len() {
            return Err(ModelError::NoSuchMessage {
                seq,
                exists: self.len(),
            });
        }
        let count = self.tree.summary().count;
        if n > count {
            self.tail -= 1;
            return Ok(None);
        }
        let uid = self.tree.edit(n, take_one);
        if n == count {
            self.settle_end();
        }
        Ok(uid)
    }

    /// Removes the messages whose UID is in `uids` and that the model knows by that UID,
    /// renumbering the rest. UIDs the model does not hold are ignored. Returns the removed
    /// messages, ascending, numbered as just before the removal.
    ///
    /// This is the plain UID-based removal; for a `VANISHED` response use
    /// [`SeqMap::apply_vanished_visible`], which also accounts for messages whose UID is not
    /// known yet. `*` in the set stands for the largest possible UID.
    pub fn apply_vanished(&mut self, uids: &UidSet) -> Vec<(SeqNum, Uid)> {
        let ranges = Spans::new(uids);
        let hits = self.tree.known_in(&ranges.ranges);
        let edits: Vec<Edit> = (hits.iter())
            .map(|&(first, _)| Edit {
                first,
                len: 1,
                gap: 0,
            })
            .collect();
        self.apply_edits(&edits);
        hits.into_iter().map(|(s, u)| (seq_num(s), u)).collect()
    }

    /// Applies `VANISHED uids` (without `EARLIER`) as RFC 7162 section 3.2.10.2 defines it:
    /// every listed UID names a message visible in this session, so each one removes a message.
    ///
    /// A UID the model knows removes that message. A UID it does not know must belong to a
    /// message of unknown UID lying between the known neighbours of that UID (UIDs ascend with
    /// sequence numbers). For each such run of unknown messages: if the response lists as many
    /// UIDs for it as it holds messages, all of them go, each paired with its UID; if fewer, that
    /// many messages of the run go (the model removes the last ones), and since it cannot tell
    /// which, it forgets the flags and MODSEQ of the run's survivors and reports the run as
    /// [`Vanished::uncertain`]. Listed UIDs that no visible message can have (between adjacent
    /// known messages, or more than a run holds) are counted in [`Vanished::unmatched`] and
    /// ignored; where a run received more UIDs than it holds, all its messages go, reported
    /// with unknown UID.
    ///
    /// When every UID of the mailbox is known this is exactly [`SeqMap::apply_vanished`].
    /// Costs as [`SeqMap::apply_vanished`]; a run of unknown UIDs removed whole costs one
    /// [`RemovedRun`] whatever its length, so the result grows with the known messages and the
    /// ranges listed, never with the message count.
    pub fn apply_vanished_visible(&mut self, uids: &UidSet) -> Vanished {
        let ranges = Spans::new(uids);
        let hits = self.tree.known_in(&ranges.ranges);
        let mut edits: Vec<Edit> = (hits.iter())
            .map(|&(first, _)| Edit {
                first,
                len: 1,
                gap: 0,
            })
            .collect();
        let mut removed: Vec<MessageRef> = (hits.iter())
            .map(|&(s, uid)| MessageRef {
                seq: seq_num(s),
                uid: Some(uid),
            })
            .collect();
        let mut matched = hits.len() as u64;
        let mut tail_kill = 0u32;
        let mut uncertain = Vec::new();
        let mut removed_runs = Vec::new();
        let count = self.tree.summary().count;

        if self.unknown_uids() > 0 && ranges.total() > matched {
            for gap in self.gaps(&ranges, &hits) {
                // The run lies after the left neighbour and before the right one.
                let before = gap.left.map_or(0, |(_, s)| s);
                let upto = gap.right.map_or(count, |(_, s)| s - 1);
                let tail_part = if gap.right.is_none() { self.tail } else { 0 };
                let in_tree = upto - before;
                let size = in_tree + tail_part;
                if size == 0 {
                    continue;
                }
                let lo = gap.left.map_or(0, |(u, _)| u64::from(u.get()));
                let hi = gap.right.map_or(1 << 32, |(u, _)| u64::from(u.get()));
                let listed = ranges.count(lo + 1, hi - 1);
                if listed == 0 {
                    continue;
                }
                let first = before + 1;
                if listed >= u64::from(size) {
                    // The whole run went, as one run however long (in the tree and in the
                    // tail alike); with exactly as many UIDs, each pairs with its message.
                    matched += u64::from(size);
                    let exact = listed == u64::from(size);
                    removed_runs.push(RemovedRun {
                        first: seq_num(first),
                        count: size,
                        uids: exact.then(|| ranges.clipped(lo + 1, hi - 1)),
                    });
                    edits.push(Edit {
                        first,
                        len: in_tree,
                        gap: 0,
                    });
                    tail_kill += tail_part;
                } else {
                    // `listed` < `size` <= u32::MAX. The last messages of the run go (from the
                    // tail first); the survivors in the tree become one run of unknowns.
                    let count = listed as u32;
                    matched += listed;
                    let from_tail = count.min(tail_part);
                    let from_tree = count - from_tail;
                    edits.push(Edit {
                        first,
                        len: in_tree,
                        gap: in_tree - from_tree,
                    });
                    tail_kill += from_tail;
                    uncertain.push(UncertainRun {
                        first: seq_num(first),
                        count: size,
                        uids: ranges.clipped(lo + 1, hi - 1),
                    });
                }
            }
        }

        edits.retain(|e| e.len > 0);
        edits.sort_unstable_by_key(|e| e.first);
        self.apply_edits(&edits);
        self.tail -= tail_kill;
        removed.sort_unstable_by_key(|m| m.seq);
        Vanished {
            removed,
            removed_runs,
            uncertain,
            unmatched: ranges.total() - matched,
        }
    }

    /// Records what a FETCH response told about message `seq`: its UID, its flags (the full
    /// list, replacing what was known) and its MODSEQ, each where present.
    ///
    /// # Errors
    /// - [`ModelError::NoSuchMessage`] when `seq` exceeds the message count;
    /// - [`ModelError::UidChanged`] when the message already has another UID;
    /// - [`ModelError::DuplicateUid`] when another message has that UID;
    /// - [`ModelError::UidOutOfOrder`] when the UID contradicts ascending UID order;
    /// - [`ModelError::TooManyMessages`] when recording would pass the limit.
    pub fn apply_fetch(
        &mut self,
        seq: SeqNum,
        uid: Option<Uid>,
        flags: Option<Vec<Flag>>,
        modseq: Option<u64>,
    ) -> Result<Fetched, ModelError> {
        let n = seq.get();
        if n > self.len() {
            return Err(ModelError::NoSuchMessage {
                seq,
                exists: self.len(),
            });
        }
        let held = self.held(n);
        let is_held = held.is_some();
        let known = held.and_then(|m| m.uid);
        if let Some(u) = uid {
            match known {
                Some(k) if k != u => {
                    return Err(ModelError::UidChanged {
                        seq,
                        known: k,
                        received: u,
                    });
                }
                Some(_) => {}
                None => self.check_new_uid(seq, u)?,
            }
        }

        let learn = uid.filter(|_| known.is_none());
        if !is_held && learn.is_none() && flags.is_none() && modseq.is_none() {
            return Ok(Fetched {
                message: MessageRef { seq, uid: known },
                uid_learned: false,
                flags_changed: false,
                modseq_changed: false,
            });
        }
        if !is_held && self.tree.summary().held >= self.limit {
            return Err(ModelError::TooManyMessages {
                seq,
                limit: self.limit,
            });
        }

        let count = self.tree.summary().count;
        let (flags_changed, modseq_changed) = if n > count {
            // Past the tree: the messages before it leave the tail as one run.
            let mut m = Msg::default();
            let changed = record(&mut m, learn, flags, modseq);
            let skipped = n - count - 1;
            self.tree.edit(count + 1, |items, _| {
                if skipped > 0 {
                    items.push(Item::Gap(skipped));
                }
                items.push(Item::Msg(m));
            });
            self.tail -= n - count;
            changed
        } else {
            self.tree.edit(n, |items, at| match &mut items[at.index] {
                Item::Msg(m) => record(m, learn, flags, modseq),
                Item::Gap(k) => {
                    // Split the run around the message.
                    let (before, after) = (at.offset, *k - at.offset - 1);
                    let mut m = Msg::default();
                    let changed = record(&mut m, learn, flags, modseq);
                    let parts = [Item::Gap(before), Item::Msg(m), Item::Gap(after)];
                    let parts = parts.into_iter().filter(|i| i.count() > 0);
                    items.splice(at.index..=at.index, parts);
                    changed
                }
            })
        };
        Ok(Fetched {
            message: MessageRef {
                seq,
                uid: known.or(learn),
            },
            uid_learned: learn.is_some(),
            flags_changed,
            modseq_changed,
        })
    }

    /// Checks every invariant listed in the [module documentation](self), in O(n); for tests
    /// and fuzzing.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.tree.check()?;
        let count = self.tree.summary().count;
        if let Some((Item::Gap(_), _)) = self.tree.get(count) {
            return Err("the tree ends with a run of unknown messages".into());
        }
        if u64::from(count) + u64::from(self.tail) > u64::from(u32::MAX) {
            return Err("message count overflows".into());
        }
        let listed = self.tree.items().map(|i| u64::from(i.count())).sum::<u64>();
        if listed != u64::from(count) {
            return Err(format!(
                "items hold {listed} messages, the tree says {count}"
            ));
        }
        Ok(())
    }

    /// The message `n` if the tree holds it.
    fn held(&self, n: u32) -> Option<&Msg> {
        match self.tree.get(n)? {
            (Item::Msg(m), _) => Some(m),
            (Item::Gap(_), _) => None,
        }
    }

    /// Moves runs of unknown messages at the end of the tree to the tail.
    fn settle_end(&mut self) {
        loop {
            let count = self.tree.summary().count;
            let Some((Item::Gap(k), _)) = self.tree.get(count) else {
                return;
            };
            let k = *k;
            self.tree.edit(count, |items, at| items.remove(at.index));
            self.tail += k;
        }
    }

    /// Applies `edits` (ascending, disjoint, within the tree): one at a time from the last
    /// when they are few, else by rebuilding the tree in one pass.
    fn apply_edits(&mut self, edits: &[Edit]) {
        let bulk = edits.len() * 16 >= self.tree.summary().held as usize;
        self.apply_edits_by(edits, bulk);
    }

    /// [`SeqMap::apply_edits`], one at a time or (`bulk`) by rebuilding the tree.
    fn apply_edits_by(&mut self, edits: &[Edit], bulk: bool) {
        if edits.is_empty() {
            return;
        }
        if !bulk {
            for e in edits.iter().rev() {
                let mut rest = e.len;
                while rest > 0 {
                    let removed = self
                        .tree
                        .edit(e.first, |items, at| take_many(items, at, rest));
                    if removed == 0 {
                        break;
                    }
                    rest -= removed;
                }
                if e.gap > 0 {
                    self.tree
                        .edit(e.first, |items, at| put_gap(items, at, e.gap));
                }
            }
        } else {
            let items = std::mem::take(&mut self.tree).into_items();
            self.tree = SeqTree::from_items(rewrite(items, edits));
        }
        self.settle_end();
    }

    /// Checks that `uid`, not yet known for message `seq`, agrees with the messages of known
    /// UID.
    fn check_new_uid(&self, seq: SeqNum, uid: Uid) -> Result<(), ModelError> {
        let n = seq.get();
        let sum = self.tree.summary();
        // Fast path, UIDs told in ascending order: above every known UID, after the tree.
        if sum.max_uid < uid.get() && n > sum.count {
            return Ok(());
        }
        if let Some(other) = self.tree.seq_of(uid) {
            return Err(ModelError::DuplicateUid {
                seq,
                uid,
                other: seq_num(other),
            });
        }
        if let Some((pu, ps)) = self.tree.below(uid)
            && ps > n
        {
            return Err(ModelError::UidOutOfOrder {
                seq,
                uid,
                other: seq_num(ps),
                other_uid: pu,
            });
        }
        if let Some((su, ss)) = self.tree.above(uid)
            && ss < n
        {
            return Err(ModelError::UidOutOfOrder {
                seq,
                uid,
                other: seq_num(ss),
                other_uid: su,
            });
        }
        Ok(())
    }

    /// The runs between consecutive known UIDs (or the mailbox's ends) that the ranges touch,
    /// ascending and without repeats. `hits` are the known UIDs inside the ranges, as
    /// `(seq, uid)`.
    fn gaps(&self, ranges: &Spans, hits: &[(u32, Uid)]) -> Vec<Gap> {
        let mut gaps: Vec<Gap> = Vec::new();
        let push = |gaps: &mut Vec<Gap>, left, right| {
            if gaps.last().is_none_or(|g: &Gap| g.left != left) {
                gaps.push(Gap { left, right });
            }
        };
        let mut h = 0usize;
        for &(a, b) in &ranges.ranges {
            let mut left = self.tree.below(uid_of(a));
            while h < hits.len() && hits[h].1.get() <= b {
                let k = Some((hits[h].1, hits[h].0));
                push(&mut gaps, left, k);
                left = k;
                h += 1;
            }
            let right = self.tree.above(uid_of(b));
            push(&mut gaps, left, right);
        }
        gaps
    }
}

/// A run of messages between two consecutive known UIDs: the known neighbours as
/// `(uid, seq)`, `None` for the start or the end of the mailbox.
#[derive(Clone, Copy, Debug)]
struct Gap {
    left: Option<(Uid, u32)>,
    right: Option<(Uid, u32)>,
}

/// The messages of a [`SeqMap`] in sequence order: `(seq, uid, flags)`, see [`SeqMap::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    items: Items<'a>,
    /// Messages left in the current run of unknowns.
    gap: u32,
    next: u32,
    remaining: u32,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (SeqNum, Option<Uid>, Option<&'a [Flag]>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        let seq = seq_num(self.next);
        self.next = self.next.saturating_add(1);
        self.remaining -= 1;
        if self.gap > 0 {
            self.gap -= 1;
            return Some((seq, None, None));
        }
        match self.items.next() {
            Some(Item::Msg(m)) => Some((seq, m.uid, m.flags())),
            Some(Item::Gap(k)) => {
                self.gap = k - 1;
                Some((seq, None, None))
            }
            None => Some((seq, None, None)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining as usize, Some(self.remaining as usize))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a SeqMap {
    type Item = (SeqNum, Option<Uid>, Option<&'a [Flag]>);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Bound, NumSet, SetItem, UidRanges};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn s(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    fn u(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    /// A VANISHED result with the removed run listed message by message (the reference
    /// model has no tail to tell apart), sorted.
    fn flat(v: Vanished) -> (Vec<MessageRef>, Vec<UncertainRun>, u64) {
        let mut all: Vec<MessageRef> = v.messages().collect();
        all.sort_by_key(|m| m.seq);
        (all, v.uncertain, v.unmatched)
    }

    /// A UID set of inclusive ranges.
    fn set(items: &[(u32, u32)]) -> UidSet {
        NumSet::new(
            items
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        SetItem::Single(Bound::Value(u(a)))
                    } else {
                        SetItem::Range(Bound::Value(u(a)), Bound::Value(u(b)))
                    }
                })
                .collect(),
        )
        .unwrap()
    }

    /// The UIDs in sequence order, 0 for unknown.
    fn uids(m: &SeqMap) -> Vec<u32> {
        m.iter().map(|(_, u, _)| u.map_or(0, Uid::get)).collect()
    }

    /// A map holding messages with these UIDs (0 for unknown).
    fn map_with(uids: &[u32]) -> SeqMap {
        let mut m = SeqMap::new();
        m.apply_exists(uids.len() as u32).unwrap();
        for (i, &x) in uids.iter().enumerate() {
            if x != 0 {
                m.apply_fetch(s(i as u32 + 1), Some(u(x)), None, None)
                    .unwrap();
            }
        }
        m.check_invariants().unwrap();
        m
    }

    fn mref(seq: u32, uid: Option<u32>) -> MessageRef {
        MessageRef {
            seq: s(seq),
            uid: uid.map(u),
        }
    }

    #[test]
    fn expunge_burst_3_3_3() {
        let mut m = map_with(&[10, 20, 30, 40, 50, 60]);
        assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(30))));
        assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(40))));
        assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(50))));
        assert_eq!(uids(&m), [10, 20, 60]);
        assert_eq!(m.seq(u(60)), Some(s(3)));
        assert_eq!(m.seq(u(40)), None);
        m.check_invariants().unwrap();
    }

    #[test]
    fn expunge_high_to_low_equals_low_to_high() {
        // RFC 9051 section 7.5.1: the last 5 of 9 messages, either way round.
        let mut up = map_with(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let mut down = up.clone();
        for _ in 0..5 {
            up.apply_expunge(s(5)).unwrap();
        }
        for n in (5..=9).rev() {
            down.apply_expunge(s(n)).unwrap();
        }
        assert_eq!(uids(&up), [1, 2, 3, 4]);
        assert_eq!(uids(&down), uids(&up));
        up.check_invariants().unwrap();
        down.check_invariants().unwrap();
    }

    #[test]
    fn expunge_last_then_exists() {
        let mut m = map_with(&[10, 20, 30]);
        assert_eq!(m.apply_expunge(s(3)), Ok(Some(u(30))));
        m.check_invariants().unwrap();
        assert_eq!(m.apply_exists(3), Ok(1));
        assert_eq!(uids(&m), [10, 20, 0]);
        assert_eq!(m.uid(s(3)), None);
        m.apply_fetch(s(3), Some(u(31)), None, None).unwrap();
        assert_eq!(uids(&m), [10, 20, 31]);
        assert_eq!(m.seq(u(31)), Some(s(3)));
        m.check_invariants().unwrap();
    }

    #[test]
    fn expunge_beyond_exists_is_error() {
        let mut m = map_with(&[10, 20, 30]);
        assert_eq!(
            m.apply_expunge(s(4)),
            Err(ModelError::NoSuchMessage {
                seq: s(4),
                exists: 3
            })
        );
        assert_eq!(uids(&m), [10, 20, 30]);
        let mut empty = SeqMap::new();
        assert!(empty.apply_expunge(s(1)).is_err());
        assert_eq!(empty.len(), 0);
    }

    #[test]
    fn exists_never_shrinks() {
        let mut m = map_with(&[10, 20, 30]);
        assert_eq!(
            m.apply_exists(2),
            Err(ModelError::ExistsShrank {
                exists: 3,
                received: 2
            })
        );
        assert_eq!(m.apply_exists(3), Ok(0));
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn unknown_uids_filled_later() {
        let mut m = SeqMap::new();
        m.apply_exists(5).unwrap();
        assert_eq!(m.unknown_uids(), 5);
        assert_eq!(uids(&m), [0, 0, 0, 0, 0]);
        let f = m.apply_fetch(s(5), Some(u(50)), None, None).unwrap();
        assert!(f.uid_learned);
        m.apply_fetch(s(1), Some(u(10)), None, None).unwrap();
        m.apply_fetch(s(3), Some(u(30)), Some(vec![Flag::Seen]), Some(7))
            .unwrap();
        assert_eq!(uids(&m), [10, 0, 30, 0, 50]);
        assert_eq!(m.unknown_uids(), 2);
        // A later FETCH without UID still names the message by its known UID.
        let f = m
            .apply_fetch(s(3), None, Some(vec![Flag::Seen]), None)
            .unwrap();
        assert_eq!(f.message, mref(3, Some(30)));
        assert!(!f.uid_learned && !f.flags_changed && !f.modseq_changed);
        // Expunging an unknown message renumbers the known ones.
        assert_eq!(m.apply_expunge(s(2)), Ok(None));
        assert_eq!(m.seq(u(30)), Some(s(2)));
        assert_eq!(m.flags(s(2)), Some(&[Flag::Seen][..]));
        assert_eq!(m.modseq(s(2)), Some(7));
        m.apply_fetch(s(3), Some(u(40)), None, None).unwrap();
        assert_eq!(uids(&m), [10, 30, 40, 50]);
        m.check_invariants().unwrap();
    }

    #[test]
    fn contradicting_uids_are_errors() {
        let mut m = map_with(&[10, 0, 30]);
        assert_eq!(
            m.apply_fetch(s(2), Some(u(40)), None, None),
            Err(ModelError::UidOutOfOrder {
                seq: s(2),
                uid: u(40),
                other: s(3),
                other_uid: u(30)
            })
        );
        assert_eq!(
            m.apply_fetch(s(2), Some(u(5)), None, None),
            Err(ModelError::UidOutOfOrder {
                seq: s(2),
                uid: u(5),
                other: s(1),
                other_uid: u(10)
            })
        );
        assert_eq!(
            m.apply_fetch(s(2), Some(u(30)), None, None),
            Err(ModelError::DuplicateUid {
                seq: s(2),
                uid: u(30),
                other: s(3)
            })
        );
        assert_eq!(
            m.apply_fetch(s(1), Some(u(11)), None, None),
            Err(ModelError::UidChanged {
                seq: s(1),
                known: u(10),
                received: u(11)
            })
        );
        assert_eq!(
            m.apply_fetch(s(4), Some(u(40)), None, None),
            Err(ModelError::NoSuchMessage {
                seq: s(4),
                exists: 3
            })
        );
        // Refused responses change nothing, even their flags.
        assert!(
            m.apply_fetch(s(2), Some(u(40)), Some(vec![Flag::Seen]), None)
                .is_err()
        );
        assert_eq!(m.flags(s(2)), None);
        assert_eq!(uids(&m), [10, 0, 30]);
        // The same UID again is fine.
        assert!(m.apply_fetch(s(1), Some(u(10)), None, None).is_ok());
        m.check_invariants().unwrap();
    }

    #[test]
    fn only_live_messages_constrain_new_uids() {
        // The model checks UIDs against the messages that exist now (a server reusing an
        // expunged UID is not detected), whatever expunged entries its index still holds.
        let mut m = map_with(&[50, 0, 0]);
        assert_eq!(m.apply_expunge(s(1)), Ok(Some(u(50))));
        m.apply_fetch(s(2), Some(u(40)), None, None).unwrap();
        assert_eq!(
            m.apply_fetch(s(1), Some(u(60)), None, None),
            Err(ModelError::UidOutOfOrder {
                seq: s(1),
                uid: u(60),
                other: s(2),
                other_uid: u(40)
            })
        );
        m.apply_fetch(s(1), Some(u(30)), None, None).unwrap();
        assert_eq!(m.seq(u(50)), None);
        assert_eq!(uids(&m), [30, 40]);
        m.check_invariants().unwrap();
    }

    #[test]
    fn new_messages_cost_nothing_until_fetched() {
        let mut m = SeqMap::new();
        m.apply_exists(u32::MAX).unwrap();
        assert_eq!(m.len(), u32::MAX);
        assert_eq!(m.uid(s(123_456)), None);
        let f = m.apply_fetch(s(4_000_000_000), None, None, None).unwrap();
        assert_eq!(f.message, mref(4_000_000_000, None));
        assert_eq!(m.tree.summary().held, 0);
        assert_eq!(m.apply_expunge(s(4_000_000_000)), Ok(None));
        assert_eq!(m.len(), u32::MAX - 1);
        m.check_invariants().unwrap();
    }

    #[test]
    fn limit_bounds_held_messages_not_their_numbers() {
        let mut m = SeqMap::with_limit(3);
        m.apply_exists(100).unwrap();
        // Sequence numbers far apart cost one held message each.
        for (seq, uid) in [(90, 90), (5, 5), (50, 50)] {
            m.apply_fetch(s(seq), Some(u(uid)), None, None).unwrap();
        }
        assert_eq!(m.tree.summary().held, 3);
        assert_eq!(
            m.apply_fetch(s(11), Some(u(11)), None, None),
            Err(ModelError::TooManyMessages {
                seq: s(11),
                limit: 3
            })
        );
        // What is held can still change.
        m.apply_fetch(s(50), None, Some(vec![Flag::Seen]), None)
            .unwrap();
        // An expunge frees room.
        assert_eq!(m.apply_expunge(s(5)), Ok(Some(u(5))));
        m.apply_fetch(s(10), Some(u(11)), None, None).unwrap();
        assert_eq!(uids(&m)[..11], [0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0]);
        assert_eq!(SeqMap::with_limit(u32::MAX).limit(), MAX_LIMIT);
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_removes_known_uids_with_pre_response_numbers() {
        let mut m = map_with(&[10, 20, 30, 40, 50]);
        assert_eq!(
            m.apply_vanished(&set(&[(20, 20), (40, 45)])),
            vec![(s(2), u(20)), (s(4), u(40))]
        );
        assert_eq!(uids(&m), [10, 30, 50]);
        assert_eq!(m.apply_vanished(&set(&[(15, 15), (60, 70)])), vec![]);
        assert_eq!(uids(&m), [10, 30, 50]);
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_plain_ignores_unknown_uids() {
        let mut m = map_with(&[10, 20, 0]);
        assert_eq!(m.apply_vanished(&set(&[(25, 25)])), vec![]);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn vanished_names_a_new_arrival_of_unknown_uid() {
        // RFC 7162 section 3.2.10.2: a message announced by EXISTS, expunged before the client
        // fetched its UID, is reported by UID and must still decrement the count.
        let mut m = map_with(&[10, 20, 0]);
        let v = m.apply_vanished_visible(&set(&[(25, 25)]));
        assert_eq!(flat(v.clone()).0, vec![mref(3, Some(25))]);
        assert!(v.uncertain.is_empty());
        assert_eq!(v.unmatched, 0);
        assert_eq!(uids(&m), [10, 20]);
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_in_a_run_of_unknown_uids_is_uncertain() {
        let mut m = map_with(&[10, 0, 0, 0, 50]);
        m.apply_fetch(s(2), None, Some(vec![Flag::Seen]), Some(3))
            .unwrap();
        let v = m.apply_vanished_visible(&set(&[(30, 30), (50, 50)]));
        assert_eq!(v.removed, vec![mref(5, Some(50))]);
        assert_eq!(
            v.uncertain,
            vec![UncertainRun {
                first: s(2),
                count: 3,
                uids: [u(30)].into_iter().collect()
            }]
        );
        assert_eq!(v.removed_count(), 2);
        assert_eq!(uids(&m), [10, 0, 0]);
        // Which message went is unknown, so the run's flags are no longer attributable.
        assert_eq!(m.flags(s(2)), None);
        assert_eq!(m.modseq(s(2)), None);
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_counts_uids_no_message_can_have() {
        let mut m = map_with(&[10, 11, 0, 0]);
        // 5 lies before 10 with no message in between; 12 and 13 fill the unknown run exactly.
        let v = m.apply_vanished_visible(&set(&[(5, 5), (12, 13)]));
        assert_eq!(
            flat(v.clone()).0,
            vec![mref(3, Some(12)), mref(4, Some(13))]
        );
        assert_eq!(v.unmatched, 1);
        assert_eq!(uids(&m), [10, 11]);
        // Everything unknown (just selected): more UIDs than messages removes them all.
        let mut m = SeqMap::new();
        m.apply_exists(5).unwrap();
        let v = m.apply_vanished_visible(&set(&[(1, 1000)]));
        assert_eq!(v.messages().count(), 5);
        assert!(v.messages().all(|r| r.uid.is_none()));
        assert_eq!(v.unmatched, 995);
        assert!(m.is_empty());
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_of_whole_runs_between_known_messages_lists_each_run_once() {
        let mut m = SeqMap::new();
        m.apply_exists(1_000_000).unwrap();
        m.apply_fetch(s(500_000), Some(u(500_000)), None, None)
            .unwrap();
        m.apply_fetch(s(1_000_000), Some(u(2_000_000)), None, None)
            .unwrap();
        m.apply_exists(1_000_010).unwrap();
        let v = m.apply_vanished_visible(&set(&[(1, 499_999), (600_000, 2_000_010)]));
        let run = |first, count, uids: Option<(u32, u32)>| RemovedRun {
            first: s(first),
            count,
            uids: uids.map(|(a, b)| UidRanges::from_ranges([(a, b)])),
        };
        // Before the first known message (exact), between the two (more UIDs than messages),
        // and the never-fetched tail (exact).
        assert_eq!(
            v.removed_runs,
            vec![
                run(1, 499_999, Some((1, 499_999))),
                run(500_001, 499_999, None),
                run(1_000_001, 10, Some((2_000_001, 2_000_010))),
            ]
        );
        assert_eq!(v.removed, vec![mref(1_000_000, Some(2_000_000))]);
        assert_eq!(v.unmatched, 1_400_000 - 499_999);
        assert_eq!(v.removed_count(), 1_000_009);
        assert_eq!(uids(&m), [500_000]);
        let all: Vec<MessageRef> = v.messages().collect();
        assert_eq!(all.len(), 1_000_009);
        assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
        assert_eq!(all[999_998], mref(1_000_000, Some(2_000_000)));
        m.check_invariants().unwrap();
    }

    #[test]
    fn vanished_star_means_the_largest_uid() {
        let star: UidSet =
            NumSet::new(vec![SetItem::Range(Bound::Value(u(15)), Bound::Star)]).unwrap();
        let mut m = map_with(&[10, 20, 0]);
        let v = m.apply_vanished_visible(&star);
        assert_eq!(flat(v).0, vec![mref(2, Some(20)), mref(3, None)]);
        assert_eq!(uids(&m), [10]);
        let mut m = map_with(&[10, 20, 30]);
        assert_eq!(m.apply_vanished(&star), vec![(s(2), u(20)), (s(3), u(30))]);
        m.check_invariants().unwrap();
    }

    #[test]
    fn rfc7162_vanished_example() {
        // RFC 7162 section 3.2.10.2: "x" messages have UIDs the client does not know.
        let mut m = map_with(&[0, 504, 505, 507, 508, 0, 510, 0, 0, 0, 625]);
        let mut e = m.clone();
        let v = m.apply_vanished_visible(&set(&[(505, 505), (507, 507), (510, 510), (625, 625)]));
        assert_eq!(
            v.removed,
            vec![
                mref(3, Some(505)),
                mref(4, Some(507)),
                mref(7, Some(510)),
                mref(11, Some(625))
            ]
        );
        assert_eq!(v.unmatched, 0);
        // The same without QRESYNC: EXPUNGE 3, 3, 5, 8.
        for n in [3, 3, 5, 8] {
            e.apply_expunge(s(n)).unwrap();
        }
        assert_eq!(uids(&m), uids(&e));
        assert_eq!(uids(&m), [0, 504, 508, 0, 0, 0, 0]);
        let v = m.apply_vanished_visible(&set(&[(504, 504), (508, 508)]));
        assert_eq!(v.removed, vec![mref(2, Some(504)), mref(3, Some(508))]);
        assert_eq!(m.len(), 5);
        m.check_invariants().unwrap();
    }

    #[test]
    fn many_expunges_keep_the_mapping_and_the_tree_balanced() {
        let all: Vec<u32> = (1..=2000).map(|i| i * 2).collect();
        let mut m = map_with(&all);
        for i in 1..=1000 {
            // Remove every other message, front to back.
            assert_eq!(m.apply_expunge(s(i)), Ok(Some(u(i * 4 - 2))));
            if i % 97 == 0 {
                m.check_invariants().unwrap();
            }
        }
        assert_eq!(uids(&m), (1..=1000).map(|i| i * 4).collect::<Vec<_>>());
        for i in 1..=1000 {
            assert_eq!(m.seq(u(i * 4)), Some(s(i)));
        }
        // Then the rest, from the back: the tree shrinks to nothing.
        for i in (1..=1000).rev() {
            assert_eq!(m.apply_expunge(s(i)), Ok(Some(u(i * 4))));
        }
        assert!(m.is_empty());
        m.check_invariants().unwrap();
    }

    #[test]
    fn a_far_fetch_splits_a_run_and_an_expunge_joins_it_again() {
        let mut m = SeqMap::new();
        m.apply_exists(10_000_000).unwrap();
        m.apply_fetch(s(10_000_000), None, Some(vec![]), None)
            .unwrap();
        m.apply_fetch(s(5_000_000), Some(u(500)), None, None)
            .unwrap();
        m.check_invariants().unwrap();
        assert_eq!(m.seq(u(500)), Some(s(5_000_000)));
        assert_eq!(m.tree.summary().held, 2);
        assert_eq!(m.unknown_uids(), 9_999_999);
        // Expunges inside the runs renumber the messages after them.
        m.apply_expunge(s(1)).unwrap();
        m.apply_expunge(s(6_000_000)).unwrap();
        assert_eq!(m.seq(u(500)), Some(s(4_999_999)));
        assert_eq!(m.flags(s(9_999_998)), Some(&[][..]));
        // Removing the held message joins the runs on both sides.
        assert_eq!(m.apply_expunge(s(4_999_999)), Ok(Some(u(500))));
        assert_eq!(m.tree.items().count(), 2);
        // And removing the last one leaves only the tail.
        m.apply_expunge(s(9_999_997)).unwrap();
        assert_eq!(m.tree.items().count(), 0);
        assert_eq!(m.len(), 9_999_996);
        m.check_invariants().unwrap();
    }

    #[test]
    fn forget_and_clear() {
        let mut m = map_with(&[10, 20, 30]);
        m.forget_uids();
        assert_eq!(uids(&m), [0, 0, 0]);
        assert_eq!(m.seq(u(10)), None);
        m.check_invariants().unwrap();
        m.clear();
        assert!(m.is_empty());
        m.check_invariants().unwrap();
    }

    #[test]
    fn iter_and_find_uids() {
        let mut m = map_with(&[10, 0, 30]);
        m.apply_exists(5).unwrap();
        m.apply_fetch(s(2), None, Some(vec![Flag::Flagged]), None)
            .unwrap();
        let all: Vec<_> = m.iter().collect();
        assert_eq!(m.iter().len(), 5);
        assert_eq!(all[1], (s(2), None, Some(&[Flag::Flagged][..])));
        assert_eq!(all[4], (s(5), None, None));
        assert_eq!(
            m.find_uids(&set(&[(1, 20), (30, 40)])),
            vec![(s(1), u(10)), (s(3), u(30))]
        );
        assert_eq!((&m).into_iter().count(), 5);
    }

    // ---- The reference model: a plain vector, as naive as possible. ----

    #[derive(Clone, Debug, Default, PartialEq)]
    struct RefMsg {
        uid: Option<Uid>,
        flags: Option<Vec<Flag>>,
        modseq: Option<u64>,
    }

    #[derive(Clone, Debug, Default)]
    struct Reference {
        msgs: Vec<RefMsg>,
    }

    impl Reference {
        fn len(&self) -> u32 {
            self.msgs.len() as u32
        }

        fn exists(&mut self, n: u32) -> Result<u32, ModelError> {
            if n < self.len() {
                return Err(ModelError::ExistsShrank {
                    exists: self.len(),
                    received: n,
                });
            }
            let added = n - self.len();
            self.msgs.resize(n as usize, RefMsg::default());
            Ok(added)
        }

        fn expunge(&mut self, seq: SeqNum) -> Result<Option<Uid>, ModelError> {
            if seq.get() > self.len() {
                return Err(ModelError::NoSuchMessage {
                    seq,
                    exists: self.len(),
                });
            }
            Ok(self.msgs.remove(seq.get() as usize - 1).uid)
        }

        fn vanished(&mut self, set: &BTreeSet<u32>) -> Vec<(SeqNum, Uid)> {
            let hit = |m: &RefMsg| m.uid.is_some_and(|x| set.contains(&x.get()));
            let out = (self.msgs.iter().enumerate())
                .filter(|(_, m)| hit(m))
                .map(|(i, m)| (s(i as u32 + 1), m.uid.unwrap()))
                .collect();
            self.msgs.retain(|m| !hit(m));
            out
        }

        fn vanished_visible(&mut self, set: &BTreeSet<u32>) -> Vanished {
            let n = self.msgs.len();
            let mut remove = vec![false; n];
            let mut out = Vanished::default();
            let mut matched = 0u64;
            for (i, m) in self.msgs.iter().enumerate() {
                if let Some(x) = m.uid.filter(|x| set.contains(&x.get())) {
                    remove[i] = true;
                    out.removed.push(mref(i as u32 + 1, Some(x.get())));
                    matched += 1;
                }
            }
            let mut i = 0;
            while i < n {
                if self.msgs[i].uid.is_some() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < n && self.msgs[i].uid.is_none() {
                    i += 1;
                }
                let end = i;
                let lo = if start == 0 {
                    0
                } else {
                    u64::from(self.msgs[start - 1].uid.unwrap().get())
                };
                let hi = if end == n {
                    1 << 32
                } else {
                    u64::from(self.msgs[end].uid.unwrap().get())
                };
                let members: Vec<u32> = (set.iter())
                    .filter(|&&x| lo < u64::from(x) && u64::from(x) < hi)
                    .copied()
                    .collect();
                let (g, c) = (end - start, members.len());
                if c == 0 {
                    continue;
                }
                if c >= g {
                    matched += g as u64;
                    for k in 0..g {
                        remove[start + k] = true;
                        let uid = (c == g).then(|| members[k]);
                        out.removed.push(mref((start + k) as u32 + 1, uid));
                    }
                } else {
                    matched += c as u64;
                    for m in &mut self.msgs[start..end - c] {
                        m.flags = None;
                        m.modseq = None;
                    }
                    remove[end - c..end].fill(true);
                    out.uncertain.push(UncertainRun {
                        first: s(start as u32 + 1),
                        count: g as u32,
                        uids: members.into_iter().map(u).collect(),
                    });
                }
            }
            out.removed.sort_by_key(|m| m.seq);
            let mut k = 0;
            self.msgs.retain(|_| {
                k += 1;
                !remove[k - 1]
            });
            out.unmatched = set.len() as u64 - matched;
            out
        }

        fn fetch(
            &mut self,
            seq: SeqNum,
            uid: Option<Uid>,
            flags: Option<Vec<Flag>>,
            modseq: Option<u64>,
        ) -> Result<Fetched, ModelError> {
            if seq.get() > self.len() {
                return Err(ModelError::NoSuchMessage {
                    seq,
                    exists: self.len(),
                });
            }
            let i = seq.get() as usize - 1;
            let at = |j: usize| s(j as u32 + 1);
            if let Some(x) = uid {
                match self.msgs[i].uid {
                    Some(k) if k != x => {
                        return Err(ModelError::UidChanged {
                            seq,
                            known: k,
                            received: x,
                        });
                    }
                    Some(_) => {}
                    None => {
                        let known = || {
                            (self.msgs.iter().enumerate())
                                .filter_map(|(j, m)| m.uid.map(|v| (j, v)))
                        };
                        if let Some((j, _)) = known().find(|&(_, v)| v == x) {
                            return Err(ModelError::DuplicateUid {
                                seq,
                                uid: x,
                                other: at(j),
                            });
                        }
                        if let Some((j, v)) = known().filter(|&(_, v)| v < x).max_by_key(|p| p.1)
                            && j > i
                        {
                            return Err(ModelError::UidOutOfOrder {
                                seq,
                                uid: x,
                                other: at(j),
                                other_uid: v,
                            });
                        }
                        if let Some((j, v)) = known().filter(|&(_, v)| v > x).min_by_key(|p| p.1)
                            && j < i
                        {
                            return Err(ModelError::UidOutOfOrder {
                                seq,
                                uid: x,
                                other: at(j),
                                other_uid: v,
                            });
                        }
                    }
                }
            }
            let m = &mut self.msgs[i];
            let uid_learned = uid.is_some() && m.uid.is_none();
            if uid_learned {
                m.uid = uid;
            }
            let flags_changed = flags
                .as_ref()
                .is_some_and(|f| m.flags.as_deref().is_none_or(|old| !same_flags(old, f)));
            if flags.is_some() {
                m.flags = flags;
            }
            let modseq_changed = modseq.is_some() && m.modseq != modseq;
            if modseq.is_some() {
                m.modseq = modseq;
            }
            Ok(Fetched {
                message: MessageRef { seq, uid: m.uid },
                uid_learned,
                flags_changed,
                modseq_changed,
            })
        }

        /// A UID for message `seq` that keeps the order, if there is room for one.
        fn fitting_uid(&self, seq: SeqNum, pick: u32) -> Uid {
            let i = (seq.get() as usize - 1).min(self.msgs.len());
            if let Some(x) = self.msgs.get(i).and_then(|m| m.uid) {
                return x;
            }
            let lo = self.msgs[..i]
                .iter()
                .filter_map(|m| m.uid)
                .map(Uid::get)
                .max()
                .unwrap_or(0);
            let hi = (self.msgs.get(i + 1..).unwrap_or_default().iter())
                .filter_map(|m| m.uid)
                .map(Uid::get)
                .min()
                .unwrap_or(1001);
            if hi > lo + 1 {
                u(lo + 1 + pick % (hi - lo - 1))
            } else {
                u(lo + 1)
            }
        }
    }

    #[derive(Clone, Debug)]
    enum Op {
        Grow(u32),
        /// Many new messages at once: later FETCHes land far apart, in runs of unknowns.
        Leap(u32),
        Exists(u32),
        Expunge(u32),
        Vanished(Vec<(u32, u32)>),
        VanishedVisible(Vec<(u32, u32)>),
        FetchUid(u32, u32),
        FetchFittingUid(u32, u32),
        FetchFlags(u32, u8, Option<u64>),
        Forget,
    }

    fn ranges() -> impl Strategy<Value = Vec<(u32, u32)>> {
        proptest::collection::vec(
            prop_oneof![
                4 => (1u32..1000, 0u32..4).prop_map(|(a, l)| (a, a + l)),
                1 => (1u32..1000, 0u32..200).prop_map(|(a, l)| (a + l, a)),
            ],
            1..4,
        )
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u32..6).prop_map(Op::Grow),
            1 => (0u32..300).prop_map(Op::Leap),
            1 => (0u32..40).prop_map(Op::Exists),
            6 => any::<u32>().prop_map(Op::Expunge),
            2 => ranges().prop_map(Op::Vanished),
            3 => ranges().prop_map(Op::VanishedVisible),
            2 => (any::<u32>(), 1u32..1000).prop_map(|(p, x)| Op::FetchUid(p, x)),
            8 => (any::<u32>(), any::<u32>()).prop_map(|(p, x)| Op::FetchFittingUid(p, x)),
            3 => (any::<u32>(), any::<u8>(), proptest::option::of(1u64..4))
                .prop_map(|(p, f, m)| Op::FetchFlags(p, f, m)),
            1 => Just(Op::Forget),
        ]
    }

    fn flags_from(bits: u8) -> Vec<Flag> {
        [
            Flag::Seen,
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Draft,
        ]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, f)| f)
        .collect()
    }

    /// Ours and the reference hold the same messages, and ours keeps its invariants.
    fn assert_same(ours: &SeqMap, r: &Reference) -> Result<(), TestCaseError> {
        ours.check_invariants().map_err(TestCaseError::fail)?;
        prop_assert_eq!(ours.len(), r.len());
        let got: Vec<_> = ours
            .iter()
            .map(|(q, x, f)| (q.get(), x, f.map(<[Flag]>::to_vec)))
            .collect();
        let want: Vec<_> = (r.msgs.iter().enumerate())
            .map(|(i, m)| (i as u32 + 1, m.uid, m.flags.clone()))
            .collect();
        prop_assert_eq!(got, want);
        let mut known = Vec::new();
        for (i, m) in r.msgs.iter().enumerate() {
            let seq = s(i as u32 + 1);
            prop_assert_eq!(ours.uid(seq), m.uid);
            prop_assert_eq!(ours.modseq(seq), m.modseq);
            if let Some(x) = m.uid {
                prop_assert_eq!(ours.seq(x), Some(seq));
                known.push((seq, x));
            }
        }
        prop_assert_eq!(ours.find_uids(&set(&[(1, u32::MAX)])), known.clone());
        prop_assert_eq!(ours.unknown_uids() as usize, r.msgs.len() - known.len());
        Ok(())
    }

    fn pick(raw: u32, len: u32) -> SeqNum {
        s(1 + raw % (len + 2))
    }

    /// A map of `len` messages holding those of `held` (seq, uid or 0, flagged).
    fn sparse(len: u32, held: &BTreeMap<u32, (u32, bool)>) -> SeqMap {
        let mut m = SeqMap::new();
        m.apply_exists(len).unwrap();
        let mut last_uid = 0;
        for (&seq, &(uid, flagged)) in held.range(1..=len) {
            let uid = (uid > last_uid).then(|| {
                last_uid = uid;
                u(uid)
            });
            let flags = flagged.then(|| vec![Flag::Flagged]);
            m.apply_fetch(s(seq), uid, flags, None).ok();
        }
        m.check_invariants().unwrap();
        m
    }

    /// Everything observable of a map.
    fn contents(m: &SeqMap) -> Vec<(u32, Option<Uid>, Option<Vec<Flag>>)> {
        m.iter()
            .map(|(q, x, f)| (q.get(), x, f.map(<[Flag]>::to_vec)))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn edits_one_at_a_time_equal_a_rebuild(
            len in 1u32..400,
            held in proptest::collection::btree_map(1u32..400, (0u32..2000, any::<bool>()), 0..120),
            cuts in proptest::collection::vec((0u32..400, 1u32..20, 0u32..20), 0..12),
        ) {
            let m = sparse(len, &held);
            let count = m.tree.summary().count;
            // Disjoint edits within the tree, ascending.
            let mut edits = Vec::new();
            let mut next = 1u32;
            for (skip, n, gap) in cuts {
                let first = next + skip % 40;
                if first > count {
                    break;
                }
                let n = n.min(count + 1 - first);
                edits.push(Edit { first, len: n, gap: gap.min(n) });
                next = first + n;
            }
            let mut one = m.clone();
            one.apply_edits_by(&edits, false);
            let mut all = m.clone();
            all.apply_edits_by(&edits, true);
            one.check_invariants().map_err(TestCaseError::fail)?;
            all.check_invariants().map_err(TestCaseError::fail)?;
            prop_assert_eq!(one.len(), all.len());
            prop_assert_eq!(contents(&one), contents(&all));
            let removed: u32 = edits.iter().map(|e| e.len - e.gap).sum();
            prop_assert_eq!(one.len(), m.len() - removed);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn seq_map_matches_a_plain_vector(ops in proptest::collection::vec(op(), 1..120)) {
            let mut ours = SeqMap::new();
            let mut r = Reference::default();
            for op in ops {
                match op {
                    Op::Grow(k) | Op::Leap(k) => {
                        let n = r.len() + k;
                        prop_assert_eq!(ours.apply_exists(n), r.exists(n));
                    }
                    Op::Exists(n) => prop_assert_eq!(ours.apply_exists(n), r.exists(n)),
                    Op::Expunge(p) => {
                        let seq = pick(p, r.len());
                        prop_assert_eq!(ours.apply_expunge(seq), r.expunge(seq));
                    }
                    Op::Vanished(items) => {
                        let members: BTreeSet<u32> =
                            items.iter().flat_map(|&(a, b)| a.min(b)..=a.max(b)).collect();
                        prop_assert_eq!(ours.apply_vanished(&set(&items)), r.vanished(&members));
                    }
                    Op::VanishedVisible(items) => {
                        let members: BTreeSet<u32> =
                            items.iter().flat_map(|&(a, b)| a.min(b)..=a.max(b)).collect();
                        let known = ours.len() - ours.unknown_uids();
                        let v = ours.apply_vanished_visible(&set(&items));
                        // One entry per known message or per run between known ones, never
                        // one per message of a run.
                        prop_assert!(v.removed.iter().all(|m| m.uid.is_some()));
                        prop_assert!(v.removed.len() as u32 <= known);
                        prop_assert!((v.removed_runs.len() + v.uncertain.len()) as u32 <= known + 1);
                        prop_assert_eq!(flat(v), flat(r.vanished_visible(&members)));
                    }
                    Op::FetchUid(p, x) => {
                        let seq = pick(p, r.len());
                        prop_assert_eq!(
                            ours.apply_fetch(seq, Some(u(x)), None, None),
                            r.fetch(seq, Some(u(x)), None, None)
                        );
                    }
                    Op::FetchFittingUid(p, x) => {
                        let seq = pick(p, r.len());
                        let uid = r.fitting_uid(seq, x);
                        prop_assert_eq!(
                            ours.apply_fetch(seq, Some(uid), None, None),
                            r.fetch(seq, Some(uid), None, None)
                        );
                    }
                    Op::FetchFlags(p, bits, modseq) => {
                        let seq = pick(p, r.len());
                        let flags = Some(flags_from(bits));
                        prop_assert_eq!(
                            ours.apply_fetch(seq, None, flags.clone(), modseq),
                            r.fetch(seq, None, flags, modseq)
                        );
                    }
                    Op::Forget => {
                        ours.forget_uids();
                        r.msgs.fill(RefMsg::default());
                    }
                }
                assert_same(&ours, &r)?;
            }
        }
    }
}
