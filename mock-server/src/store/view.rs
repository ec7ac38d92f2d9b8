//! [`MailboxView`]: one session's handle on its selected mailbox.

use super::changes::Change;
use super::mailbox::MailboxState;
use super::message::{MessageSnapshot, flag_eq};
use super::user::UserState;
use super::{Clock, Ids, Inner, SessionId, Store, StoreError, new_data, normalize_name, status_of};
use crate::fetch::{fetch_all, sets_seen};
use crate::search::{SearchContext, search, validate};
use crate::sort::sort;
use crate::thread::{ThreadAlgorithm, thread};
use imap_core::types::{
    FetchData, FetchItem, Flag, FlagPerm, SearchKey, SortCriterion, StatusItem, StatusValue,
    StoreKind, Thread, Uid,
};
use std::num::NonZeroU32;

/// What SELECT and EXAMINE report (RFC 9051 section 6.3.2, RFC 7162, RFC 8474), in UIDs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectInfo {
    /// Every message, ascending: the session's initial sequence numbers are 1..=len.
    pub uids: Vec<Uid>,
    /// `RECENT`: messages that are `\Recent` for this session.
    pub recent: u32,
    /// The first message without `\Seen` (for the IMAP4rev1 `UNSEEN` code).
    pub first_unseen: Option<Uid>,
    /// `UIDVALIDITY`.
    pub uid_validity: NonZeroU32,
    /// `UIDNEXT`.
    pub uid_next: Uid,
    /// `HIGHESTMODSEQ`.
    pub highest_modseq: u64,
    /// `FLAGS`: system flags and keywords in use.
    pub flags: Vec<Flag>,
    /// `PERMANENTFLAGS`: empty for a read-only selection.
    pub permanent_flags: Vec<FlagPerm>,
    /// EXAMINE, or SELECT of a read-only mailbox.
    pub read_only: bool,
    /// `MAILBOXID` (OBJECTID).
    pub mailbox_id: String,
}

pub(crate) fn select_info(m: &MailboxState, recent: u32, read_only: bool) -> SelectInfo {
    let flags = m.flag_list();
    let permanent_flags = if read_only {
        Vec::new()
    } else {
        flags
            .iter()
            .cloned()
            .map(FlagPerm::Flag)
            .chain([FlagPerm::Wildcard])
            .collect()
    };
    SelectInfo {
        uids: m.messages.iter().map(|x| x.uid).collect(),
        recent,
        first_unseen: m
            .messages
            .iter()
            .find(|x| !x.has(&Flag::Seen))
            .map(|x| x.uid),
        uid_validity: m.uid_validity,
        uid_next: Uid::new(m.uid_next).unwrap_or(Uid::MAX),
        highest_modseq: m.highest_modseq,
        flags,
        permanent_flags,
        read_only,
        mailbox_id: m.object_id(),
    }
}

/// COPYUID data (RFC 4315): the destination's UIDVALIDITY and source/destination UID pairs, in
/// ascending source order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyUid {
    /// UIDVALIDITY of the destination.
    pub uid_validity: NonZeroU32,
    /// (source UID, destination UID) pairs.
    pub pairs: Vec<(Uid, Uid)>,
}

/// The state of one message after STORE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagUpdate {
    /// The message.
    pub uid: Uid,
    /// Its flags now (without `\Recent`).
    pub flags: Vec<Flag>,
    /// Its MODSEQ now.
    pub modseq: u64,
    /// Whether this STORE changed them.
    pub changed: bool,
}

/// The outcome of STORE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreResult {
    /// Messages the STORE applied to (changed or not), ascending UID.
    pub updated: Vec<FlagUpdate>,
    /// Messages left alone because their MODSEQ was above UNCHANGEDSINCE: the `MODIFIED` set
    /// (RFC 7162 section 3.1.3).
    pub modified: Vec<Uid>,
}

/// One session's handle on its selected mailbox. Dropping it (or [`MailboxView::close`])
/// deselects.
///
/// # The change log and legal points
///
/// The view remembers the MODSEQ it has seen. [`poll`](MailboxView::poll) returns every change
/// since, in order, and moves the view on. The protocol layer keeps the session's sequence
/// numbers (the UIDs from [`SelectInfo::uids`], then appended for each
/// [`Change::Added`]) and decides when to announce:
///
/// - `Added` and `Flags` may be announced after any command (`EXISTS`, `FETCH (FLAGS ..)`).
/// - `Expunged` may be announced only where RFC 9051 section 7.5.1 allows: not during FETCH,
///   STORE or SEARCH (and SORT, THREAD) by sequence numbers. Until then the session keeps the
///   UID in its sequence map and treats it as gone (the store no longer has it; FETCH of it
///   gets nothing).
/// - Changes whose `origin` is the session itself were already reported by the command that
///   made them and can be skipped.
pub struct MailboxView {
    store: Store,
    user: String,
    mailbox: u64,
    view: u64,
    session: SessionId,
    read_only: bool,
}

impl std::fmt::Debug for MailboxView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxView")
            .field("user", &self.user)
            .field("mailbox", &self.mailbox)
            .field("session", &self.session)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl Drop for MailboxView {
    fn drop(&mut self) {
        let mut g = self.store.lock();
        if let Some(m) = g
            .users
            .get_mut(&self.user)
            .and_then(|u| u.mailboxes.get_mut(&self.mailbox))
        {
            m.log.unregister(self.view);
        }
    }
}

impl MailboxView {
    pub(crate) fn new(
        store: Store,
        user: String,
        mailbox: u64,
        view: u64,
        session: SessionId,
        read_only: bool,
    ) -> Self {
        MailboxView {
            store,
            user,
            mailbox,
            view,
            session,
            read_only,
        }
    }

    /// The session this view belongs to.
    pub fn session(&self) -> SessionId {
        self.session
    }

    /// Whether the mailbox was selected read-only (EXAMINE).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Deselects (CLOSE, UNSELECT, or SELECT of another mailbox).
    pub fn close(self) {}

    fn with<R>(
        &self,
        f: impl FnOnce(&mut MailboxState) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.with_user(|u, _, _, _| {
            let m = u
                .mailboxes
                .get_mut(&self.mailbox)
                .ok_or(StoreError::MailboxGone)?;
            f(m)
        })
    }

    fn with_user<R>(
        &self,
        f: impl FnOnce(&mut UserState, &mut Ids, &Clock, Option<u64>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut g = self.store.lock();
        let Inner {
            users,
            ids,
            clock,
            append_limit,
        } = &mut *g;
        let u = users.get_mut(&self.user).ok_or(StoreError::MailboxGone)?;
        f(u, ids, clock, *append_limit)
    }

    fn writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            Err(StoreError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// The changes since the last poll (or the selection), oldest first. A read-write view
    /// takes `\Recent` for messages no session has seen yet.
    ///
    /// # Errors
    /// [`StoreError::MailboxGone`] when the mailbox was deleted: the session should be told
    /// (`BYE`, or an untagged `NO` and deselection).
    pub fn poll(&mut self) -> Result<Vec<Change>, StoreError> {
        let (session, view, ro) = (self.session, self.view, self.read_only);
        self.with(|m| {
            if !ro {
                m.claim_recent(session);
            }
            let upto = m.highest_modseq;
            Ok(m.log.take(view, upto))
        })
    }

    /// The mailbox's current name.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn name(&self) -> Result<String, StoreError> {
        self.with(|m| Ok(m.name.clone()))
    }

    /// The current SELECT data (without claiming anything).
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn info(&self) -> Result<SelectInfo, StoreError> {
        let s = self.session;
        let ro = self.read_only;
        self.with(|m| {
            let recent = m
                .messages
                .iter()
                .filter(|x| x.recent == super::message::Recent::Session(s))
                .count() as u32;
            Ok(select_info(m, recent, ro))
        })
    }

    /// The UIDs in the mailbox now, ascending.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn uids(&self) -> Result<Vec<Uid>, StoreError> {
        self.with(|m| Ok(m.messages.iter().map(|x| x.uid).collect()))
    }

    /// `HIGHESTMODSEQ` now.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn highest_modseq(&self) -> Result<u64, StoreError> {
        self.with(|m| Ok(m.highest_modseq))
    }

    /// STATUS of the selected mailbox.
    ///
    /// # Errors
    /// When the mailbox is gone or an item is unsupported.
    pub fn status(
        &self,
        items: &[StatusItem],
    ) -> Result<Vec<(StatusItem, StatusValue)>, StoreError> {
        let mb = self.mailbox;
        self.with_user(|u, _, _, limit| {
            let m = u.mailboxes.get(&mb).ok_or(StoreError::MailboxGone)?;
            status_of(m, items, limit)
        })
    }

    /// Snapshots of the given messages that still exist, in the order given.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn messages(&self, uids: &[Uid]) -> Result<Vec<MessageSnapshot>, StoreError> {
        let s = self.session;
        self.with(|m| {
            Ok(uids
                .iter()
                .filter_map(|&u| m.index(u).map(|i| m.messages[i].snapshot(Some(s))))
                .collect())
        })
    }

    /// A snapshot of one message, `None` if it is not (or no longer) in the mailbox.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn message(&self, uid: Uid) -> Result<Option<MessageSnapshot>, StoreError> {
        Ok(self.messages(&[uid])?.pop())
    }

    /// FETCH for one message. Items that set `\Seen` set it first (unless read-only); if that
    /// changed the flags and FLAGS was not asked for, FLAGS is appended (RFC 9051 section
    /// 6.4.5). `None` when the message no longer exists.
    ///
    /// # Errors
    /// When the mailbox is gone or an item cannot be fetched.
    pub fn fetch(
        &self,
        uid: Uid,
        items: &[FetchItem],
    ) -> Result<Option<Vec<FetchData>>, StoreError> {
        let s = self.session;
        let seen = !self.read_only && items.iter().any(sets_seen);
        let (snap, changed) = {
            let r = self.with(|m| {
                let Some(i) = m.index(uid) else {
                    return Ok(None);
                };
                let mut changed = false;
                if seen && !m.messages[i].has(&Flag::Seen) {
                    let mut f = m.messages[i].flags.clone();
                    f.push(Flag::Seen);
                    changed = m.set_flags(i, f, Some(s));
                }
                Ok(Some((m.messages[i].snapshot(Some(s)), changed)))
            })?;
            match r {
                Some(x) => x,
                None => return Ok(None),
            }
        };
        let mut data = fetch_all(&snap, items)?;
        if changed && !items.contains(&FetchItem::Flags) {
            data.push(FetchData::Flags(snap.fetch_flags()));
        }
        Ok(Some(data))
    }

    /// STORE flags: replace, add or remove, with CONDSTORE's UNCHANGEDSINCE. Messages that no
    /// longer exist are skipped.
    ///
    /// # Errors
    /// Read-only selection or mailbox gone.
    pub fn store(
        &self,
        uids: &[Uid],
        kind: StoreKind,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreResult, StoreError> {
        self.writable()?;
        let s = self.session;
        self.with(|m| {
            let mut out = StoreResult::default();
            let mut uids = uids.to_vec();
            uids.sort_unstable();
            uids.dedup();
            for uid in uids {
                let Some(i) = m.index(uid) else { continue };
                if unchanged_since.is_some_and(|u| m.messages[i].modseq > u) {
                    out.modified.push(uid);
                    continue;
                }
                let cur = &m.messages[i].flags;
                let new: Vec<Flag> = match kind {
                    StoreKind::Add => cur.iter().chain(flags).cloned().collect(),
                    StoreKind::Remove => cur
                        .iter()
                        .filter(|f| !flags.iter().any(|g| flag_eq(f, g)))
                        .cloned()
                        .collect(),
                    _ => flags.to_vec(),
                };
                let changed = m.set_flags(i, new, Some(s));
                let msg = &m.messages[i];
                out.updated.push(FlagUpdate {
                    uid,
                    flags: msg.flags.clone(),
                    modseq: msg.modseq,
                    changed,
                });
            }
            Ok(out)
        })
    }

    /// EXPUNGE (`uids == None`) or UID EXPUNGE: removes the messages with `\Deleted` (among
    /// `uids`). Returns the UIDs removed, ascending.
    ///
    /// # Errors
    /// Read-only selection or mailbox gone.
    pub fn expunge(&self, uids: Option<&[Uid]>) -> Result<Vec<Uid>, StoreError> {
        self.writable()?;
        let s = self.session;
        self.with(|m| {
            let gone: Vec<Uid> = m
                .messages
                .iter()
                .filter(|x| x.has(&Flag::Deleted))
                .map(|x| x.uid)
                .filter(|u| uids.is_none_or(|set| set.contains(u)))
                .collect();
            Ok(m.expunge(&gone, Some(s)))
        })
    }

    /// COPY (RFC 4315 COPYUID): copies keep flags, INTERNALDATE, EMAILID and THREADID.
    ///
    /// # Errors
    /// Unknown destination (`TRYCREATE`), over quota, mailbox gone.
    pub fn copy(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError> {
        self.transfer(uids, dest, false)
    }

    /// MOVE (RFC 6851): COPY, then expunge the sources. The session must then announce the
    /// expunges of `pairs`' sources itself.
    ///
    /// # Errors
    /// As [`MailboxView::copy`], and a read-only selection.
    pub fn move_to(&self, uids: &[Uid], dest: &str) -> Result<CopyUid, StoreError> {
        self.writable()?;
        self.transfer(uids, dest, true)
    }

    fn transfer(&self, uids: &[Uid], dest: &str, remove: bool) -> Result<CopyUid, StoreError> {
        let dest = normalize_name(dest).map_err(|_| StoreError::TryCreate(dest.into()))?;
        let (mb, s) = (self.mailbox, self.session);
        self.with_user(|u, _, clock, _| {
            let src = u.mailboxes.get(&mb).ok_or(StoreError::MailboxGone)?;
            let mut uids = uids.to_vec();
            uids.sort_unstable();
            uids.dedup();
            let msgs: Vec<_> = uids
                .iter()
                .filter_map(|&x| src.index(x).map(|i| src.messages[i].clone()))
                .collect();
            let dest_id = u
                .by_name(&dest)
                .ok_or_else(|| StoreError::TryCreate(dest.clone()))?
                .id;
            if u.mailboxes[&dest_id].noselect {
                return Err(StoreError::NoSelect(dest.clone()));
            }
            let same = dest_id == mb;
            if !(remove && !same) {
                let sizes: Vec<u64> = msgs.iter().map(|x| x.data.size()).collect();
                if !u.fits(&sizes) {
                    return Err(StoreError::OverQuota);
                }
            }
            let now = clock();
            let d = u
                .mailboxes
                .get_mut(&dest_id)
                .ok_or(StoreError::MailboxGone)?;
            let mut pairs = Vec::with_capacity(msgs.len());
            for x in &msgs {
                let new = d.add(x.data.clone(), &x.flags, x.internal_date, now, Some(s));
                pairs.push((x.uid, new));
            }
            let uid_validity = d.uid_validity;
            if remove {
                let src = u.mailboxes.get_mut(&mb).ok_or(StoreError::MailboxGone)?;
                let gone: Vec<Uid> = msgs.iter().map(|x| x.uid).collect();
                src.expunge(&gone, Some(s));
            }
            Ok(CopyUid {
                uid_validity,
                pairs,
            })
        })
    }

    /// APPEND into the selected mailbox as this session (origin of the `Added` change).
    ///
    /// # Errors
    /// Too big, over quota, mailbox gone.
    pub fn append(
        &self,
        raw: impl Into<bytes::Bytes>,
        flags: &[Flag],
        date: Option<imap_core::types::DateTime>,
    ) -> Result<Uid, StoreError> {
        let raw = raw.into();
        let (mb, s) = (self.mailbox, self.session);
        self.with_user(|u, ids, clock, limit| {
            if limit.is_some_and(|l| raw.len() as u64 > l) {
                return Err(StoreError::TooBig);
            }
            if !u.fits(&[raw.len() as u64]) {
                return Err(StoreError::OverQuota);
            }
            let now = clock();
            let data = new_data(u, ids, raw);
            let m = u.mailboxes.get_mut(&mb).ok_or(StoreError::MailboxGone)?;
            Ok(m.add(data, flags, date.unwrap_or(now), now, Some(s)))
        })
    }

    /// The session's messages with their sequence numbers: `seq_map[i]` is the UID of sequence
    /// number `i + 1`. UIDs no longer in the mailbox are left out.
    fn numbered(&self, seq_map: &[Uid]) -> Result<(Vec<(u32, MessageSnapshot)>, u32), StoreError> {
        let s = self.session;
        self.with(|m| {
            let v = seq_map
                .iter()
                .enumerate()
                .filter_map(|(i, &u)| {
                    m.index(u)
                        .map(|j| (i as u32 + 1, m.messages[j].snapshot(Some(s))))
                })
                .collect();
            let max_uid = m.messages.last().map_or(0, |x| x.uid.get());
            Ok((v, max_uid))
        })
    }

    /// SEARCH over the session's view (`seq_map`, see [`MailboxView::sort`]). Returns the
    /// matching UIDs in sequence order.
    ///
    /// # Errors
    /// Unsupported keys, mailbox gone.
    pub fn search(
        &self,
        seq_map: &[Uid],
        keys: &[SearchKey],
        saved: Option<&[Uid]>,
    ) -> Result<Vec<Uid>, StoreError> {
        validate(keys)?;
        let (msgs, max_uid) = self.numbered(seq_map)?;
        let now = self.store.now().unix_timestamp();
        let ctx = SearchContext {
            saved,
            now,
            max_seq: seq_map.len() as u32,
            max_uid,
        };
        search(&msgs, keys, &ctx)
    }

    /// SORT: SEARCH, then order. `seq_map[i]` is the UID of the session's sequence number
    /// `i + 1`; ties are broken by sequence number.
    ///
    /// # Errors
    /// As [`MailboxView::search`].
    pub fn sort(
        &self,
        seq_map: &[Uid],
        criteria: &[SortCriterion],
        keys: &[SearchKey],
        saved: Option<&[Uid]>,
    ) -> Result<Vec<Uid>, StoreError> {
        let found = self.search(seq_map, keys, saved)?;
        let (msgs, _) = self.numbered(seq_map)?;
        let msgs: Vec<_> = msgs
            .into_iter()
            .filter(|(_, m)| found.contains(&m.uid))
            .collect();
        Ok(sort(&msgs, criteria))
    }

    /// THREAD: SEARCH, then thread. Numbers in the result are UIDs when `uid` is set (UID
    /// THREAD), sequence numbers otherwise.
    ///
    /// # Errors
    /// As [`MailboxView::search`].
    pub fn thread(
        &self,
        seq_map: &[Uid],
        algorithm: ThreadAlgorithm,
        keys: &[SearchKey],
        saved: Option<&[Uid]>,
        uid: bool,
    ) -> Result<Vec<Thread>, StoreError> {
        let found = self.search(seq_map, keys, saved)?;
        let (msgs, _) = self.numbered(seq_map)?;
        let msgs: Vec<_> = msgs
            .into_iter()
            .filter(|(_, m)| found.contains(&m.uid))
            .collect();
        Ok(thread(&msgs, algorithm, uid))
    }

    /// UIDs whose MODSEQ is above `modseq` (FETCH CHANGEDSINCE, RFC 7162).
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn changed_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError> {
        self.with(|m| {
            Ok(m.messages
                .iter()
                .filter(|x| x.modseq > modseq)
                .map(|x| x.uid)
                .collect())
        })
    }

    /// UIDs expunged after `modseq` (QRESYNC `VANISHED (EARLIER)`), ascending.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn vanished_since(&self, modseq: u64) -> Result<Vec<Uid>, StoreError> {
        self.with(|m| {
            let mut v: Vec<Uid> = m
                .expunged
                .iter()
                .filter(|(_, ms)| *ms > modseq)
                .map(|(u, _)| *u)
                .collect();
            v.sort_unstable();
            v.dedup();
            Ok(v)
        })
    }
}
