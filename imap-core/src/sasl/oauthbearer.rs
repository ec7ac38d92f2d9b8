//! OAUTHBEARER (RFC 7628): one client message, a GS2 header and `^A`-separated key/value pairs
//! (`^A` is 0x01):
//!
//! ```text
//! n,a=user@example.com,^Ahost=server.example.com^Aport=143^Aauth=Bearer <token>^A^A
//! ```
//!
//! The `a=` of the GS2 header is the authorization identity if the credentials have one, else
//! the username (what servers expect in practice); it is left out when that is empty. `host` and
//! `port` are sent when the credentials have them.
//!
//! On failure the server sends a challenge carrying a JSON error (`status`, `scope`,
//! `openid-configuration`); the client answers with a single 0x01 (RFC 7628 §3.2.3), after which
//! the server ends the command with a tagged `NO`.

use std::fmt::Write as _;

use super::{
    Credentials, Mechanism, OAuthError, Reply, SaslError, SaslStep, escape_saslname, invalid,
    unexpected,
};
use crate::secret::Secret;

/// The OAUTHBEARER exchange.
#[derive(Debug)]
pub(super) struct OAuthBearer {
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

/// Whether `value` fits RFC 7628's `value = *(VCHAR / SP / HTAB / CR / LF)`.
fn is_valid_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| matches!(b, 0x20..=0x7e | b'\t' | b'\r' | b'\n'))
}

impl OAuthBearer {
    /// Builds the message.
    pub(super) fn new(credentials: &Credentials) -> Result<Self, SaslError> {
        let m = Mechanism::OAuthBearer;
        let authzid = credentials.authzid().unwrap_or(credentials.username());
        if authzid.contains(['\0', '\x01']) {
            return Err(invalid(m, "the username or authzid has NUL or 0x01"));
        }
        let host = credentials.host().unwrap_or("");
        let token = credentials.secret();
        if !is_valid_value(host) {
            return Err(invalid(m, "the host is not printable US-ASCII"));
        }
        if !is_valid_value(token) {
            return Err(invalid(m, "the token is not printable US-ASCII"));
        }
        let mut message = String::from("n,");
        if !authzid.is_empty() {
            message.push_str("a=");
            message.push_str(&escape_saslname(authzid));
        }
        message.push_str(",\x01");
        if let Some(host) = credentials.host() {
            let _ = write!(message, "host={host}\x01");
        }
        if let Some(port) = credentials.port() {
            let _ = write!(message, "port={port}\x01");
        }
        let _ = write!(message, "auth=Bearer {token}\x01\x01");
        Ok(OAuthBearer {
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
                response: vec![0x01],
                error: SaslError::OAuth(OAuthError::parse(challenge)),
            }),
            State::ErrorAnswered => Err(unexpected(
                Mechanism::OAuthBearer,
                "the server's error was already answered",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SaslSession, base64_decode, base64_encode};
    use super::*;

    const TOKEN: &str = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";

    fn initial(creds: Credentials) -> Vec<u8> {
        let mut s = SaslSession::new(Mechanism::OAuthBearer, creds).unwrap();
        s.initial_response().unwrap().into_inner()
    }

    /// RFC 7628 §4.1: the IMAP example, byte for byte, and its base64 as on the wire.
    #[test]
    fn rfc7628_imap_example() {
        let creds = Credentials::oauth2("user@example.com", TOKEN.to_owned())
            .with_host("server.example.com")
            .with_port(143);
        let message = initial(creds);
        assert_eq!(
            message,
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert_eq!(
            base64_encode(&message),
            concat!(
                "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhv",
                "c3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyI",
                "HZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQ",
                "EB"
            )
        );
    }

    /// RFC 7628 §4.1, the same credential over SMTP (port 587).
    #[test]
    fn rfc7628_smtp_example() {
        let creds = Credentials::oauth2("user@example.com", TOKEN.to_owned())
            .with_host("server.example.com")
            .with_port(587);
        assert_eq!(
            base64_encode(&initial(creds)),
            concat!(
                "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2Vy",
                "dmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmd",
                "DRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB"
            )
        );
    }

    /// Host and port are optional; the authzid overrides the username in `a=` and is escaped.
    #[test]
    fn optional_parts() {
        let creds = Credentials::oauth2("user@example.com", "tok".to_owned());
        assert_eq!(
            initial(creds.clone()),
            b"n,a=user@example.com,\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            initial(creds.clone().with_port(993)),
            b"n,a=user@example.com,\x01port=993\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            initial(creds.with_authzid("a,b=c")),
            b"n,a=a=2Cb=3Dc,\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            initial(Credentials::oauth2("", "tok".to_owned())),
            b"n,,\x01auth=Bearer tok\x01\x01"
        );
    }

    /// RFC 7628 §4.3: the server's error challenge is answered with 0x01 (`AQ==`) and kept.
    #[test]
    fn rfc7628_failed_exchange() {
        let creds = Credentials::oauth2("user@example.com", TOKEN.to_owned())
            .with_host("server.example.com")
            .with_port(143);
        let mut s = SaslSession::new(Mechanism::OAuthBearer, creds).unwrap();
        assert!(s.initial_response().is_some());
        let challenge = base64_decode(
            concat!(
                "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxl",
                "X3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4",
                "YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9u",
                "In0="
            )
            .as_bytes(),
        )
        .unwrap();
        let SaslStep::Respond(r) = s.step(&challenge).unwrap() else {
            panic!("expected a response")
        };
        assert_eq!(base64_encode(r.expose()), "AQ==");
        let Some(SaslError::OAuth(e)) = s.last_server_error() else {
            panic!("no OAuth error: {:?}", s.last_server_error())
        };
        assert_eq!(e.status.as_deref(), Some("invalid_token"));
        assert_eq!(e.scope.as_deref(), Some("example_scope"));
        assert_eq!(
            e.openid_configuration.as_deref(),
            Some("https://example.com/.well-known/openid-configuration")
        );
        assert_eq!(e.schemes, None);
        assert_eq!(e.json.as_bytes(), challenge);
        assert!(matches!(s.verify_final(None), Err(SaslError::OAuth(_))));
        let err = s.step(b"").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );
    }

    /// Without SASL-IR the server's empty challenge asks for the message.
    #[test]
    fn without_initial_response() {
        let creds = Credentials::oauth2("u@example.com", "tok".to_owned());
        let mut s = SaslSession::new(Mechanism::OAuthBearer, creds).unwrap();
        assert_eq!(
            s.step(b"").unwrap(),
            SaslStep::Respond(Secret::new(
                b"n,a=u@example.com,\x01auth=Bearer tok\x01\x01".to_vec()
            ))
        );
        assert_eq!(s.verify_final(None), Ok(()));
    }

    #[test]
    fn refuses_unencodable_values() {
        for creds in [
            Credentials::oauth2("u\x01", "tok".to_owned()),
            Credentials::oauth2("u", "tok\x01".to_owned()),
            Credentials::oauth2("u", "tök".to_owned()),
            Credentials::oauth2("u", "tok".to_owned()).with_host("h\x01"),
        ] {
            let err = SaslSession::new(Mechanism::OAuthBearer, creds).unwrap_err();
            assert!(matches!(err, SaslError::InvalidCredentials { .. }), "{err}");
        }
    }
}
