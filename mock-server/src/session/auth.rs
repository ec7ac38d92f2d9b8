//! LOGIN and AUTHENTICATE (PLAIN, RFC 4616; LOGIN, draft-murchison-sasl-login) with SASL-IR.

use super::{Fail, Outcome, Session, State};
use bytes::Bytes;
use imap_core::types::{Atom, Code, SimpleCode, Str, Tag};

/// The SASL mechanism of an exchange in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mechanism {
    Plain,
    /// LOGIN: waiting for the user name (`None`) or the password.
    Login,
}

/// An AUTHENTICATE exchange in progress.
pub(crate) struct Sasl {
    pub tag: Tag,
    mechanism: Mechanism,
    user: Option<String>,
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

impl Session {
    fn login_allowed(&self) -> Result<(), Fail> {
        if !matches!(self.state, State::NotAuthenticated) {
            return Err(Fail::bad("Already authenticated"));
        }
        if self.secure || self.options.allow_plaintext_login {
            Ok(())
        } else {
            Err(Fail::no("Plaintext authentication disallowed without TLS")
                .code(Code::Simple(SimpleCode::PrivacyRequired)))
        }
    }

    fn finish_login(&mut self, user: &str, password: &[u8]) -> Outcome {
        let password = String::from_utf8_lossy(password);
        match self.store.login(user, &password) {
            Ok(account) => {
                self.state = State::Authenticated(account);
                Ok((
                    Some(Code::Capability(self.capabilities())),
                    "Logged in".into(),
                ))
            }
            Err(e) => Err(Fail::from(e)),
        }
    }

    pub(crate) fn login(&mut self, username: Str, password: Str) -> Outcome {
        self.login_allowed()?;
        self.finish_login(&username.to_string_lossy(), password.as_bytes())
    }

    pub(crate) fn authenticate(&mut self, tag: Tag, mechanism: Atom, initial: Option<Bytes>) {
        if let Err(f) = self.login_allowed() {
            return self.respond(tag, Err(f));
        }
        let mechanism = if mechanism.eq_ignore_ascii_case("PLAIN") {
            Mechanism::Plain
        } else if mechanism.eq_ignore_ascii_case("LOGIN") {
            Mechanism::Login
        } else {
            return self.respond(tag, Err(Fail::no("Unsupported authentication mechanism")));
        };
        self.sasl = Some(Sasl {
            tag: tag.clone(),
            mechanism,
            user: None,
        });
        match initial {
            Some(data) => self.sasl_step(tag, Some(data.to_vec())),
            None => match mechanism {
                Mechanism::Plain => self.continuation(""),
                Mechanism::Login => self.continuation(&b64("Username:")),
            },
        }
    }

    /// One client response of the exchange (`None`: cancelled with `*`).
    pub(crate) fn sasl_step(&mut self, tag: Tag, data: Option<Vec<u8>>) {
        let Some(mut sasl) = self.sasl.take().filter(|s| s.tag == tag) else {
            return self.respond(tag, Err(Fail::bad("No authentication in progress")));
        };
        let Some(data) = data else {
            return self.respond(tag, Err(Fail::bad("Authentication cancelled")));
        };
        let failed = || {
            Err(Fail::no("Authentication failed")
                .code(Code::Simple(SimpleCode::AuthenticationFailed)))
        };
        let outcome = match (sasl.mechanism, sasl.user.take()) {
            (Mechanism::Plain, _) => {
                // authzid NUL authcid NUL passwd; an authzid other than the user is refused.
                let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
                match parts[..] {
                    [authz, user, pass] if authz.is_empty() || authz == user => {
                        self.finish_login(&String::from_utf8_lossy(user), pass)
                    }
                    _ => failed(),
                }
            }
            (Mechanism::Login, None) => {
                sasl.user = Some(String::from_utf8_lossy(&data).into_owned());
                self.sasl = Some(sasl);
                return self.continuation(&b64("Password:"));
            }
            (Mechanism::Login, Some(user)) => self.finish_login(&user, &data),
        };
        self.respond(tag, outcome);
    }
}
