//! The per-mailbox change log that lets every session learn what changed since it last looked.
//!
//! Every change to a mailbox (a message added, flags changed, a message expunged) takes the next
//! MODSEQ of the mailbox and is appended here, so the log is ordered by MODSEQ. A selected
//! session ([`MailboxView`](crate::store::MailboxView)) keeps the MODSEQ it has seen up to and
//! asks for the changes after it. Entries every registered view has seen are dropped.

use super::notify::Notifier;
use crate::store::SessionId;
use imap_core::types::{Flag, Uid};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// One change to a mailbox, in UIDs. `origin` is the session that made it, `None` for changes
/// made directly on the store (tests, delivery).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// A message arrived (APPEND, COPY, MOVE, delivery). Announce with `EXISTS`.
    Added {
        /// Its UID.
        uid: Uid,
        /// The MODSEQ of the arrival.
        modseq: u64,
        /// Who added it.
        origin: Option<SessionId>,
    },
    /// A message's flags changed. Announce with an unsolicited `FETCH (FLAGS ..)`.
    Flags {
        /// Its UID.
        uid: Uid,
        /// The message's new MODSEQ.
        modseq: u64,
        /// The flags after the change (without `\Recent`).
        flags: Vec<Flag>,
        /// Who changed them.
        origin: Option<SessionId>,
    },
    /// A message was expunged. Announce with `EXPUNGE` or `VANISHED`, only where RFC 9051
    /// section 7.5.1 allows it.
    Expunged {
        /// Its UID.
        uid: Uid,
        /// The MODSEQ of the expunge.
        modseq: u64,
        /// Who expunged it.
        origin: Option<SessionId>,
    },
}

impl Change {
    /// The MODSEQ this change took.
    pub fn modseq(&self) -> u64 {
        match self {
            Change::Added { modseq, .. }
            | Change::Flags { modseq, .. }
            | Change::Expunged { modseq, .. } => *modseq,
        }
    }

    /// The message it concerns.
    pub fn uid(&self) -> Uid {
        match self {
            Change::Added { uid, .. }
            | Change::Flags { uid, .. }
            | Change::Expunged { uid, .. } => *uid,
        }
    }
}

/// The log and the views reading it.
#[derive(Debug, Default)]
pub(crate) struct ChangeLog {
    entries: VecDeque<Change>,
    /// Registered views and the MODSEQ each has seen.
    views: HashMap<u64, (SessionId, u64)>,
    /// Told of every change, kept or not (wakes IDLE and NOTIFY sessions).
    notifier: Option<(Arc<Notifier>, Arc<str>, Arc<str>)>,
}

impl ChangeLog {
    /// Records a change if some view will want it, and tells the notifier in any case (a
    /// NOTIFY session watches the mailbox without selecting it, RFC 5465).
    pub fn push(&mut self, change: Change) {
        if !self.views.is_empty() {
            self.entries.push_back(change);
        }
        if let Some((n, user, id)) = &self.notifier {
            n.bump_for(user.clone(), Some(id.clone()));
        }
    }

    /// Sets the notifier told of changes, with the mailbox's user and object id.
    pub fn set_notifier(&mut self, notifier: Arc<Notifier>, user: &str, object_id: String) {
        self.notifier = Some((notifier, user.into(), object_id.into()));
    }

    /// Registers a view that has seen everything up to `modseq`.
    pub fn register(&mut self, view: u64, session: SessionId, modseq: u64) {
        self.views.insert(view, (session, modseq));
    }

    /// Forgets a view.
    pub fn unregister(&mut self, view: u64) {
        self.views.remove(&view);
        self.trim();
    }

    /// The changes after `view`'s position; moves the view to `upto`.
    pub fn take(&mut self, view: u64, upto: u64) -> Vec<Change> {
        let Some((_, seen)) = self.views.get_mut(&view) else {
            return Vec::new();
        };
        let from = *seen;
        *seen = upto.max(from);
        let start = self.entries.partition_point(|c| c.modseq() <= from);
        let end = self.entries.partition_point(|c| c.modseq() <= upto);
        let out: Vec<Change> = self.entries.range(start..end.max(start)).cloned().collect();
        // The oldest entry is kept while some view has not seen it (see `trim`); only a view
        // that had not can let it go. Looking at every view on every poll cost a poll
        // O(views) under the store lock: a thousand sessions, a thousand steps a command.
        if self.entries.front().is_some_and(|c| c.modseq() > from) {
            self.trim();
        }
        out
    }

    /// Drops entries every view has seen: afterwards the oldest entry kept, if any, is one
    /// some view has not seen.
    fn trim(&mut self) {
        let Some(min) = self.views.values().map(|(_, m)| *m).min() else {
            self.entries.clear();
            return;
        };
        while self.entries.front().is_some_and(|c| c.modseq() <= min) {
            self.entries.pop_front();
        }
    }

    /// Number of entries kept (for tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(n: u32, m: u64) -> Change {
        Change::Added {
            uid: Uid::new(n).unwrap(),
            modseq: m,
            origin: None,
        }
    }

    #[test]
    fn views_read_independently_and_log_trims() {
        let mut log = ChangeLog::default();
        log.push(added(1, 2)); // nobody listening: dropped
        assert_eq!(log.len(), 0);
        log.register(1, SessionId(1), 2);
        log.register(2, SessionId(2), 2);
        log.push(added(2, 3));
        log.push(added(3, 4));
        assert_eq!(log.take(1, 4).len(), 2);
        assert_eq!(log.len(), 2);
        assert_eq!(log.take(1, 4).len(), 0);
        assert_eq!(log.take(2, 3), vec![added(2, 3)]);
        assert_eq!(log.len(), 1);
        log.unregister(2);
        assert_eq!(log.len(), 0);
    }

    /// Whatever order views read in, the log keeps exactly the entries some view has not
    /// seen, though a read by a view that was not the last to see the oldest entry does not
    /// look at the others.
    #[test]
    fn the_log_keeps_what_some_view_has_not_seen() {
        let mut log = ChangeLog::default();
        let mut seen = [1u64; 3];
        for (v, &m) in seen.iter().enumerate() {
            log.register(v as u64, SessionId(v as u64), m);
        }
        let mut modseq = 1;
        // Pushes and reads in a fixed, uneven order: view 0 reads often, 1 now and then, 2
        // rarely.
        for step in 0..60u64 {
            modseq += 1;
            log.push(added(u32::try_from(modseq).unwrap(), modseq));
            for v in 0..3 {
                if step % [1, 4, 13][v] == 0 {
                    log.take(v as u64, modseq);
                    seen[v] = modseq;
                }
            }
            let min = *seen.iter().min().unwrap();
            assert_eq!(log.len() as u64, modseq - min, "step {step}");
        }
    }
}
