//! SASL mechanisms for `AUTHENTICATE` (RFC 9051 §6.2.2, SASL-IR RFC 4959): every mechanism on
//! the client side ([`SaslSession`]), and the server side of the two that need more than a
//! password comparison ([`ScramServer`], [`CramMd5Server`]; PLAIN and LOGIN carry the password
//! itself, so a server only compares it).
//!
//! Sans-IO: a [`SaslSession`] turns decoded server challenges into responses and never reads,
//! writes or looks at a clock. The only randomness is the SCRAM client nonce, taken from the
//! operating system (`getrandom`) when the session is created, or injected with
//! [`SaslSession::with_nonce`].
//!
//! The caller owns the IMAP side:
//!
//! 1. Pick a [`Mechanism`] the server advertises (`AUTH=...`) and build a session with
//!    [`SaslSession::new`].
//! 2. If the server has `SASL-IR` and [`Mechanism::supports_initial_response`], send
//!    `AUTHENTICATE <name> <base64 of SaslSession::initial_response>` (an empty response is sent
//!    as `=`); otherwise send `AUTHENTICATE <name>` and let the first `+` challenge ask for it.
//! 3. For every `+ <base64>` continuation, decode it and call [`SaslSession::step`]:
//!    * [`SaslStep::Respond`]: send the base64 of the data as one line (an empty line for no data);
//!    * [`SaslStep::Done`]: the mechanism has finished and verified the server's final data; IMAP has
//!      no "additional data with success", so answer the challenge with an empty line
//!      (RFC 4422 §5) and wait for the tagged result;
//!    * an error: cancel the exchange with a `*` line.
//! 4. On the tagged `OK`, call [`SaslSession::verify_final`]; an error there means the server
//!    did not prove its identity (SCRAM) and the connection must not be trusted. On a tagged
//!    `NO`, [`SaslSession::last_server_error`] has the server's detailed reason, if it sent one
//!    inside the exchange (OAuth JSON error, SCRAM `e=`).
//!
//! Beyond the built-in mechanisms: [`SaslMechanism`] is what a custom mechanism (EXTERNAL,
//! GSSAPI, a vendor's) implements to run in `AUTHENTICATE` (every [`SaslSession`] is one too),
//! and a [`TokenProvider`] hands XOAUTH2 and OAUTHBEARER logins their access token, asked again
//! when the server refuses the token as expired ([`crate::ops::op::OAuth2Login`]).
//!
//! Usernames and passwords are used as their UTF-8 bytes: no SASLprep (RFC 4013) is applied,
//! which is the same for ASCII values. Only the escaping SCRAM and OAUTHBEARER need in a
//! `saslname` (`=` as `=3D`, `,` as `=2C`) is done. There is no channel binding and no security
//! layer.

use std::fmt;

use crate::secret::Secret;

mod cram_md5;
mod cram_md5_server;
mod error;
mod login;
mod mechanism;
mod oauthbearer;
mod plain;
mod scram;
mod scram_server;
mod server_error;
mod token;
mod xoauth2;

pub use cram_md5_server::{CramMd5Response, CramMd5Server};
pub use error::{OAuthError, SaslError};
pub use mechanism::SaslMechanism;
pub use scram_server::{ScramCredentials, ScramIdentity, ScramServer};
pub use server_error::SaslServerError;
pub use token::{TokenError, TokenProvider, TokenSource};

/// A SASL mechanism this crate implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// `PLAIN` (RFC 4616): authorization identity, username and password in one message.
    Plain,
    /// `LOGIN` (draft-murchison-sasl-login): username and password answer two challenges.
    Login,
    /// `XOAUTH2` (Google, Microsoft): an OAuth 2.0 bearer token.
    XOAuth2,
    /// `OAUTHBEARER` (RFC 7628): an OAuth 2.0 bearer token.
    OAuthBearer,
    /// `SCRAM-SHA-256` (RFC 5802, RFC 7677) without channel binding; authenticates the server
    /// too.
    ScramSha256,
    /// `CRAM-MD5` (RFC 2195): an HMAC-MD5 of the server's challenge.
    CramMd5,
}

impl Mechanism {
    /// Every mechanism, strongest first: SCRAM-SHA-256, OAUTHBEARER, XOAUTH2, PLAIN, CRAM-MD5,
    /// LOGIN. (Under TLS, PLAIN is preferable to CRAM-MD5, which needs the server to store the
    /// password in the clear.)
    pub const ALL: &'static [Mechanism] = &[
        Mechanism::ScramSha256,
        Mechanism::OAuthBearer,
        Mechanism::XOAuth2,
        Mechanism::Plain,
        Mechanism::CramMd5,
        Mechanism::Login,
    ];

    /// The registered name, as used in `AUTH=` capabilities and `AUTHENTICATE`.
    pub const fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::CramMd5 => "CRAM-MD5",
        }
    }

    /// The mechanism with this name, compared without regard to case.
    pub fn from_name(name: &str) -> Option<Mechanism> {
        Mechanism::ALL
            .iter()
            .copied()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// Whether the client speaks first, so its first message can go in the `AUTHENTICATE`
    /// command with SASL-IR (RFC 4959). `false` for LOGIN and CRAM-MD5, which wait for a
    /// challenge.
    pub const fn supports_initial_response(self) -> bool {
        match self {
            Mechanism::Plain
            | Mechanism::XOAuth2
            | Mechanism::OAuthBearer
            | Mechanism::ScramSha256 => true,
            Mechanism::Login | Mechanism::CramMd5 => false,
        }
    }

    /// The kind of credentials the mechanism needs.
    pub const fn credentials_kind(self) -> CredentialsKind {
        match self {
            Mechanism::XOAuth2 | Mechanism::OAuthBearer => CredentialsKind::OAuth2Token,
            Mechanism::Plain | Mechanism::Login | Mechanism::ScramSha256 | Mechanism::CramMd5 => {
                CredentialsKind::Password
            }
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of secret a [`Credentials`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsKind {
    /// A password (PLAIN, LOGIN, SCRAM-SHA-256, CRAM-MD5).
    Password,
    /// An OAuth 2.0 access token (XOAUTH2, OAUTHBEARER).
    OAuth2Token,
}

impl fmt::Display for CredentialsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialsKind::Password => "password",
            CredentialsKind::OAuth2Token => "OAuth 2.0 token",
        })
    }
}

/// Who is authenticating, with what secret. `Debug` shows the username and the kind of secret,
/// never the secret.
#[derive(Clone, Debug)]
pub struct Credentials {
    username: String,
    secret: Secret<String>,
    kind: CredentialsKind,
    authzid: Option<String>,
    host: Option<String>,
    port: Option<u16>,
}

impl Credentials {
    /// A username and password, for PLAIN, LOGIN, SCRAM-SHA-256 and CRAM-MD5.
    pub fn password(username: impl Into<String>, password: impl Into<Secret<String>>) -> Self {
        Credentials::new(username.into(), password.into(), CredentialsKind::Password)
    }

    /// A username and OAuth 2.0 access token, for XOAUTH2 and OAUTHBEARER.
    pub fn oauth2(username: impl Into<String>, token: impl Into<Secret<String>>) -> Self {
        Credentials::new(username.into(), token.into(), CredentialsKind::OAuth2Token)
    }

    fn new(username: String, secret: Secret<String>, kind: CredentialsKind) -> Self {
        Credentials {
            username,
            secret,
            kind,
            authzid: None,
            host: None,
            port: None,
        }
    }

    /// Act as another user (the SASL authorization identity): supported by PLAIN,
    /// SCRAM-SHA-256 and OAUTHBEARER; the other mechanisms refuse credentials that have one.
    pub fn with_authzid(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = Some(authzid.into());
        self
    }

    /// The server's host name, sent by OAUTHBEARER (`host=`, RFC 7628 §3.1); ignored by the
    /// other mechanisms.
    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The server's port, sent by OAUTHBEARER (`port=`, RFC 7628 §3.1); ignored by the other
    /// mechanisms.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The authentication identity (the user whose secret this is).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The kind of secret.
    pub fn kind(&self) -> CredentialsKind {
        self.kind
    }

    /// The authorization identity, if one was set.
    pub fn authzid(&self) -> Option<&str> {
        self.authzid.as_deref()
    }

    /// The host name for OAUTHBEARER, if one was set.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The port for OAUTHBEARER, if one was set.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The password or token.
    pub(crate) fn secret(&self) -> &str {
        self.secret.expose()
    }
}

/// What to answer a server challenge with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaslStep {
    /// Send this response (base64-encoded, one line; an empty line for no data).
    Respond(Secret<Vec<u8>>),
    /// The mechanism has finished and the challenge was the server's verified final data. IMAP
    /// needs an empty line in answer (RFC 4422 §5); then wait for the tagged result.
    Done,
}

/// A client-side SASL exchange: one per `AUTHENTICATE` attempt. `Debug` never shows the
/// credentials or anything derived from them.
#[derive(Debug)]
pub struct SaslSession {
    mechanism: Mechanism,
    state: State,
    /// The error the server reported inside the exchange, if any.
    last_server_error: Option<SaslError>,
    /// Set once a step failed: later calls fail the same way.
    failed: Option<SaslError>,
}

/// The per-mechanism state.
#[derive(Debug)]
enum State {
    Plain(plain::Plain),
    Login(login::Login),
    XOAuth2(xoauth2::XOAuth2),
    OAuthBearer(oauthbearer::OAuthBearer),
    ScramSha256(Box<scram::Scram>),
    CramMd5(cram_md5::CramMd5),
}

/// What a mechanism makes of a challenge, inside the crate.
enum Reply {
    /// An ordinary step.
    SaslStep(SaslStep),
    /// The challenge was the server's error report. Send `response` so the server can end the
    /// exchange with a tagged `NO`; the error is kept for [`SaslSession::last_server_error`].
    ServerError {
        /// The response that completes the exchange.
        response: Vec<u8>,
        /// What the server reported.
        error: SaslError,
    },
}

impl SaslSession {
    /// Starts an exchange. Fails if the credentials are of the wrong kind for the mechanism, set
    /// an authorization identity the mechanism cannot carry, or contain bytes the mechanism
    /// cannot encode (such as NUL in PLAIN); for SCRAM-SHA-256, also if the operating system
    /// has no randomness for the client nonce.
    pub fn new(mechanism: Mechanism, credentials: Credentials) -> Result<Self, SaslError> {
        let expected = mechanism.credentials_kind();
        if credentials.kind != expected {
            return Err(SaslError::WrongCredentials {
                mechanism,
                expected,
                actual: credentials.kind,
            });
        }
        let state = match mechanism {
            Mechanism::Plain => State::Plain(plain::Plain::new(&credentials)?),
            Mechanism::Login => State::Login(login::Login::new(credentials)?),
            Mechanism::XOAuth2 => State::XOAuth2(xoauth2::XOAuth2::new(&credentials)?),
            Mechanism::OAuthBearer => {
                State::OAuthBearer(oauthbearer::OAuthBearer::new(&credentials)?)
            }
            Mechanism::ScramSha256 => State::ScramSha256(Box::new(scram::Scram::new(credentials)?)),
            Mechanism::CramMd5 => State::CramMd5(cram_md5::CramMd5::new(credentials)?),
        };
        Ok(SaslSession {
            mechanism,
            state,
            last_server_error: None,
            failed: None,
        })
    }

    /// Uses `nonce` as the SCRAM client nonce instead of a random one, for reproducible tests.
    /// Has no effect on other mechanisms, or once the SCRAM client-first message was produced.
    ///
    /// # Panics
    ///
    /// If `nonce` is empty or has a character outside printable ASCII (`!` to `~`) or a `,`
    /// (RFC 5802 §7 `printable`).
    pub fn with_nonce(mut self, nonce: String) -> Self {
        assert!(
            scram::is_valid_nonce(&nonce),
            "a SCRAM nonce is one or more printable ASCII characters other than ','"
        );
        if let State::ScramSha256(s) = &mut self.state {
            s.set_nonce(nonce);
        }
        self
    }

    /// Sets the lowest SCRAM iteration count accepted from the server (default
    /// [`SaslSession::DEFAULT_MIN_ITERATIONS`], the RFC 7677 minimum). No effect on other
    /// mechanisms.
    pub fn with_min_iterations(mut self, min: u32) -> Self {
        if let State::ScramSha256(s) = &mut self.state {
            s.min_iterations = min;
        }
        self
    }

    /// Sets the highest SCRAM iteration count accepted from the server (default
    /// [`SaslSession::DEFAULT_MAX_ITERATIONS`]), which bounds the time the client spends on
    /// PBKDF2 at a server's request. No effect on other mechanisms.
    pub fn with_max_iterations(mut self, max: u32) -> Self {
        if let State::ScramSha256(s) = &mut self.state {
            s.max_iterations = max;
        }
        self
    }

    /// The lowest SCRAM iteration count accepted by default: 4096, the minimum of RFC 7677 §4.
    pub const DEFAULT_MIN_ITERATIONS: u32 = 4096;

    /// The highest SCRAM iteration count accepted by default: 10,000,000, a few seconds of
    /// PBKDF2-HMAC-SHA-256 (ten times the largest counts in current recommendations).
    pub const DEFAULT_MAX_ITERATIONS: u32 = 10_000_000;

    /// The mechanism of this exchange.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// The client's first message, for SASL-IR: `Some` for PLAIN, XOAUTH2, OAUTHBEARER and
    /// SCRAM-SHA-256 (its client-first message), `None` for LOGIN and CRAM-MD5. Only the first
    /// call, before any [`step`](SaslSession::step), returns it: the exchange then continues as
    /// if it had been sent. Without SASL-IR, don't call this; the server's first (empty)
    /// challenge makes [`step`](SaslSession::step) return the same message.
    pub fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        if self.failed.is_some() {
            return None;
        }
        match &mut self.state {
            State::Plain(m) => m.initial_response(),
            State::XOAuth2(m) => m.initial_response(),
            State::OAuthBearer(m) => m.initial_response(),
            State::ScramSha256(m) => m.initial_response(),
            State::Login(_) | State::CramMd5(_) => None,
        }
    }

    /// Answers one server challenge (the base64-decoded text of a `+` continuation).
    ///
    /// Client-first mechanisms ignore the text of the server's initial challenge (RFC 4422 has
    /// it empty). A server error challenge of XOAUTH2 or OAUTHBEARER is not an `Err`: it is
    /// answered with the dummy response the mechanism prescribes, so the server can end the
    /// command with a tagged `NO`, and is kept for [`last_server_error`](Self::last_server_error).
    ///
    /// Errors: a challenge the mechanism does not expect at this point (including any challenge
    /// after [`SaslStep::Done`]), a malformed or unacceptable SCRAM message, a SCRAM `e=` error, or
    /// a wrong SCRAM server signature. After an error, every further call fails the same way;
    /// the caller should cancel the exchange (`*`).
    pub fn step(&mut self, challenge: &[u8]) -> Result<SaslStep, SaslError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let reply = match &mut self.state {
            State::Plain(m) => m.step(challenge),
            State::Login(m) => m.step(challenge),
            State::XOAuth2(m) => m.step(challenge),
            State::OAuthBearer(m) => m.step(challenge),
            State::ScramSha256(m) => m.step(challenge),
            State::CramMd5(m) => m.step(challenge),
        };
        match reply {
            Ok(Reply::SaslStep(step)) => Ok(step),
            Ok(Reply::ServerError { response, error }) => {
                self.last_server_error = Some(error);
                Ok(SaslStep::Respond(Secret::new(response)))
            }
            Err(e) => {
                if e.is_from_server() {
                    self.last_server_error = Some(e.clone());
                }
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Checks the exchange once the server has answered `AUTHENTICATE` with a tagged `OK`.
    ///
    /// `success_data` is the decoded "additional data with success", for a server that sends
    /// SCRAM's server-final message with the outcome instead of as a last challenge; `None` (or
    /// empty) otherwise.
    ///
    /// SCRAM-SHA-256 fails unless the server's signature (`v=`), from the last challenge or from
    /// `success_data`, was verified: a server that cannot produce it does not know the password.
    /// Every mechanism fails if a step failed or the server reported an error inside the
    /// exchange. Otherwise the other mechanisms, which do not authenticate the server, succeed.
    pub fn verify_final(&mut self, success_data: Option<&[u8]>) -> Result<(), SaslError> {
        if let Some(e) = self.failed.as_ref().or(self.last_server_error.as_ref()) {
            return Err(e.clone());
        }
        let success_data = success_data.filter(|d| !d.is_empty());
        match &mut self.state {
            State::ScramSha256(m) => match m.verify_final(success_data) {
                Ok(()) => Ok(()),
                Err(e) => {
                    if e.is_from_server() {
                        self.last_server_error = Some(e.clone());
                    }
                    self.failed = Some(e.clone());
                    Err(e)
                }
            },
            State::Plain(_)
            | State::Login(_)
            | State::XOAuth2(_)
            | State::OAuthBearer(_)
            | State::CramMd5(_) => Ok(()),
        }
    }

    /// The error the server reported inside the exchange, if any: the OAuth JSON error of
    /// XOAUTH2 or OAUTHBEARER ([`SaslError::OAuth`]) or SCRAM's `e=`
    /// ([`SaslError::ScramServerError`]). Useful after a tagged `NO`, whose text is usually
    /// less specific.
    pub fn last_server_error(&self) -> Option<&SaslError> {
        self.last_server_error.as_ref()
    }
}

/// Escapes a `saslname` (RFC 5802 §7, RFC 7628 §3.1): `=` as `=3D` and `,` as `=2C`.
fn escape_saslname(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '=' => out.push_str("=3D"),
            ',' => out.push_str("=2C"),
            c => out.push(c),
        }
    }
    out
}

/// The error for a challenge that `mechanism` does not expect now.
fn unexpected(mechanism: Mechanism, reason: &'static str) -> SaslError {
    SaslError::UnexpectedChallenge { mechanism, reason }
}

/// The error for credentials that `mechanism` cannot encode.
fn invalid(mechanism: Mechanism, reason: &'static str) -> SaslError {
    SaslError::InvalidCredentials { mechanism, reason }
}

/// Refuses an authorization identity, for mechanisms that have no place for one.
fn no_authzid(mechanism: Mechanism, credentials: &Credentials) -> Result<(), SaslError> {
    match credentials.authzid {
        Some(_) => Err(SaslError::AuthzidUnsupported { mechanism }),
        None => Ok(()),
    }
}

/// Base64 (RFC 4648 §4, padded) as SASL uses it.
fn base64_encode(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Decodes padded base64; `None` if it is not valid.
fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password() -> Credentials {
        Credentials::password("alice", "hunter2-s3cret".to_owned())
    }

    fn token() -> Credentials {
        Credentials::oauth2("alice@example.com", "ya29.T0KEN-s3cret".to_owned())
            .with_host("imap.example.com")
            .with_port(993)
    }

    #[test]
    fn names_round_trip() {
        let names: Vec<_> = Mechanism::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "SCRAM-SHA-256",
                "OAUTHBEARER",
                "XOAUTH2",
                "PLAIN",
                "CRAM-MD5",
                "LOGIN"
            ]
        );
        for &m in Mechanism::ALL {
            assert_eq!(Mechanism::from_name(m.name()), Some(m));
            assert_eq!(Mechanism::from_name(&m.name().to_lowercase()), Some(m));
            assert_eq!(m.to_string(), m.name());
        }
        assert_eq!(Mechanism::from_name("GSSAPI"), None);
        assert_eq!(Mechanism::from_name("SCRAM-SHA-1"), None);
    }

    #[test]
    fn initial_response_support() {
        let with_ir: Vec<_> = Mechanism::ALL
            .iter()
            .filter(|m| m.supports_initial_response())
            .map(|m| m.name())
            .collect();
        assert_eq!(
            with_ir,
            ["SCRAM-SHA-256", "OAUTHBEARER", "XOAUTH2", "PLAIN"]
        );
        for &m in Mechanism::ALL {
            let creds = match m.credentials_kind() {
                CredentialsKind::Password => password(),
                CredentialsKind::OAuth2Token => token(),
            };
            let mut s = SaslSession::new(m, creds).unwrap();
            assert_eq!(s.mechanism(), m);
            assert_eq!(
                s.initial_response().is_some(),
                m.supports_initial_response()
            );
            // Only once.
            assert!(s.initial_response().is_none());
        }
    }

    #[test]
    fn wrong_credentials_kind() {
        for &m in Mechanism::ALL {
            let (creds, actual) = match m.credentials_kind() {
                CredentialsKind::Password => (token(), CredentialsKind::OAuth2Token),
                CredentialsKind::OAuth2Token => (password(), CredentialsKind::Password),
            };
            let err = SaslSession::new(m, creds).unwrap_err();
            assert_eq!(
                err,
                SaslError::WrongCredentials {
                    mechanism: m,
                    expected: m.credentials_kind(),
                    actual,
                }
            );
            assert!(!err.to_string().contains("s3cret"), "{err}");
        }
        let err = SaslSession::new(Mechanism::Plain, token()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "PLAIN needs a password, not an OAuth 2.0 token"
        );
    }

    #[test]
    fn authzid_only_where_supported() {
        for (m, ok) in [
            (Mechanism::Plain, true),
            (Mechanism::ScramSha256, true),
            (Mechanism::OAuthBearer, true),
            (Mechanism::Login, false),
            (Mechanism::CramMd5, false),
            (Mechanism::XOAuth2, false),
        ] {
            let creds = match m.credentials_kind() {
                CredentialsKind::Password => password(),
                CredentialsKind::OAuth2Token => token(),
            }
            .with_authzid("bob");
            match SaslSession::new(m, creds) {
                Ok(_) => assert!(ok, "{m}"),
                Err(e) => {
                    assert!(!ok, "{m}");
                    assert_eq!(e, SaslError::AuthzidUnsupported { mechanism: m });
                }
            }
        }
    }

    #[test]
    fn credentials_accessors() {
        let c = token().with_authzid("shared@example.com");
        assert_eq!(c.username(), "alice@example.com");
        assert_eq!(c.kind(), CredentialsKind::OAuth2Token);
        assert_eq!(c.authzid(), Some("shared@example.com"));
        assert_eq!(c.host(), Some("imap.example.com"));
        assert_eq!(c.port(), Some(993));
        assert_eq!(password().kind(), CredentialsKind::Password);
        assert_eq!(password().authzid(), None);
        let from_secret = Credentials::password("u", Secret::new("p".to_owned()));
        assert_eq!(from_secret.secret(), "p");
    }

    /// Drives every mechanism through a whole exchange and checks that no `Debug` output along
    /// the way shows the password or token, in the clear or in base64.
    #[test]
    fn debug_never_shows_secrets() {
        let secrets = ["hunter2-s3cret", "ya29.T0KEN-s3cret"];
        let check = |what: &str| {
            for s in secrets {
                assert!(!what.contains(s), "{what}");
                assert!(!what.contains(&base64_encode(s.as_bytes())), "{what}");
                assert!(!what.contains("s3cret"), "{what}");
            }
        };
        check(&format!("{:?} {:#?}", password(), token()));
        for &m in Mechanism::ALL {
            let creds = match m.credentials_kind() {
                CredentialsKind::Password => password(),
                CredentialsKind::OAuth2Token => token(),
            };
            let mut s = SaslSession::new(m, creds)
                .unwrap()
                .with_nonce("fyko+d2lbbFgONRv9qkxdawL".to_owned())
                .with_min_iterations(1);
            check(&format!("{s:?} {s:#?}"));
            let ir = s.initial_response();
            check(&format!("{ir:?} {s:?}"));
            let challenges: &[&[u8]] = match m {
                Mechanism::Login => &[b"Username:", b"Password:"],
                Mechanism::CramMd5 => &[b"<1896.697170952@postoffice.reston.mci.net>"],
                Mechanism::ScramSha256 => {
                    &[b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"]
                }
                Mechanism::XOAuth2 | Mechanism::OAuthBearer => &[
                    br#"{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}"#,
                ],
                Mechanism::Plain => &[],
            };
            for c in challenges {
                let step = s.step(c).unwrap();
                check(&format!("{step:?} {step:#?} {s:?} {s:#?}"));
            }
            let last = s.step(b"v=bm90IHRoZSBzaWduYXR1cmU=");
            check(&format!("{last:?} {s:?} {s:#?}"));
            let fin = s.verify_final(None);
            check(&format!("{fin:?} {s:?} {s:#?}"));
        }
    }

    #[test]
    fn failure_is_sticky() {
        let mut s = SaslSession::new(Mechanism::Plain, password()).unwrap();
        assert!(s.initial_response().is_some());
        let err = s.step(b"what now?").unwrap_err();
        assert!(
            matches!(err, SaslError::UnexpectedChallenge { .. }),
            "{err}"
        );
        assert_eq!(s.step(b""), Err(err.clone()));
        assert_eq!(s.verify_final(None), Err(err));
        assert_eq!(s.last_server_error(), None);
    }

    #[test]
    fn saslname_escaping() {
        assert_eq!(escape_saslname("plain"), "plain");
        assert_eq!(escape_saslname("a=b,c"), "a=3Db=2Cc");
        assert_eq!(escape_saslname("=,=,"), "=3D=2C=3D=2C");
        assert_eq!(escape_saslname("jürgen"), "jürgen");
    }
}
