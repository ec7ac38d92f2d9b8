//! PLAIN (RFC 4616): `[authzid] NUL authcid NUL passwd` in one client message.

use super::{Credentials, Mechanism, Reply, SaslError, SaslStep, invalid, unexpected};
use crate::secret::Secret;

/// The PLAIN exchange: the message until it is sent.
#[derive(Debug)]
pub(super) struct Plain {
    /// The message, until sent.
    message: Option<Secret<Vec<u8>>>,
}

impl Plain {
    /// Builds the message. RFC 4616 §2: no field may contain NUL, and the authentication
    /// identity may not be empty.
    pub(super) fn new(credentials: &Credentials) -> Result<Self, SaslError> {
        let m = Mechanism::Plain;
        let authzid = credentials.authzid().unwrap_or("");
        let authcid = credentials.username();
        let password = credentials.secret();
        if authcid.is_empty() {
            return Err(invalid(m, "the username is empty"));
        }
        if [authzid, authcid, password]
            .iter()
            .any(|f| f.contains('\0'))
        {
            return Err(invalid(m, "a field contains NUL"));
        }
        let mut message = Vec::with_capacity(authzid.len() + authcid.len() + password.len() + 2);
        message.extend_from_slice(authzid.as_bytes());
        message.push(0);
        message.extend_from_slice(authcid.as_bytes());
        message.push(0);
        message.extend_from_slice(password.as_bytes());
        Ok(Plain {
            message: Some(Secret::new(message)),
        })
    }

    /// The message, if not yet sent.
    pub(super) fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        self.message.take()
    }

    /// The server's (empty) initial challenge asks for the message; nothing else may follow.
    pub(super) fn step(&mut self, _challenge: &[u8]) -> Result<Reply, SaslError> {
        match self.message.take() {
            Some(message) => Ok(Reply::SaslStep(SaslStep::Respond(message))),
            None => Err(unexpected(Mechanism::Plain, "the message was already sent")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SaslSession, base64_encode};
    use super::*;

    fn respond(step: SaslStep) -> Vec<u8> {
        match step {
            SaslStep::Respond(r) => r.into_inner(),
            SaslStep::Done => panic!("expected a response"),
        }
    }

    /// RFC 4616 §4, first example: no SASL-IR, the server's empty challenge asks for the message.
    #[test]
    fn rfc4616_example_tim() {
        let creds = Credentials::password("tim", "tanstaaftanstaaf".to_owned());
        let mut s = SaslSession::new(Mechanism::Plain, creds).unwrap();
        let message = respond(s.step(b"").unwrap());
        assert_eq!(message, b"\0tim\0tanstaaftanstaaf");
        assert_eq!(message.len(), 21); // `{21}` in the example
        assert_eq!(s.verify_final(None), Ok(()));
    }

    /// RFC 4616 §4, second example: Kurt authorizes as Ursel; with SASL-IR.
    #[test]
    fn rfc4616_example_authzid() {
        let creds = Credentials::password("Kurt", "xipj3plmq".to_owned()).with_authzid("Ursel");
        let mut s = SaslSession::new(Mechanism::Plain, creds).unwrap();
        let message = s.initial_response().unwrap().into_inner();
        assert_eq!(message, b"Ursel\0Kurt\0xipj3plmq");
        assert_eq!(base64_encode(&message), "VXJzZWwAS3VydAB4aXBqM3BsbXE=");
        assert!(s.step(b"").is_err(), "nothing follows the message");
    }

    #[test]
    fn non_ascii_and_empty_password() {
        let creds = Credentials::password("jürgen", "pässwörd".to_owned());
        let mut s = SaslSession::new(Mechanism::Plain, creds).unwrap();
        let message = s.initial_response().unwrap().into_inner();
        assert_eq!(message, "\0jürgen\0pässwörd".as_bytes());
        let creds = Credentials::password("tim", String::new());
        let mut s = SaslSession::new(Mechanism::Plain, creds).unwrap();
        assert_eq!(s.initial_response().unwrap().into_inner(), b"\0tim\0");
    }

    #[test]
    fn refuses_nul_and_empty_username() {
        for creds in [
            Credentials::password("t\0m", "x".to_owned()),
            Credentials::password("tim", "x\0y".to_owned()),
            Credentials::password("tim", "x".to_owned()).with_authzid("\0"),
            Credentials::password("", "x".to_owned()),
        ] {
            let err = SaslSession::new(Mechanism::Plain, creds).unwrap_err();
            assert!(matches!(err, SaslError::InvalidCredentials { .. }), "{err}");
        }
    }
}
