//! [`SelectionHandle`]: one session's handle on its selected mailbox.

use crate::fetch::{fetch_all, sets_seen};
use crate::search::{SearchContext, search, validate};
use crate::sort::sort;
use crate::store::{Change, CopyUid, MessageSnapshot, SessionId, StoreError, StoreResult};
use crate::thread::{ThreadAlgorithm, thread};
use imap_core::types::{
    DateTime, FetchData, FetchItem, Flag, SearchKey, SortCriterion, StoreKind, Thread, Uid,
};
use std::collections::HashSet;

/// One message as [`SelectionHandle::fetch_many`] answers it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum FetchedMessage {
    /// The data items, in the order asked (as [`SelectionHandle::fetch`] gives them).
    Data(Vec<FetchData>),
    /// The message itself, with its flags as the session sees them: the session computes the
    /// items ([`crate::fetch::fetch_all`]), and may send kept encodings of what never changes
    /// (ENVELOPE, BODYSTRUCTURE). Only when no item sets `\Seen`, or the selection is
    /// read-only.
    Snapshot(MessageSnapshot),
}

/// Snapshots of `uids` (those that still exist, in order, as [`SelectionHandle::messages`]
/// gives them) lined up with `uids`: `None` where a message is gone.
pub(crate) fn line_up(uids: &[Uid], snaps: Vec<MessageSnapshot>) -> Vec<Option<FetchedMessage>> {
    let mut snaps = snaps.into_iter().peekable();
    uids.iter()
        .map(|&u| snaps.next_if(|s| s.uid == u).map(FetchedMessage::Snapshot))
        .collect()
}

/// One session's selected mailbox, in UIDs. Dropping it deselects.
///
/// The session keeps its own sequence numbers (from [`SelectInfo::uids`](crate::store::SelectInfo::uids), then one more for
/// each [`Change::Added`]) and decides when to announce what [`poll`](Self::poll) returns;
/// the store only has to report every change once, in order. Messages another session
/// expunged may still have a sequence number in this one: operations on them find nothing
/// (`message` returns `None`) and must not fail.
pub trait SelectionHandle: Send {
    /// The session this handle belongs to.
    fn session(&self) -> SessionId;

    /// Whether the mailbox is selected read-only (EXAMINE): STORE, EXPUNGE and MOVE fail with
    /// [`StoreError::ReadOnly`], FETCH sets no `\Seen`.
    fn is_read_only(&self) -> bool;

    /// Every change since the last poll (or the selection), oldest first, changes this
    /// session made included (with `origin` set to it). A read-write handle takes `\Recent`
    /// for messages no session has seen yet.
    ///
    /// # Errors
    /// [`StoreError::MailboxGone`] when the mailbox was deleted: the session says `BYE`.
    fn poll(&mut self) -> Result<Vec<Change>, StoreError>;

    /// The UIDs in the mailbox now, ascending.
    ///
    /// # Errors
    /// When the mailbox is gone.
    fn uids(&self) -> Result<Vec<Uid>, StoreError>;

    /// Snapshots of those of `uids` that still exist, in the order given, with `\Recent` as
    /// this session sees it.
    ///
    /// # Errors
    /// When the mailbox is gone.
    fn messages(&self, uids: &[Uid]) -> Result<Vec<MessageSnapshot>, StoreError>;

    /// STORE: replace, add or remove flags, with CONDSTORE's UNCHANGEDSINCE (RFC 7162 section
    /// 3.1.3: messages whose MODSEQ is above it go to `modified` untouched). Messages that no
    /// longer exist are skipped. Every change gets a new MODSEQ.
    ///
    /// # Errors
    /// Read-only selection or mailbox gone.
    fn store(
        &self,
        uids: &[Uid],
        kind: StoreKind,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreResult, StoreError>;

    /// EXPUNGE (`uids == None`) or UID EXPUNGE (RFC 4315): removes the messages with
    /// `\Deleted` (among `uids`). Returns the UIDs removed, ascending.
    ///
    /// # Errors
    /// Read-only selection or mailbox gone.
    fn expunge(&self, uids: Option<&[Uid]>) -> Result<Vec<Uid>, StoreError>;

    /// COPY with COPYUID data (RFC 4315); copies keep flags and INTERNALDATE.
    ///
    /// # Errors
    /// Unknown destination ([`StoreError::TryCreate`]), over quota, mailbox gone.
    fn copy(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError>;

    /// MOVE (RFC 6851): copy, then expunge the sources. The session announces the expunges.
    ///
    /// # Errors
    /// As [`copy`](Self::copy), and a read-only selection.
    fn move_to(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError>;

    /// UIDs whose MODSEQ is above `modseq` (FETCH CHANGEDSINCE, QRESYNC), ascending.
    ///
    /// # Errors
    /// When the mailbox is gone.
    fn changed_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError>;

    /// UIDs expunged after `modseq` (QRESYNC `VANISHED (EARLIER)`), ascending. A store that
    /// forgets expunges may return more than that (RFC 7162 section 3.2.5.1 allows it).
    ///
    /// # Errors
    /// When the mailbox is gone.
    fn vanished_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError>;

    /// The current time, for SEARCH's OLDER and YOUNGER.
    fn now(&self) -> DateTime {
        crate::store::system_clock()
    }

    /// A snapshot of one message, `None` if it is not (or no longer) in the mailbox.
    ///
    /// # Errors
    /// When the mailbox is gone.
    fn message(&self, uid: Uid) -> Result<Option<MessageSnapshot>, StoreError> {
        Ok(self.messages(&[uid])?.pop())
    }

    /// FETCH of one message; `None` when it no longer exists. Items that set `\Seen`
    /// (`BODY[..]`, `BINARY[..]`, `RFC822`, `RFC822.TEXT`) set it first unless read-only; if
    /// that changed the flags and FLAGS was not asked for, FLAGS is added (RFC 9051 section
    /// 6.4.5).
    ///
    /// # Errors
    /// When the mailbox is gone or an item cannot be fetched.
    fn fetch(&self, uid: Uid, items: &[FetchItem]) -> Result<Option<Vec<FetchData>>, StoreError> {
        let mut changed = false;
        if !self.is_read_only() && items.iter().any(sets_seen) {
            let r = self.store(&[uid], StoreKind::Add, &[Flag::Seen], None)?;
            changed = r.updated.iter().any(|u| u.changed);
        }
        let Some(snap) = self.message(uid)? else {
            return Ok(None);
        };
        let mut data = fetch_all(&snap, items)?;
        if changed && !items.contains(&FetchItem::Flags) {
            data.push(FetchData::Flags(snap.fetch_flags()));
        }
        Ok(Some(data))
    }

    /// FETCH of several messages, in the order given: one entry per UID, `None` for a message
    /// that no longer exists. What [`fetch`](Self::fetch) would answer for each (the provided
    /// implementation calls it per message), or a [`FetchedMessage::Snapshot`] that the session
    /// computes the items from: a store may answer so when no item sets `\Seen` (or the
    /// selection is read-only), taking its lock once for the lot.
    ///
    /// # Errors
    /// As [`fetch`](Self::fetch).
    fn fetch_many(
        &self,
        uids: &[Uid],
        items: &[FetchItem],
    ) -> Result<Vec<Option<FetchedMessage>>, StoreError> {
        uids.iter()
            .map(|&u| Ok(self.fetch(u, items)?.map(FetchedMessage::Data)))
            .collect()
    }

    /// SEARCH over the session's view: `seq_map[i]` is the UID of the session's sequence
    /// number `i + 1`. Returns the matching UIDs in sequence order; `saved` is SEARCHRES `$`.
    ///
    /// # Errors
    /// An unsupported key ([`StoreError::Unsupported`]), mailbox gone.
    fn search(
        &self,
        seq_map: &[Uid],
        keys: &[SearchKey],
        saved: Option<&[Uid]>,
    ) -> Result<Vec<Uid>, StoreError> {
        validate(keys)?;
        let msgs = numbered(self, seq_map)?;
        let max_uid = self.uids()?.last().map_or(0, |u| u.get());
        let ctx = SearchContext {
            saved,
            now: self.now().unix_timestamp(),
            max_seq: seq_map.len() as u32,
            max_uid,
        };
        search(&msgs, keys, &ctx)
    }

    /// SORT (RFC 5256): SEARCH, then order; ties go by sequence number.
    ///
    /// # Errors
    /// As [`search`](Self::search).
    fn sort(
        &self,
        seq_map: &[Uid],
        criteria: &[SortCriterion],
        keys: &[SearchKey],
        saved: Option<&[Uid]>,
    ) -> Result<Vec<Uid>, StoreError> {
        let msgs = found(self, seq_map, keys, saved)?;
        Ok(sort(&msgs, criteria))
    }

    /// THREAD (RFC 5256): SEARCH, then thread. Numbers in the result are UIDs when `uid` is
    /// set (UID THREAD), sequence numbers otherwise.
    ///
    /// # Errors
    /// As [`search`](Self::search).
    fn thread(
        &self,
        seq_map: &[Uid],
        algorithm: ThreadAlgorithm,
        keys: &[SearchKey],
        saved: Option<&[Uid]>,
        uid: bool,
    ) -> Result<Vec<Thread>, StoreError> {
        let msgs = found(self, seq_map, keys, saved)?;
        Ok(thread(&msgs, algorithm, uid))
    }
}

/// The session's messages that still exist, with their sequence numbers (`seq_map[i]` is the
/// UID of sequence number `i + 1`).
fn numbered<M: SelectionHandle + ?Sized>(
    mailbox: &M,
    seq_map: &[Uid],
) -> Result<Vec<(u32, MessageSnapshot)>, StoreError> {
    let snaps = mailbox.messages(seq_map)?;
    let mut snaps = snaps.into_iter().peekable();
    let mut out = Vec::with_capacity(seq_map.len());
    for (i, &uid) in seq_map.iter().enumerate() {
        // `messages` keeps the order given and leaves out what is gone.
        if let Some(snap) = snaps.next_if(|s| s.uid == uid) {
            out.push((i as u32 + 1, snap));
        }
    }
    Ok(out)
}

/// The messages SEARCH finds, with their sequence numbers, in sequence order.
fn found<M: SelectionHandle + ?Sized>(
    mailbox: &M,
    seq_map: &[Uid],
    keys: &[SearchKey],
    saved: Option<&[Uid]>,
) -> Result<Vec<(u32, MessageSnapshot)>, StoreError> {
    let hits: HashSet<Uid> = mailbox.search(seq_map, keys, saved)?.into_iter().collect();
    Ok(numbered(mailbox, seq_map)?
        .into_iter()
        .filter(|(_, m)| hits.contains(&m.uid))
        .collect())
}
