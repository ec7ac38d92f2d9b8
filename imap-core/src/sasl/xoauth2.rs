//! XOAUTH2 (Google's and Microsoft's OAuth 2.0 mechanism): one client message
//! `user=<username>^Aauth=Bearer <token>^A^A` (`^A` is 0x01).
//!
//! On failure the server sends a challenge carrying a JSON error (`status`, `schemes`, `scope`);
//! the client must answer it with an empty response, after which the server ends the command
//! with a tagged `NO`.

use super::{
    Credentials, Mechanism, OAuthError, Reply, SaslError, SaslStep, invalid, no_authzid, unexpected,
};
use crate::secret::Secret;

/// The XOAUTH2 exchange.
#[derive(Debug)]
pub(super) struct XOAuth2 {
    state: State,
}

#[derive(Debug)]
enum State {
    /// The message, not yet sent.
    Unsent(Secret<Vec<u8>>),
    /// The message was sent; only an error challenge can follow.
    Sent,
    /// The server's error was answered.
    ErrorAnswered,
}

impl XOAuth2 {
    /// Builds the message. No authorization identity; no control characters in the username
    /// or token (they would end the fields).
    pub(super) fn new(credentials: &Credentials) -> Result<Self, SaslError> {
        let m = Mechanism::XOAuth2;
        no_authzid(m, credentials)?;
        let user = credentials.username();
        let token = credentials.secret();
        if user.is_empty() {
            return Err(invalid(m, "the username is empty"));
        }
        if user
            .chars()
            .chain(token.chars())
            .any(|c| c.is_ascii_control())
        {
            return Err(invalid(m, "the username or token has a control character"));
        }
        let message = format!("user={user}\x01auth=Bearer {token}\x01\x01");
        Ok(XOAuth2 {
            state: State::Unsent(Secret::new(message.into_bytes())),
        })
    }

    /// The message, if not yet sent.
    pub(super) fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        match std::mem::replace(&mut self.state, State::Sent) {
            State::Unsent(message) => Some(message),
            other => {
                self.state = other;
                None
            }
        }
    }

    /// The first challenge asks for the message; one after it is the server's error.
    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Reply, SaslError> {
        match std::mem::replace(&mut self.state, State::ErrorAnswered) {
            State::Unsent(message) => {
                self.state = State::Sent;
                Ok(Reply::SaslStep(SaslStep::Respond(message)))
            }
            State::Sent => Ok(Reply::ServerError {
                response: Vec::new(),
                error: SaslError::OAuth(OAuthError::parse(challenge)),
            }),
            State::ErrorAnswered => Err(unexpected(
                Mechanism::XOAuth2,
                "the server's error was already answered",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SaslSession, base64_decode, base64_encode};
    use super::*;

    fn creds() -> Credentials {
        Credentials::oauth2(
            "someuser@example.com",
            "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg".to_owned(),
        )
    }

    /// Google's documented example of the initial client response.
    #[test]
    fn google_example() {
        let mut s = SaslSession::new(Mechanism::XOAuth2, creds()).unwrap();
        let message = s.initial_response().unwrap().into_inner();
        assert_eq!(
            message,
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        assert_eq!(
            base64_encode(&message),
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
        );
        assert_eq!(s.verify_final(None), Ok(()));
        assert_eq!(s.last_server_error(), None);
    }

    /// Without SASL-IR, the empty challenge asks for the message.
    #[test]
    fn without_initial_response() {
        let mut s = SaslSession::new(Mechanism::XOAuth2, creds()).unwrap();
        let SaslStep::Respond(message) = s.step(b"").unwrap() else {
            panic!("expected a response")
        };
        assert!(
            message
                .expose()
                .starts_with(b"user=someuser@example.com\x01")
        );
        assert!(s.initial_response().is_none());
    }

    /// The error flow: JSON challenge, empty response, the error is kept; the tagged `NO`
    /// follows. A tagged `OK` after it would be inconsistent and is refused.
    #[test]
    fn json_error_flow() {
        let mut s = SaslSession::new(Mechanism::XOAuth2, creds()).unwrap();
        assert!(s.initial_response().is_some());
        let challenge = base64_decode(
            b"eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K",
        )
        .unwrap();
        let step = s.step(&challenge).unwrap();
        assert_eq!(step, SaslStep::Respond(Secret::new(Vec::new())));
        let Some(SaslError::OAuth(e)) = s.last_server_error() else {
            panic!("no OAuth error: {:?}", s.last_server_error())
        };
        assert_eq!(e.status.as_deref(), Some("401"));
        assert_eq!(e.schemes.as_deref(), Some("bearer mac"));
        assert_eq!(e.scope.as_deref(), Some("https://mail.google.com/"));
        assert_eq!(
            e.json,
            "{\"status\":\"401\",\"schemes\":\"bearer mac\",\"scope\":\"https://mail.google.com/\"}\n"
        );
        let e = e.clone();
        assert_eq!(s.verify_final(None), Err(SaslError::OAuth(e.clone())));
        let err = s.step(b"more").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );
        assert_eq!(s.last_server_error(), Some(&SaslError::OAuth(e)));
    }

    #[test]
    fn refuses_control_characters_and_authzid() {
        for creds in [
            Credentials::oauth2("a\x01b", "t".to_owned()),
            Credentials::oauth2("a", "t\x01".to_owned()),
            Credentials::oauth2("a", "t\r\n".to_owned()),
            Credentials::oauth2("", "t".to_owned()),
        ] {
            let err = SaslSession::new(Mechanism::XOAuth2, creds).unwrap_err();
            assert!(matches!(err, SaslError::InvalidCredentials { .. }), "{err}");
        }
        let err = SaslSession::new(Mechanism::XOAuth2, creds().with_authzid("x")).unwrap_err();
        assert_eq!(
            err,
            SaslError::AuthzidUnsupported {
                mechanism: Mechanism::XOAuth2
            }
        );
    }
}
