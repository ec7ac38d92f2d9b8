//! LOGIN and AUTHENTICATE with SASL-IR: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login),
//! SCRAM-SHA-256 (RFC 5802, RFC 7677; no channel binding), CRAM-MD5 (RFC 2195), and when the
//! server's `oauth` option is on XOAUTH2 (Google) and OAUTHBEARER (RFC 7628).
//!
//! PLAIN, LOGIN and the LOGIN command carry the password itself, so on a connection without TLS
//! they need [`super::SessionOptions::allow_plaintext_login`]; SCRAM-SHA-256 and CRAM-MD5 never
//! send it and are always offered before authentication. The SCRAM and CRAM-MD5 message checks
//! are `imap_core::sasl`'s ([`ScramServer`], [`CramMd5Server`]).
//!
//! Outcomes: a wrong password (or unknown user) gets `NO [AUTHENTICATIONFAILED]`; a client
//! message that breaks the mechanism's syntax gets `BAD` with the reason; `*` cancels with
//! `BAD`. A refused bearer token gets the mechanism's JSON error as a challenge, and after the
//! client's answer (empty for XOAUTH2, 0x01 for OAUTHBEARER) `NO [AUTHENTICATIONFAILED]`. The
//! session stays usable in every case. A successful SCRAM exchange sends the
//! server-final message (`v=`, the server's signature) as a last challenge, answered by an
//! empty line before the tagged `OK` (RFC 9051 section 6.2.2).

use super::oauth::{OAUTHBEARER_ERROR, XOAUTH2_ERROR, parse_oauthbearer, parse_xoauth2};
use super::{Fail, MockSession, Outcome, State};
use crate::backend::MailAccount;
use crate::store::StoreError;
use bytes::Bytes;
use imap_core::sasl::{CramMd5Server, SaslServerError, ScramCredentials, ScramServer};
use imap_core::types::{Atom, Code, SimpleCode, StatusKind, Str, Tag};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Where an exchange in progress is.
pub(crate) enum Exchange {
    /// PLAIN: waiting for `authzid NUL authcid NUL passwd`.
    Plain,
    /// LOGIN: waiting for the user name.
    LoginUser,
    /// LOGIN: waiting for the password of this user.
    LoginPassword(String),
    /// SCRAM: waiting for the client-first message.
    ScramFirst(Box<ScramServer>),
    /// SCRAM: the server-first message was sent to this user; waiting for the client-final
    /// message.
    ScramFinal(Box<ScramServer>, String),
    /// SCRAM: the proof of this user was verified and the server-final message sent; waiting
    /// for the client's empty response.
    ScramVerified(String),
    /// CRAM-MD5: the challenge was sent; waiting for `username SP digest`.
    CramMd5(CramMd5Server),
    /// XOAUTH2 (`false`) or OAUTHBEARER (`true`): waiting for the client's message.
    Bearer(bool),
    /// The token was refused and the JSON error sent; waiting for the client's answer.
    BearerRefused {
        /// OAUTHBEARER (its client answers 0x01, RFC 7628 section 3.2.3), else XOAUTH2 (an
        /// empty line).
        oauthbearer: bool,
    },
}

/// An AUTHENTICATE exchange in progress.
pub(crate) struct Sasl {
    pub tag: Tag,
    exchange: Exchange,
}

/// The host name in a CRAM-MD5 challenge.
const CRAM_MD5_HOST: &str = "mock-server.invalid";

/// Made-up SCRAM keys for an unknown user: a salt and keys derived from the user name under a
/// random secret of this process ([`ScramCredentials::unknown_user`]), with the real users'
/// iteration count, so the server-first message looks the same whether or not the user exists
/// (a fixed salt for every unknown user told them apart). No PBKDF2 per probe.
fn unknown_user_credentials(user: &str) -> ScramCredentials {
    static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
    let secret = SECRET.get_or_init(|| {
        let mut s = [0u8; 32];
        // Without OS randomness the secret is the process's own hashing keys.
        if getrandom::fill(&mut s).is_err() {
            use std::hash::{BuildHasher, RandomState};
            for (i, chunk) in s.chunks_mut(8).enumerate() {
                chunk.copy_from_slice(&RandomState::new().hash_one(i).to_le_bytes());
            }
        }
        s
    });
    ScramCredentials::unknown_user(secret, user, ScramCredentials::DEFAULT_ITERATIONS)
}

/// A failed authentication's tagged answer, held until `until`.
pub(crate) struct Delayed {
    pub until: Instant,
    tag: Tag,
    fail: Fail,
    /// The attempt was one too many: `* BYE` follows the answer.
    disconnect: bool,
}

/// Whether a tagged failure is a refused LOGIN or AUTHENTICATE (wrong credentials, unknown
/// user, refused authorization identity).
pub(crate) fn is_auth_failure(f: &Fail) -> bool {
    matches!(
        f.code,
        Some(Code::Simple(
            SimpleCode::AuthenticationFailed | SimpleCode::AuthorizationFailed
        ))
    )
}

fn b64(s: impl AsRef<[u8]>) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn auth_failed(text: impl Into<String>) -> Fail {
    Fail::no(text).code(Code::Simple(SimpleCode::AuthenticationFailed))
}

/// The tagged failure for a refused SCRAM or CRAM-MD5 message.
fn refused(mechanism: &str, e: &SaslServerError) -> Fail {
    match e {
        SaslServerError::InvalidProof => auth_failed("Authentication failed"),
        e if e.is_malformed() => Fail::bad(format!("{mechanism}: {e}")),
        e => auth_failed(format!("{mechanism}: {e}")),
    }
}

impl MockSession {
    /// A failed LOGIN or AUTHENTICATE: counted, answered after
    /// [`auth_failure_delay`](super::SessionOptions::auth_failure_delay), and after
    /// [`max_auth_failures`](super::SessionOptions::max_auth_failures) of them the connection
    /// is closed with `* BYE`.
    pub(crate) fn auth_failed(&mut self, tag: Tag, fail: Fail) {
        self.auth_failures = self.auth_failures.saturating_add(1);
        let disconnect = self
            .options
            .max_auth_failures
            .is_some_and(|max| self.auth_failures >= max);
        let delayed = Delayed {
            until: self.now + self.options.auth_failure_delay,
            tag,
            fail,
            disconnect,
        };
        if self.options.auth_failure_delay.is_zero() {
            self.answer_failure(delayed);
        } else {
            self.delayed = Some(delayed);
        }
    }

    /// Sends a held failure once its delay is over.
    pub(crate) fn release_delayed(&mut self, now: Instant) {
        if self.delayed.as_ref().is_some_and(|d| now >= d.until)
            && let Some(d) = self.delayed.take()
        {
            self.answer_failure(d);
        }
    }

    fn answer_failure(&mut self, d: Delayed) {
        self.respond_now(d.tag, Err(d.fail));
        if d.disconnect {
            self.untagged(StatusKind::Bye, None, "Too many authentication failures");
        }
    }

    fn login_allowed(&self) -> Result<(), Fail> {
        self.not_yet_authenticated()?;
        if self.secure || self.options.allow_plaintext_login {
            Ok(())
        } else {
            Err(Fail::no("Plaintext authentication disallowed without TLS")
                .code(Code::Simple(SimpleCode::PrivacyRequired)))
        }
    }

    /// Whether XOAUTH2 and OAUTHBEARER are offered: the server option is on and the store
    /// keeps tokens.
    pub(crate) fn oauth_offered(&self) -> bool {
        self.options.oauth && self.store.as_oauth().is_some()
    }

    fn not_yet_authenticated(&self) -> Result<(), Fail> {
        if matches!(self.state, State::NotAuthenticated) {
            Ok(())
        } else {
            Err(Fail::bad("Already authenticated"))
        }
    }

    fn finish_login(&mut self, user: &str, password: &[u8]) -> Outcome {
        let password = String::from_utf8_lossy(password);
        let account = self.store.login(user, &password).map_err(Fail::from)?;
        Ok(self.logged_in(account))
    }

    fn logged_in(&mut self, account: Arc<dyn MailAccount>) -> (Option<Code>, String) {
        self.state = State::Authenticated(account);
        // The pre-login limits and deadline end here.
        self.core.set_authenticated();
        (
            Some(Code::Capability(self.capabilities())),
            "Logged in".into(),
        )
    }

    pub(crate) fn login(&mut self, username: Str, password: Str) -> Outcome {
        self.login_allowed()?;
        self.finish_login(&username.to_string_lossy(), password.as_bytes())
    }

    /// The fixed nonce of the options, if it is a valid one.
    fn fixed_nonce(&self) -> Option<String> {
        self.options
            .sasl_nonce
            .clone()
            .filter(|n| !n.is_empty() && n.bytes().all(|b| matches!(b, 0x21..=0x7e) && b != b','))
    }

    pub(crate) fn authenticate(&mut self, tag: Tag, mechanism: Atom, initial: Option<Bytes>) {
        let name = mechanism.as_str().to_ascii_uppercase();
        let exchange = match name.as_str() {
            "PLAIN" | "LOGIN" => self.login_allowed().map(|()| {
                if name == "PLAIN" {
                    Exchange::Plain
                } else {
                    Exchange::LoginUser
                }
            }),
            "SCRAM-SHA-256" if self.store.as_sasl().is_some() => {
                self.not_yet_authenticated().and_then(|()| {
                    let server = match self.fixed_nonce() {
                        Some(n) => Ok(ScramServer::with_nonce(n)),
                        None => ScramServer::new(),
                    };
                    server
                        .map(|s| Exchange::ScramFirst(Box::new(s)))
                        .map_err(|e| {
                            Fail::no(e.to_string()).code(Code::Simple(SimpleCode::Unavailable))
                        })
                })
            }
            "CRAM-MD5" if self.store.as_sasl().is_some() => {
                self.not_yet_authenticated().and_then(|()| {
                    if initial.is_some() {
                        return Err(Fail::bad("CRAM-MD5 has no initial response"));
                    }
                    let server = match self.fixed_nonce() {
                        Some(n) => Ok(CramMd5Server::with_challenge(format!(
                            "<{n}@{CRAM_MD5_HOST}>"
                        ))),
                        None => CramMd5Server::new(CRAM_MD5_HOST),
                    };
                    server.map(Exchange::CramMd5).map_err(|e| {
                        Fail::no(e.to_string()).code(Code::Simple(SimpleCode::Unavailable))
                    })
                })
            }
            "XOAUTH2" | "OAUTHBEARER" if self.oauth_offered() => self
                .login_allowed()
                .map(|()| Exchange::Bearer(name == "OAUTHBEARER")),
            _ => Err(Fail::no("Unsupported authentication mechanism")),
        };
        let exchange = match exchange {
            Ok(e) => e,
            Err(f) => return self.respond(tag, Err(f)),
        };
        let challenge = match &exchange {
            Exchange::LoginUser => b64("Username:"),
            Exchange::CramMd5(c) => b64(c.challenge()),
            _ => String::new(),
        };
        self.sasl = Some(Sasl {
            tag: tag.clone(),
            exchange,
        });
        match initial {
            Some(data) => self.sasl_step(tag, Some(data.to_vec())),
            None => self.continuation(&challenge),
        }
    }

    /// One client response of the exchange (`None`: cancelled with `*`).
    pub(crate) fn sasl_step(&mut self, tag: Tag, data: Option<Vec<u8>>) {
        let Some(sasl) = self.sasl.take().filter(|s| s.tag == tag) else {
            return self.respond(tag, Err(Fail::bad("No authentication in progress")));
        };
        let Some(data) = data else {
            return self.respond(tag, Err(Fail::bad("Authentication cancelled")));
        };
        let scram = "SCRAM-SHA-256";
        // `Ok(Some(challenge))`: the exchange goes on with this challenge.
        let next: Result<Option<(Exchange, Vec<u8>)>, Fail> = match sasl.exchange {
            Exchange::Plain => {
                // authzid NUL authcid NUL passwd; an authzid other than the user is refused.
                let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
                match parts[..] {
                    [authz, user, pass] if authz.is_empty() || authz == user => {
                        let outcome = self.finish_login(&String::from_utf8_lossy(user), pass);
                        return self.respond(tag, outcome);
                    }
                    _ => Err(auth_failed("Authentication failed")),
                }
            }
            Exchange::LoginUser => {
                let user = String::from_utf8_lossy(&data).into_owned();
                Ok(Some((Exchange::LoginPassword(user), b"Password:".to_vec())))
            }
            Exchange::LoginPassword(user) => {
                let outcome = self.finish_login(&user, &data);
                return self.respond(tag, outcome);
            }
            Exchange::ScramFirst(mut server) => match server.handle_client_first(&data) {
                Err(e) => Err(refused(scram, &e)),
                Ok(who) if who.authzid.as_ref().is_some_and(|a| *a != who.username) => Err(
                    Fail::no("Authentication failed: no right to act as another user")
                        .code(Code::Simple(SimpleCode::AuthorizationFailed)),
                ),
                Ok(who) => {
                    // An unknown user gets made-up keys, so that the exchange fails at the
                    // proof like a wrong password (RFC 5802 section 9); its account lookup
                    // fails after the proof in any case.
                    let credentials = self
                        .store
                        .as_sasl()
                        .and_then(|s| s.scram_credentials(&who.username))
                        .unwrap_or_else(|| unknown_user_credentials(&who.username));
                    match server.server_first(&credentials) {
                        Ok(first) => Ok(Some((Exchange::ScramFinal(server, who.username), first))),
                        Err(e) => Err(refused(scram, &e)),
                    }
                }
            },
            Exchange::ScramFinal(mut server, user) => match server.handle_client_final(&data) {
                Ok(last) => Ok(Some((Exchange::ScramVerified(user), last))),
                Err(e) => Err(refused(scram, &e)),
            },
            Exchange::ScramVerified(user) => {
                if !data.is_empty() {
                    Err(Fail::bad(
                        "SCRAM-SHA-256: expected an empty response to the server signature",
                    ))
                } else {
                    let outcome = self
                        .store
                        .as_sasl()
                        .ok_or(StoreError::AuthenticationFailed)
                        .and_then(|s| s.account(&user))
                        .map(|account| self.logged_in(account))
                        .map_err(|_| auth_failed("Authentication failed"));
                    return self.respond(tag, outcome);
                }
            }
            Exchange::CramMd5(server) => match server.parse_response(&data) {
                Err(e) => Err(refused("CRAM-MD5", &e)),
                Ok(response) => {
                    let outcome = self
                        .store
                        .as_sasl()
                        .ok_or(StoreError::AuthenticationFailed)
                        .and_then(|s| s.login_cram_md5(&server, &response))
                        .map(|account| self.logged_in(account))
                        .map_err(|_| auth_failed("Authentication failed"));
                    return self.respond(tag, outcome);
                }
            },
            Exchange::Bearer(oauthbearer) => {
                let (mechanism, parsed) = if oauthbearer {
                    ("OAUTHBEARER", parse_oauthbearer(&data))
                } else {
                    ("XOAUTH2", parse_xoauth2(&data))
                };
                match parsed {
                    Err(reason) => Err(Fail::bad(format!("{mechanism}: {reason}"))),
                    Ok(login) => {
                        let account = self
                            .store
                            .as_oauth()
                            .ok_or(StoreError::AuthenticationFailed)
                            .and_then(|o| o.login_oauth(login.user.as_deref(), &login.token));
                        match account {
                            Ok(account) => {
                                let outcome = Ok(self.logged_in(account));
                                return self.respond(tag, outcome);
                            }
                            Err(_) => {
                                let error = if oauthbearer {
                                    OAUTHBEARER_ERROR
                                } else {
                                    XOAUTH2_ERROR
                                };
                                Ok(Some((
                                    Exchange::BearerRefused { oauthbearer },
                                    error.as_bytes().to_vec(),
                                )))
                            }
                        }
                    }
                }
            }
            // The client must end the failed exchange with the mechanism's dummy response.
            Exchange::BearerRefused { oauthbearer } => {
                let expected: &[u8] = if oauthbearer { b"\x01" } else { b"" };
                if data == expected {
                    Err(auth_failed("Authentication failed: invalid token"))
                } else {
                    let what = if oauthbearer {
                        "OAUTHBEARER: expected 0x01 after the error challenge"
                    } else {
                        "XOAUTH2: expected an empty response after the error challenge"
                    };
                    Err(Fail::bad(what))
                }
            }
        };
        match next {
            Ok(Some((exchange, challenge))) => {
                self.sasl = Some(Sasl {
                    tag: tag.clone(),
                    exchange,
                });
                self.continuation(&b64(challenge));
            }
            Ok(None) => {}
            Err(f) => self.respond(tag, Err(f)),
        }
    }
}
