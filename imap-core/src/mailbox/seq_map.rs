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
//! - `flag_sets`: the flag lists messages share (`FlagSets`): a message holds a reference to
//!   one list of the few a mailbox's messages carry, not a list of its own, so a fetched
//!   message costs the model a few dozen bytes.
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
use super::event::{FetchChange, MessageRef, RemovedRun, UncertainRun, Vanished};
use super::flag_sets::FlagSets;
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
    /// The flag lists messages share.
    flag_sets: FlagSets,
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

/// Records a FETCH's data in `m`, its flags as a list shared through `sets`; returns whether
/// the flags and the MODSEQ changed.
fn record(
    m: &mut Msg,
    sets: &mut FlagSets,
    learn: Option<Uid>,
    flags: Option<&[Flag]>,
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
            let changed = d.flags.as_deref().is_none_or(|old| !same_flags(old, f));
            if d.flags.as_deref() != Some(f) {
                d.flags = Some(sets.share(f));
            }
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
            flag_sets: FlagSets::default(),
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
    pub fn iter(&self) -> SeqMapIter<'_> {
        SeqMapIter {
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
    ) -> Result<FetchChange, ModelError> {
        self.apply_fetch_ref(seq, uid, flags.as_deref(), modseq)
    }

    /// [`SeqMap::apply_fetch`] with the flags borrowed from the response: the model keeps
    /// them in a list shared by the messages that carry the same flags, copied only when no
    /// message shares it yet.
    ///
    /// # Errors
    /// As [`SeqMap::apply_fetch`].
    pub fn apply_fetch_ref(
        &mut self,
        seq: SeqNum,
        uid: Option<Uid>,
        flags: Option<&[Flag]>,
        modseq: Option<u64>,
    ) -> Result<FetchChange, ModelError> {
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
            return Ok(FetchChange {
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
            let changed = record(&mut m, &mut self.flag_sets, learn, flags, modseq);
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
            let sets = &mut self.flag_sets;
            self.tree.edit(n, |items, at| match &mut items[at.index] {
                Item::Msg(m) => record(m, sets, learn, flags, modseq),
                Item::Gap(k) => {
                    // Split the run around the message.
                    let (before, after) = (at.offset, *k - at.offset - 1);
                    let mut m = Msg::default();
                    let changed = record(&mut m, sets, learn, flags, modseq);
                    let parts = [Item::Gap(before), Item::Msg(m), Item::Gap(after)];
                    let parts = parts.into_iter().filter(|i| i.count() > 0);
                    items.splice(at.index..=at.index, parts);
                    changed
                }
            })
        };
        Ok(FetchChange {
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
pub struct SeqMapIter<'a> {
    items: Items<'a>,
    /// Messages left in the current run of unknowns.
    gap: u32,
    next: u32,
    remaining: u32,
}

impl<'a> Iterator for SeqMapIter<'a> {
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

impl ExactSizeIterator for SeqMapIter<'_> {}

impl<'a> IntoIterator for &'a SeqMap {
    type Item = (SeqNum, Option<Uid>, Option<&'a [Flag]>);
    type IntoIter = SeqMapIter<'a>;

    fn into_iter(self) -> SeqMapIter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests;
