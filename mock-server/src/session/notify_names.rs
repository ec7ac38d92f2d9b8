//! NOTIFY's MailboxName and SubscriptionChange events (RFC 5465 sections 5.4 and 5.5).
//!
//! The session keeps the mailbox list it last told (object id to name) and the subscribed
//! names; on every wake-up it compares them with the store's: a new id is a created mailbox
//! (`LIST`), a missing one a deleted mailbox (`LIST (\NonExistent)`), an id under a new name a
//! rename (`LIST ... ("OLDNAME" (old))`, once for a renamed parent, not for its children),
//! and a name that entered or left the subscriptions a `LIST` with or without `\Subscribed`.
//! A created or deleted mailbox's direct parent gets a `LIST` too (section 5.4).
//! Only names one of the registration's filters covers are told.

use super::MockSession;
use crate::backend::MailAccount;
use crate::store::{DELIMITER, ListRequest};
use imap_core::types::{Data, ListEntry, MailboxAttr, MailboxFilter, StatusItem, StatusValue, Str};
use std::collections::{BTreeMap, BTreeSet};

/// The mailbox list and subscriptions as last told.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Filters with MailboxName.
    pub(super) names: Vec<MailboxFilter>,
    /// Filters with SubscriptionChange.
    pub(super) subscriptions: Vec<MailboxFilter>,
    /// Mailbox key (object id, or the name of a `\Noselect` one) to name.
    mailboxes: BTreeMap<String, String>,
    /// Subscribed names.
    subscribed: BTreeSet<String>,
}

impl Names {
    /// Whether any event of this kind was asked for.
    pub(super) fn is_empty(&self) -> bool {
        self.names.is_empty() && self.subscriptions.is_empty()
    }

    /// Records the store's state without telling anything (at NOTIFY SET).
    pub(super) fn prime(&mut self, account: &dyn MailAccount) {
        if self.is_empty() {
            return;
        }
        self.mailboxes = mailboxes(account);
        self.subscribed = subscribed(account);
    }
}

impl MockSession {
    /// Sends the LIST responses for what changed since the last call.
    pub(super) fn notify_names(&mut self, account: &dyn MailAccount) {
        let Some(reg) = &mut self.notify else {
            return;
        };
        let names = &mut reg.names;
        if names.is_empty() {
            return;
        }
        let now = mailboxes(account);
        let subs = subscribed(account);
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        if !names.names.is_empty() {
            let renamed: Vec<(&String, &String)> = now
                .iter()
                .filter_map(|(k, new)| {
                    names
                        .mailboxes
                        .get(k)
                        .filter(|old| *old != new)
                        .map(|old| (old, new))
                })
                .collect();
            let covers = |n: &str| names.names.iter().any(|f| covers(f, n, &subs));
            for &(old, new) in &renamed {
                // A child moves with its parent: only the parent is told (section 5.4).
                let child = renamed.iter().any(|&(po, pn)| {
                    old.strip_prefix(po.as_str())
                        .and_then(|r| r.strip_prefix(DELIMITER))
                        .zip(new.strip_prefix(pn.as_str()))
                        .is_some_and(|(a, b)| b.strip_prefix(DELIMITER) == Some(a))
                });
                if !child && (covers(old) || covers(new)) {
                    out.push((new.clone(), Some(old.clone())));
                }
            }
            for (k, n) in &now {
                if !names.mailboxes.contains_key(k) && covers(n) {
                    out.push((n.clone(), None));
                }
            }
            let mut parents = Vec::new();
            for (k, n) in &now {
                if !names.mailboxes.contains_key(k) {
                    parents.extend(parent(n));
                }
            }
            for (k, n) in &names.mailboxes {
                if !now.contains_key(k) {
                    parents.extend(parent(n));
                    if covers(n) && !out.iter().any(|(o, _)| o == n) {
                        out.push((n.clone(), None));
                    }
                }
            }
            // A created or deleted mailbox's direct parent is affected too, existing or not
            // (section 5.4): its LIST tells its children attributes or \NonExistent.
            for p in parents {
                if covers(p) && !out.iter().any(|(o, _)| o == p) {
                    out.push((p.to_owned(), None));
                }
            }
        }
        if !names.subscriptions.is_empty() {
            for n in names.subscribed.symmetric_difference(&subs) {
                let covered = names
                    .subscriptions
                    .iter()
                    .any(|f| covers(f, n, &subs) || covers(f, n, &names.subscribed));
                if covered && !out.iter().any(|(o, _)| o == n) {
                    out.push((n.clone(), None));
                }
            }
        }
        names.mailboxes = now;
        names.subscribed = subs;
        for (name, old) in out {
            let entry = entry(account, &name, old);
            self.data(Data::List(entry));
        }
    }
}

/// The direct parent of `name` (none for a top-level name).
fn parent(name: &str) -> Option<&str> {
    name.rfind(DELIMITER).map(|i| &name[..i])
}

/// Whether `filter` covers the mailbox `name`.
pub(super) fn covers(filter: &MailboxFilter, name: &str, subscribed: &BTreeSet<String>) -> bool {
    let named = |m: &imap_core::types::Mailbox| m.name().unwrap_or_default().to_owned();
    match filter {
        MailboxFilter::Inboxes => name == "INBOX",
        MailboxFilter::Personal => true,
        MailboxFilter::Subscribed => subscribed.contains(name),
        MailboxFilter::Mailboxes(m) => m.iter().any(|m| named(m) == name),
        MailboxFilter::Subtree(m) => m.iter().any(|m| {
            let r = named(m);
            name == r
                || name
                    .strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.starts_with(DELIMITER))
        }),
        _ => false,
    }
}

/// Every mailbox of the user, by object id (a `\Noselect` name by its name).
fn mailboxes(account: &dyn MailAccount) -> BTreeMap<String, String> {
    account
        .list("", &["*"], &ListRequest::default())
        .into_iter()
        .filter_map(|e| e.mailbox.name().map(str::to_owned))
        .map(|n| {
            let key = match account.status(&n, &[StatusItem::MailboxId]).as_deref() {
                Ok([(_, StatusValue::MailboxId(id))]) => {
                    String::from_utf8_lossy(id.as_bytes()).into_owned()
                }
                _ => format!("/{n}"),
            };
            (key, n)
        })
        .collect()
}

/// The subscribed names.
pub(super) fn subscribed(account: &dyn MailAccount) -> BTreeSet<String> {
    let opts = ListRequest {
        subscribed: true,
        ..ListRequest::default()
    };
    account
        .list("", &["*"], &opts)
        .into_iter()
        .filter_map(|e| e.mailbox.name().map(str::to_owned))
        .collect()
}

/// The LIST response for `name` as it is now (`\NonExistent` when gone, `\Subscribed` when
/// subscribed), with OLDNAME after a rename.
fn entry(account: &dyn MailAccount, name: &str, old: Option<String>) -> ListEntry {
    let opts = ListRequest {
        return_subscribed: true,
        return_children: true,
        extended: true,
        ..ListRequest::default()
    };
    let found = account
        .list("", &[name], &opts)
        .into_iter()
        .find(|e| e.mailbox.name() == Some(name));
    let mut e = found.unwrap_or_else(|| {
        let mut attributes = vec![MailboxAttr::NonExistent];
        if subscribed(account).contains(name) {
            attributes.push(MailboxAttr::Subscribed);
        }
        ListEntry {
            attributes,
            delimiter: Some(DELIMITER as u8),
            mailbox: name.into(),
            extended: Vec::new(),
        }
    });
    if let Some(old) = old {
        let quoted = format!("(\"{}\")", old.replace('\\', "\\\\").replace('"', "\\\""));
        e.extended.push((Str::from("OLDNAME"), Str::from(quoted)));
    }
    e
}
