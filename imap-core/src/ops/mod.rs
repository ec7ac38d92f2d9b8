//! High-level operations, sans-IO.
//!
//! - [`op`]: every method a user calls (login with its fallbacks, select, fetch, move with its
//!   COPY + STORE + UID EXPUNGE fallback, IDLE, ...) as an [`Operation`] that an
//!   [`crate::engine::Engine`] runs, each IMAP decision taken once, there;
//! - [`Commands`]: those operations as the methods of a high-level client, written once: a
//!   driver implements only [`Commands::run`];
//! - the builders and interpreters the operations are made of: each builds the
//!   [`crate::types::CommandBody`] for a task or turns the [`Completion`] it produced into
//!   typed results:
//!
//! - [`folders`]: LIST (with SPECIAL-USE, subscriptions and LIST-STATUS), STATUS, special folders.
//! - [`fetch`]: a FETCH query builder and per-message results keyed by UID, MIME outlines and
//!   header parsing.
//! - [`parts`]: a fetched section decoded by what the BODYSTRUCTURE says of it, and whole
//!   messages parsed as MIME.
//! - [`search`]: a typed criteria builder (and a parser for criteria text), SORT and THREAD.
//! - [`charset`]: search criteria written in a named charset (`SEARCH CHARSET ...`).
//! - [`flags`]: flag parsing and STORE builders (flags, keywords, Gmail labels).
//! - [`labels`]: Gmail labels in modified UTF-7, decoded for reading and encoded for STORE.
//! - [`messages`]: APPEND, COPY, MOVE and EXPUNGE, with their UIDPLUS results.
//! - [`info`]: NAMESPACE, QUOTA, ACL, METADATA and ID results.
//! - [`notify`]: NOTIFY registrations (RFC 5465).
//! - [`reconnect`]: long-lived sessions: the backoff between reconnections and what a
//!   reconnecting session keeps (the folder state its [`op::Resync`] catches up from).
//! - [`url`]: `imap://` and `imaps://` URLs (RFC 5092).
//! - [`part_url`]: URLs naming a message or part on the server (RFC 5092), for CATENATE.
//! - [`porting`]: a table from every method of Python's `imaplib` and IMAPClient to the
//!   methods here.
//! - [`date`]: INTERNALDATE to and from [`std::time::SystemTime`] (and the `time` crate with the
//!   `time` feature).
//!
//! ```
//! use imap_core::ops::search::Query;
//! use imap_core::types::CommandBody;
//!
//! let q = Query::parse("SINCE 13-Jul-2013 TEXT Apress").unwrap();
//! let body = q.command(true);
//! assert!(matches!(body, CommandBody::Search { uid: true, .. }));
//! ```

pub mod charset;
mod commands;
pub mod date;
pub mod fetch;
pub mod flags;
pub mod folders;
mod idling;
pub mod info;
pub mod labels;
pub mod messages;
pub mod notify;
pub mod op;
pub mod part_url;
pub mod parts;
pub mod porting;
pub mod reconnect;
pub mod search;
mod streaming;
pub mod url;

pub use commands::Commands;
pub use idling::Idle;
pub use op::{OpError, Operation};
pub use streaming::FetchStream;

use crate::client::{Completion, Outcome};
use crate::types::{Code, Str};
use std::fmt;

/// A command the server answered with `NO` or `BAD` (or that was aborted because the
/// connection failed first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandFailed {
    /// `No`, `Bad` or `Aborted`.
    pub outcome: Outcome,
    /// The response code of the tagged response, if any.
    pub code: Option<Code>,
    /// The text of the tagged response.
    pub text: Str,
    /// For AUTHENTICATE: the error the server reported inside the SASL exchange, if any
    /// ([`Completion::sasl_error`]).
    pub sasl: Option<Box<crate::sasl::SaslError>>,
}

impl fmt::Display for CommandFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.outcome {
            Outcome::No => "NO",
            Outcome::Bad => "BAD",
            Outcome::Aborted => "aborted",
            _ => "OK",
        };
        match &self.code {
            Some(code) => {
                let code = crate::encode::encode_code(code);
                write!(
                    f,
                    "{kind} [{}] {}",
                    String::from_utf8_lossy(&code),
                    self.text
                )?
            }
            None => write!(f, "{kind} {}", self.text)?,
        }
        match &self.sasl {
            Some(e) => write!(f, " ({e})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for CommandFailed {}

/// Returns the completion when its outcome is OK.
///
/// # Errors
/// A [`CommandFailed`] with the outcome, code and text of a `NO`, `BAD` or aborted command.
pub fn check(c: Completion) -> Result<Completion, CommandFailed> {
    if c.is_ok() {
        Ok(c)
    } else {
        Err(CommandFailed {
            outcome: c.outcome,
            code: c.code,
            text: c.text,
            sasl: c.sasl_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SimpleCode;

    #[test]
    fn a_refusal_reads_as_the_server_wrote_it() {
        let failed = |code| CommandFailed {
            outcome: Outcome::No,
            code,
            text: Str::from("authentication failed"),
            sasl: None,
        };
        assert_eq!(
            failed(Some(Code::Simple(SimpleCode::AuthenticationFailed))).to_string(),
            "NO [AUTHENTICATIONFAILED] authentication failed"
        );
        assert_eq!(failed(None).to_string(), "NO authentication failed");
    }
}
