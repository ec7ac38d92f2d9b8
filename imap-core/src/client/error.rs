//! Client errors: [`UsageError`] for caller mistakes (returned at once, nothing sent) and
//! [`ConnectionError`] for peer or protocol failures (sticky, delivered once).

use crate::frame::FrameError;
use crate::parse::ParseError;
use crate::types::{StatusKind, Str};

/// A caller mistake: the command was refused locally before any byte was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// The command is not valid in the connection state it would run in.
    #[error("{command} is not valid in the {state} state")]
    WrongState {
        /// The command's name.
        command: &'static str,
        /// The state it would run in.
        state: &'static str,
    },
    /// LOGIN (or a plaintext SASL mechanism) on a connection not protected by TLS, without
    /// [`super::ClientConfig::allow_plaintext_login`].
    #[error("refusing to send a password over an unencrypted connection")]
    PlaintextLogin,
    /// The server advertised LOGINDISABLED.
    #[error("the server disabled LOGIN (LOGINDISABLED)")]
    LoginDisabled,
    /// The command needs a capability the server did not advertise.
    #[error("the server does not support {0}")]
    MissingCapability(&'static str),
    /// IDLE is not running, so there is nothing to end.
    #[error("not idling")]
    NotIdling,
    /// The connection is closed (or closing); nothing more can be sent.
    #[error("the connection is closed")]
    Closed,
    /// The SASL credentials do not fit the mechanism.
    #[error("SASL: {0}")]
    Sasl(String),
    /// A string argument (a mailbox name, a search string, ...) holds a NUL byte: IMAP can
    /// carry one only in a binary literal (`literal8`, RFC 3516), which the grammar allows in
    /// APPEND data alone (RFC 9051 section 9: `literal` is CHAR8, without NUL).
    #[error("a string argument holds a NUL byte, which IMAP cannot send there")]
    Nul,
    /// The command's arguments are invalid (an empty list where one item is required, ...).
    #[error("invalid command: {0}")]
    Invalid(&'static str),
}

/// Why the connection failed. Sticky: once set, the client does nothing more and reports it
/// once, after every event already parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The server closed the connection (end of stream), maybe after a BYE.
    #[error("connection closed by the server{}", bye_text(.bye))]
    Closed {
        /// The text of the BYE that preceded it, if any.
        bye: Option<Str>,
    },
    /// The greeting was BYE or not a status response.
    #[error("the server refused the connection: {0}")]
    Refused(Str),
    /// A response that makes the session unusable (a tagged response for an unknown tag, a
    /// continuation nobody asked for, an impossible mailbox update).
    #[error("protocol violation by the server: {0}")]
    Protocol(String),
    /// A unit broke the framer's limits in a way that cannot be recovered.
    #[error("framing: {0}")]
    Frame(FrameError),
    /// The first response could not be parsed.
    #[error("unparseable greeting: {0}")]
    Greeting(ParseError),
    /// A command or the connection timed out.
    #[error("timed out: {0}")]
    Timeout(&'static str),
    /// SCRAM: the server's signature was wrong, so the server is not who it claims.
    #[error("authentication: {0}")]
    Authentication(String),
    /// A command collected more untagged data than
    /// [`super::ClientConfig::max_command_data`] allows (a server that sends `* n EXISTS`
    /// forever during SELECT); the connection was closed.
    #[error("the server sent more than {limit} bytes of data for one command")]
    TooMuchData {
        /// The limit, in bytes.
        limit: u64,
    },
    /// A command (or the greeting) did not complete within
    /// [`super::ClientConfig::operation_deadline`], however steadily the server sent; the
    /// connection was closed.
    #[error("no completion within the {deadline:?} deadline")]
    DeadlineExceeded {
        /// The deadline.
        deadline: std::time::Duration,
    },
    /// COMPRESS=DEFLATE data could not be inflated.
    #[error("decompression failed: {0}")]
    Compression(String),
}

fn bye_text(bye: &Option<Str>) -> String {
    match bye {
        Some(t) => format!(" (BYE {t})"),
        None => String::new(),
    }
}

/// The outcome of a tagged command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// `OK`.
    Ok,
    /// `NO`.
    No,
    /// `BAD`.
    Bad,
    /// The command never completed: the connection failed first.
    Aborted,
}

impl Outcome {
    pub(crate) fn from_kind(k: StatusKind) -> Outcome {
        match k {
            StatusKind::Ok | StatusKind::PreAuth => Outcome::Ok,
            StatusKind::No => Outcome::No,
            _ => Outcome::Bad,
        }
    }
}
