//! One mailbox: its messages in UID order, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, the expunge
//! history for QRESYNC and the change log.

use super::SessionId;
use super::changes::{Change, ChangeLog};
use super::message::{MessageData, Recent, StoredMessage, flag_eq};
use bytes::Bytes;
use imap_core::types::{Atom, DateTime, Flag, MailboxAttr, Uid};
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;

/// A mailbox's state inside the store.
#[derive(Debug)]
pub(crate) struct MailboxState {
    /// Store-wide unique id (MAILBOXID, and how views find the mailbox after a rename).
    pub id: u64,
    pub name: String,
    pub special_use: Vec<MailboxAttr>,
    /// A name kept only because it has children (RFC 9051 section 6.3.5).
    pub noselect: bool,
    pub uid_validity: NonZeroU32,
    pub uid_next: u32,
    pub highest_modseq: u64,
    /// Ascending UIDs.
    pub messages: Vec<StoredMessage>,
    /// Expunged UIDs with the MODSEQ of their expunge, ascending.
    pub expunged: Vec<(Uid, u64)>,
    pub log: ChangeLog,
    /// Keywords used in this mailbox, for the FLAGS response.
    pub keywords: Vec<Atom>,
    /// Rights SETACL granted to identifiers other than the owner (RFC 4314).
    pub acl: BTreeMap<String, String>,
    /// Mailbox annotations (RFC 5464), by lower-case entry name.
    pub metadata: BTreeMap<String, Bytes>,
}

impl MailboxState {
    pub fn new(id: u64, name: String, uid_validity: NonZeroU32) -> Self {
        MailboxState {
            id,
            name,
            special_use: Vec::new(),
            noselect: false,
            uid_validity,
            uid_next: 1,
            highest_modseq: 1,
            messages: Vec::new(),
            expunged: Vec::new(),
            log: ChangeLog::default(),
            keywords: Vec::new(),
            acl: BTreeMap::new(),
            metadata: BTreeMap::new(),
        }
    }

    /// The OBJECTID `MAILBOXID` (RFC 8474).
    pub fn object_id(&self) -> String {
        format!("F{:012x}", self.id)
    }

    fn bump(&mut self) -> u64 {
        self.highest_modseq += 1;
        self.highest_modseq
    }

    /// Index of the message with `uid`.
    pub fn index(&self, uid: Uid) -> Option<usize> {
        self.messages.binary_search_by_key(&uid, |m| m.uid).ok()
    }

    /// [`MailboxState::index`], looking at index `hint` first: where the next of ascending
    /// UIDs usually is (the message after the previous one). A FETCH of a range walks the
    /// messages in order instead of searching ten thousand of them, a cache miss a step,
    /// for each.
    pub fn index_near(&self, uid: Uid, hint: usize) -> Option<usize> {
        match self.messages.get(hint) {
            Some(m) if m.uid == uid => Some(hint),
            _ => self.index(uid),
        }
    }

    /// Total size in octets.
    pub fn size(&self) -> u64 {
        self.messages.iter().map(|m| m.data.size()).sum()
    }

    fn note_keywords(&mut self, flags: &[Flag]) {
        for f in flags {
            if let Flag::Keyword(k) = f
                && !self
                    .keywords
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(k.as_str()))
            {
                self.keywords.push(k.clone());
            }
        }
    }

    /// The FLAGS list: system flags and every keyword in use.
    pub fn flag_list(&self) -> Vec<Flag> {
        let mut v = vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
        ];
        v.extend(self.keywords.iter().cloned().map(Flag::Keyword));
        v
    }

    /// Adds a message with the next UID.
    pub fn add(
        &mut self,
        data: Arc<MessageData>,
        flags: &[Flag],
        internal_date: DateTime,
        save_date: DateTime,
        origin: Option<SessionId>,
    ) -> Uid {
        let uid = Uid::new(self.uid_next).unwrap_or(Uid::MAX);
        self.uid_next = self.uid_next.saturating_add(1);
        let modseq = self.bump();
        let flags = normalize(flags);
        self.note_keywords(&flags);
        self.messages.push(StoredMessage {
            uid,
            data,
            flags,
            internal_date,
            save_date,
            modseq,
            recent: Recent::Unclaimed,
        });
        self.log.push(Change::Added {
            uid,
            modseq,
            origin,
        });
        uid
    }

    /// Sets the flags of message `idx`; returns whether they changed (and the MODSEQ moved).
    pub fn set_flags(&mut self, idx: usize, flags: Vec<Flag>, origin: Option<SessionId>) -> bool {
        let flags = normalize(&flags);
        let old = &self.messages[idx].flags;
        let same =
            old.len() == flags.len() && old.iter().all(|f| flags.iter().any(|g| flag_eq(f, g)));
        if same {
            return false;
        }
        self.note_keywords(&flags);
        let modseq = self.bump();
        let m = &mut self.messages[idx];
        m.flags = flags.clone();
        m.modseq = modseq;
        let uid = m.uid;
        self.log.push(Change::Flags {
            uid,
            modseq,
            flags,
            origin,
        });
        true
    }

    /// Removes the messages with the given UIDs; returns the UIDs removed, ascending.
    pub fn expunge(&mut self, uids: &[Uid], origin: Option<SessionId>) -> Vec<Uid> {
        let mut gone: Vec<Uid> = uids
            .iter()
            .copied()
            .filter(|u| self.index(*u).is_some())
            .collect();
        gone.sort_unstable();
        gone.dedup();
        if gone.is_empty() {
            return gone;
        }
        self.messages
            .retain(|m| gone.binary_search(&m.uid).is_err());
        for &uid in &gone {
            let modseq = self.bump();
            self.expunged.push((uid, modseq));
            self.log.push(Change::Expunged {
                uid,
                modseq,
                origin,
            });
        }
        gone
    }

    /// Gives every unclaimed `\Recent` message to `session`; returns how many it now has.
    pub fn claim_recent(&mut self, session: SessionId) -> u32 {
        let mut n = 0;
        for m in &mut self.messages {
            if m.recent == Recent::Unclaimed {
                m.recent = Recent::Session(session);
            }
            if m.recent == Recent::Session(session) {
                n += 1;
            }
        }
        n
    }

    /// Messages that are `\Recent` for `viewer`: those no session has been told of yet, and
    /// those `viewer` itself took. A message a read-write session has been told of is
    /// `\Recent` for that session only (RFC 3501 section 2.3.2), so another session's STATUS
    /// does not count it.
    pub fn recent_count(&self, viewer: Option<SessionId>) -> u64 {
        self.messages
            .iter()
            .filter(|m| match m.recent {
                Recent::Unclaimed => true,
                Recent::Session(s) => Some(s) == viewer,
            })
            .count() as u64
    }
}

/// Drops `\Recent` (never stored) and duplicates.
pub(crate) fn normalize(flags: &[Flag]) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::with_capacity(flags.len());
    for f in flags {
        if *f != Flag::Recent && !out.iter().any(|g| flag_eq(f, g)) {
            out.push(f.clone());
        }
    }
    out
}
