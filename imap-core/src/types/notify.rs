//! NOTIFY (RFC 5465): which events a client asks to be told about, for which mailboxes.

use super::fetch::FetchItem;
use super::mailbox::Mailbox;
use super::string::Atom;

/// `NOTIFY SET [STATUS] event-groups` (RFC 5465 section 3): the new registration, replacing
/// the previous one.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct NotifySet {
    /// `STATUS`: send a STATUS for each non-selected mailbox the groups name, now.
    pub status: bool,
    /// The event groups (at least one).
    pub groups: Vec<EventGroup>,
}

/// One `event-group`: a mailbox filter and the events wanted for it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EventGroup {
    /// Which mailboxes.
    pub filter: MailboxFilter,
    /// The events; empty is `NONE` (no events for these mailboxes).
    pub events: Vec<NotifyEvent>,
}

/// `filter-mailboxes` (RFC 5465 section 6).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum MailboxFilter {
    /// `SELECTED`: the selected mailbox, events at any time.
    Selected,
    /// `SELECTED-DELAYED`: the selected mailbox, expunges only where EXPUNGE is allowed.
    SelectedDelayed,
    /// `INBOXES`: mailboxes new mail is delivered to.
    Inboxes,
    /// `PERSONAL`: every mailbox of the user's personal namespace.
    Personal,
    /// `SUBSCRIBED`: every subscribed mailbox.
    Subscribed,
    /// `SUBTREE (mailbox ...)`: these mailboxes and everything below them (at least one).
    Subtree(Vec<Mailbox>),
    /// `MAILBOXES (mailbox ...)`: exactly these mailboxes (at least one).
    Mailboxes(Vec<Mailbox>),
}

impl MailboxFilter {
    /// `SELECTED` or `SELECTED-DELAYED`.
    pub fn is_selected(&self) -> bool {
        matches!(
            self,
            MailboxFilter::Selected | MailboxFilter::SelectedDelayed
        )
    }
}

/// One `event` (RFC 5465 sections 5 and 8).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum NotifyEvent {
    /// `MessageNew [(fetch-att ...)]`: new messages; the items to send for each (only for
    /// the selected mailbox; empty: none given).
    MessageNew(Vec<FetchItem>),
    /// `MessageExpunge`.
    MessageExpunge,
    /// `FlagChange`.
    FlagChange,
    /// `AnnotationChange`.
    AnnotationChange,
    /// `MailboxName`: mailboxes created, deleted or renamed.
    MailboxName,
    /// `SubscriptionChange`.
    SubscriptionChange,
    /// `MailboxMetadataChange`.
    MailboxMetadataChange,
    /// `ServerMetadataChange`.
    ServerMetadataChange,
    /// Any other event (`event-ext`).
    Other(Atom),
}

impl NotifyEvent {
    /// The event's name (`event-name`), as BADEVENT lists it.
    pub fn name(&self) -> &str {
        match self {
            NotifyEvent::MessageNew(_) => "MessageNew",
            NotifyEvent::MessageExpunge => "MessageExpunge",
            NotifyEvent::FlagChange => "FlagChange",
            NotifyEvent::AnnotationChange => "AnnotationChange",
            NotifyEvent::MailboxName => "MailboxName",
            NotifyEvent::SubscriptionChange => "SubscriptionChange",
            NotifyEvent::MailboxMetadataChange => "MailboxMetadataChange",
            NotifyEvent::ServerMetadataChange => "ServerMetadataChange",
            NotifyEvent::Other(a) => a.as_str(),
        }
    }

    /// A message event (`message-event`), the only kind allowed with a selected filter.
    pub fn is_message_event(&self) -> bool {
        matches!(
            self,
            NotifyEvent::MessageNew(_)
                | NotifyEvent::MessageExpunge
                | NotifyEvent::FlagChange
                | NotifyEvent::AnnotationChange
        )
    }
}
