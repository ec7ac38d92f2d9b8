//! SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), without channel binding (`n` GS2 flag).
//!
//! ```text
//! C: n,[a=authzid],n=user,r=cnonce                          client-first
//! S: r=cnonce+snonce,s=base64(salt),i=iterations[,ext]      server-first
//! C: c=base64(gs2-header),r=cnonce+snonce,p=base64(proof)   client-final
//! S: v=base64(server-signature)  |  e=error                 server-final
//! ```
//!
//! ```text
//! SaltedPassword  = PBKDF2-HMAC-SHA-256(password, salt, iterations)
//! ClientKey       = HMAC(SaltedPassword, "Client Key")
//! StoredKey       = SHA-256(ClientKey)
//! AuthMessage     = client-first-bare "," server-first "," client-final-without-proof
//! ClientSignature = HMAC(StoredKey, AuthMessage)
//! ClientProof     = ClientKey XOR ClientSignature
//! ServerKey       = HMAC(SaltedPassword, "Server Key")
//! ServerSignature = HMAC(ServerKey, AuthMessage)
//! ```
//!
//! The password is used as its UTF-8 bytes (no SASLprep); the username and authzid are escaped
//! as `saslname`s. The server signature is compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{
    Credentials, Mechanism, Reply, SaslError, SaslSession, SaslStep, base64_decode, base64_encode,
    escape_saslname, invalid, unexpected,
};
use crate::secret::Secret;

/// Random bytes in a generated client nonce (32 base64 characters).
const NONCE_BYTES: usize = 24;

/// The SCRAM-SHA-256 exchange.
#[derive(Debug)]
pub(super) struct Scram {
    /// `n,,` or `n,a=<authzid>,`.
    gs2_header: String,
    /// The escaped username.
    username: String,
    password: Secret<String>,
    /// The client nonce.
    nonce: String,
    /// The lowest iteration count accepted.
    pub(super) min_iterations: u32,
    /// The highest iteration count accepted.
    pub(super) max_iterations: u32,
    state: State,
}

#[derive(Debug)]
enum State {
    /// Nothing sent yet.
    Initial,
    /// The client-first message was sent.
    ClientFirstSent {
        /// The client-first message without the GS2 header, part of the AuthMessage.
        client_first_bare: String,
    },
    /// The client-final message was sent; the server's signature is expected.
    ClientFinalSent {
        /// The signature the server must send.
        server_signature: Secret<Vec<u8>>,
    },
    /// The server's signature was verified.
    Verified {
        /// The signature the server sent.
        server_signature: Secret<Vec<u8>>,
    },
}

/// The client-final message and the server signature it calls for.
struct ClientFinal {
    message: Secret<Vec<u8>>,
    server_signature: Secret<Vec<u8>>,
}

/// Whether `nonce` is a valid SCRAM nonce: one or more printable ASCII characters other than
/// `,` (RFC 5802 §7 `printable`).
pub(super) fn is_valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty() && nonce.bytes().all(|b| matches!(b, 0x21..=0x7e) && b != b',')
}

/// HMAC-SHA-256.
pub(super) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A fresh random nonce: 24 bytes from the operating system, in base64 (32 characters, valid
/// as a SCRAM `printable`). Errors give the system's reason.
pub(super) fn random_nonce() -> Result<String, String> {
    let mut random = [0u8; NONCE_BYTES];
    getrandom::fill(&mut random).map_err(|e| e.to_string())?;
    Ok(base64_encode(&random))
}

/// `SaltedPassword = Hi(password, salt, iterations)`, PBKDF2-HMAC-SHA-256 (RFC 5802 §2.2).
pub(super) fn salted_password(password: &str, salt: &[u8], iterations: u32) -> Secret<[u8; 32]> {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
    Secret::new(out)
}

/// The error for a bad server-first message.
fn bad_first(reason: &'static str) -> SaslError {
    SaslError::InvalidServerFirst { reason }
}

/// The error for a bad server-final message.
fn bad_final(reason: &'static str) -> SaslError {
    SaslError::InvalidServerFinal { reason }
}

/// The value of an `e=` attribute: up to the next `,`, as text.
fn server_error(value: &[u8]) -> SaslError {
    let end = value.iter().position(|&b| b == b',').unwrap_or(value.len());
    SaslError::ScramServerError(String::from_utf8_lossy(&value[..end]).into_owned())
}

impl Scram {
    /// Checks the credentials and draws a random client nonce.
    pub(super) fn new(credentials: Credentials) -> Result<Self, SaslError> {
        let m = Mechanism::ScramSha256;
        let username = credentials.username();
        if username.is_empty() {
            return Err(invalid(m, "the username is empty"));
        }
        let authzid = credentials.authzid();
        if username.contains('\0') || authzid.is_some_and(|a| a.contains('\0')) {
            return Err(invalid(m, "the username or authzid has NUL"));
        }
        let gs2_header = match authzid {
            Some(a) => format!("n,a={},", escape_saslname(a)),
            None => String::from("n,,"),
        };
        let nonce = random_nonce().map_err(SaslError::Random)?;
        Ok(Scram {
            gs2_header,
            username: escape_saslname(username),
            password: Secret::new(credentials.secret().to_owned()),
            nonce,
            min_iterations: SaslSession::DEFAULT_MIN_ITERATIONS,
            max_iterations: SaslSession::DEFAULT_MAX_ITERATIONS,
            state: State::Initial,
        })
    }

    /// Replaces the client nonce (already checked), unless the client-first message is out.
    pub(super) fn set_nonce(&mut self, nonce: String) {
        if matches!(self.state, State::Initial) {
            self.nonce = nonce;
        }
    }

    /// The client-first message, if not yet sent.
    pub(super) fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        if !matches!(self.state, State::Initial) {
            return None;
        }
        let client_first_bare = format!("n={},r={}", self.username, self.nonce);
        let message = format!("{}{client_first_bare}", self.gs2_header);
        self.state = State::ClientFirstSent { client_first_bare };
        Some(Secret::new(message.into_bytes()))
    }

    /// Answers the server's empty initial challenge, the server-first message and the
    /// server-final message in turn.
    pub(super) fn step(&mut self, challenge: &[u8]) -> Result<Reply, SaslError> {
        match &self.state {
            State::Initial => {
                let message = self.initial_response().expect("state is Initial");
                Ok(Reply::SaslStep(SaslStep::Respond(message)))
            }
            State::ClientFirstSent { client_first_bare } => {
                let ClientFinal {
                    message,
                    server_signature,
                } = self.client_final(client_first_bare, challenge)?;
                self.state = State::ClientFinalSent { server_signature };
                Ok(Reply::SaslStep(SaslStep::Respond(message)))
            }
            State::ClientFinalSent { server_signature } => {
                let server_signature = server_signature.clone();
                check_server_final(challenge, &server_signature)?;
                self.state = State::Verified { server_signature };
                Ok(Reply::SaslStep(SaslStep::Done))
            }
            State::Verified { .. } => Err(unexpected(
                Mechanism::ScramSha256,
                "the server signature was already verified",
            )),
        }
    }

    /// Checks that the server's signature was verified, or verifies it in `success_data`.
    pub(super) fn verify_final(&mut self, success_data: Option<&[u8]>) -> Result<(), SaslError> {
        match (&self.state, success_data) {
            (State::Verified { .. }, None) => Ok(()),
            (
                State::Verified { server_signature } | State::ClientFinalSent { server_signature },
                Some(data),
            ) => {
                let server_signature = server_signature.clone();
                check_server_final(data, &server_signature)?;
                self.state = State::Verified { server_signature };
                Ok(())
            }
            (State::ClientFinalSent { .. }, None)
            | (State::Initial | State::ClientFirstSent { .. }, _) => {
                Err(SaslError::MissingServerSignature)
            }
        }
    }

    /// Parses the server-first message and computes the client-final message and the server
    /// signature to expect.
    fn client_final(
        &self,
        client_first_bare: &str,
        server_first: &[u8],
    ) -> Result<ClientFinal, SaslError> {
        if let Some(value) = server_first.strip_prefix(b"e=") {
            return Err(server_error(value));
        }
        let server_first = std::str::from_utf8(server_first).map_err(|_| bad_first("not UTF-8"))?;
        if server_first.starts_with("m=") {
            return Err(bad_first("mandatory extension (m=) not supported"));
        }
        let mut attributes = server_first.split(',');
        let mut attribute = |name: &str, missing: &'static str| {
            attributes
                .next()
                .and_then(|a| a.strip_prefix(name))
                .ok_or_else(|| bad_first(missing))
        };
        let nonce = attribute("r=", "no nonce (r=)")?;
        let salt = attribute("s=", "no salt (s=) after the nonce")?;
        let iterations = attribute("i=", "no iteration count (i=) after the salt")?;

        if !is_valid_nonce(nonce) {
            return Err(bad_first("the nonce has a character that is not allowed"));
        }
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err(bad_first("the nonce does not extend the client nonce"));
        }
        let salt = base64_decode(salt.as_bytes()).ok_or(bad_first("the salt is not base64"))?;
        if salt.is_empty() {
            return Err(bad_first("the salt is empty"));
        }
        if iterations.is_empty() || !iterations.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_first("the iteration count is not a number"));
        }
        let iterations: u32 = iterations
            .parse()
            .map_err(|_| bad_first("the iteration count is out of range"))?;
        if iterations == 0 {
            return Err(bad_first("the iteration count is zero"));
        }
        if iterations < self.min_iterations {
            return Err(SaslError::IterationCountTooLow {
                iterations,
                minimum: self.min_iterations,
            });
        }
        if iterations > self.max_iterations {
            return Err(SaslError::IterationCountTooHigh {
                iterations,
                maximum: self.max_iterations,
            });
        }

        let channel_binding = base64_encode(self.gs2_header.as_bytes());
        let without_proof = format!("c={channel_binding},r={nonce}");
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");

        let salted_password = salted_password(self.password.expose(), &salt, iterations);
        let client_key = hmac(salted_password.expose(), b"Client Key");
        let stored_key: [u8; 32] = Sha256::digest(client_key).into();
        let client_signature = hmac(&stored_key, auth_message.as_bytes());
        let mut proof = client_key;
        for (p, s) in proof.iter_mut().zip(client_signature) {
            *p ^= s;
        }
        let server_key = hmac(salted_password.expose(), b"Server Key");
        let server_signature = hmac(&server_key, auth_message.as_bytes());

        let client_final = format!("{without_proof},p={}", base64_encode(&proof));
        Ok(ClientFinal {
            message: Secret::new(client_final.into_bytes()),
            server_signature: Secret::new(server_signature.to_vec()),
        })
    }
}

/// Checks a server-final message: `v=` with the expected signature (compared in constant time),
/// or `e=`, which is the server's error.
fn check_server_final(message: &[u8], expected: &Secret<Vec<u8>>) -> Result<(), SaslError> {
    if let Some(value) = message.strip_prefix(b"e=") {
        return Err(server_error(value));
    }
    let Some(value) = message.strip_prefix(b"v=") else {
        return Err(bad_final("neither a signature (v=) nor an error (e=)"));
    };
    let end = value.iter().position(|&b| b == b',').unwrap_or(value.len());
    let signature = base64_decode(&value[..end]).ok_or(bad_final("the signature is not base64"))?;
    if Secret::new(signature) == *expected {
        Ok(())
    } else {
        Err(SaslError::ServerSignatureMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
    const SERVER_FIRST: &str =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    const CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    const SERVER_FINAL: &str = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    fn session() -> SaslSession {
        let creds = Credentials::password("user", "pencil".to_owned());
        SaslSession::new(Mechanism::ScramSha256, creds)
            .unwrap()
            .with_nonce(CLIENT_NONCE.to_owned())
    }

    fn respond(step: Result<SaslStep, SaslError>) -> String {
        match step.unwrap() {
            SaslStep::Respond(r) => String::from_utf8(r.into_inner()).unwrap(),
            SaslStep::Done => panic!("expected a response"),
        }
    }

    /// A session that has sent its client-final message for the RFC 7677 exchange.
    fn after_client_final() -> SaslSession {
        let mut s = session();
        s.initial_response().unwrap();
        assert_eq!(respond(s.step(SERVER_FIRST.as_bytes())), CLIENT_FINAL);
        s
    }

    /// RFC 7677 §3: the whole exchange with SASL-IR, byte for byte.
    #[test]
    fn rfc7677_test_vector() {
        let mut s = session();
        let first = s.initial_response().unwrap().into_inner();
        assert_eq!(first, b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assert_eq!(respond(s.step(SERVER_FIRST.as_bytes())), CLIENT_FINAL);
        assert_eq!(s.step(SERVER_FINAL.as_bytes()), Ok(SaslStep::Done));
        assert_eq!(s.verify_final(None), Ok(()));
        assert_eq!(s.last_server_error(), None);
        let err = s.step(b"v=again").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );
    }

    /// The same exchange without SASL-IR: the empty challenge asks for client-first.
    #[test]
    fn rfc7677_without_initial_response() {
        let mut s = session();
        assert_eq!(respond(s.step(b"")), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assert!(s.initial_response().is_none());
        assert_eq!(respond(s.step(SERVER_FIRST.as_bytes())), CLIENT_FINAL);
        assert_eq!(s.step(SERVER_FINAL.as_bytes()), Ok(SaslStep::Done));
        assert_eq!(s.verify_final(None), Ok(()));
    }

    /// The server-final message may come as additional data with the tagged OK instead.
    #[test]
    fn server_final_with_success_data() {
        let mut s = after_client_final();
        assert_eq!(s.verify_final(Some(SERVER_FINAL.as_bytes())), Ok(()));
        // Verified once; checking again, with or without the data, still succeeds.
        assert_eq!(s.verify_final(None), Ok(()));
        assert_eq!(s.verify_final(Some(SERVER_FINAL.as_bytes())), Ok(()));
    }

    #[test]
    fn wrong_server_signature_rejected() {
        // One bit flipped in the last byte of the signature.
        let wrong = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G8=";
        let mut s = after_client_final();
        assert_eq!(
            s.step(wrong.as_bytes()),
            Err(SaslError::ServerSignatureMismatch)
        );
        // Sticky: a later OK (even with the right data) does not make it right.
        assert_eq!(
            s.verify_final(Some(SERVER_FINAL.as_bytes())),
            Err(SaslError::ServerSignatureMismatch)
        );
        assert_eq!(s.last_server_error(), None);

        let mut s = after_client_final();
        assert_eq!(
            s.verify_final(Some(wrong.as_bytes())),
            Err(SaslError::ServerSignatureMismatch)
        );
        assert_eq!(
            s.verify_final(None),
            Err(SaslError::ServerSignatureMismatch)
        );

        // Truncated signature.
        let mut s = after_client_final();
        assert_eq!(
            s.step(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl9"),
            Err(SaslError::ServerSignatureMismatch)
        );
    }

    #[test]
    fn missing_server_signature_rejected() {
        let mut s = after_client_final();
        assert_eq!(s.verify_final(None), Err(SaslError::MissingServerSignature));
        assert_eq!(
            s.verify_final(Some(b"")),
            Err(SaslError::MissingServerSignature)
        );

        // OK before the proof was even sent.
        let mut s = session();
        s.initial_response().unwrap();
        assert_eq!(s.verify_final(None), Err(SaslError::MissingServerSignature));
        let mut s = session();
        assert_eq!(
            s.verify_final(Some(SERVER_FINAL.as_bytes())),
            Err(SaslError::MissingServerSignature)
        );
    }

    #[test]
    fn malformed_server_final() {
        for (message, reason) in [
            (&b"x=abc"[..], "neither a signature (v=) nor an error (e=)"),
            (b"", "neither a signature (v=) nor an error (e=)"),
            (b"v=not base64!", "the signature is not base64"),
        ] {
            let mut s = after_client_final();
            assert_eq!(
                s.step(message),
                Err(SaslError::InvalidServerFinal { reason })
            );
        }
        // Extensions after v= are ignored.
        let mut s = after_client_final();
        let with_ext = format!("{SERVER_FINAL},x=ext");
        assert_eq!(s.step(with_ext.as_bytes()), Ok(SaslStep::Done));
    }

    #[test]
    fn server_error_in_final() {
        let mut s = after_client_final();
        let err = SaslError::ScramServerError("invalid-proof".to_owned());
        assert_eq!(s.step(b"e=invalid-proof"), Err(err.clone()));
        assert_eq!(s.last_server_error(), Some(&err));
        assert_eq!(s.verify_final(None), Err(err.clone()));
        assert_eq!(err.to_string(), r#"SCRAM server error "invalid-proof""#);

        let mut s = after_client_final();
        let err = SaslError::ScramServerError("other-error".to_owned());
        assert_eq!(s.verify_final(Some(b"e=other-error,x=1")), Err(err.clone()));
        assert_eq!(s.last_server_error(), Some(&err));
    }

    #[test]
    fn server_error_in_first() {
        let mut s = session();
        s.initial_response().unwrap();
        let err = SaslError::ScramServerError("unknown-user".to_owned());
        assert_eq!(s.step(b"e=unknown-user"), Err(err.clone()));
        assert_eq!(s.last_server_error(), Some(&err));
    }

    fn server_first_error(server_first: &[u8]) -> SaslError {
        let mut s = session();
        s.initial_response().unwrap();
        s.step(server_first).unwrap_err()
    }

    #[test]
    fn invalid_server_first() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "no nonce (r=)"),
            (b"s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "no nonce (r=)"),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,i=4096",
                "no salt (s=) after the nonce",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==",
                "no iteration count (i=) after the salt",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",
                "no salt (s=) after the nonce",
            ),
            (
                b"m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "mandatory extension (m=) not supported",
            ),
            (
                b"r=someone-elses-nonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "the nonce does not extend the client nonce",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkq,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "the nonce does not extend the client nonce",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "the nonce does not extend the client nonce",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqO x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "the nonce has a character that is not allowed",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ,i=4096",
                "the salt is not base64",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=***,i=4096",
                "the salt is not base64",
            ),
            (b"r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096", "the salt is empty"),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=",
                "the iteration count is not a number",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=+4096",
                "the iteration count is not a number",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k",
                "the iteration count is not a number",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999",
                "the iteration count is out of range",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
                "the iteration count is zero",
            ),
            (
                b"r=rOprNGfwEbeRWgbNEkqO\xff,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "not UTF-8",
            ),
        ];
        for &(message, reason) in cases {
            assert_eq!(
                server_first_error(message),
                SaslError::InvalidServerFirst { reason },
                "{}",
                String::from_utf8_lossy(message)
            );
        }
    }

    #[test]
    fn iteration_count_limits() {
        assert_eq!(
            server_first_error(b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095"),
            SaslError::IterationCountTooLow {
                iterations: 4095,
                minimum: 4096
            }
        );
        assert_eq!(
            server_first_error(b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=10000001"),
            SaslError::IterationCountTooHigh {
                iterations: 10_000_001,
                maximum: 10_000_000
            }
        );
        // Both limits are configurable.
        let mut s = session().with_min_iterations(1).with_max_iterations(8192);
        s.initial_response().unwrap();
        let low = "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1";
        assert!(respond(s.step(low.as_bytes())).starts_with("c=biws,r=rOprNGfwEbeRWgbNEkqOxyz,p="));
        let mut s = session().with_max_iterations(8192);
        s.initial_response().unwrap();
        assert_eq!(
            s.step(b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=8193"),
            Err(SaslError::IterationCountTooHigh {
                iterations: 8193,
                maximum: 8192
            })
        );
    }

    /// Extensions after the iteration count are ignored, but are part of the AuthMessage: the
    /// proof differs from the one without them.
    #[test]
    fn server_first_extensions() {
        let mut s = session();
        s.initial_response().unwrap();
        let with_ext = format!("{SERVER_FIRST},x=future");
        let client_final = respond(s.step(with_ext.as_bytes()));
        let (without_proof, proof) = client_final.rsplit_once(",p=").unwrap();
        assert_eq!(
            without_proof,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        );
        assert_ne!(proof, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assert_eq!(
            s.step(SERVER_FINAL.as_bytes()),
            Err(SaslError::ServerSignatureMismatch)
        );
    }

    #[test]
    fn username_escaping_and_authzid() {
        let creds = Credentials::password("a=b,c", "pencil".to_owned()).with_authzid("admin,1");
        let mut s = SaslSession::new(Mechanism::ScramSha256, creds)
            .unwrap()
            .with_nonce("abc".to_owned());
        let first = s.initial_response().unwrap().into_inner();
        assert_eq!(first, b"n,a=admin=2C1,n=a=3Db=2Cc,r=abc");
        // The channel binding data is the base64 GS2 header.
        let client_final = respond(s.step(b"r=abcdef,s=c2FsdA==,i=4096"));
        assert!(
            client_final.starts_with(&format!(
                "c={},r=abcdef,p=",
                base64_encode(b"n,a=admin=2C1,")
            )),
            "{client_final}"
        );
        assert!(client_final.starts_with("c=bixhPWFkbWluPTJDMSw=,"));
    }

    #[test]
    fn random_nonce() {
        let creds = Credentials::password("user", "pencil".to_owned());
        let mut nonces = Vec::new();
        for _ in 0..2 {
            let mut s = SaslSession::new(Mechanism::ScramSha256, creds.clone()).unwrap();
            let first = String::from_utf8(s.initial_response().unwrap().into_inner()).unwrap();
            let nonce = first.strip_prefix("n,,n=user,r=").unwrap().to_owned();
            assert_eq!(nonce.len(), 32);
            assert!(is_valid_nonce(&nonce), "{nonce}");
            nonces.push(nonce);
        }
        assert_ne!(nonces[0], nonces[1]);
    }

    #[test]
    #[should_panic(expected = "printable ASCII")]
    fn with_nonce_refuses_comma() {
        let _ = session().with_nonce("a,b".to_owned());
    }

    #[test]
    fn nonce_validity() {
        assert!(is_valid_nonce(
            "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        ));
        assert!(!is_valid_nonce(""));
        assert!(!is_valid_nonce("a b"));
        assert!(!is_valid_nonce("a,b"));
        assert!(!is_valid_nonce("é"));
    }

    #[test]
    fn refuses_nul_and_empty_username() {
        for creds in [
            Credentials::password("", "p".to_owned()),
            Credentials::password("u\0", "p".to_owned()),
            Credentials::password("u", "p".to_owned()).with_authzid("\0"),
        ] {
            let err = SaslSession::new(Mechanism::ScramSha256, creds).unwrap_err();
            assert!(matches!(err, SaslError::InvalidCredentials { .. }), "{err}");
        }
    }
}
