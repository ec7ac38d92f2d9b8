//! NOTIFY's MailboxMetadataChange and ServerMetadataChange (RFC 5465 sections 5.6 and 5.7),
//! required because this server offers METADATA and METADATA-SERVER.
//!
//! The store keeps a log of SETMETADATA changes (mailbox and entry names); the session keeps
//! the point of that log it has told up to. On every wake-up or command end it reads the
//! changes since then and sends, per mailbox a filter with MailboxMetadataChange covers (and
//! for the server, mailbox `""`, with ServerMetadataChange), one unsolicited
//! `* METADATA "mailbox" entry ...` with the names of the changed entries, removed ones
//! included (RFC 5464 section 4.4.2). Only changes are read, never the whole annotation set.
//! A session so far behind that the log dropped changes it has not told gets
//! NOTIFICATIONOVERFLOW (section 5.8).

use super::MockSession;
use super::notify_names::{covers, subscribed};
use imap_core::types::{Data, MailboxFilter, Str};

/// What the registration asked for.
#[derive(Debug, Default)]
pub(super) struct Meta {
    /// Filters with MailboxMetadataChange.
    pub(super) mailboxes: Vec<MailboxFilter>,
    /// ServerMetadataChange.
    pub(super) server: bool,
    /// The point of the store's log told up to.
    next: u64,
}

impl Meta {
    /// Whether any event of this kind was asked for.
    pub(super) fn is_empty(&self) -> bool {
        self.mailboxes.is_empty() && !self.server
    }
}

impl MockSession {
    /// Records the store's log point without telling anything (at NOTIFY SET).
    pub(super) fn notify_meta_prime(&mut self, user: &str) {
        let Some(store) = self.store.as_metadata() else {
            return;
        };
        let Some(reg) = &mut self.notify else {
            return;
        };
        if let Ok(now) = store.metadata_changes(user, u64::MAX) {
            reg.meta.next = now.next;
        }
    }

    /// Sends the METADATA responses for the annotation changes since the last call.
    pub(super) fn notify_meta(&mut self, account: &dyn crate::backend::MailAccount) {
        let store = self.store.clone();
        let Some(store) = store.as_metadata() else {
            return;
        };
        let Some(reg) = &mut self.notify else {
            return;
        };
        let meta = &mut reg.meta;
        if meta.is_empty() {
            return;
        }
        let Ok(found) = store.metadata_changes(account.user(), meta.next) else {
            return;
        };
        meta.next = found.next;
        if found.lost {
            return self.overflow();
        }
        let subs = if meta
            .mailboxes
            .iter()
            .any(|f| matches!(f, MailboxFilter::Subscribed))
        {
            subscribed(account)
        } else {
            Default::default()
        };
        // Per mailbox, in the order first changed, each entry name once.
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (mailbox, entries) in found.changes {
            let wanted = if mailbox.is_empty() {
                meta.server
            } else {
                meta.mailboxes.iter().any(|f| covers(f, &mailbox, &subs))
            };
            if !wanted {
                continue;
            }
            let i = match out.iter().position(|(m, _)| *m == mailbox) {
                Some(i) => i,
                None => {
                    out.push((mailbox, Vec::new()));
                    out.len() - 1
                }
            };
            for e in entries {
                if !out[i].1.contains(&e) {
                    out[i].1.push(e);
                }
            }
        }
        for (mailbox, entries) in out {
            self.data(Data::MetadataChanged {
                mailbox: mailbox.as_str().into(),
                entries: entries.into_iter().map(Str::from).collect(),
            });
        }
    }
}
