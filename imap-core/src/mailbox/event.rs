//! What applying one server response changed in the selected mailbox ([`Update`]).
//!
//! Every message an update names carries its sequence number as of the moment the server sent
//! the response (before the response itself renumbered anything) and its UID where the model
//! knows it ([`MessageRef`]).

use crate::types::{SeqNum, Uid, UidRanges, UidSet, UidValidity};

/// A message as a response named it: its sequence number when the server sent the response,
/// and its UID if known.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MessageRef {
    /// The sequence number, as numbered just before the response was applied.
    pub seq: SeqNum,
    /// The UID, `None` while no FETCH or VANISHED has told it.
    pub uid: Option<Uid>,
}

/// What a FETCH response told about one message ([`super::SeqMap::apply_fetch`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub struct FetchChange {
    /// The message, with its UID from the response or, if the response had none, from the
    /// model.
    pub message: MessageRef,
    /// The response told the UID and the model did not know it before.
    pub uid_learned: bool,
    /// The response carried `FLAGS` that differ (as a set) from what the model knew, or the
    /// model knew none.
    pub flags_changed: bool,
    /// The response carried a `MODSEQ` that differs from what the model knew, or the model
    /// knew none.
    pub modseq_changed: bool,
}

/// What a `VANISHED` response (without `EARLIER`) removed ([`super::SeqMap::apply_vanished_visible`]).
///
/// RFC 7162 section 3.2.10.2 says every UID listed names a message visible in this session, so
/// every UID removes one message, even one whose UID the model has not learnt yet. A message the
/// model knew by its UID is listed in [`Vanished::removed`]; a run of messages of unknown UID
/// that the response removed whole goes as one [`RemovedRun`], however long; where several
/// messages of unknown UID could be the ones listed, the model removes the right number of them
/// from that run and reports the run in [`Vanished::uncertain`]. Every part is one entry per
/// known message or per run, never one per message of a run, so the result costs memory in
/// proportion to what the model held and the response listed, not to the message count.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
#[non_exhaustive]
pub struct Vanished {
    /// Messages of known UID that were removed, ascending, numbered as just before the
    /// response. To replay the removal as `EXPUNGE` responses, take every removed message
    /// ([`Vanished::messages`]) from the last to the first.
    pub removed: Vec<MessageRef>,
    /// Runs of consecutive messages of unknown UID that the response removed whole, ascending
    /// and disjoint from each other and from [`Vanished::removed`], one entry per run: a
    /// `VANISHED 1:4294967294` after a huge `EXISTS` costs one entry, not one per message.
    pub removed_runs: Vec<RemovedRun>,
    /// Runs of messages of unknown UID from which the response removed some, but not all,
    /// messages: the model cannot tell which ones.
    pub uncertain: Vec<UncertainRun>,
    /// How many listed UIDs matched no message that could be visible: UIDs between two
    /// adjacent messages of known UID, or more UIDs than a run of unknown UIDs held. A
    /// conforming server never sends them (RFC 7162 section 3.2.10.2); they are ignored.
    pub unmatched: u64,
}

impl Vanished {
    /// The number of messages the response removed (listed, in removed runs, or within
    /// uncertain runs).
    pub fn removed_count(&self) -> u32 {
        let uncertain: u64 = self.uncertain.iter().map(|r| r.uids.len()).sum();
        let runs: u64 = self.removed_runs.iter().map(|r| u64::from(r.count)).sum();
        u32::try_from(self.removed.len() as u64 + uncertain + runs).unwrap_or(u32::MAX)
    }

    /// Every message of [`Vanished::removed`] and [`Vanished::removed_runs`] named one by one,
    /// ascending by sequence number. Lazy: a run of four billion messages allocates nothing,
    /// but takes as long to walk as it is long; prefer the runs where their length is not
    /// bounded.
    pub fn messages(&self) -> impl Iterator<Item = MessageRef> + '_ {
        let mut known = self.removed.iter().peekable();
        let mut runs = self.removed_runs.iter().peekable();
        // Both lists ascend: merge them into segments in sequence order.
        let segments = std::iter::from_fn(move || {
            let known_first = match (known.peek(), runs.peek()) {
                (Some(m), Some(r)) => m.seq < r.first,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if known_first {
                known.next().map(|m| (m.seq, 1, None, m.uid))
            } else {
                runs.next()
                    .map(|r| (r.first, r.count, r.uids.as_ref(), None))
            }
        });
        segments.flat_map(|(first, count, uids, single)| {
            let mut uids = uids.map(UidRanges::iter);
            (0..count).map(move |i| MessageRef {
                seq: SeqNum::new(first.get().saturating_add(i)).unwrap_or(SeqNum::MAX),
                uid: single.or_else(|| uids.as_mut().and_then(Iterator::next)),
            })
        })
    }
}

/// A run of consecutive messages of unknown UID that a `VANISHED` removed as a whole
/// ([`Vanished::removed_runs`]).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct RemovedRun {
    /// The first message of the run, numbered as just before the response.
    pub first: SeqNum,
    /// The number of messages removed.
    pub count: u32,
    /// Their UIDs, ascending (the n-th UID is the n-th message), when the response listed
    /// exactly as many UIDs as the run held; `None` when it listed more (see
    /// [`Vanished::unmatched`]).
    pub uids: Option<UidRanges>,
}

/// A run of consecutive messages whose UIDs the model did not know, from which a `VANISHED`
/// response removed `uids.len()` messages without saying which.
///
/// After the response the run holds `count - uids.len()` messages, starting at `first`. The
/// model keeps them with unknown UIDs and forgets their flags and MODSEQ, which it can no
/// longer attribute; a `UID FETCH` (or `FETCH first:last (UID FLAGS)`) tells them again.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct UncertainRun {
    /// The first message of the run, numbered as just before the response.
    pub first: SeqNum,
    /// The number of messages in the run before the response.
    pub count: u32,
    /// The vanished UIDs that fall in the run, as ranges.
    pub uids: UidRanges,
}

/// What applying one untagged datum or response code changed in a
/// [`super::SelectedMailbox`].
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Update {
    /// Nothing the model tracks changed: a value repeated, or data about something other than
    /// the selected mailbox.
    Unchanged,
    /// `EXISTS` grew: messages `previous + 1 ..= exists` are new, their UIDs unknown.
    Exists {
        /// The count before.
        previous: u32,
        /// The count now.
        exists: u32,
    },
    /// `RECENT` changed.
    Recent {
        /// The count before (`None` if never received).
        previous: Option<u32>,
        /// The count now.
        recent: u32,
    },
    /// `EXPUNGE`: this message is gone and every later message moved down by one.
    Expunged(MessageRef),
    /// `VANISHED` without `EARLIER`: these messages are gone and the rest renumbered.
    Vanished(Vanished),
    /// `VANISHED (EARLIER)`: the server reports UIDs expunged before (answering a QRESYNC
    /// `SELECT` or a `UID FETCH ... (VANISHED)`), for the caller's cache. Per RFC 7162 section
    /// 3.2.10.1 nothing is renumbered and no message is removed from the model.
    VanishedEarlier {
        /// The UIDs, as sent.
        uids: UidSet,
        /// Messages of the model whose UID is listed (an expunge the server has not announced
        /// to this session yet, or a server bug). They stay until an `EXPUNGE` or a `VANISHED`
        /// without `EARLIER` removes them.
        still_present: Vec<MessageRef>,
    },
    /// A FETCH named a message (and maybe told its UID, flags or MODSEQ).
    Fetched(FetchChange),
    /// The mailbox's `FLAGS` changed (read them from the mailbox).
    Flags,
    /// The `PERMANENTFLAGS` changed (read them from the mailbox).
    PermanentFlags,
    /// `UIDVALIDITY` was set or changed.
    UidValidity {
        /// The value before (`None` if never received).
        previous: Option<UidValidity>,
        /// The value now.
        uid_validity: UidValidity,
        /// The value changed: every cached UID, flag and MODSEQ was forgotten (the message
        /// count is kept), and so were `UIDNEXT` and `HIGHESTMODSEQ`. A client cache keyed by
        /// the old UIDVALIDITY is void.
        invalidated: bool,
    },
    /// `UIDNEXT` changed.
    UidNext {
        /// The value before.
        previous: Option<Uid>,
        /// The value now.
        uid_next: Uid,
    },
    /// `HIGHESTMODSEQ` changed.
    HighestModSeq {
        /// The value before.
        previous: Option<u64>,
        /// The value now.
        highest_modseq: u64,
    },
    /// `NOMODSEQ`: the mailbox does not keep mod-sequences.
    NoModSeq,
    /// `READ-ONLY` or `READ-WRITE` changed the access.
    Access {
        /// Whether the mailbox is now read-only.
        read_only: bool,
    },
    /// `UNSEEN n`: the first unseen message.
    Unseen(MessageRef),
}
