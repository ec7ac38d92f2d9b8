//! What the server session reports: [`ServerEvent`] and [`CommandError`].

use crate::frame::FrameError;
use crate::parse::ParseError;
use crate::secret::Secret;
use crate::types::{Atom, Command, Tag};

/// Something the client did, for the driver (the mailbox logic) to act on.
///
/// The session answers protocol errors itself ([`ServerEvent::BadCommand`]); every other event
/// waits for the driver: a [`ServerEvent::Command`] until the driver sends its tagged response,
/// and no later command is read before that (commands are executed one at a time, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// A complete, parsed command. Answer it with untagged data and a tagged status response
    /// ([`ServerSession::respond_tagged`](super::ServerSession::respond_tagged)). For
    /// `AUTHENTICATE` and `IDLE`, a continuation request
    /// ([`ServerSession::send_continuation`](super::ServerSession::send_continuation)) makes
    /// the session read the next client line as SASL data or as `DONE`. For `STARTTLS` and
    /// `COMPRESS`, accept with [`ServerSession::start_tls`](super::ServerSession::start_tls) /
    /// [`ServerSession::start_compress`](super::ServerSession::start_compress).
    Command(Command),
    /// A client line during AUTHENTICATE, decoded from base64. `None` when the client cancelled
    /// the exchange with `*` (answer with a tagged `BAD`). Answer with another continuation
    /// request or with the tagged response.
    AuthenticateData {
        /// The AUTHENTICATE command's tag.
        tag: Tag,
        /// The decoded response, kept out of `Debug`.
        data: Option<Secret<Vec<u8>>>,
    },
    /// The client ended IDLE with `DONE`. Send the IDLE command's tagged `OK`.
    IdleDone {
        /// The IDLE command's tag.
        tag: Tag,
    },
    /// The client sent something the session could not accept; the session has already
    /// answered `BAD` (or `NO [TOOBIG]` for a literal over the limit) and goes on reading. When
    /// `tag` is that of an AUTHENTICATE or IDLE in progress, that command is over.
    BadCommand {
        /// The tag of the offending command, when one could be read.
        tag: Option<Tag>,
        /// What was wrong.
        error: CommandError,
    },
    /// The connection is over: the client closed it, or the session sent `BYE`. Close the
    /// connection once [`ServerSession::poll_transmit`](super::ServerSession::poll_transmit)
    /// has nothing left. Reported once.
    Closed,
}

/// Why the session answered a client's unit with `BAD` (the client is at fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The unit broke a size limit or could not be framed; none of an over-limit literal was
    /// buffered.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The unit is not a command (or not base64 during AUTHENTICATE).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A well-formed command this server does not know.
    #[error("unknown command {0}")]
    UnknownCommand(Atom),
    /// During IDLE the client sent something other than `DONE`; the IDLE is over.
    #[error("expected DONE during IDLE")]
    ExpectedDone,
    /// A literal where none is allowed (during IDLE or AUTHENTICATE); it was refused.
    #[error("unexpected literal of {0} bytes")]
    UnexpectedLiteral(u64),
    /// The compressed stream from the client is broken; the session sent `BYE`.
    #[error("invalid DEFLATE data: {0}")]
    Compression(String),
}
