//! The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding: see
//! [`ScramServer`].

use std::fmt;

use sha2::{Digest, Sha256};

use super::scram::{hmac, is_valid_nonce, random_nonce, salted_password};
use super::server_error::SaslServerError;
use super::{base64_decode, base64_encode};
use crate::secret::Secret;

/// What the server keeps to check one user's SCRAM-SHA-256 proofs (RFC 5802 §3): salt,
/// iteration count, `StoredKey` and `ServerKey`. `Debug` shows the salt length and the count
/// only.
#[derive(Clone)]
pub struct ScramCredentials {
    salt: Vec<u8>,
    iterations: u32,
    stored_key: Secret<[u8; 32]>,
    server_key: Secret<[u8; 32]>,
}

impl fmt::Debug for ScramCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramCredentials")
            .field("salt_len", &self.salt.len())
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl ScramCredentials {
    /// The iteration count RFC 7677 §4 asks for at least: 4096.
    pub const DEFAULT_ITERATIONS: u32 = 4096;

    /// Derives the keys from a password (its UTF-8 bytes, no SASLprep), a salt and an iteration
    /// count: one PBKDF2-HMAC-SHA-256 of `iterations` rounds.
    ///
    /// # Panics
    /// If `salt` is empty or `iterations` is 0 (RFC 5802 requires a salt and a positive count).
    pub fn new(password: &str, salt: &[u8], iterations: u32) -> Self {
        assert!(!salt.is_empty(), "a SCRAM salt is not empty");
        assert!(iterations > 0, "a SCRAM iteration count is positive");
        let salted = salted_password(password, salt, iterations);
        let client_key = hmac(salted.expose(), b"Client Key");
        ScramCredentials {
            salt: salt.to_vec(),
            iterations,
            stored_key: Secret::new(Sha256::digest(client_key).into()),
            server_key: Secret::new(hmac(salted.expose(), b"Server Key")),
        }
    }

    /// As [`ScramCredentials::new`] with a random 16-byte salt.
    ///
    /// # Errors
    /// [`SaslServerError::Random`] when the operating system has no randomness.
    pub fn with_random_salt(password: &str, iterations: u32) -> Result<Self, SaslServerError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| SaslServerError::Random(e.to_string()))?;
        Ok(ScramCredentials::new(password, &salt, iterations))
    }

    /// Made-up credentials for a user who does not exist, so that the exchange goes on and fails
    /// at the proof like a wrong password (RFC 5802 section 9). The salt (16 bytes, as
    /// [`ScramCredentials::with_random_salt`] makes them) and the keys are HMAC-SHA-256 of the
    /// user name under `secret`, a random secret of the server: one unknown user always sees
    /// the same salt, two see different ones, and the iteration count is the one given (use the
    /// real users'), so the answer does not tell whether the user exists. No PBKDF2 is run, and
    /// no proof matches keys that come from no password.
    pub fn unknown_user(secret: &[u8], username: &str, iterations: u32) -> Self {
        let derive = |label: &[u8]| {
            let mut data = label.to_vec();
            data.push(0);
            data.extend_from_slice(username.as_bytes());
            hmac(secret, &data)
        };
        ScramCredentials {
            salt: derive(b"salt")[..16].to_vec(),
            iterations: iterations.max(1),
            stored_key: Secret::new(derive(b"stored key")),
            server_key: Secret::new(derive(b"server key")),
        }
    }

    /// The salt.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The iteration count.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }
}

/// Who the client-first message says is authenticating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScramIdentity {
    /// The authentication identity (`n=`), unescaped.
    pub username: String,
    /// The authorization identity (`a=` in the GS2 header), unescaped, if the client sent one.
    /// Whether the user may act as it is the caller's decision.
    pub authzid: Option<String>,
}

/// One server-side SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding.
///
/// ```text
/// C: gs2-header client-first-bare        handle_client_first -> who is authenticating
///                                        (the caller looks up the user's ScramCredentials)
/// S: r=cnonce+snonce,s=salt,i=count      server_first
/// C: c=base64(gs2-header),r=..,p=proof   handle_client_final -> verified or InvalidProof
/// S: v=base64(ServerSignature)           (returned by handle_client_final)
/// ```
///
/// The server stores no password, only [`ScramCredentials`]: the salt, the iteration count,
/// `StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key"))` and
/// `ServerKey = HMAC(SaltedPassword, "Server Key")`. It checks the proof by recovering
/// `ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage)` and comparing `SHA-256(ClientKey)`
/// with `StoredKey` in constant time.
///
/// Channel binding is not supported, so the server never advertises `-PLUS`: a client-first
/// message with the `n` flag (client does not support it) or the `y` flag (client supports it
/// but believes the server does not, which is true) is accepted; `p=<type>` (client requires it)
/// is refused with [`SaslServerError::ChannelBindingNotSupported`] (RFC 5802 §6). The client's
/// `c=` must be the base64 of its own GS2 header.
///
/// For an unknown user, RFC 5802 §9 advises going on with made-up credentials, so that the
/// exchange fails at the proof like a wrong password: [`ScramCredentials::new`] with any
/// password does that.
///
/// Every method checks that the exchange is at the right point; after any error the exchange is
/// over and every later call fails with [`SaslServerError::OutOfOrder`].
#[derive(Debug)]
pub struct ScramServer {
    /// The server's part of the nonce.
    nonce: String,
    state: State,
}

#[derive(Debug)]
enum State {
    /// Waiting for the client-first message.
    Initial,
    /// The client-first message was read; the caller looks up the credentials.
    ClientFirst {
        gs2_header: String,
        client_first_bare: String,
        client_nonce: String,
    },
    /// The server-first message was produced; waiting for the client-final message.
    ServerFirst {
        gs2_header: String,
        /// `client-first-bare "," server-first`: the start of the AuthMessage.
        auth_prefix: String,
        /// The combined nonce.
        nonce: String,
        credentials: ScramCredentials,
    },
    /// Over: verified, or refused.
    Done,
}

impl ScramServer {
    /// An exchange with a random server nonce (24 bytes from the operating system).
    ///
    /// # Errors
    /// [`SaslServerError::Random`] when the operating system has no randomness.
    pub fn new() -> Result<Self, SaslServerError> {
        Ok(ScramServer::with_nonce(
            random_nonce().map_err(SaslServerError::Random)?,
        ))
    }

    /// An exchange with this server nonce, for reproducible tests.
    ///
    /// # Panics
    /// If `nonce` is empty or has a character outside printable ASCII or a `,` (RFC 5802 §7
    /// `printable`).
    pub fn with_nonce(nonce: String) -> Self {
        assert!(
            is_valid_nonce(&nonce),
            "a SCRAM nonce is one or more printable ASCII characters other than ','"
        );
        ScramServer {
            nonce,
            state: State::Initial,
        }
    }

    /// Reads the client-first message and returns who is authenticating; the caller then looks
    /// up that user's credentials and calls [`ScramServer::server_first`].
    ///
    /// # Errors
    /// A malformed message, a mandatory extension, a client that requires channel binding, or
    /// a call at the wrong point.
    pub fn handle_client_first(
        &mut self,
        message: &[u8],
    ) -> Result<ScramIdentity, SaslServerError> {
        if !matches!(self.state, State::Initial) {
            return self.fail(out_of_order("the client-first message was already read"));
        }
        match parse_client_first(message) {
            Ok((identity, state)) => {
                self.state = state;
                Ok(identity)
            }
            Err(e) => self.fail(e),
        }
    }

    /// The server-first message for the user's credentials (for an unknown user, made-up
    /// ones: the proof will then be wrong).
    ///
    /// # Errors
    /// [`SaslServerError::OutOfOrder`] unless the client-first message was just read.
    pub fn server_first(
        &mut self,
        credentials: &ScramCredentials,
    ) -> Result<Vec<u8>, SaslServerError> {
        let State::ClientFirst {
            gs2_header,
            client_first_bare,
            client_nonce,
        } = std::mem::replace(&mut self.state, State::Done)
        else {
            return self.fail(out_of_order("no client-first message to answer"));
        };
        let nonce = format!("{client_nonce}{}", self.nonce);
        let server_first = format!(
            "r={nonce},s={},i={}",
            base64_encode(&credentials.salt),
            credentials.iterations
        );
        self.state = State::ServerFirst {
            gs2_header,
            auth_prefix: format!("{client_first_bare},{server_first}"),
            nonce,
            credentials: credentials.clone(),
        };
        Ok(server_first.into_bytes())
    }

    /// Reads the client-final message and checks the proof; on success returns the
    /// server-final message (`v=` and the server signature), to send before the tagged `OK`.
    ///
    /// # Errors
    /// [`SaslServerError::InvalidProof`] for a wrong password (or an unknown user); a malformed
    /// message, channel binding data that does not match, a wrong nonce, or a call at the
    /// wrong point.
    pub fn handle_client_final(&mut self, message: &[u8]) -> Result<Vec<u8>, SaslServerError> {
        let State::ServerFirst {
            gs2_header,
            auth_prefix,
            nonce,
            credentials,
        } = std::mem::replace(&mut self.state, State::Done)
        else {
            return self.fail(out_of_order("no server-first message was sent"));
        };
        let result = verify_client_final(message, &gs2_header, &auth_prefix, &nonce, &credentials);
        match result {
            Ok(server_final) => Ok(server_final),
            Err(e) => self.fail(e),
        }
    }

    /// Ends the exchange with an error.
    fn fail<T>(&mut self, e: SaslServerError) -> Result<T, SaslServerError> {
        self.state = State::Done;
        Err(e)
    }
}

fn out_of_order(reason: &'static str) -> SaslServerError {
    SaslServerError::OutOfOrder { reason }
}

fn malformed(reason: &'static str) -> SaslServerError {
    SaslServerError::InvalidEncoding { reason }
}

/// Unescapes a `saslname` (RFC 5802 §5.1): `=2C` is `,`, `=3D` is `=`, any other `=` is an
/// error; it must not be empty.
fn unescape_saslname(name: &str) -> Result<String, SaslServerError> {
    let bad = |reason| SaslServerError::InvalidUsernameEncoding { reason };
    if name.is_empty() {
        return Err(bad("the name is empty"));
    }
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        match rest.get(i..i + 3) {
            Some("=2C") => out.push(','),
            Some("=3D") => out.push('='),
            _ => return Err(bad("'=' is neither =2C nor =3D")),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses `gs2-header client-first-message-bare` (RFC 5802 §7).
fn parse_client_first(message: &[u8]) -> Result<(ScramIdentity, State), SaslServerError> {
    let message = std::str::from_utf8(message).map_err(|_| malformed("not UTF-8"))?;
    let (flag, rest) = message.split_once(',').ok_or(malformed("no GS2 header"))?;
    match flag {
        "n" | "y" => {}
        _ => {
            if let Some(name) = flag.strip_prefix("p=") {
                return Err(SaslServerError::ChannelBindingNotSupported { name: name.into() });
            }
            return Err(malformed("the channel binding flag is not n, y or p="));
        }
    }
    let (authzid, bare) = rest
        .split_once(',')
        .ok_or(malformed("the GS2 header does not end with ','"))?;
    let authzid = match authzid {
        "" => None,
        a => Some(unescape_saslname(a.strip_prefix("a=").ok_or(
            malformed("the GS2 header has something other than a="),
        )?)?),
    };
    if bare.starts_with("m=") {
        return Err(SaslServerError::ExtensionsNotSupported);
    }
    let mut attributes = bare.split(',');
    let username = attributes
        .next()
        .and_then(|a| a.strip_prefix("n="))
        .ok_or(malformed("no username (n=)"))?;
    let client_nonce = attributes
        .next()
        .and_then(|a| a.strip_prefix("r="))
        .ok_or(malformed("no nonce (r=) after the username"))?;
    if !is_valid_nonce(client_nonce) {
        return Err(malformed(
            "the nonce is empty or has a character not allowed",
        ));
    }
    let identity = ScramIdentity {
        username: unescape_saslname(username)?,
        authzid,
    };
    let gs2_header = message[..message.len() - bare.len()].to_owned();
    let state = State::ClientFirst {
        gs2_header,
        client_first_bare: bare.to_owned(),
        client_nonce: client_nonce.to_owned(),
    };
    Ok((identity, state))
}

/// Checks `channel-binding "," nonce ["," extensions] "," proof` and returns the server-final
/// message.
fn verify_client_final(
    message: &[u8],
    gs2_header: &str,
    auth_prefix: &str,
    nonce: &str,
    credentials: &ScramCredentials,
) -> Result<Vec<u8>, SaslServerError> {
    let message = std::str::from_utf8(message).map_err(|_| malformed("not UTF-8"))?;
    let (without_proof, proof) = message
        .rsplit_once(",p=")
        .ok_or(malformed("no proof (p=) at the end"))?;
    let mut attributes = without_proof.split(',');
    let binding = attributes
        .next()
        .and_then(|a| a.strip_prefix("c="))
        .ok_or(malformed("no channel binding (c=)"))?;
    let their_nonce = attributes
        .next()
        .and_then(|a| a.strip_prefix("r="))
        .ok_or(malformed("no nonce (r=) after the channel binding"))?;
    let binding =
        base64_decode(binding.as_bytes()).ok_or(malformed("the channel binding is not base64"))?;
    if binding != gs2_header.as_bytes() {
        return Err(SaslServerError::ChannelBindingsDontMatch);
    }
    if their_nonce != nonce {
        return Err(malformed("the nonce is not the one of this exchange"));
    }
    let proof = base64_decode(proof.as_bytes()).ok_or(malformed("the proof is not base64"))?;
    let proof: [u8; 32] = proof
        .try_into()
        .map_err(|_| malformed("the proof is not 32 bytes"))?;
    let auth_message = format!("{auth_prefix},{without_proof}");
    let client_signature = hmac(credentials.stored_key.expose(), auth_message.as_bytes());
    let mut client_key = proof;
    for (k, s) in client_key.iter_mut().zip(client_signature) {
        *k ^= s;
    }
    let stored_key: [u8; 32] = Sha256::digest(client_key).into();
    if Secret::new(stored_key) != credentials.stored_key {
        return Err(SaslServerError::InvalidProof);
    }
    let server_signature = hmac(credentials.server_key.expose(), auth_message.as_bytes());
    Ok(format!("v={}", base64_encode(&server_signature)).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::super::{Credentials, Mechanism, SaslSession, SaslStep};
    use super::*;

    // RFC 7677 §3.
    const CLIENT_FIRST: &str = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    const SERVER_NONCE: &str = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const SALT: &str = "W22ZaJ0SNY7soEsUEjb6gQ==";
    const SERVER_FIRST: &str =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    const CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    const SERVER_FINAL: &str = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    fn pencil() -> ScramCredentials {
        ScramCredentials::new("pencil", &base64_decode(SALT.as_bytes()).unwrap(), 4096)
    }

    /// A server that has sent the RFC 7677 server-first message.
    fn after_server_first() -> ScramServer {
        let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
        s.handle_client_first(CLIENT_FIRST.as_bytes()).unwrap();
        assert_eq!(s.server_first(&pencil()).unwrap(), SERVER_FIRST.as_bytes());
        s
    }

    /// RFC 7677 §3: the whole exchange, byte for byte, from the server's side.
    #[test]
    fn rfc7677_test_vector() {
        let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
        let who = s.handle_client_first(CLIENT_FIRST.as_bytes()).unwrap();
        assert_eq!(
            who,
            ScramIdentity {
                username: "user".into(),
                authzid: None
            }
        );
        assert_eq!(s.server_first(&pencil()).unwrap(), SERVER_FIRST.as_bytes());
        assert_eq!(
            s.handle_client_final(CLIENT_FINAL.as_bytes()).unwrap(),
            SERVER_FINAL.as_bytes()
        );
        // Over.
        assert!(matches!(
            s.handle_client_final(CLIENT_FINAL.as_bytes()),
            Err(SaslServerError::OutOfOrder { .. })
        ));
        let c = pencil();
        assert_eq!((c.salt().len(), c.iterations()), (16, 4096));
        assert!(!format!("{c:?} {s:?}").contains("pencil"));
    }

    #[test]
    fn wrong_password_is_invalid_proof() {
        let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
        s.handle_client_first(CLIENT_FIRST.as_bytes()).unwrap();
        let salt = base64_decode(SALT.as_bytes()).unwrap();
        s.server_first(&ScramCredentials::new("crayon", &salt, 4096))
            .unwrap();
        assert_eq!(
            s.handle_client_final(CLIENT_FINAL.as_bytes()),
            Err(SaslServerError::InvalidProof)
        );
        // A flipped proof bit, right password.
        let mut s = after_server_first();
        let flipped = CLIENT_FINAL.replace("AndVQ=", "AndVA=");
        assert_eq!(
            s.handle_client_final(flipped.as_bytes()),
            Err(SaslServerError::InvalidProof)
        );
    }

    /// Our client against our server, with random nonces and salt, with and without authzid.
    #[test]
    fn client_and_server_agree() {
        for (authzid, password, ok) in [
            (None, "pencil", true),
            (Some("a=b,c"), "pencil", true),
            (None, "crayon", false),
        ] {
            let mut creds = Credentials::password("us=er,1", password.to_owned());
            if let Some(a) = authzid {
                creds = creds.with_authzid(a);
            }
            let mut client = SaslSession::new(Mechanism::ScramSha256, creds).unwrap();
            let mut server = ScramServer::new().unwrap();
            let first = client.initial_response().unwrap();
            let who = server.handle_client_first(first.expose()).unwrap();
            assert_eq!(who.username, "us=er,1");
            assert_eq!(who.authzid.as_deref(), authzid);
            let stored = ScramCredentials::with_random_salt("pencil", 4096).unwrap();
            let server_first = server.server_first(&stored).unwrap();
            let SaslStep::Respond(client_final) = client.step(&server_first).unwrap() else {
                panic!("expected the client-final message")
            };
            match server.handle_client_final(client_final.expose()) {
                Ok(server_final) => {
                    assert!(ok);
                    assert_eq!(client.step(&server_final), Ok(SaslStep::Done));
                    assert_eq!(client.verify_final(None), Ok(()));
                }
                Err(e) => {
                    assert!(!ok);
                    assert_eq!(e, SaslServerError::InvalidProof);
                }
            }
        }
    }

    #[test]
    fn channel_binding_flags() {
        // `y`: the client supports channel binding but thinks we don't, which is right.
        let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
        s.handle_client_first(b"y,,n=user,r=abc").unwrap();
        let first = String::from_utf8(s.server_first(&pencil()).unwrap()).unwrap();
        let nonce = first.split(',').next().unwrap();
        // `c=` must carry the `y,,` header: `biws` (`n,,`) does not match.
        let cfinal = format!("c=biws,{nonce},p={}", base64_encode(&[0; 32]));
        assert_eq!(
            s.handle_client_final(cfinal.as_bytes()),
            Err(SaslServerError::ChannelBindingsDontMatch)
        );
        // `p=`: required channel binding is refused.
        let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
        assert_eq!(
            s.handle_client_first(b"p=tls-unique,,n=user,r=abc"),
            Err(SaslServerError::ChannelBindingNotSupported {
                name: "tls-unique".into()
            })
        );
        assert!(matches!(
            s.server_first(&pencil()),
            Err(SaslServerError::OutOfOrder { .. })
        ));
    }

    #[test]
    fn malformed_client_first() {
        let cases: &[(&[u8], SaslServerError)] = &[
            (b"", malformed("no GS2 header")),
            (b"n", malformed("no GS2 header")),
            (
                b"x,,n=user,r=abc",
                malformed("the channel binding flag is not n, y or p="),
            ),
            (
                b"n,n=user,r=abc",
                malformed("the GS2 header has something other than a="),
            ),
            (b"n,a=x", malformed("the GS2 header does not end with ','")),
            (
                b"n,,m=ext,n=user,r=abc",
                SaslServerError::ExtensionsNotSupported,
            ),
            (b"n,,r=abc,n=user", malformed("no username (n=)")),
            (b"n,,n=user", malformed("no nonce (r=) after the username")),
            (
                b"n,,n=user,r=",
                malformed("the nonce is empty or has a character not allowed"),
            ),
            (
                b"n,,n=user,r=a b",
                malformed("the nonce is empty or has a character not allowed"),
            ),
            (b"n,,n=\xff,r=abc", malformed("not UTF-8")),
            (
                b"n,,n=,r=abc",
                SaslServerError::InvalidUsernameEncoding {
                    reason: "the name is empty",
                },
            ),
            (
                b"n,,n=a=2Xb,r=abc",
                SaslServerError::InvalidUsernameEncoding {
                    reason: "'=' is neither =2C nor =3D",
                },
            ),
            (
                b"n,a==,n=user,r=abc",
                SaslServerError::InvalidUsernameEncoding {
                    reason: "'=' is neither =2C nor =3D",
                },
            ),
        ];
        for (message, want) in cases {
            let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
            assert_eq!(
                s.handle_client_first(message).as_ref(),
                Err(want),
                "{}",
                String::from_utf8_lossy(message)
            );
        }
        // Extensions after the nonce are accepted.
        let mut s = ScramServer::with_nonce(SERVER_NONCE.into());
        assert!(s.handle_client_first(b"n,,n=user,r=abc,x=1").is_ok());
    }

    #[test]
    fn malformed_client_final() {
        let proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        let nonce = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let cases = [
            (
                format!("c=biws,{nonce}"),
                malformed("no proof (p=) at the end"),
            ),
            (
                format!("{nonce},{proof}"),
                malformed("no channel binding (c=)"),
            ),
            (
                format!("c=biws,{proof}"),
                malformed("no nonce (r=) after the channel binding"),
            ),
            (
                format!("c=b!ws,{nonce},{proof}"),
                malformed("the channel binding is not base64"),
            ),
            (
                format!("c=eSws,{nonce},{proof}"),
                SaslServerError::ChannelBindingsDontMatch,
            ),
            (
                format!("c=biws,r=rOprNGfwEbeRWgbNEkqO,{proof}"),
                malformed("the nonce is not the one of this exchange"),
            ),
            (
                format!("c=biws,{nonce},p=***"),
                malformed("the proof is not base64"),
            ),
            (
                format!("c=biws,{nonce},p=AAAA"),
                malformed("the proof is not 32 bytes"),
            ),
        ];
        for (message, want) in cases {
            let mut s = after_server_first();
            assert_eq!(
                s.handle_client_final(message.as_bytes()),
                Err(want),
                "{message}"
            );
        }
        // An extension before the proof is part of the AuthMessage: the RFC proof no longer
        // fits.
        let mut s = after_server_first();
        let with_ext = format!("c=biws,{nonce},x=1,{proof}");
        assert_eq!(
            s.handle_client_final(with_ext.as_bytes()),
            Err(SaslServerError::InvalidProof)
        );
    }

    #[test]
    fn calls_out_of_order() {
        let mut s = ScramServer::with_nonce("n".into());
        assert!(matches!(
            s.server_first(&pencil()),
            Err(SaslServerError::OutOfOrder { .. })
        ));
        let mut s = ScramServer::with_nonce("n".into());
        assert!(matches!(
            s.handle_client_final(CLIENT_FINAL.as_bytes()),
            Err(SaslServerError::OutOfOrder { .. })
        ));
        let mut s = ScramServer::with_nonce("n".into());
        s.handle_client_first(CLIENT_FIRST.as_bytes()).unwrap();
        assert!(matches!(
            s.handle_client_first(CLIENT_FIRST.as_bytes()),
            Err(SaslServerError::OutOfOrder { .. })
        ));
    }

    #[test]
    fn saslname_unescaping() {
        assert_eq!(unescape_saslname("a=3Db=2Cc").unwrap(), "a=b,c");
        assert_eq!(unescape_saslname("jürgen").unwrap(), "jürgen");
        assert!(unescape_saslname("a=3").is_err());
        assert!(unescape_saslname("a=").is_err());
    }

    #[test]
    #[should_panic(expected = "printable ASCII")]
    fn with_nonce_refuses_comma() {
        let _ = ScramServer::with_nonce("a,b".into());
    }
}
