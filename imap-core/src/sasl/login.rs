//! LOGIN (draft-murchison-sasl-login): the server sends two challenges (customarily
//! `Username:` and `Password:`, but their text is not to be relied on); the client answers the
//! first with the username and the second with the password. There is no initial response.

use super::{Credentials, Mechanism, Reply, SaslError, SaslStep, invalid, no_authzid, unexpected};
use crate::secret::Secret;

/// The LOGIN exchange.
#[derive(Debug)]
pub(super) struct Login {
    credentials: Credentials,
    /// How many challenges were answered (0, 1 or 2).
    answered: u8,
}

impl Login {
    /// Checks the credentials: no authorization identity, a non-empty username.
    pub(super) fn new(credentials: Credentials) -> Result<Self, SaslError> {
        no_authzid(Mechanism::Login, &credentials)?;
        if credentials.username().is_empty() {
            return Err(invalid(Mechanism::Login, "the username is empty"));
        }
        Ok(Login {
            credentials,
            answered: 0,
        })
    }

    /// Answers the username, then the password, whatever the challenges say.
    pub(super) fn step(&mut self, _challenge: &[u8]) -> Result<Reply, SaslError> {
        let answer = match self.answered {
            0 => self.credentials.username(),
            1 => self.credentials.secret(),
            _ => {
                return Err(unexpected(
                    Mechanism::Login,
                    "username and password were already sent",
                ));
            }
        };
        self.answered += 1;
        Ok(Reply::SaslStep(SaslStep::Respond(Secret::new(
            answer.as_bytes().to_vec(),
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SaslSession, base64_decode, base64_encode};
    use super::*;

    /// The draft's example, with the base64 of the wire: `+ VXNlciBOYW1lAA==` ("User Name\0"),
    /// `+ UGFzc3dvcmQA` ("Password\0").
    #[test]
    fn username_then_password() {
        let creds = Credentials::password("tim", "tanstaaftanstaaf".to_owned());
        let mut s = SaslSession::new(Mechanism::Login, creds).unwrap();
        assert!(s.initial_response().is_none());
        let c1 = base64_decode(b"VXNlciBOYW1lAA==").unwrap();
        assert_eq!(c1, b"User Name\0");
        let SaslStep::Respond(r) = s.step(&c1).unwrap() else {
            panic!("expected a response")
        };
        assert_eq!(base64_encode(r.expose()), "dGlt");
        let c2 = base64_decode(b"UGFzc3dvcmQA").unwrap();
        let SaslStep::Respond(r) = s.step(&c2).unwrap() else {
            panic!("expected a response")
        };
        assert_eq!(base64_encode(r.expose()), "dGFuc3RhYWZ0YW5zdGFhZg==");
        let err = s.step(b"Again:").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );
    }

    #[test]
    fn challenge_text_is_ignored() {
        let creds = Credentials::password("u", "p".to_owned());
        let mut s = SaslSession::new(Mechanism::Login, creds).unwrap();
        assert_eq!(
            s.step(b"Password:").unwrap(),
            SaslStep::Respond(Secret::new(b"u".to_vec()))
        );
        assert_eq!(
            s.step(b"").unwrap(),
            SaslStep::Respond(Secret::new(b"p".to_vec()))
        );
        assert_eq!(s.verify_final(None), Ok(()));
    }
}
