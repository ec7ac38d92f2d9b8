//! What the mailbox model refuses ([`ModelError`]): responses that contradict what the server
//! said before.

use crate::types::{SeqNum, Uid};

/// A server response that contradicts the model of the selected mailbox: a protocol error on
/// the server's side (or a response applied to the wrong mailbox).
///
/// The model is left exactly as it was before the offending response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// `EXISTS` announced fewer messages than the model holds. Only `EXPUNGE` and `VANISHED`
    /// remove messages (RFC 9051 section 7.4.1, RFC 7162 section 3.2.10).
    #[error(
        "server sent {received} EXISTS while {exists} messages exist; only EXPUNGE or VANISHED may shrink a mailbox"
    )]
    ExistsShrank {
        /// The number of messages the model holds.
        exists: u32,
        /// The number the server sent.
        received: u32,
    },
    /// A response named a sequence number beyond `EXISTS`.
    #[error("server named message {seq} but only {exists} messages exist")]
    NoSuchMessage {
        /// The sequence number the server sent.
        seq: SeqNum,
        /// The number of messages the model holds.
        exists: u32,
    },
    /// A FETCH gave a message a UID other than the one it already has; UIDs never change
    /// within a session (RFC 9051 section 2.3.1.1).
    #[error("server sent UID {received} for message {seq}, which has UID {known}")]
    UidChanged {
        /// The message.
        seq: SeqNum,
        /// The UID the model knows for it.
        known: Uid,
        /// The UID the server sent.
        received: Uid,
    },
    /// A FETCH gave a message a UID that another message has.
    #[error("server sent UID {uid} for message {seq}, but message {other} has that UID")]
    DuplicateUid {
        /// The message.
        seq: SeqNum,
        /// The UID the server sent.
        uid: Uid,
        /// The message that already has it.
        other: SeqNum,
    },
    /// A FETCH gave a message a UID that breaks ascending UID order (RFC 9051 section 2.3.1.2):
    /// a message before it has a larger UID, or a message after it a smaller one.
    #[error("server sent UID {uid} for message {seq}, but message {other} has UID {other_uid}")]
    UidOutOfOrder {
        /// The message.
        seq: SeqNum,
        /// The UID the server sent.
        uid: Uid,
        /// The nearest message (in UID order) whose position contradicts it.
        other: SeqNum,
        /// That message's UID.
        other_uid: Uid,
    },
    /// Recording data about message `seq` would make the model hold more than its limit of
    /// messages with known data (see [`super::SeqMap::with_limit`]).
    #[error("message {seq} is beyond the model's limit of {limit} messages with known data")]
    TooManyMessages {
        /// The message.
        seq: SeqNum,
        /// The limit.
        limit: u32,
    },
}
