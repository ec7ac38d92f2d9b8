//! Why an operation failed ([`OpError`]) and what it did not find ([`Missing`]).

use crate::client::{ConnectionError, UsageError};
use crate::ops::CommandFailed;
use crate::ops::charset::CharsetError;
use crate::ops::search::QueryError;
use crate::types::{Mailbox, Uid};
use std::fmt;

/// Why an [`super::Operation`] failed. Who is at fault is in the variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpError {
    /// The server answered `NO` or `BAD`.
    #[error("the server refused the command: {0}")]
    Command(#[from] CommandFailed),
    /// Refused locally before anything was sent (wrong state, password in the clear without
    /// opting in, missing capability, ...).
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The connection failed (closed by the server, timed out, protocol violation). Sticky:
    /// every later operation fails too.
    #[error("connection: {0}")]
    Connection(ConnectionError),
    /// The connection was closed cleanly (after LOGOUT) and cannot be used any more.
    #[error("the connection is closed")]
    Closed,
    /// The server's answer lacked what the operation asked for.
    #[error("not found: {0}")]
    NotFound(Missing),
    /// Text the caller wrote (search criteria, FETCH items, a set) is not valid: what was
    /// expected, pointing at the offending character. Nothing was sent.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The [`crate::sasl::TokenProvider`] of an OAuth 2.0 login had no token (nothing more
    /// was sent).
    #[error(transparent)]
    Token(#[from] crate::sasl::TokenError),
    /// Search criteria could not be written in the charset asked for.
    #[error(transparent)]
    Charset(#[from] CharsetError),
    /// The operation was driven after another one started on the same engine (its handle is
    /// stale).
    #[error("another operation started on this connection")]
    Superseded,
}

impl OpError {
    /// Whether the server answered `NO` (as opposed to `BAD` or a failure of the connection).
    pub fn is_no(&self) -> bool {
        matches!(self, OpError::Command(c) if c.outcome == crate::client::Outcome::No)
    }

    /// Whether the connection is unusable after this error.
    pub fn is_fatal(&self) -> bool {
        matches!(self, OpError::Connection(_) | OpError::Closed)
    }
}

/// What the server's answer lacked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// The message with this UID.
    Message(Uid),
    /// The requested section of the message with this UID.
    Section(Uid),
    /// STATUS data for this mailbox.
    Status(Mailbox),
    /// A response the command must produce (`MYRIGHTS`, `LISTRIGHTS`).
    Response(&'static str),
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Message(uid) => write!(f, "message UID {uid}"),
            Missing::Section(uid) => write!(f, "section of message UID {uid}"),
            Missing::Status(m) => write!(f, "STATUS data for {m}"),
            Missing::Response(r) => write!(f, "{r} response"),
        }
    }
}
