//! [`MailboxView`]: one session's handle on its selected mailbox.

use super::changes::Change;
use super::mailbox::MailboxState;
use super::message::{MessageSnapshot, flag_eq};
use super::user::UserState;
use super::{
    Clock, Ids, Inner, Parsed, SessionId, Store, StoreError, new_data, normalize_name, status_of,
};
use imap_core::types::{Flag, FlagPerm, StatusItem, StatusValue, StoreKind, Uid};
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
        let (mb, s) = (self.mailbox, self.session);
        self.with_user(|u, _, _, limit| {
            let m = u.mailboxes.get(&mb).ok_or(StoreError::MailboxGone)?;
            status_of(m, items, limit, Some(s))
        })
    }

    /// Snapshots of the given messages that still exist, in the order given.
    ///
    /// # Errors
    /// When the mailbox is gone.
    pub fn messages(&self, uids: &[Uid]) -> Result<Vec<MessageSnapshot>, StoreError> {
        let s = self.session;
        self.with(|m| {
            let mut next = 0;
            Ok(uids
                .iter()
                .filter_map(|&u| {
                    let i = m.index_near(u, next)?;
                    next = i + 1;
                    Some(m.messages[i].snapshot(Some(s)))
                })
                .collect())
        })
    }

    /// The store's current time.
    pub fn now(&self) -> imap_core::types::DateTime {
        self.store.now()
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
            if !remove || same {
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
        let size = raw.len() as u64;
        let (mb, s) = (self.mailbox, self.session);
        // Parsed with no lock held.
        let msg = Parsed::new(raw);
        self.with_user(|u, ids, clock, limit| {
            if limit.is_some_and(|l| size > l) {
                return Err(StoreError::TooBig);
            }
            if !u.fits(&[size]) {
                return Err(StoreError::OverQuota);
            }
            let now = clock();
            let data = new_data(u, ids, msg);
            let m = u.mailboxes.get_mut(&mb).ok_or(StoreError::MailboxGone)?;
            Ok(m.add(data, flags, date.unwrap_or(now), now, Some(s)))
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::SelectionHandle;
    use crate::seed::utc;
    use crate::store::Account;
    use crate::thread::ThreadAlgorithm;
    use imap_core::types::{FetchData, FetchItem, SearchKey, SortCriterion, Thread};
    use imap_core::types::{Section, SectionText};

    const MSG: &[u8] = b"Subject: t\r\n\r\nbody\r\n";

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    fn setup(n: usize) -> (Store, Account) {
        let s = Store::new();
        s.set_clock(|| utc(2024, 5, 1, 12, 0));
        let a = s.add_user("alice", "pw").unwrap();
        for _ in 0..n {
            a.append("INBOX", MSG, &[], None).unwrap();
        }
        (s, a)
    }

    /// Snapshots come in the order asked, whatever it is (`index_near` guesses the next
    /// message is the one after the previous), without the UIDs that are gone.
    #[test]
    fn messages_come_in_the_order_asked() {
        let (s, a) = setup(6);
        let (v, _) = a.select("INBOX", s.new_session(), false).unwrap();
        v.store(&[uid(4)], StoreKind::Add, &[Flag::Deleted], None)
            .unwrap();
        assert_eq!(v.expunge(None).unwrap(), [uid(4)]);
        let asked = [1, 2, 3, 4, 5, 6, 9, 6, 2, 5, 1].map(uid);
        let got: Vec<u32> = v
            .messages(&asked)
            .unwrap()
            .iter()
            .map(|m| m.uid.get())
            .collect();
        assert_eq!(got, [1, 2, 3, 5, 6, 6, 2, 5, 1]);
    }

    #[test]
    fn recent_goes_to_exactly_one_session() {
        let (s, a) = setup(2);
        let (s1, s2) = (s.new_session(), s.new_session());
        let (mut v1, i1) = a.select("INBOX", s1, false).unwrap();
        let (mut v2, i2) = a.select("INBOX", s2, false).unwrap();
        assert_eq!((i1.recent, i2.recent), (2, 0));
        assert!(v1.message(uid(1)).unwrap().unwrap().recent);
        assert!(!v2.message(uid(1)).unwrap().unwrap().recent);
        // New mail: the first session to poll takes it.
        a.deliver("INBOX", MSG, &[], None).unwrap();
        v2.poll().unwrap();
        v1.poll().unwrap();
        assert!(v2.message(uid(3)).unwrap().unwrap().recent);
        assert!(!v1.message(uid(3)).unwrap().unwrap().recent);
        assert_eq!(
            v2.message(uid(3)).unwrap().unwrap().fetch_flags(),
            vec![Flag::Recent]
        );
        // EXAMINE takes nothing.
        a.deliver("INBOX", MSG, &[], None).unwrap();
        let (_, i3) = a.select("INBOX", s.new_session(), true).unwrap();
        assert_eq!(i3.recent, 1);
        // STATUS counts only what no read-write session has been told of (RFC 3501 2.3.2);
        // a session's own view counts its own too.
        assert_eq!(
            a.status("INBOX", &[StatusItem::Recent]).unwrap()[0].1,
            StatusValue::Number(1)
        );
        assert_eq!(
            v1.status(&[StatusItem::Recent]).unwrap()[0].1,
            StatusValue::Number(3)
        );
        drop(v1);
        assert_eq!(
            a.status("INBOX", &[StatusItem::Recent]).unwrap()[0].1,
            StatusValue::Number(1)
        );
    }

    #[test]
    fn change_log_reports_each_session_what_changed() {
        let (s, a) = setup(3);
        let (s1, s2) = (s.new_session(), s.new_session());
        let (mut v1, info) = a.select("INBOX", s1, false).unwrap();
        let (mut v2, _) = a.select("INBOX", s2, false).unwrap();
        assert_eq!(info.uids, vec![uid(1), uid(2), uid(3)]);
        let base = info.highest_modseq;
        // Another client: new mail, a flag change, an expunge.
        a.deliver("INBOX", MSG, &[], None).unwrap();
        a.set_flags("INBOX", uid(1), &[Flag::Seen]).unwrap();
        a.expunge_uids("INBOX", &[uid(2)]).unwrap();
        let ch = v1.poll().unwrap();
        assert_eq!(
            ch,
            vec![
                Change::Added {
                    uid: uid(4),
                    modseq: base + 1,
                    origin: None
                },
                Change::Flags {
                    uid: uid(1),
                    modseq: base + 2,
                    flags: vec![Flag::Seen],
                    origin: None
                },
                Change::Expunged {
                    uid: uid(2),
                    modseq: base + 3,
                    origin: None
                },
            ]
        );
        assert!(v1.poll().unwrap().is_empty());
        // Session 1 stores a flag: session 2 sees both batches, tagged with their origin.
        v1.store(&[uid(3)], StoreKind::Add, &[Flag::Flagged], None)
            .unwrap();
        let ch2 = v2.poll().unwrap();
        assert_eq!(ch2.len(), 4);
        assert_eq!(ch2[3].uid(), uid(3));
        assert!(matches!(ch2[3], Change::Flags { origin: Some(o), .. } if o == s1));
        assert_eq!(v2.highest_modseq().unwrap(), base + 4);
        // The log drops what every view has seen.
        v1.poll().unwrap();
        let n = a
            .store()
            .lock()
            .users
            .get("alice")
            .unwrap()
            .by_name("INBOX")
            .unwrap()
            .log
            .len();
        assert_eq!(n, 0);
    }

    #[test]
    fn store_flags_and_unchangedsince() {
        let (s, a) = setup(3);
        let (v, info) = a.select("INBOX", s.new_session(), false).unwrap();
        let m0 = info.highest_modseq;
        let r = v
            .store(&[uid(1), uid(2)], StoreKind::Add, &[Flag::Seen], None)
            .unwrap();
        assert!(
            r.updated
                .iter()
                .all(|u| u.changed && u.flags == vec![Flag::Seen])
        );
        assert_eq!(r.updated[1].modseq, m0 + 2);
        // Unchanged flags keep their MODSEQ.
        let r = v
            .store(&[uid(1)], StoreKind::Add, &[Flag::Seen], None)
            .unwrap();
        assert!(!r.updated[0].changed);
        assert_eq!(r.updated[0].modseq, m0 + 1);
        // UNCHANGEDSINCE: message 2 changed after m0 + 1, so it is MODIFIED.
        let r = v
            .store(
                &[uid(1), uid(2), uid(3)],
                StoreKind::Replace,
                &[Flag::Flagged],
                Some(m0 + 1),
            )
            .unwrap();
        assert_eq!(r.modified, vec![uid(2)]);
        assert_eq!(r.updated.len(), 2);
        let kw = Flag::Keyword(imap_core::types::Atom::from_static("$Label1"));
        v.store(&[uid(3)], StoreKind::Add, std::slice::from_ref(&kw), None)
            .unwrap();
        let r = v
            .store(
                &[uid(3)],
                StoreKind::Remove,
                &[Flag::Keyword(imap_core::types::Atom::from_static(
                    "$label1",
                ))],
                None,
            )
            .unwrap();
        assert_eq!(r.updated[0].flags, vec![Flag::Flagged]);
        assert!(v.info().unwrap().flags.contains(&kw));
        assert_eq!(v.changed_since(m0 + 2).unwrap(), vec![uid(1), uid(3)]);
        assert_eq!(v.changed_since(m0 + 3).unwrap(), vec![uid(3)]);
        let (ro, _) = a.select("INBOX", s.new_session(), true).unwrap();
        assert_eq!(
            ro.store(&[uid(1)], StoreKind::Add, &[Flag::Seen], None),
            Err(StoreError::ReadOnly)
        );
    }

    #[test]
    fn expunge_and_vanished() {
        let (s, a) = setup(4);
        let (v, info) = a.select("INBOX", s.new_session(), false).unwrap();
        let m0 = info.highest_modseq;
        v.store(
            &[uid(1), uid(2), uid(4)],
            StoreKind::Add,
            &[Flag::Deleted],
            None,
        )
        .unwrap();
        assert_eq!(v.expunge(Some(&[uid(2), uid(3)])).unwrap(), vec![uid(2)]);
        assert_eq!(v.expunge(None).unwrap(), vec![uid(1), uid(4)]);
        assert_eq!(v.uids().unwrap(), vec![uid(3)]);
        assert_eq!(v.vanished_since(m0).unwrap(), vec![uid(1), uid(2), uid(4)]);
        assert_eq!(v.vanished_since(m0 + 4).unwrap(), vec![uid(1), uid(4)]);
        assert!(
            v.vanished_since(v.highest_modseq().unwrap())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn copy_and_move_return_copyuid() {
        let (s, a) = setup(3);
        a.create("Dest", &[]).unwrap();
        a.append("Dest", MSG, &[], None).unwrap();
        let (mut v, _) = a.select("INBOX", s.new_session(), false).unwrap();
        v.store(&[uid(2)], StoreKind::Add, &[Flag::Flagged], None)
            .unwrap();
        let c = v.copy(&[uid(3), uid(2), uid(9)], "Dest").unwrap();
        assert_eq!(c.pairs, vec![(uid(2), uid(2)), (uid(3), uid(3))]);
        let copy = a.message("Dest", uid(2)).unwrap().unwrap();
        let orig = v.message(uid(2)).unwrap().unwrap();
        assert_eq!(copy.flags, vec![Flag::Flagged]);
        assert_eq!(copy.data.email_id(), orig.data.email_id());
        assert_eq!(copy.internal_date, orig.internal_date);
        assert_eq!(
            c.uid_validity,
            match a.status("Dest", &[StatusItem::UidValidity]).unwrap()[0].1 {
                StatusValue::Number(n) => NonZeroU32::new(n as u32).unwrap(),
                _ => panic!(),
            }
        );
        v.poll().unwrap();
        let m = v.move_to(&[uid(1)], "Dest").unwrap();
        assert_eq!(m.pairs, vec![(uid(1), uid(4))]);
        assert_eq!(v.uids().unwrap(), vec![uid(2), uid(3)]);
        let ch = v.poll().unwrap();
        assert!(
            matches!(ch[..], [Change::Expunged { uid: u, origin: Some(_), .. }] if u == uid(1))
        );
        assert!(matches!(
            v.copy(&[uid(2)], "Nope"),
            Err(StoreError::TryCreate(_))
        ));
    }

    #[test]
    fn fetch_sets_seen_unless_peek_or_read_only() {
        let (s, a) = setup(1);
        let (v, _) = a.select("INBOX", s.new_session(), false).unwrap();
        let peek = FetchItem::BodySection {
            section: Section::default(),
            partial: None,
            peek: true,
        };
        let d = v
            .fetch(uid(1), std::slice::from_ref(&peek))
            .unwrap()
            .unwrap();
        assert_eq!(d.len(), 1);
        assert!(v.message(uid(1)).unwrap().unwrap().flags.is_empty());
        let (ro, _) = a.select("INBOX", s.new_session(), true).unwrap();
        let body = FetchItem::BodySection {
            section: Section {
                part: vec![],
                text: Some(SectionText::Text),
            },
            partial: None,
            peek: false,
        };
        ro.fetch(uid(1), std::slice::from_ref(&body)).unwrap();
        assert!(v.message(uid(1)).unwrap().unwrap().flags.is_empty());
        let d = v
            .fetch(uid(1), std::slice::from_ref(&body))
            .unwrap()
            .unwrap();
        assert_eq!(
            d,
            vec![
                FetchData::BodySection {
                    section: Section {
                        part: vec![],
                        text: Some(SectionText::Text)
                    },
                    origin: None,
                    data: Some("body\r\n".into())
                },
                FetchData::Flags(vec![Flag::Seen, Flag::Recent]),
            ]
        );
        // Already seen: no FLAGS added.
        assert_eq!(v.fetch(uid(1), &[body]).unwrap().unwrap().len(), 1);
        assert_eq!(v.fetch(uid(7), &[FetchItem::Uid]).unwrap(), None);
    }

    #[test]
    fn deleted_mailbox_is_gone_for_its_views() {
        let (s, a) = setup(1);
        a.create("Box", &[]).unwrap();
        let (mut v, _) = a.select("Box", s.new_session(), false).unwrap();
        a.rename("Box", "Box2").unwrap();
        assert_eq!(v.name().unwrap(), "Box2");
        a.delete("Box2").unwrap();
        assert_eq!(v.poll(), Err(StoreError::MailboxGone));
        assert!(matches!(
            a.select("Nope", s.new_session(), false),
            Err(StoreError::NonExistent(_))
        ));
    }

    #[test]
    fn append_from_the_session_is_announced() {
        let (s, a) = setup(0);
        let sess = s.new_session();
        let (mut v, info) = a.select("INBOX", sess, false).unwrap();
        assert!(info.uids.is_empty());
        assert!(info.permanent_flags.contains(&FlagPerm::Wildcard));
        let u = v.append(MSG, &[Flag::Draft], None).unwrap();
        let ch = v.poll().unwrap();
        assert!(
            matches!(ch[..], [Change::Added { uid, origin: Some(o), .. }] if uid == u && o == sess)
        );
        let st = v.status(&[StatusItem::Messages]).unwrap();
        assert_eq!(st[0].1, StatusValue::Number(1));
        v.close();
    }

    #[test]
    fn search_sort_thread_use_the_sessions_numbers() {
        let (s, a) = setup(0);
        for subj in ["b", "a", "Re: b"] {
            a.append("INBOX", format!("Subject: {subj}\r\n\r\nx\r\n"), &[], None)
                .unwrap();
        }
        let (v, info) = a.select("INBOX", s.new_session(), false).unwrap();
        let seq_map = info.uids;
        let two = imap_core::types::SeqSet::single(imap_core::types::SeqNum::new(2).unwrap());
        assert_eq!(
            v.search(&seq_map, &[SearchKey::SeqSet(two.clone())], None)
                .unwrap(),
            vec![uid(2)]
        );
        // Expunged by another client but not yet announced: the session still numbers it,
        // and it matches nothing.
        a.expunge_uids("INBOX", &[uid(2)]).unwrap();
        assert!(
            v.search(&seq_map, &[SearchKey::SeqSet(two)], None)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            v.search(&seq_map, &[SearchKey::All], Some(&[uid(3)]))
                .unwrap(),
            vec![uid(1), uid(3)]
        );
        assert_eq!(
            v.search(&seq_map, &[SearchKey::SavedResult], Some(&[uid(3)]))
                .unwrap(),
            vec![uid(3)]
        );
        let arrival = SortCriterion {
            reverse: true,
            key: imap_core::types::SortKey::Arrival,
        };
        assert_eq!(
            v.sort(&seq_map, &[arrival], &[SearchKey::All], None)
                .unwrap(),
            vec![uid(1), uid(3)]
        );
        let t = v
            .thread(
                &seq_map,
                ThreadAlgorithm::OrderedSubject,
                &[SearchKey::All],
                None,
                false,
            )
            .unwrap();
        assert_eq!(
            t,
            vec![Thread {
                members: vec![1, 3],
                children: vec![]
            }]
        );
        assert!(matches!(
            v.search(&seq_map, &[SearchKey::GmRaw("x".into())], None),
            Err(StoreError::Unsupported(_))
        ));
    }
}
