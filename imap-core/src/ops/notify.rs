//! NOTIFY (RFC 5465): a builder for the registration, so a client asks for events at any time
//! (new and expunged messages, flag changes, mailbox names, subscriptions) instead of polling.

use crate::types::{
    CommandBody, EventGroup, FetchItem, Mailbox, MailboxFilter, NotifyEvent, NotifySet,
};

/// Builds `NOTIFY SET [STATUS] (filter events) ...`.
///
/// ```
/// use imap_core::ops::notify::Notify;
/// use imap_core::types::{FetchItem, Mailbox, MailboxFilter};
///
/// let body = Notify::new()
///     .with_status()
///     .messages(MailboxFilter::Selected, vec![FetchItem::Uid, FetchItem::Flags])
///     .messages(MailboxFilter::Mailboxes(vec![Mailbox::from("Lists")]), Vec::new())
///     .mailbox_changes(MailboxFilter::Personal)
///     .command();
/// # let _ = body;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Notify {
    set: NotifySet,
}

impl Notify {
    /// No groups yet (a `NOTIFY SET` needs at least one).
    pub fn new() -> Self {
        Self::default()
    }

    /// `STATUS`: the server sends a STATUS now for each non-selected mailbox.
    pub fn with_status(mut self) -> Self {
        self.set.status = true;
        self
    }

    /// New and expunged messages and flag changes for `filter` (MessageNew, MessageExpunge and
    /// FlagChange, which RFC 5465 section 5 requires together); `fetch`: the items the server
    /// sends for each new message in the selected mailbox (only with a selected filter).
    pub fn messages(self, filter: MailboxFilter, fetch: Vec<FetchItem>) -> Self {
        self.group(
            filter,
            vec![
                NotifyEvent::MessageNew(fetch),
                NotifyEvent::MessageExpunge,
                NotifyEvent::FlagChange,
            ],
        )
    }

    /// Mailboxes created, deleted and renamed, and subscriptions, for `filter` (not a
    /// selected filter, which takes message events only).
    pub fn mailbox_changes(self, filter: MailboxFilter) -> Self {
        self.group(
            filter,
            vec![NotifyEvent::MailboxName, NotifyEvent::SubscriptionChange],
        )
    }

    /// Any group: `events` empty is `NONE` (nothing for these mailboxes).
    pub fn group(mut self, filter: MailboxFilter, events: Vec<NotifyEvent>) -> Self {
        self.set.groups.push(EventGroup { filter, events });
        self
    }

    /// The command: `NOTIFY SET ...`, or `NOTIFY NONE` if no group was added.
    pub fn command(&self) -> CommandBody {
        if self.set.groups.is_empty() {
            none_command()
        } else {
            CommandBody::Notify(Some(self.set.clone()))
        }
    }
}

/// `NOTIFY NONE`: no more events, at any time.
pub fn none_command() -> CommandBody {
    CommandBody::Notify(None)
}

/// Names mailboxes for a [`MailboxFilter::Mailboxes`] filter.
pub fn mailboxes(names: &[&str]) -> MailboxFilter {
    MailboxFilter::Mailboxes(names.iter().map(|n| Mailbox::from(*n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_command};
    use bytes::Bytes;

    fn parsed(line: &str) -> CommandBody {
        parse_command(
            &Bytes::from(format!("a {line}\r\n")),
            &ParseOptions::default(),
        )
        .unwrap()
        .body
    }

    #[test]
    fn builds_what_the_grammar_reads() {
        let body = Notify::new()
            .with_status()
            .messages(MailboxFilter::Selected, vec![FetchItem::Uid])
            .messages(mailboxes(&["Lists", "misc"]), Vec::new())
            .mailbox_changes(MailboxFilter::Personal)
            .command();
        assert_eq!(
            body,
            parsed(
                "NOTIFY SET STATUS (SELECTED (MessageNew (UID) MessageExpunge FlagChange)) \
                 (MAILBOXES (Lists misc) (MessageNew MessageExpunge FlagChange)) \
                 (PERSONAL (MailboxName SubscriptionChange))"
            )
        );
        assert_eq!(Notify::new().command(), parsed("NOTIFY NONE"));
    }
}
