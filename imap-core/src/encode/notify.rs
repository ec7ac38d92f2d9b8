//! NOTIFY (RFC 5465): the registration a client sends.

use super::fetch;
use super::writer::Writer;
use crate::types::{EventGroup, MailboxFilter, NotifyEvent, NotifySet};

/// ` SET [STATUS] event-group ...`, after the command name `NOTIFY`.
pub(super) fn notify_set(w: &mut Writer<'_>, set: &NotifySet) {
    w.put(b" SET");
    if set.status {
        w.put(b" STATUS");
    }
    for g in &set.groups {
        w.sp();
        event_group(w, g);
    }
}

/// `(filter events)`; no events is `NONE`.
fn event_group(w: &mut Writer<'_>, g: &EventGroup) {
    w.byte(b'(');
    match &g.filter {
        MailboxFilter::Selected => w.put(b"SELECTED"),
        MailboxFilter::SelectedDelayed => w.put(b"SELECTED-DELAYED"),
        MailboxFilter::Inboxes => w.put(b"INBOXES"),
        MailboxFilter::Personal => w.put(b"PERSONAL"),
        MailboxFilter::Subscribed => w.put(b"SUBSCRIBED"),
        MailboxFilter::Subtree(m) => {
            w.put(b"SUBTREE ");
            w.paren_list(m, |w, m| w.mailbox(m));
        }
        MailboxFilter::Mailboxes(m) => {
            w.put(b"MAILBOXES ");
            w.paren_list(m, |w, m| w.mailbox(m));
        }
    }
    w.sp();
    if g.events.is_empty() {
        w.put(b"NONE");
    } else {
        w.paren_list(&g.events, event);
    }
    w.byte(b')');
}

/// One event; MessageNew with its fetch attributes, if any.
fn event(w: &mut Writer<'_>, e: &NotifyEvent) {
    match e {
        NotifyEvent::MessageNew(items) if !items.is_empty() => {
            w.put(b"MessageNew ");
            w.paren_list(items, fetch::fetch_item);
        }
        NotifyEvent::Other(a) => w.atom(a),
        e => w.put(e.name().as_bytes()),
    }
}
