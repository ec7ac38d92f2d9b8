//! Custom SASL mechanisms ([`SaslMechanism`]): what a user implements to plug in EXTERNAL,
//! GSSAPI or a vendor mechanism, and what every built-in mechanism ([`SaslSession`]) is too.

use super::{Mechanism, SaslError, SaslSession, SaslStep};
use crate::secret::Secret;

/// A client-side SASL mechanism: one value per `AUTHENTICATE` exchange, answering the server's
/// challenges. Sans-IO like the rest of the crate: each call gets the decoded bytes of one
/// challenge and returns what to send, at once. A mechanism that needs another system
/// (a Kerberos library for GSSAPI, a hardware token) calls it inside [`step`](Self::step); an
/// asynchronous one prepares what it needs before the exchange starts.
///
/// [`SaslSession`] implements it for the built-in mechanisms. Run one with
/// [`crate::ops::Commands::authenticate_with`] or [`crate::ops::op::Authenticate::custom`].
///
/// ```
/// use imap_core::sasl::{SaslError, SaslMechanism, SaslStep};
/// use imap_core::secret::Secret;
///
/// /// EXTERNAL (RFC 4422 appendix A): the identity comes from outside the exchange, a TLS
/// /// client certificate for instance; the message is the authorization identity, empty to act
/// /// as the authenticated user.
/// struct External {
///     sent: bool,
/// }
///
/// impl SaslMechanism for External {
///     fn name(&self) -> &str {
///         "EXTERNAL"
///     }
///     fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
///         self.sent = true;
///         Some(Secret::new(Vec::new()))
///     }
///     fn step(&mut self, _challenge: &[u8]) -> Result<SaslStep, SaslError> {
///         if std::mem::replace(&mut self.sent, true) {
///             return Err(SaslError::custom("EXTERNAL", "a challenge after the message"));
///         }
///         Ok(SaslStep::Respond(Secret::new(Vec::new())))
///     }
/// }
/// ```
pub trait SaslMechanism: Send {
    /// The registered name sent in `AUTHENTICATE` (`EXTERNAL`, `GSSAPI`, `X-VENDOR`): an IMAP
    /// atom, or the command is refused before anything is sent.
    fn name(&self) -> &str;

    /// The client's first message, when the mechanism speaks first and the server offers
    /// `SASL-IR` (RFC 4959): sent in the `AUTHENTICATE` command itself (an empty one as `=`).
    /// Called at most once, before any [`step`](Self::step); when it is not called (no SASL-IR),
    /// the server's first, empty challenge asks for the same message through `step`. `None` by
    /// default: the server speaks first.
    fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        None
    }

    /// Answers one server challenge (the base64-decoded text of a `+` continuation).
    /// [`SaslStep::Respond`] sends the data (an empty line for none); [`SaslStep::Done`] says
    /// the challenge was the server's verified final data and answers it with an empty line
    /// (RFC 4422 section 5).
    ///
    /// # Errors
    /// When the challenge cannot be answered: the exchange is cancelled with `*` (RFC 9051
    /// section 6.2.2) and the server ends the command with `BAD`.
    fn step(&mut self, challenge: &[u8]) -> Result<SaslStep, SaslError>;

    /// Checks the exchange once the server answered with a tagged `OK` (for a mechanism that
    /// authenticates the server, such as SCRAM); `success_data` is data that came with the
    /// outcome, if any. `Ok` by default.
    ///
    /// # Errors
    /// When the server did not prove what the mechanism requires: the connection is then
    /// failed, not trusted.
    fn verify_final(&mut self, success_data: Option<&[u8]>) -> Result<(), SaslError> {
        let _ = success_data;
        Ok(())
    }

    /// The error the server reported inside the exchange (an OAuth JSON error, SCRAM's `e=`),
    /// handed to the caller with a tagged `NO` ([`crate::ops::CommandFailed::sasl`]). `None`
    /// by default.
    fn server_error(&self) -> Option<SaslError> {
        None
    }

    /// Whether the exchange carries a password an eavesdropper could read (PLAIN, LOGIN): such
    /// a mechanism is refused on a connection without TLS unless plaintext login is allowed.
    /// `false` by default.
    fn sends_password(&self) -> bool {
        false
    }
}

impl SaslMechanism for SaslSession {
    fn name(&self) -> &str {
        self.mechanism().name()
    }

    fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        SaslSession::initial_response(self)
    }

    fn step(&mut self, challenge: &[u8]) -> Result<SaslStep, SaslError> {
        SaslSession::step(self, challenge)
    }

    fn verify_final(&mut self, success_data: Option<&[u8]>) -> Result<(), SaslError> {
        SaslSession::verify_final(self, success_data)
    }

    fn server_error(&self) -> Option<SaslError> {
        self.last_server_error().cloned()
    }

    fn sends_password(&self) -> bool {
        matches!(self.mechanism(), Mechanism::Plain | Mechanism::Login)
    }
}
