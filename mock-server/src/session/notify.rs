//! NOTIFY (RFC 5465): what the client registered for, and telling it at any time.
//!
//! The registration names the selected mailbox (`SELECTED`, or `SELECTED-DELAYED`, which keeps
//! expunges to the points where EXPUNGE is allowed) and other mailboxes (by name, subtree,
//! `INBOXES`, `PERSONAL`, `SUBSCRIBED`). When the store changes ([`MockSession::wake`]) the
//! selected mailbox's changes go out as after a command (EXISTS, FETCH, EXPUNGE), and each
//! other watched mailbox whose message count, UIDNEXT, UIDVALIDITY (or, with CONDSTORE and
//! FlagChange, HIGHESTMODSEQ) moved since it was last told gets one untagged STATUS (section
//! 5.2): the session keeps, per watched mailbox, the figures last sent, so several changes
//! between two wake-ups make one STATUS. Without CONDSTORE a flag change elsewhere is not told
//! (section 5.1 allows that).
//!
//! Work per store change is bounded by what changed: the store says which of this user's
//! mailboxes changed since the session last looked ([`crate::backend::MailStore::touched`]),
//! and only those the session watches get their figures computed; the whole watched list is
//! recomputed only after a change of the user's mailbox list, subscriptions or annotations.
//!
//! Output the client has not read is the queue of pending notifications: once it holds more
//! than [`BACKLOG`] bytes when a notification is due, the session sends
//! `* OK [NOTIFICATIONOVERFLOW]` and behaves as after NOTIFY NONE (section 5.8), so a client
//! that stops reading costs at most that much.

use super::{Fail, MockSession, Outcome, State, ok};
use crate::backend::MailAccount;
use crate::store::{DELIMITER, ListRequest, normalize_name};
use imap_core::types::{
    Atom, Code, Data, EventGroup, FetchItem, MailboxAttr, MailboxFilter, NotifyEvent, NotifySet,
    SimpleCode, StatusItem, StatusKind, StatusValue,
};
use std::collections::HashMap;

/// The most unread output, in bytes, a notification may be added to; past it, overflow.
pub const BACKLOG: usize = 256 * 1024;

/// The events this server tells (BADEVENT lists them, RFC 5465 section 3).
/// MailboxMetadataChange and ServerMetadataChange are told when the store offers METADATA
/// (sections 5.6, 5.7 require them then).
const SUPPORTED: [&str; 7] = [
    "MessageNew",
    "MessageExpunge",
    "FlagChange",
    "MailboxName",
    "SubscriptionChange",
    "MailboxMetadataChange",
    "ServerMetadataChange",
];

/// A session's registration.
#[derive(Debug, Default)]
pub(super) struct Registration {
    /// The selected mailbox's events: `None` when no selected filter asked for any.
    pub(super) selected: Option<SelectedEvents>,
    /// The filters of the other mailboxes with message events, and whether FlagChange is
    /// among them.
    others: Vec<(MailboxFilter, bool)>,
    /// Per watched mailbox, the figures last told (see [`Figures`]).
    told: HashMap<String, Figures>,
    /// Object id to name of the watched mailboxes (the selected one too), so a change to one
    /// mailbox costs one STATUS.
    ids: HashMap<String, String>,
    /// The store's change point read up to ([`crate::backend::MailStore::touched`]).
    point: u64,
    /// How many mailbox figures (STATUS) this registration computed: NOTIFY's cost.
    pub(super) status_computed: u64,
    /// MailboxName and SubscriptionChange.
    pub(super) names: super::notify_names::Names,
    /// MailboxMetadataChange and ServerMetadataChange.
    pub(super) meta: super::notify_meta::Meta,
}

/// What the selected filter asked for.
#[derive(Debug, Default)]
pub(super) struct SelectedEvents {
    /// `SELECTED-DELAYED`: expunges only where EXPUNGE is allowed.
    pub(super) delayed: bool,
    /// MessageNew's fetch attributes: sent for each new message.
    pub(super) fetch: Vec<FetchItem>,
    /// FlagChange.
    flags: bool,
}

/// MESSAGES, UIDNEXT, UIDVALIDITY and HIGHESTMODSEQ of a mailbox.
type Figures = [u64; 4];

impl MockSession {
    /// `NOTIFY SET ...` / `NOTIFY NONE`.
    pub(super) fn notify(&mut self, set: Option<NotifySet>) -> Outcome {
        let account = self.account()?;
        let Some(set) = set else {
            self.notify = None;
            return ok("NOTIFY completed");
        };
        let mut reg = check(&set, self.store.as_metadata().is_some())?;
        reg.names.prime(&*account);
        let condstore = self.enabled.condstore;
        let selected = self.selected_name();
        reg.point = self.touched(&*account, u64::MAX).map_or(0, |t| t.next);
        for (name, figures) in reg.record_all(&*account, selected.as_deref(), condstore) {
            if set.status {
                self.send_status(name, figures, condstore);
            }
        }
        self.notify = Some(reg);
        self.notify_meta_prime(account.user());
        ok("NOTIFY completed")
    }

    /// The store changed and no command is running: tell what the registration asks for.
    pub(super) fn notify_wake(&mut self) {
        let Some(reg) = &self.notify else {
            return;
        };
        if self.fetch_job.is_some() || self.deferred.is_some() {
            // The command's end announces the selected mailbox; the others wait for the next
            // change.
            return;
        }
        if self.backlog() > BACKLOG {
            return self.overflow();
        }
        if let Some(sel) = &reg.selected {
            let expunge = !sel.delayed || self.core.is_idling();
            let flags = sel.flags;
            self.announce_events(expunge, flags);
        }
        self.notify_others();
    }

    /// An untagged STATUS for each other watched mailbox whose figures moved, and the LIST
    /// responses of MailboxName and SubscriptionChange. Only the mailboxes of this user that
    /// changed since the last call are looked at; the whole list only after a change of the
    /// user's mailbox list, subscriptions or annotations (or when the store cannot say).
    pub(super) fn notify_others(&mut self) {
        let Some(reg) = &self.notify else {
            return;
        };
        let Ok(account) = self.account() else {
            return;
        };
        let touched = self.touched(&*account, reg.point);
        if touched
            .as_ref()
            .is_some_and(|t| !t.everything && t.mailboxes.is_empty() && t.next == reg.point)
        {
            return;
        }
        let everything = touched.as_ref().is_none_or(|t| t.everything);
        let names = !reg.names.is_empty();
        if let (Some(reg), Some(t)) = (&mut self.notify, &touched) {
            reg.point = t.next;
        }
        if everything && names {
            self.notify_names(&*account);
        }
        self.notify_meta(&*account);
        let Some(reg) = &self.notify else {
            return;
        };
        if reg.others.is_empty() {
            return;
        }
        let condstore = self.enabled.condstore;
        let selected = self.selected_name();
        let flag_change = reg.others.iter().any(|(_, f)| *f);
        let Some(reg) = &mut self.notify else {
            return;
        };
        let old = std::mem::take(&mut reg.told);
        let now = match touched {
            Some(t) if !t.everything => {
                reg.told = old.clone();
                let names: Vec<String> = t
                    .mailboxes
                    .iter()
                    .filter_map(|id| reg.ids.get(&**id).cloned())
                    .filter(|n| Some(n) != selected.as_ref())
                    .collect();
                reg.status_computed += names.len() as u64;
                names
                    .into_iter()
                    .filter_map(|n| figures(&*account, &n, condstore).map(|(f, _)| (n, f)))
                    .collect()
            }
            _ => reg.record_all(&*account, selected.as_deref(), condstore),
        };
        let mut changed = Vec::new();
        for (name, figures) in now {
            if let Some(old) = old.get(&name) {
                let moved =
                    old[..3] != figures[..3] || (condstore && flag_change && old[3] != figures[3]);
                if moved {
                    changed.push((name.clone(), figures));
                }
            }
            // A mailbox seen for the first time (created since) is only recorded: its
            // creation is a MailboxName event.
            reg.told.insert(name, figures);
        }
        for (name, figures) in changed {
            self.send_status(name, figures, condstore);
        }
    }

    /// After a command of this session that changed other mailboxes, the subscriptions or
    /// annotations: records the state as told without telling it (RFC 5465 section 5: the
    /// client is not told about changes it caused; the base protocol's responses, such as the
    /// selected mailbox's EXISTS, still go out). Another session's change made while the
    /// command ran is absorbed with it: the in-memory store runs a command in one go.
    pub(super) fn notify_absorb(&mut self) {
        let Ok(account) = self.account() else {
            return;
        };
        let condstore = self.enabled.condstore;
        let selected = self.selected_name();
        let Some(reg) = &mut self.notify else {
            return;
        };
        reg.names.prime(&*account);
        if !reg.others.is_empty() {
            reg.record_all(&*account, selected.as_deref(), condstore);
        }
        let point = self.touched(&*account, u64::MAX).map(|t| t.next);
        if let (Some(reg), Some(point)) = (&mut self.notify, point) {
            reg.point = point;
        }
        self.notify_meta_prime(account.user());
    }

    /// The store's changes for this user from point `since` on (`None`: it cannot say).
    fn touched(&self, account: &dyn MailAccount, since: u64) -> Option<crate::store::Touched> {
        self.store.touched(account.user(), since)
    }

    /// How many mailbox figures (STATUS) NOTIFY computed for this session: its cost, for tests.
    pub fn notify_status_computed(&self) -> u64 {
        self.notify.as_ref().map_or(0, |r| r.status_computed)
    }

    /// Unread output: what the core holds and what waits for the quirk rewriter.
    fn backlog(&self) -> usize {
        self.core.pending_output() + self.pending.len()
    }

    /// RFC 5465 section 5.8: `* OK [NOTIFICATIONOVERFLOW]`, then as after NOTIFY NONE.
    pub(super) fn overflow(&mut self) {
        self.notify = None;
        self.untagged(
            StatusKind::Ok,
            Some(Code::Simple(SimpleCode::NotificationOverflow)),
            "Too many notifications unread: NOTIFY NONE",
        );
    }

    fn selected_name(&self) -> Option<String> {
        match &self.state {
            State::Selected(_, sel) => Some(sel.name.clone()),
            _ => None,
        }
    }

    fn send_status(&mut self, name: String, f: Figures, condstore: bool) {
        let mut items = vec![
            (StatusItem::Messages, StatusValue::Number(f[0])),
            (StatusItem::UidNext, StatusValue::Number(f[1])),
            (StatusItem::UidValidity, StatusValue::Number(f[2])),
        ];
        if condstore {
            items.push((StatusItem::HighestModSeq, StatusValue::Number(f[3])));
        }
        self.data(Data::Status {
            mailbox: name.as_str().into(),
            items,
        });
    }
}

/// Whether `body` changes what NOTIFY tells about mailboxes other than the selected one
/// (messages, names, subscriptions, annotations), so the session keeps quiet about it.
pub(super) fn changes_others(body: &imap_core::types::CommandBody) -> bool {
    use imap_core::types::CommandBody as C;
    matches!(
        body,
        C::Append { .. }
            | C::Copy { .. }
            | C::Move { .. }
            | C::Create { .. }
            | C::Delete(_)
            | C::Rename { .. }
            | C::Subscribe(_)
            | C::Unsubscribe(_)
            | C::SetMetadata { .. }
    )
}

/// RFC 5465 sections 5 and 8: BAD for what the grammar or section 5 forbids, NO [BADEVENT]
/// for events this server does not tell.
fn check(set: &NotifySet, metadata: bool) -> Result<Registration, Fail> {
    let supported = if metadata {
        &SUPPORTED[..]
    } else {
        &SUPPORTED[..5]
    };
    let mut reg = Registration::default();
    let mut unsupported = false;
    let mut seen_selected = false;
    for EventGroup { filter, events } in &set.groups {
        let has = |f: fn(&NotifyEvent) -> bool| events.iter().any(f);
        let new = has(|e| matches!(e, NotifyEvent::MessageNew(_)));
        let expunge = has(|e| matches!(e, NotifyEvent::MessageExpunge));
        let flags = has(|e| matches!(e, NotifyEvent::FlagChange | NotifyEvent::AnnotationChange));
        if new != expunge {
            return Err(Fail::bad(
                "MessageNew and MessageExpunge go together (RFC 5465 section 5)",
            ));
        }
        if flags && !new {
            return Err(Fail::bad(
                "FlagChange and AnnotationChange need MessageNew and MessageExpunge",
            ));
        }
        let fetch: Vec<FetchItem> = events
            .iter()
            .find_map(|e| match e {
                NotifyEvent::MessageNew(items) => Some(items.clone()),
                _ => None,
            })
            .unwrap_or_default();
        if filter.is_selected() {
            if seen_selected {
                return Err(Fail::bad("Only one SELECTED or SELECTED-DELAYED filter"));
            }
            seen_selected = true;
            if !events.iter().all(NotifyEvent::is_message_event) {
                return Err(Fail::bad("Only message events for the selected mailbox"));
            }
        } else if !fetch.is_empty() {
            return Err(Fail::bad("Fetch attributes only for the selected mailbox"));
        }
        unsupported |= events.iter().any(|e| !supported.contains(&e.name()));
        if events.is_empty() {
            continue;
        }
        if filter.is_selected() {
            reg.selected = Some(SelectedEvents {
                delayed: *filter == MailboxFilter::SelectedDelayed,
                fetch,
                flags: events.contains(&NotifyEvent::FlagChange),
            });
        } else {
            if events.contains(&NotifyEvent::MailboxName) {
                reg.names.names.push(filter.clone());
            }
            if events.contains(&NotifyEvent::SubscriptionChange) {
                reg.names.subscriptions.push(filter.clone());
            }
            if events.contains(&NotifyEvent::MailboxMetadataChange) {
                reg.meta.mailboxes.push(filter.clone());
            }
            reg.meta.server |= events.contains(&NotifyEvent::ServerMetadataChange);
            if new {
                let flag_change = events.contains(&NotifyEvent::FlagChange);
                reg.others.push((filter.clone(), flag_change));
            }
        }
    }
    if unsupported {
        let names = supported.iter().map(|n| Atom::from_static(n)).collect();
        return Err(Fail::no("Unsupported event").code(Code::BadEvent(names)));
    }
    Ok(reg)
}

impl Registration {
    /// Recomputes every watched mailbox: the id map, and the figures of those other than
    /// the selected one, which it returns and records as told.
    fn record_all(
        &mut self,
        account: &dyn MailAccount,
        selected: Option<&str>,
        condstore: bool,
    ) -> Vec<(String, Figures)> {
        let names = watched(account, &self.others);
        self.status_computed += names.len() as u64;
        self.ids.clear();
        self.told.clear();
        let mut out = Vec::new();
        for n in names {
            let Some((f, id)) = figures(account, &n, condstore) else {
                continue;
            };
            if let Some(id) = id {
                self.ids.insert(id, n.clone());
            }
            if Some(n.as_str()) != selected {
                self.told.insert(n.clone(), f);
                out.push((n, f));
            }
        }
        out
    }
}

/// The watched mailboxes (names that do not exist or cannot be selected are left out, RFC
/// 5465 section 3).
fn watched(account: &dyn MailAccount, filters: &[(MailboxFilter, bool)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (filter, _) in filters {
        match filter {
            MailboxFilter::Inboxes => names.push("INBOX".into()),
            MailboxFilter::Personal => names.extend(all(account, false)),
            MailboxFilter::Subscribed => names.extend(all(account, true)),
            MailboxFilter::Mailboxes(m) => {
                names.extend(m.iter().filter_map(|m| m.name().map(str::to_owned)));
            }
            MailboxFilter::Subtree(m) => {
                let roots: Vec<String> = m
                    .iter()
                    .filter_map(|m| m.name().and_then(|n| normalize_name(n).ok()))
                    .collect();
                names.extend(all(account, false).into_iter().filter(|n| {
                    roots.iter().any(|r| {
                        n == r || (n.starts_with(r.as_str()) && n[r.len()..].starts_with(DELIMITER))
                    })
                }));
            }
            _ => {}
        }
    }
    let mut names: Vec<String> = names
        .into_iter()
        .filter_map(|n| normalize_name(&n).ok())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A mailbox's figures now, and its object id (`None` if it does not exist).
fn figures(
    account: &dyn MailAccount,
    name: &str,
    condstore: bool,
) -> Option<(Figures, Option<String>)> {
    let items = [
        StatusItem::MailboxId,
        StatusItem::Messages,
        StatusItem::UidNext,
        StatusItem::UidValidity,
        StatusItem::HighestModSeq,
    ];
    let items = if condstore { &items[..] } else { &items[..4] };
    let values = account.status(name, items).ok()?;
    let mut f = [0u64; 4];
    let mut id = None;
    for (item, value) in values {
        match value {
            StatusValue::MailboxId(m) => id = Some(String::from_utf8_lossy(m.as_bytes()).into()),
            StatusValue::Number(v) => {
                if let Some(i) = items[1..].iter().position(|x| *x == item) {
                    f[i] = v;
                }
            }
            _ => {}
        }
    }
    Some((f, id))
}

/// Every selectable mailbox of the user (or every subscribed one).
fn all(account: &dyn MailAccount, subscribed: bool) -> Vec<String> {
    let opts = ListRequest {
        subscribed,
        ..ListRequest::default()
    };
    account
        .list("", &["*"], &opts)
        .into_iter()
        .filter(|e| {
            !e.attributes
                .iter()
                .any(|a| matches!(a, MailboxAttr::NoSelect | MailboxAttr::NonExistent))
        })
        .filter_map(|e| e.mailbox.name().map(str::to_owned))
        .collect()
}
