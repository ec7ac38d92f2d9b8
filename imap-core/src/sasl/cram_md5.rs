//! CRAM-MD5 (RFC 2195): the server sends a challenge (a msg-id such as
//! `<1896.697170952@postoffice.reston.mci.net>`); the client answers
//! `username SP hex(HMAC-MD5(password, challenge))` in lowercase hex.

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;

use super::{Credentials, Mechanism, Reply, SaslError, SaslStep, invalid, no_authzid, unexpected};
use crate::secret::Secret;

/// The CRAM-MD5 exchange.
#[derive(Debug)]
pub(super) struct CramMd5 {
    credentials: Credentials,
    answered: bool,
}

impl CramMd5 {
    /// Checks the credentials: no authorization identity, a non-empty username.
    pub(super) fn new(credentials: Credentials) -> Result<Self, SaslError> {
        no_authzid(Mechanism::CramMd5, &credentials)?;
        if credentials.username().is_empty() {
            return Err(invalid(Mechanism::CramMd5, "the username is empty"));
        }
        Ok(CramMd5 {
            credentials,
            answered: false,
        })
    }

    /// Answers the one challenge.
    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Reply, SaslError> {
        if self.answered {
            return Err(unexpected(
                Mechanism::CramMd5,
                "the digest was already sent",
            ));
        }
        if challenge.is_empty() {
            return Err(unexpected(Mechanism::CramMd5, "the challenge is empty"));
        }
        self.answered = true;
        let mut mac = Hmac::<Md5>::new_from_slice(self.credentials.secret().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(challenge);
        let digest = mac.finalize().into_bytes();
        let username = self.credentials.username();
        let mut response = Vec::with_capacity(username.len() + 1 + 2 * digest.len());
        response.extend_from_slice(username.as_bytes());
        response.push(b' ');
        for byte in digest.iter() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            response.push(HEX[usize::from(byte >> 4)]);
            response.push(HEX[usize::from(byte & 0x0f)]);
        }
        Ok(Reply::SaslStep(SaslStep::Respond(Secret::new(response))))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SaslSession, base64_decode, base64_encode};
    use super::*;

    /// RFC 2195 §2, the example, with the base64 of the wire.
    #[test]
    fn rfc2195_example() {
        let creds = Credentials::password("tim", "tanstaaftanstaaf".to_owned());
        let mut s = SaslSession::new(Mechanism::CramMd5, creds).unwrap();
        assert!(s.initial_response().is_none());
        let challenge =
            base64_decode(b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+").unwrap();
        assert_eq!(challenge, b"<1896.697170952@postoffice.reston.mci.net>");
        let SaslStep::Respond(r) = s.step(&challenge).unwrap() else {
            panic!("expected a response")
        };
        assert_eq!(r.expose(), b"tim b913a602c7eda7a495b4e6e7334d3890");
        assert_eq!(
            base64_encode(r.expose()),
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
        );
        assert_eq!(s.verify_final(None), Ok(()));
    }

    #[test]
    fn one_challenge_only() {
        let creds = Credentials::password("tim", "tanstaaftanstaaf".to_owned());
        let mut s = SaslSession::new(Mechanism::CramMd5, creds.clone()).unwrap();
        assert!(s.step(b"<1.2@host>").is_ok());
        let err = s.step(b"<1.2@host>").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );

        let mut s = SaslSession::new(Mechanism::CramMd5, creds).unwrap();
        let err = s.step(b"").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );
    }

    /// RFC 2202 §2, HMAC-MD5 test case 2 (key "Jefe"), as a CRAM-MD5 exchange.
    #[test]
    fn rfc2202_hmac_md5_vector() {
        let creds = Credentials::password("jefe", "Jefe".to_owned());
        let mut s = SaslSession::new(Mechanism::CramMd5, creds).unwrap();
        let SaslStep::Respond(r) = s.step(b"what do ya want for nothing?").unwrap() else {
            panic!("expected a response")
        };
        assert_eq!(r.expose(), b"jefe 750c783e6ab0b503eaa86e310a5db738");
    }
}
