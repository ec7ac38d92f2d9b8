//! The drivers' one user-facing [`Error`]: who is at fault is in the variant.

use crate::tls::TlsError;
use imap_core::client::{ConnectionError, UsageError};
use imap_core::ops::op::Missing;
use imap_core::ops::search::QueryError;
use imap_core::ops::url::UrlError;
use imap_core::ops::{CommandFailed, OpError};
use std::fmt;
use std::io;

/// A result with the drivers' [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a driver. A dead connection is always an error (never an
/// empty result): operations still running when it fails return [`Error::Connection`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing the stream failed, or the host could not be reached.
    #[error("I/O: {0}")]
    Io(#[from] io::Error),
    /// The TLS handshake or a TLS record failed (for example an untrusted certificate).
    #[error("TLS: {}", crate::tls::describe(.0))]
    Tls(rustls::Error),
    /// The TLS configuration could not be built (CA file, server name).
    #[error(transparent)]
    TlsConfig(#[from] TlsError),
    /// TLS was spoken to a plaintext port: the TLS handshake (implicit TLS) was answered in
    /// plain text, an IMAP greeting. Recognised from the first byte the server sent.
    #[error(
        "TLS was spoken to a plaintext port: the server answered the TLS handshake in plain IMAP; use STARTTLS (an imap:// URL) on this port, or implicit TLS on the server's TLS port (993)"
    )]
    TlsToPlaintextPort,
    /// Plain text was spoken to a TLS port: the server answered with a TLS record where a
    /// greeting was expected (a server on an implicit-TLS port answers the client's
    /// [`imap_core::client::GREETING_PROBE`] so). Recognised from the first bytes.
    #[error(
        "plain IMAP was spoken to a TLS port: the server answered with TLS; use implicit TLS (an imaps:// URL) on this port"
    )]
    PlaintextToTlsPort,
    /// The settings cannot be used; found before connecting.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The connection failed or ended: closed by the server, a command or IDLE timed out, or
    /// the server broke the protocol. Sticky: every later command fails too.
    #[error("connection: {0}")]
    Connection(ConnectionError),
    /// Connecting took longer than the connect timeout ([`crate::Connector::connect_timeout`]);
    /// the value says what was waited for.
    #[error("timed out {0}")]
    Timeout(TimedOut),
    /// The command was refused locally before anything was sent (wrong state, password in the
    /// clear without opting in, missing capability, ...).
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The server answered `NO` or `BAD` (boxed: the error stays small enough to return).
    #[error("the server refused the command: {0}")]
    Command(Box<CommandFailed>),
    /// STARTTLS was required but the server does not offer it.
    #[error("the server does not offer STARTTLS")]
    StartTlsUnavailable,
    /// The URL could not be used.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// Search criteria text could not be parsed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// What the server's answer lacked (a message, a section, STATUS data, a response).
    #[error("not found: {0}")]
    NotFound(Missing),
    /// The connection was closed cleanly (after LOGOUT) and cannot be used any more.
    #[error("the connection is closed")]
    Closed,
    /// An operation failed in a way none of the variants above names (for example one driven
    /// after another started on the same connection).
    #[error(transparent)]
    Operation(Box<OpError>),
}

/// Settings that cannot be used, found before connecting ([`Error::Settings`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The URL (or [`crate::Connector`]) names a user, but no password or token was given.
    #[error("no password or token given for the user {user:?}")]
    MissingSecret {
        /// The user name.
        user: String,
    },
    /// A password or token was given without a user name (a URL without `user@`): LOGIN
    /// with an empty name is never what was meant.
    #[error("no user name to log in with: give one in the URL (imaps://USER@host/)")]
    MissingUser,
    /// An `imaps://` URL was switched to plain text ([`crate::Security::Plain`]): the URL
    /// asks for TLS, so the connection is refused rather than made in the clear.
    #[error(
        "refusing to connect to {host} in plain text: the URL says imaps:// (TLS); use an imap:// URL for a plaintext connection"
    )]
    PlaintextForImaps {
        /// The host.
        host: String,
    },
}

/// What was being waited for when the connect timeout passed ([`Error::Timeout`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimedOut {
    /// Resolving the host name or opening the TCP connection.
    Connecting,
    /// The TLS handshake (implicit TLS, or after STARTTLS).
    TlsHandshake,
    /// The server's greeting.
    Greeting,
    /// The STARTTLS exchange (CAPABILITY, STARTTLS).
    StartTls,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimedOut::Connecting => "connecting",
            TimedOut::TlsHandshake => "in the TLS handshake",
            TimedOut::Greeting => "waiting for the greeting",
            TimedOut::StartTls => "in the STARTTLS exchange",
        })
    }
}

/// A failed login: why, and the driver's client to try again with (`C`).
pub struct LoginError<C> {
    /// Why the login failed (`Error::Command` when the server said NO).
    pub error: Error,
    /// The connection, still greeted and not logged in (unless `error` is fatal).
    pub client: C,
}

impl<C> fmt::Debug for LoginError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<C> fmt::Display for LoginError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "login failed: {}", self.error)
    }
}

impl<C> std::error::Error for LoginError<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<C> From<LoginError<C>> for Error {
    fn from(e: LoginError<C>) -> Error {
        e.error
    }
}

impl Error {
    /// Whether the server answered `NO` (as opposed to `BAD` or a failure of the connection).
    pub fn is_no(&self) -> bool {
        matches!(self, Error::Command(c) if c.outcome == imap_core::client::Outcome::No)
    }

    /// Whether the connection is unusable after this error.
    pub fn is_fatal(&self) -> bool {
        match self {
            Error::Io(_) | Error::Tls(_) | Error::Connection(_) | Error::Timeout(_) => true,
            Error::TlsToPlaintextPort | Error::PlaintextToTlsPort => true,
            Error::Closed => true,
            Error::Operation(e) => e.is_fatal(),
            _ => false,
        }
    }

    /// The error for a failed read or write: [`Error::Tls`] when the I/O error carries a
    /// rustls error (as rustls' streams report them), [`Error::Io`] otherwise.
    pub fn from_io(e: io::Error) -> Error {
        let tls = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .cloned();
        match tls {
            Some(t) => Error::Tls(t),
            None => Error::Io(e),
        }
    }
}

impl Error {
    /// The error for a failed TLS handshake: [`Error::TlsToPlaintextPort`] when the server
    /// answered in plain text (rustls found no TLS content type in the first byte: an IMAP
    /// greeting's `*`), as [`Error::from_io`] otherwise.
    pub fn from_handshake(e: io::Error) -> Error {
        match Error::from_io(e) {
            Error::Tls(rustls::Error::InvalidMessage(
                rustls::InvalidMessage::InvalidContentType,
            )) => Error::TlsToPlaintextPort,
            other => other,
        }
    }

    /// Whether `first`, the first bytes a server sent on a connection without TLS, are a TLS
    /// record: a content type (20 to 23: change_cipher_spec, alert, handshake,
    /// application_data) and a major version of 3. An IMAP greeting starts with `*`.
    pub fn is_tls_record(first: &[u8]) -> bool {
        matches!(first, [20..=23, 3, ..])
    }
}

impl From<CommandFailed> for Error {
    fn from(c: CommandFailed) -> Self {
        Error::Command(Box::new(c))
    }
}

impl From<OpError> for Error {
    fn from(e: OpError) -> Self {
        match e {
            OpError::Command(c) => Error::Command(Box::new(c)),
            OpError::Usage(u) => Error::Usage(u),
            OpError::Connection(c) => Error::Connection(c),
            OpError::Closed => Error::Closed,
            OpError::NotFound(m) => Error::NotFound(m),
            OpError::Query(q) => Error::Query(q),
            other => Error::Operation(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_core::types::Uid;

    #[test]
    fn operation_errors_keep_their_kind() {
        let e = Error::from(OpError::Closed);
        assert!(matches!(e, Error::Closed) && e.is_fatal());
        let e = Error::from(OpError::NotFound(Missing::Message(Uid::new(7).unwrap())));
        assert!(matches!(e, Error::NotFound(Missing::Message(_))) && !e.is_fatal());
        let e = Error::from(OpError::Superseded);
        assert!(matches!(&e, Error::Operation(o) if **o == OpError::Superseded) && !e.is_fatal());
        assert_eq!(
            Error::Timeout(TimedOut::Greeting).to_string(),
            "timed out waiting for the greeting"
        );
    }

    #[test]
    fn a_greeting_in_a_handshake_and_a_tls_record_before_the_greeting_are_named() {
        let greeting = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let io = io::Error::new(io::ErrorKind::InvalidData, greeting);
        assert!(matches!(
            Error::from_handshake(io),
            Error::TlsToPlaintextPort
        ));
        let io = io::Error::new(io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        assert!(matches!(Error::from_handshake(io), Error::Tls(_)));
        // A fatal alert (decode_error) from rustls, and a ServerHello's record header.
        assert!(Error::is_tls_record(&[
            0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32
        ]));
        assert!(Error::is_tls_record(&[0x16, 0x03, 0x01]));
        assert!(!Error::is_tls_record(b"* OK ready\r\n"));
        assert!(!Error::is_tls_record(&[0x15]));
    }

    #[test]
    fn an_untrusted_certificate_says_what_to_do() {
        use rustls::{CertificateError, OtherError};
        let ca = webpki::Error::CaUsedAsEndEntity;
        let e = Error::Tls(CertificateError::Other(OtherError(std::sync::Arc::new(ca))).into());
        assert_eq!(
            e.to_string(),
            "TLS: the server's certificate is a CA certificate (CA:TRUE, as `openssl req -x509` \
             makes a self-signed one) and not one given as the CA file: give exactly that \
             certificate as the CA file (IMAP_CA_FILE) to trust it"
        );
        let e = Error::Tls(CertificateError::UnknownIssuer.into());
        assert!(
            e.to_string()
                .starts_with("TLS: the server's certificate is not signed by a trusted CA")
        );
        let e = Error::Tls(CertificateError::NotValidForName.into());
        assert!(
            e.to_string()
                .ends_with("TlsOptions::verify_name, IMAP_TLS_NAME)")
        );
        let alert = rustls::AlertDescription::CertificateRequired;
        let e = Error::Tls(rustls::Error::AlertReceived(alert));
        assert!(
            e.to_string()
                .contains("the server requires a client certificate")
        );
        let e = Error::Tls(rustls::Error::DecryptError);
        assert_eq!(e.to_string(), "TLS: cannot decrypt peer's message");
    }

    #[test]
    fn a_rustls_error_inside_an_io_error_is_a_tls_error() {
        let io = io::Error::new(io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        assert!(matches!(Error::from_io(io), Error::Tls(_)));
        let io = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(matches!(Error::from_io(io), Error::Io(_)));
    }
}
