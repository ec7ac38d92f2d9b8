//! OAuth 2.0 login with a token provider ([`OAuth2Login`]): the token is asked for at login and
//! once more when the server refuses it as expired.

use super::caps::KnownCaps;
use super::login::choose_mechanism;
use super::{OpError, Operation};
use crate::client::CommandId;
use crate::engine::OpContext;
use crate::sasl::{Credentials, CredentialsKind, Mechanism, TokenSource};
use std::task::Poll;

/// Logs in with XOAUTH2 or OAUTHBEARER, the access token asked of a
/// [`crate::sasl::TokenProvider`].
///
/// The conversation when the first token has expired:
///
/// ```text
/// C: A1 AUTHENTICATE XOAUTH2 dXNlcj1hbm5AZXhhbXBsZS5vcmcBYXV0aD1CZWFyZXIgc3RhbGUBAQ==
/// S: + eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==
/// C:                       (the empty response that ends the failed exchange; 0x01 for OAUTHBEARER)
/// S: A1 NO [AUTHENTICATIONFAILED] Authentication failed: invalid token
/// C: A2 AUTHENTICATE XOAUTH2 dXNlcj1hbm5AZXhhbXBsZS5vcmcBYXV0aD1CZWFyZXIgZnJlc2gBAQ==
/// S: A2 OK [CAPABILITY ...] Logged in
/// ```
///
/// The provider is asked with `expired == false` first; when the server's JSON error challenge
/// says the token is invalid or expired (`"status":"401"` or `"invalid_token"`,
/// [`crate::sasl::OAuthError::is_invalid_token`]) it is asked again with `expired == true` and the
/// login is tried once more. Any other refusal, or a second one, is [`OpError::Command`] with
/// the server's OAuth error in [`crate::ops::CommandFailed::sasl`]; a provider without a token
/// is [`OpError::Token`].
///
/// The mechanism is the one given, or OAUTHBEARER, else XOAUTH2, as the server advertises
/// (asking CAPABILITY first when they are not known).
#[derive(Debug)]
pub struct OAuth2Login {
    user: String,
    tokens: TokenSource,
    mechanism: Option<Mechanism>,
    host: Option<String>,
    port: Option<u16>,
    known: KnownCaps,
    id: Option<CommandId>,
    /// The server refused a token as expired and the provider was asked for a fresh one.
    retried: bool,
}

impl OAuth2Login {
    /// Logs in as `user` with the tokens of `tokens`.
    pub fn new(user: impl Into<String>, tokens: TokenSource) -> OAuth2Login {
        OAuth2Login {
            user: user.into(),
            tokens,
            mechanism: None,
            host: None,
            port: None,
            known: KnownCaps::default(),
            id: None,
            retried: false,
        }
    }

    /// Uses `mechanism` (XOAUTH2 or OAUTHBEARER) instead of the strongest advertised one.
    pub fn mechanism(mut self, mechanism: Mechanism) -> OAuth2Login {
        self.mechanism = Some(mechanism);
        self
    }

    /// The server's host and port, which OAUTHBEARER sends (RFC 7628 section 3.1).
    pub fn server(mut self, host: impl Into<String>, port: u16) -> OAuth2Login {
        self.host = Some(host.into());
        self.port = Some(port);
        self
    }

    /// Asks for a token and sends AUTHENTICATE with it.
    fn send(&mut self, cx: &mut OpContext<'_>) -> Result<CommandId, OpError> {
        let mechanism = match self.mechanism {
            Some(m) => m,
            None => *self.mechanism.insert(choose_mechanism(
                cx.capabilities(),
                CredentialsKind::OAuth2Token,
            )?),
        };
        let token = self.tokens.token(&self.user, self.retried)?;
        let mut credentials = Credentials::oauth2(self.user.clone(), token);
        if let Some(host) = &self.host {
            credentials = credentials.with_host(host.clone());
        }
        if let Some(port) = self.port {
            credentials = credentials.with_port(port);
        }
        cx.authenticate(mechanism, credentials)
    }
}

impl Operation for OAuth2Login {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        if self.mechanism.is_none() {
            std::task::ready!(self.known.poll(cx))?;
        }
        loop {
            let id = match self.id {
                Some(id) => id,
                None => {
                    let id = self.send(cx)?;
                    *self.id.insert(id)
                }
            };
            match std::task::ready!(cx.poll_completion(id)) {
                Ok(_) => return Poll::Ready(Ok(())),
                Err(OpError::Command(failed))
                    if !self.retried
                        && failed.sasl.as_ref().is_some_and(|e| e.is_invalid_token()) =>
                {
                    self.retried = true;
                    self.id = None;
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}
