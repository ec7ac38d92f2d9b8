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
//! - Slots: one per *materialised* message, in arrival order, which is sequence order and
//!   therefore ascending UID order. A slot is split in two parallel vectors, `meta` (UID and
//!   live bit, 8 bytes, touched by every operation) and `data` (flags and MODSEQ, touched only
//!   by FETCH and queries). An expunged message's slot is only marked dead; no later slot moves.
//! - `alive`: a Fenwick tree (binary indexed tree) over the slots, 1 for a live slot and 0 for a
//!   dead one. Sequence number -> slot is a k-th-one search, slot -> sequence number a prefix
//!   sum; an `EXPUNGE` finds its slot and takes it out of the tree in one descent.
//! - `by_uid`: a `BTreeMap` from UID to slot, for finding a message by UID, checking UID order
//!   and resolving `VANISHED` ranges. It holds every live slot of known UID; entries of slots
//!   that died since are purged lazily (when a scan meets them, when their slot is dropped from
//!   the end, or at compaction), so that an `EXPUNGE` does not pay for a tree removal.
//! - `tail`: messages after the last slot about which nothing at all is known (typically those
//!   announced by `EXISTS` and not fetched yet). They take no memory: `EXISTS` only moves this
//!   count, and a slot is materialised only when a FETCH has something to record for it.
//!
//! # Invariants ([`SeqMap::check_invariants`])
//!
//! 1. `meta`, `data` and `alive` have one entry per slot; `alive` counts exactly the live slots;
//!    `len()` is that count plus `tail`.
//! 2. Sequence numbers are dense: the k-th live slot is message k.
//! 3. The known UIDs of the live slots are strictly ascending in slot order.
//! 4. Every live slot of known UID is in `by_uid` under its UID; every entry of `by_uid` names
//!    a slot that has that UID (live, or dead and not yet purged).
//! 5. The cached count of live slots of unknown UID is right.
//! 6. The last slot, if any, is live (trailing dead slots are dropped at once).
//! 7. Dead slots are at most as many as live ones, or fewer than a small constant: once they
//!    outnumber the live slots, the slots are compacted (dead slots dropped, `alive` rebuilt,
//!    `by_uid` purged and renumbered) in one O(n) pass, paid for by the expunges before it.
//!
//! # Cost (n messages, k affected)
//!
//! | operation | cost |
//! |---|---|
//! | [`SeqMap::apply_exists`] | O(1): new messages join the tail |
//! | [`SeqMap::apply_expunge`] | O(log n) amortised: one k-th-one descent that also updates the tree; compaction amortised |
//! | [`SeqMap::apply_vanished`] | O((k + r) log n) for k removed UIDs in r ranges, or O(n + r log n) when k is a large fraction of n |
//! | [`SeqMap::apply_fetch`] | O(log n) amortised, plus O(1) amortised per message materialised |
//! | [`SeqMap::uid`], [`SeqMap::seq`] | O(log n) |
//! | [`SeqMap::iter`] | O(n) for the whole walk |
//!
//! "Amortised" covers the lazy purge: each expunged UID is purged from `by_uid` at most once.
//! So k single `EXPUNGE`s on n messages cost O(k log n), not the O(k n) of removing from a
//! vector, and growth by `EXISTS` costs O(1) per message, plus amortised O(log n) per message
//! when a FETCH tells its UID.

use std::collections::BTreeMap;
use std::ops::Bound as RangeBound;

use super::error::ModelError;
use super::event::{Fetched, MessageRef, RemovedRun, UncertainRun, Vanished};
use super::fenwick::Fenwick;
use crate::types::{Flag, SeqNum, Uid, UidRanges, UidSet};

/// The default limit on messages with known data (see [`SeqMap::with_limit`]).
pub const DEFAULT_MAX_MESSAGES: u32 = 10_000_000;

/// The largest limit [`SeqMap::with_limit`] accepts (2^30), which keeps slot indices, dead
/// slots included, within `u32`.
pub const MAX_LIMIT: u32 = 1 << 30;

/// Dead slots tolerated before compaction is considered (it then also needs dead > live).
const MIN_DEAD_FOR_COMPACTION: usize = if cfg!(test) { 2 } else { 1024 };

/// The hot half of a slot. A dead slot keeps its UID, so that `by_uid` entries can be checked.
#[derive(Clone, Copy, Debug)]
struct Meta {
    uid: Option<Uid>,
    alive: bool,
}

/// The cold half of a slot.
#[derive(Clone, Debug, Default)]
struct SlotData {
    flags: Option<Box<[Flag]>>,
    modseq: Option<u64>,
}

/// The messages of the selected mailbox in sequence order, each with its UID, flags and MODSEQ
/// where known. See the [module documentation](self) for the invariants and costs.
///
/// Every `apply_*` method either applies the whole response or, on `Err`, changes nothing.
#[derive(Clone, Debug)]
pub struct SeqMap {
    meta: Vec<Meta>,
    data: Vec<SlotData>,
    alive: Fenwick,
    /// Live slots.
    live: u32,
    /// Messages after the last slot, nothing known about them.
    tail: u32,
    /// Live slots whose UID is unknown.
    unknown_slots: u32,
    by_uid: BTreeMap<Uid, u32>,
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

impl SeqMap {
    /// An empty map with the default limit ([`DEFAULT_MAX_MESSAGES`]).
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_MESSAGES)
    }

    /// An empty map that keeps data for at most `max_messages` messages (clamped to
    /// [`MAX_LIMIT`]).
    ///
    /// The message count itself is not limited: `EXISTS` costs no memory. The limit bounds the
    /// memory a server can make the model take (about 60 bytes per message, plus its flags): a
    /// FETCH that would record data about a message numbered above the limit is refused with
    /// [`ModelError::TooManyMessages`].
    pub fn with_limit(max_messages: u32) -> Self {
        SeqMap {
            meta: Vec::new(),
            data: Vec::new(),
            alive: Fenwick::default(),
            live: 0,
            tail: 0,
            unknown_slots: 0,
            by_uid: BTreeMap::new(),
            limit: max_messages.min(MAX_LIMIT),
        }
    }

    /// The limit on messages with known data.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The number of messages (the `EXISTS` count).
    pub fn len(&self) -> u32 {
        self.live + self.tail
    }

    /// Whether the mailbox is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of messages whose UID is unknown.
    pub fn unknown_uids(&self) -> u32 {
        self.unknown_slots + self.tail
    }

    /// The UID of message `seq`, if known.
    pub fn uid(&self, seq: SeqNum) -> Option<Uid> {
        self.slot_of(seq.get()).and_then(|s| self.meta[s].uid)
    }

    /// The sequence number of the message with UID `uid`, if the model knows that UID.
    pub fn seq(&self, uid: Uid) -> Option<SeqNum> {
        let slot = *self.by_uid.get(&uid)? as usize;
        self.meta[slot].alive.then(|| self.slot_seq(slot))
    }

    /// The flags of message `seq`, if a FETCH told them.
    pub fn flags(&self, seq: SeqNum) -> Option<&[Flag]> {
        self.slot_of(seq.get())
            .and_then(|s| self.data[s].flags.as_deref())
    }

    /// The MODSEQ of message `seq`, if a FETCH told it.
    pub fn modseq(&self, seq: SeqNum) -> Option<u64> {
        self.slot_of(seq.get()).and_then(|s| self.data[s].modseq)
    }

    /// Every message in sequence order: its sequence number, its UID and its flags where known.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            slots: self.meta.iter().zip(&self.data),
            next: 1,
            remaining: self.len(),
        }
    }

    /// The messages of the model whose UID is in `uids`, ascending: `(seq, uid)`.
    ///
    /// `*` in the set stands for the largest possible UID. Costs O((k + r + d) log n) for k hits
    /// in r ranges, where d counts the UIDs of expunged messages in the ranges that the index
    /// has not purged yet.
    pub fn find_uids(&self, uids: &UidSet) -> Vec<(SeqNum, Uid)> {
        let ranges = Spans::new(uids);
        let hits = self.known_in(&ranges, &mut Vec::new());
        let slots: Vec<usize> = hits.iter().map(|h| h.0).collect();
        self.seqs_of_sorted(&slots)
            .into_iter()
            .zip(hits)
            .map(|(seq, (_, uid))| (seq, uid))
            .collect()
    }

    /// Removes every message.
    pub fn clear(&mut self) {
        self.meta.clear();
        self.data.clear();
        self.alive.clear();
        self.by_uid.clear();
        self.live = 0;
        self.tail = 0;
        self.unknown_slots = 0;
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
        if n > self.live {
            self.tail -= 1;
            return Ok(None);
        }
        let slot = self.alive.remove_kth(n);
        let uid = self.bury(slot);
        self.after_kills();
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
        let mut stale = Vec::new();
        let hits = self.known_in(&ranges, &mut stale);
        self.purge(&stale);
        let slots: Vec<usize> = hits.iter().map(|h| h.0).collect();
        let seqs = self.seqs_of_sorted(&slots);
        self.kill_many(&slots);
        seqs.into_iter()
            .zip(hits)
            .map(|(seq, (_, uid))| (seq, uid))
            .collect()
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
    /// Costs as [`SeqMap::apply_vanished`], plus the length of each run of unknown UIDs the
    /// response falls into.
    pub fn apply_vanished_visible(&mut self, uids: &UidSet) -> Vanished {
        let ranges = Spans::new(uids);
        let mut stale = Vec::new();
        let hits = self.known_in(&ranges, &mut stale);
        self.purge(&stale);
        let mut kill: Vec<usize> = hits.iter().map(|h| h.0).collect();
        let mut removed: Vec<MessageRef> = self
            .seqs_of_sorted(&kill)
            .into_iter()
            .zip(&hits)
            .map(|(seq, &(_, uid))| MessageRef {
                seq,
                uid: Some(uid),
            })
            .collect();
        let mut matched = hits.len() as u64;
        let mut tail_kill = 0u32;
        let mut clear: Vec<usize> = Vec::new();
        let mut uncertain = Vec::new();
        let mut removed_run = None;

        if self.unknown_uids() > 0 && ranges.total() > matched {
            for gap in self.gaps(&ranges, &hits) {
                // Live messages up to and including the left neighbour, and before the right one.
                let before = gap.left.map_or(0, |(_, s)| self.alive.prefix(s) + 1);
                let upto = gap.right.map_or(self.live, |(_, s)| self.alive.prefix(s));
                let tail_part = if gap.right.is_none() { self.tail } else { 0 };
                let size = upto - before + tail_part;
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
                let start = gap.left.map_or(0, |(_, s)| s + 1);
                let end = gap.right.map_or(self.meta.len(), |(_, s)| s);
                let gap_slots: Vec<usize> = (start..end).filter(|&s| self.meta[s].alive).collect();
                if listed >= u64::from(size) {
                    // The whole run went; with exactly as many UIDs, each pairs with its message.
                    // Messages held in slots are listed one by one (they are known messages);
                    // the never-fetched tail goes as one run, whatever its length.
                    matched += u64::from(size);
                    let exact = listed == u64::from(size);
                    let mut paired = exact.then(|| ranges.members(lo + 1, hi - 1));
                    let in_slots = size - tail_part;
                    for i in 0..in_slots {
                        let uid = paired.as_mut().and_then(|it| it.next()).map(uid_of);
                        removed.push(MessageRef {
                            seq: seq_num(first + i),
                            uid,
                        });
                    }
                    if tail_part > 0 {
                        removed_run = Some(RemovedRun {
                            first: seq_num(first + in_slots),
                            count: tail_part,
                            uids: exact.then(|| {
                                ranges
                                    .clipped(lo + 1, hi - 1)
                                    .without_first(u64::from(in_slots))
                            }),
                        });
                    }
                    kill.extend(gap_slots);
                    tail_kill += tail_part;
                } else {
                    // `listed` < `size` <= u32::MAX.
                    let count = listed as u32;
                    matched += listed;
                    let from_tail = count.min(tail_part);
                    let from_slots = (count - from_tail) as usize;
                    let split = gap_slots.len() - from_slots;
                    kill.extend_from_slice(&gap_slots[split..]);
                    clear.extend_from_slice(&gap_slots[..split]);
                    tail_kill += from_tail;
                    uncertain.push(UncertainRun {
                        first: seq_num(first),
                        count: size,
                        uids: ranges.clipped(lo + 1, hi - 1),
                    });
                }
            }
        }

        for s in clear {
            self.data[s] = SlotData::default();
        }
        kill.sort_unstable();
        self.kill_many(&kill);
        self.tail -= tail_kill;
        removed.sort_unstable_by_key(|m| m.seq);
        Vanished {
            removed,
            removed_run,
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
        let slot = self.slot_of(n);
        let known = slot.and_then(|s| self.meta[s].uid);
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
                None => self.check_new_uid(seq, slot, u)?,
            }
        }

        let learns = uid.is_some() && known.is_none();
        let slot = match slot {
            Some(s) => s,
            None if !learns && flags.is_none() && modseq.is_none() => {
                return Ok(Fetched {
                    message: MessageRef { seq, uid: known },
                    uid_learned: false,
                    flags_changed: false,
                    modseq_changed: false,
                });
            }
            None => {
                if n > self.limit {
                    return Err(ModelError::TooManyMessages {
                        seq,
                        limit: self.limit,
                    });
                }
                self.materialize(n);
                self.meta.len() - 1
            }
        };

        if let (true, Some(u)) = (learns, uid) {
            self.meta[slot].uid = Some(u);
            self.by_uid.insert(u, slot as u32);
            self.unknown_slots -= 1;
        }
        let entry = &mut self.data[slot];
        let flags_changed = match flags {
            Some(f) => {
                let changed = entry
                    .flags
                    .as_deref()
                    .is_none_or(|old| !same_flags(old, &f));
                entry.flags = Some(f.into_boxed_slice());
                changed
            }
            None => false,
        };
        let modseq_changed = match modseq {
            Some(m) => {
                let changed = entry.modseq != Some(m);
                entry.modseq = Some(m);
                changed
            }
            None => false,
        };
        Ok(Fetched {
            message: MessageRef {
                seq,
                uid: self.meta[slot].uid,
            },
            uid_learned: learns,
            flags_changed,
            modseq_changed,
        })
    }

    /// Checks every invariant listed in the [module documentation](self), in O(n log n); for
    /// tests and fuzzing.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn check_invariants(&self) -> Result<(), String> {
        let slots = self.meta.len();
        if self.alive.len() != slots || self.data.len() != slots {
            return Err(format!(
                "{slots} slots, {} data, {} tree nodes",
                self.data.len(),
                self.alive.len()
            ));
        }
        let mut expected = Fenwick::default();
        expected.rebuild(self.meta.iter().map(|m| u32::from(m.alive)));
        if expected.nodes() != self.alive.nodes() || self.alive.total() != self.live {
            return Err("tree does not count the live slots".into());
        }
        let live = self.meta.iter().filter(|m| m.alive).count();
        if live != self.live as usize {
            return Err(format!("{live} live slots, count says {}", self.live));
        }
        if u64::from(self.live) + u64::from(self.tail) > u64::from(u32::MAX) {
            return Err("message count overflows".into());
        }
        // Sequence numbers are dense: the k-th live slot is message k, both ways. (The tail
        // is a count and can hold billions of messages: it is not walked.)
        let mut seq = 0u32;
        let mut last: Option<Uid> = None;
        let mut unknown = 0u32;
        for (i, m) in self.meta.iter().enumerate().filter(|(_, m)| m.alive) {
            seq += 1;
            if self.slot_seq(i).get() != seq || self.slot_of(seq) != Some(i) {
                return Err(format!("live slot {i} is not message {seq}"));
            }
            let Some(u) = m.uid else {
                unknown += 1;
                continue;
            };
            if last.is_some_and(|l| l >= u) {
                return Err(format!("UID {u} at slot {i} is not above {last:?}"));
            }
            last = Some(u);
            if self.by_uid.get(&u) != Some(&(i as u32)) {
                return Err(format!("UID {u} at slot {i} is not indexed"));
            }
            if self.seq(u) != Some(seq_num(seq)) {
                return Err(format!("UID {u} maps back to {:?}, not {seq}", self.seq(u)));
            }
        }
        if unknown != self.unknown_slots {
            return Err(format!(
                "{unknown} slots of unknown UID, count says {}",
                self.unknown_slots
            ));
        }
        for (&u, &s) in &self.by_uid {
            if self.meta.get(s as usize).and_then(|m| m.uid) != Some(u) {
                return Err(format!("index sends UID {u} to slot {s}, which lacks it"));
            }
        }
        if self.meta.last().is_some_and(|m| !m.alive) {
            return Err("last slot is dead".into());
        }
        let dead = slots - live;
        if dead > live && dead >= MIN_DEAD_FOR_COMPACTION {
            return Err(format!("{dead} dead slots for {live} live: not compacted"));
        }
        Ok(())
    }

    /// The slot of live message `n`, `None` when it is in the tail (or out of range).
    fn slot_of(&self, n: u32) -> Option<usize> {
        if n == 0 || n > self.live {
            return None;
        }
        self.alive.find_kth(n)
    }

    /// The sequence number of live slot `slot`.
    fn slot_seq(&self, slot: usize) -> SeqNum {
        seq_num(self.alive.prefix(slot) + 1)
    }

    /// The sequence numbers of live slots given in ascending order.
    fn seqs_of_sorted(&self, slots: &[usize]) -> Vec<SeqNum> {
        if slots.len() * 16 < self.meta.len() {
            return slots.iter().map(|&s| self.slot_seq(s)).collect();
        }
        // Many slots: one walk counting live slots beats a prefix sum each.
        let mut out = Vec::with_capacity(slots.len());
        let mut live_before = 0u32;
        let mut pos = 0usize;
        for &s in slots {
            while pos < s {
                live_before += u32::from(self.meta[pos].alive);
                pos += 1;
            }
            out.push(seq_num(live_before + 1));
        }
        out
    }

    /// The live slots whose known UID is in `ranges`: `(slot, uid)`, ascending. Index entries
    /// of dead slots met on the way are added to `stale`.
    fn known_in(&self, ranges: &Spans, stale: &mut Vec<Uid>) -> Vec<(usize, Uid)> {
        let mut hits = Vec::new();
        let mut visit = |u: Uid, s: u32| {
            if self.meta[s as usize].alive {
                hits.push((s as usize, u));
            } else {
                stale.push(u);
            }
        };
        if ranges.ranges.len() * 16 < self.by_uid.len() {
            // Few ranges: one tree descent each.
            for &(a, b) in &ranges.ranges {
                for (&u, &s) in self.by_uid.range(uid_of(a)..=uid_of(b)) {
                    visit(u, s);
                }
            }
        } else {
            // Many ranges: one merged walk of the index and the ranges.
            let mut r = ranges.ranges.iter().peekable();
            for (&u, &s) in &self.by_uid {
                while r.next_if(|&&(_, b)| b < u.get()).is_some() {}
                match r.peek() {
                    None => break,
                    Some(&&(a, _)) if a <= u.get() => visit(u, s),
                    Some(_) => {}
                }
            }
        }
        hits
    }

    /// Removes index entries of dead slots.
    fn purge(&mut self, stale: &[Uid]) {
        for u in stale {
            self.by_uid.remove(u);
        }
    }

    /// The live message of known UID nearest below `uid` (`below`) or above it, as
    /// `(uid, slot)`, purging the entries of dead slots met on the way.
    fn live_neighbour(&mut self, uid: Uid, below: bool) -> Option<(Uid, usize)> {
        loop {
            let (&u, &s) = if below {
                self.by_uid.range(..uid).next_back()
            } else {
                self.by_uid
                    .range((RangeBound::Excluded(uid), RangeBound::Unbounded))
                    .next()
            }?;
            if self.meta[s as usize].alive {
                return Some((u, s as usize));
            }
            self.by_uid.remove(&u);
        }
    }

    /// The runs between consecutive known UIDs (or the mailbox's ends) that the ranges touch,
    /// ascending and without repeats. `hits` are the known UIDs inside the ranges.
    fn gaps(&mut self, ranges: &Spans, hits: &[(usize, Uid)]) -> Vec<Gap> {
        let mut gaps: Vec<Gap> = Vec::new();
        let push = |gaps: &mut Vec<Gap>, left, right| {
            if gaps.last().is_none_or(|g: &Gap| g.left != left) {
                gaps.push(Gap { left, right });
            }
        };
        let mut h = 0usize;
        for &(a, b) in &ranges.ranges {
            let mut left = self.live_neighbour(uid_of(a), true);
            while h < hits.len() && hits[h].1.get() <= b {
                let k = Some((hits[h].1, hits[h].0));
                push(&mut gaps, left, k);
                left = k;
                h += 1;
            }
            let right = self.live_neighbour(uid_of(b), false);
            push(&mut gaps, left, right);
        }
        gaps
    }

    /// Appends unknown slots (taken from the tail) until message `n` has one.
    fn materialize(&mut self, n: u32) {
        let add = n - self.live;
        self.meta.reserve(add as usize);
        self.data.reserve(add as usize);
        for _ in 0..add {
            self.meta.push(Meta {
                uid: None,
                alive: true,
            });
            self.data.push(SlotData::default());
            self.alive.push(1);
        }
        self.live += add;
        self.tail -= add;
        self.unknown_slots += add;
    }

    /// Checks that `uid`, not yet known for message `seq` (at `slot`, `None` in the tail),
    /// agrees with the live messages of known UID. Purges index entries of dead slots it meets,
    /// which changes nothing observable.
    fn check_new_uid(
        &mut self,
        seq: SeqNum,
        slot: Option<usize>,
        uid: Uid,
    ) -> Result<(), ModelError> {
        let pos = slot.unwrap_or(usize::MAX);
        // Fast path, UIDs told in ascending order: above every indexed UID, after its message.
        if let Some((&u, &s)) = self.by_uid.last_key_value()
            && u < uid
            && self.meta[s as usize].alive
            && (s as usize) < pos
        {
            return Ok(());
        }
        if let Some(&other) = self.by_uid.get(&uid) {
            if self.meta[other as usize].alive {
                return Err(ModelError::DuplicateUid {
                    seq,
                    uid,
                    other: self.slot_seq(other as usize),
                });
            }
            self.by_uid.remove(&uid);
        }
        if let Some((pu, ps)) = self.live_neighbour(uid, true)
            && ps > pos
        {
            return Err(ModelError::UidOutOfOrder {
                seq,
                uid,
                other: self.slot_seq(ps),
                other_uid: pu,
            });
        }
        if let Some((su, ss)) = self.live_neighbour(uid, false)
            && ss < pos
        {
            return Err(ModelError::UidOutOfOrder {
                seq,
                uid,
                other: self.slot_seq(ss),
                other_uid: su,
            });
        }
        Ok(())
    }

    /// Marks live slot `slot` dead (its UID and data stay until the slot is dropped); returns
    /// its UID. Does not touch the tree. The caller then calls [`SeqMap::after_kills`].
    fn bury(&mut self, slot: usize) -> Option<Uid> {
        let m = &mut self.meta[slot];
        debug_assert!(m.alive);
        m.alive = false;
        self.live -= 1;
        if m.uid.is_none() {
            self.unknown_slots -= 1;
        }
        m.uid
    }

    /// Kills the live slots given in ascending order.
    fn kill_many(&mut self, slots: &[usize]) {
        if slots.len() * 16 < self.meta.len() {
            for &s in slots {
                self.bury(s);
                self.alive.add(s, -1);
            }
        } else {
            // Many slots: mark them, then rebuild the tree in one pass.
            for &s in slots {
                self.bury(s);
            }
            self.alive
                .rebuild(self.meta.iter().map(|m| u32::from(m.alive)));
        }
        self.after_kills();
    }

    /// Drops trailing dead slots and compacts when dead slots outnumber live ones.
    fn after_kills(&mut self) {
        while let Some(m) = self.meta.last().filter(|m| !m.alive) {
            let slot = self.meta.len() - 1;
            if let Some(u) = m.uid
                && self.by_uid.get(&u) == Some(&(slot as u32))
            {
                self.by_uid.remove(&u);
            }
            self.meta.pop();
            self.data.pop();
            self.alive.pop_zero();
        }
        let dead = self.meta.len() - self.live as usize;
        if dead > self.live as usize && dead >= MIN_DEAD_FOR_COMPACTION {
            self.compact();
        }
    }

    /// Drops every dead slot, purges and renumbers the index and rebuilds the tree. O(n).
    fn compact(&mut self) {
        let meta = &self.meta;
        self.by_uid.retain(|_, s| meta[*s as usize].alive);
        // The index now lists live slots in UID order, which is slot order (invariant 3): one
        // walk gives each its new position, the number of live slots before it.
        let mut live_before = 0u32;
        let mut pos = 0usize;
        for v in self.by_uid.values_mut() {
            let target = *v as usize;
            while pos < target {
                live_before += u32::from(self.meta[pos].alive);
                pos += 1;
            }
            *v = live_before;
        }
        let mut i = 0;
        let meta = &self.meta;
        self.data.retain(|_| {
            i += 1;
            meta[i - 1].alive
        });
        self.meta.retain(|m| m.alive);
        self.alive.fill_ones(self.meta.len());
    }
}

/// A run of live messages between two consecutive known UIDs: the known neighbours as
/// `(uid, slot)`, `None` for the start or the end of the mailbox.
#[derive(Clone, Copy, Debug)]
struct Gap {
    left: Option<(Uid, usize)>,
    right: Option<(Uid, usize)>,
}

/// A UID set as sorted, disjoint, non-adjacent inclusive ranges, with counts.
struct Spans {
    ranges: Vec<(u32, u32)>,
    /// `before[i]`: how many UIDs the ranges before `i` hold; one more entry than `ranges`.
    before: Vec<u64>,
}

impl Spans {
    /// The ranges of `set`, with `*` as the largest possible UID. O(r log r).
    fn new(set: &UidSet) -> Self {
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
    fn total(&self) -> u64 {
        self.before.last().copied().unwrap_or(0)
    }

    /// The index range of the ranges that meet `[x, y]`.
    fn meeting(&self, x: u64, y: u64) -> (usize, usize) {
        let i = self.ranges.partition_point(|r| u64::from(r.1) < x);
        let j = self.ranges.partition_point(|r| u64::from(r.0) <= y);
        (i, j.max(i))
    }

    /// How many UIDs of the set lie in `[x, y]`. O(log r).
    fn count(&self, x: u64, y: u64) -> u64 {
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
    fn clipped(&self, x: u64, y: u64) -> UidRanges {
        let (i, j) = if x > y { (0, 0) } else { self.meeting(x, y) };
        // Both ends lie within u32: a range meeting [x, y] clips to values of the range.
        UidRanges::from_ranges(
            self.ranges[i..j]
                .iter()
                .map(|&(a, b)| (u64::from(a).max(x) as u32, u64::from(b).min(y) as u32)),
        )
    }

    /// The UIDs of the set in `[x, y]`, ascending.
    fn members(&self, x: u64, y: u64) -> impl Iterator<Item = u32> + '_ {
        let (i, j) = if x > y { (0, 0) } else { self.meeting(x, y) };
        self.ranges[i..j].iter().flat_map(move |&(a, b)| {
            // Both ends lie within u32: a range meeting [x, y] clips to values of the range.
            let lo = u64::from(a).max(x) as u32;
            let hi = u64::from(b).min(y) as u32;
            lo..=hi
        })
    }
}

/// The messages of a [`SeqMap`] in sequence order: `(seq, uid, flags)`, see [`SeqMap::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    slots: std::iter::Zip<std::slice::Iter<'a, Meta>, std::slice::Iter<'a, SlotData>>,
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
        for (m, d) in self.slots.by_ref() {
            if m.alive {
                return Some((seq, m.uid, d.flags.as_deref()));
            }
        }
        Some((seq, None, None))
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
    use crate::types::{Bound, NumSet, SetItem};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

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
        assert!(m.meta.is_empty());
        assert_eq!(m.apply_expunge(s(4_000_000_000)), Ok(None));
        assert_eq!(m.len(), u32::MAX - 1);
        m.check_invariants().unwrap();
    }

    #[test]
    fn limit_bounds_materialised_messages() {
        let mut m = SeqMap::with_limit(10);
        m.apply_exists(100).unwrap();
        assert_eq!(
            m.apply_fetch(s(11), Some(u(11)), None, None),
            Err(ModelError::TooManyMessages {
                seq: s(11),
                limit: 10
            })
        );
        assert!(m.meta.is_empty());
        m.apply_fetch(s(10), Some(u(10)), None, None).unwrap();
        assert_eq!(m.meta.len(), 10);
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
    fn compaction_keeps_the_mapping() {
        let all: Vec<u32> = (1..=200).map(|i| i * 2).collect();
        let mut m = map_with(&all);
        for i in 1..=100 {
            // Remove every other message, front to back.
            assert_eq!(m.apply_expunge(s(i)), Ok(Some(u(i * 4 - 2))));
            m.check_invariants().unwrap();
        }
        // As many dead slots as live ones: not yet compacted.
        assert_eq!(m.meta.len(), 200);
        assert_eq!(uids(&m), (1..=100).map(|i| i * 4).collect::<Vec<_>>());
        // One more and the dead outnumber the live: compacted.
        assert_eq!(m.apply_expunge(s(1)), Ok(Some(u(4))));
        assert_eq!(m.meta.len(), 99);
        m.check_invariants().unwrap();
        for i in 2..=100 {
            assert_eq!(m.seq(u(i * 4)), Some(s(i - 1)));
        }
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

    #[test]
    fn uid_ranges_count_and_list() {
        let r = Spans::new(&set(&[(8, 10), (1, 3), (4, 4), (20, 20), (9, 12)]));
        assert_eq!(r.ranges, vec![(1, 4), (8, 12), (20, 20)]);
        assert_eq!(r.total(), 10);
        assert_eq!(r.count(3, 9), 4);
        assert_eq!(r.count(5, 7), 0);
        assert_eq!(r.count(0, 1 << 32), 10);
        assert_eq!(r.members(3, 9).collect::<Vec<_>>(), [3, 4, 8, 9]);
        assert_eq!(r.members(13, 19).count(), 0);
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn seq_map_matches_a_plain_vector(ops in proptest::collection::vec(op(), 1..120)) {
            let mut ours = SeqMap::new();
            let mut r = Reference::default();
            for op in ops {
                match op {
                    Op::Grow(k) => {
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
                        prop_assert_eq!(
                            flat(ours.apply_vanished_visible(&set(&items))),
                            flat(r.vanished_visible(&members))
                        );
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
