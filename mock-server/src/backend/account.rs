//! [`MailAccount`]: one user's mailboxes, the operations that need no selected mailbox.

use super::SelectionHandle;
use crate::store::{
    AppendUid, ListRequest, MessageSnapshot, NewMessage, SelectInfo, SessionId, StoreError,
};
use imap_core::types::{ListEntry, MailboxAttr, StatusItem, StatusValue, Uid};
use std::num::NonZeroU32;

/// One logged-in user's mailboxes. Names are UTF-8 (the codec has decoded modified UTF-7),
/// with `/` as the hierarchy delimiter ([`DELIMITER`](crate::store::DELIMITER)); `INBOX` is
/// case-insensitive.
pub trait MailAccount: Send + Sync {
    /// The user name.
    fn user(&self) -> &str;

    /// CREATE, with CREATE-SPECIAL-USE attributes (RFC 6154).
    ///
    /// # Errors
    /// Invalid name, existing mailbox ([`StoreError::AlreadyExists`]), unsupported special
    /// use ([`StoreError::UseAttr`]).
    fn create(&self, name: &str, special_use: &[MailboxAttr]) -> Result<(), StoreError>;

    /// DELETE (RFC 9051 section 6.3.5: a name with inferiors becomes `\Noselect`).
    ///
    /// # Errors
    /// Unknown mailbox, INBOX, a `\Noselect` name with inferiors.
    fn delete(&self, name: &str) -> Result<(), StoreError>;

    /// RENAME, inferiors included; renaming INBOX moves its messages (RFC 9051 section
    /// 6.3.6).
    ///
    /// # Errors
    /// Unknown source, existing destination.
    fn rename(&self, from: &str, to: &str) -> Result<(), StoreError>;

    /// SUBSCRIBE.
    ///
    /// # Errors
    /// Invalid name.
    fn subscribe(&self, name: &str) -> Result<(), StoreError>;

    /// UNSUBSCRIBE.
    ///
    /// # Errors
    /// Invalid name.
    fn unsubscribe(&self, name: &str) -> Result<(), StoreError>;

    /// LIST with a reference, patterns (`*`, `%`) and LIST-EXTENDED options (RFC 5258).
    fn list(&self, reference: &str, patterns: &[&str], options: &ListRequest) -> Vec<ListEntry>;

    /// LSUB (IMAP4rev1).
    fn lsub(&self, reference: &str, pattern: &str) -> Vec<ListEntry>;

    /// STATUS.
    ///
    /// # Errors
    /// Unknown or `\Noselect` mailbox, an item the store does not keep
    /// ([`StoreError::Unsupported`]).
    fn status(
        &self,
        name: &str,
        items: &[StatusItem],
    ) -> Result<Vec<(StatusItem, StatusValue)>, StoreError>;

    /// APPEND of one or more messages (MULTIAPPEND, RFC 3502): all or none. Returns the
    /// APPENDUID data (RFC 4315).
    ///
    /// # Errors
    /// Unknown destination ([`StoreError::TryCreate`]), too big, over quota.
    fn append_many(
        &self,
        mailbox: &str,
        messages: Vec<NewMessage>,
    ) -> Result<AppendUid, StoreError>;

    /// Message `uid` of `mailbox` and the mailbox's UIDVALIDITY, for the URL parts of a
    /// CATENATE APPEND (RFC 4469); `Ok(None)` when there is no such message. Provided: no
    /// message can be named (every URL gets `BADURL`).
    ///
    /// # Errors
    /// Unknown mailbox, or a store that does not read messages this way.
    fn message(
        &self,
        mailbox: &str,
        uid: Uid,
    ) -> Result<Option<(NonZeroU32, MessageSnapshot)>, StoreError> {
        let _ = (mailbox, uid);
        Err(StoreError::Unsupported("messages named by URL".into()))
    }

    /// SELECT (`read_only == false`) or EXAMINE for `session`: the session's handle on the
    /// mailbox and the SELECT data. A read-write selection takes `\Recent` for the messages
    /// no session has been told about yet.
    ///
    /// # Errors
    /// Unknown or `\Noselect` mailbox.
    fn select(
        &self,
        mailbox: &str,
        session: SessionId,
        read_only: bool,
    ) -> Result<(Box<dyn SelectionHandle>, SelectInfo), StoreError>;
}
