//! The crate's [`Error`]: who is at fault is in the variant.

use imap_core::client::{ConnectionError, UsageError};
use imap_core::ops::CommandFailed;
use imap_core::ops::search::QueryError;
use imap_core::ops::url::UrlError;
use imap_tls::TlsError;
use std::io;

/// A result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. A dead connection is always an error (never an empty
/// result): commands still waiting when it fails return [`Error::Connection`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing the stream failed, or the host could not be reached.
    #[error("I/O: {0}")]
    Io(#[from] io::Error),
    /// The TLS handshake or a TLS record failed (for example an untrusted certificate).
    #[error("TLS: {0}")]
    Tls(imap_tls::rustls::Error),
    /// The TLS configuration could not be built (CA file, server name).
    #[error(transparent)]
    TlsConfig(#[from] TlsError),
    /// The connection failed or ended: closed by the server, a command or IDLE timed out, or
    /// the server broke the protocol. Sticky: every later command fails too.
    #[error("connection: {0}")]
    Connection(ConnectionError),
    /// Connecting (TCP, TLS handshake and greeting) took longer than the connect timeout.
    #[error("timed out while {0}")]
    Timeout(&'static str),
    /// The command was refused locally before anything was sent (wrong state, password in the
    /// clear without opting in, missing capability, ...).
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The server answered `NO` or `BAD`.
    #[error("the server refused the command: {0}")]
    Command(CommandFailed),
    /// STARTTLS was required but the server does not offer it.
    #[error("the server does not offer STARTTLS")]
    StartTlsUnavailable,
    /// The URL could not be used.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// Search criteria text could not be parsed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A message or section asked for was not in the server's answer.
    #[error("not found: {0}")]
    NotFound(String),
    /// The connection was closed cleanly (after LOGOUT) and cannot be used any more.
    #[error("the connection is closed")]
    Closed,
}

impl Error {
    /// Whether the server answered `NO` (as opposed to `BAD` or a failure of the connection).
    pub fn is_no(&self) -> bool {
        matches!(self, Error::Command(c) if c.outcome == imap_core::client::Outcome::No)
    }

    /// Whether the connection is unusable after this error.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Error::Io(_) | Error::Tls(_) | Error::Connection(_) | Error::Timeout(_) | Error::Closed
        )
    }

    pub(crate) fn from_io(e: io::Error) -> Error {
        let tls = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<imap_tls::rustls::Error>())
            .cloned();
        match tls {
            Some(t) => Error::Tls(t),
            None => Error::Io(e),
        }
    }
}

impl From<CommandFailed> for Error {
    fn from(c: CommandFailed) -> Self {
        Error::Command(c)
    }
}
