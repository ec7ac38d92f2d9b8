//! Logging in: [`Login`] (LOGIN, or AUTHENTICATE PLAIN when the server disabled LOGIN),
//! [`Authenticate`] (any SASL mechanism) and [`AuthenticateAuto`] (the strongest mechanism
//! that fits the credentials); OAuth 2.0 with a token provider is [`super::OAuth2Login`].

use super::caps::KnownCaps;
use super::{OpError, Operation};
use crate::client::{Capabilities, CommandId, UsageError};
use crate::engine::OpContext;
use crate::sasl::{Credentials, CredentialsKind, Mechanism, SaslMechanism};
use crate::secret::Secret;
use crate::types::{Capability, CommandBody};
use std::fmt;
use std::task::Poll;

/// Logs in with a user name and password: LOGIN, or AUTHENTICATE PLAIN when the server
/// advertises `LOGINDISABLED` and offers PLAIN. Passwords are refused on a connection without
/// TLS unless [`crate::client::ClientConfig::allow_plaintext_login`] says otherwise
/// ([`UsageError::PlaintextLogin`], nothing sent).
#[derive(Debug)]
pub struct Login {
    user: String,
    password: Secret<String>,
    id: Option<CommandId>,
}

impl Login {
    /// Logs in as `user` with `password`.
    pub fn new(user: impl Into<String>, password: impl Into<Secret<String>>) -> Login {
        Login {
            user: user.into(),
            password: password.into(),
            id: None,
        }
    }

    fn send(&self, cx: &mut OpContext<'_>) -> Result<CommandId, OpError> {
        let caps = cx.capabilities();
        if caps.has(&Capability::LoginDisabled) && caps.has_auth("PLAIN") {
            let credentials = Credentials::password(self.user.clone(), self.password.clone());
            return cx.authenticate(Mechanism::Plain, credentials);
        }
        cx.send(CommandBody::Login {
            username: self.user.as_str().into(),
            password: Secret::new(self.password.expose().as_str().into()),
        })
    }
}

impl Operation for Login {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        let id = match self.id {
            Some(id) => id,
            None => *self.id.insert(self.send(cx)?),
        };
        std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(()))
    }
}

/// Logs in with a SASL mechanism (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER, SCRAM-SHA-256,
/// CRAM-MD5), with SASL-IR when the server offers it, or with a custom one
/// ([`Authenticate::custom`]: EXTERNAL, GSSAPI, a vendor's).
///
/// A tagged `NO` is [`OpError::Command`]; its [`crate::ops::CommandFailed::sasl`] holds the
/// error the server reported inside the exchange, if any.
pub struct Authenticate {
    start: Option<Start>,
    id: Option<CommandId>,
}

/// What an [`Authenticate`] starts with.
enum Start {
    Builtin(Mechanism, Credentials),
    Custom(Box<dyn SaslMechanism>),
}

impl Authenticate {
    /// Authenticates with `mechanism` and `credentials`.
    pub fn new(mechanism: Mechanism, credentials: Credentials) -> Authenticate {
        Authenticate {
            start: Some(Start::Builtin(mechanism, credentials)),
            id: None,
        }
    }

    /// Authenticates with a mechanism of the caller's ([`SaslMechanism`]), which answers the
    /// server's challenges.
    pub fn custom(mechanism: impl SaslMechanism + 'static) -> Authenticate {
        Authenticate::boxed(Box::new(mechanism))
    }

    /// [`Authenticate::custom`] with a boxed mechanism.
    pub fn boxed(mechanism: Box<dyn SaslMechanism>) -> Authenticate {
        Authenticate {
            start: Some(Start::Custom(mechanism)),
            id: None,
        }
    }
}

impl fmt::Debug for Authenticate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mechanism = match &self.start {
            Some(Start::Builtin(m, _)) => Some(m.name()),
            Some(Start::Custom(m)) => Some(m.name()),
            None => None,
        };
        f.debug_struct("Authenticate")
            .field("mechanism", &mechanism)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Operation for Authenticate {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        let id = match (self.id, self.start.take()) {
            (Some(id), _) => id,
            (None, Some(Start::Builtin(m, c))) => *self.id.insert(cx.authenticate(m, c)?),
            (None, Some(Start::Custom(m))) => *self.id.insert(cx.authenticate_with(m)?),
            (None, None) => return Poll::Ready(Err(OpError::Superseded)),
        };
        std::task::ready!(cx.poll_completion(id))?;
        Poll::Ready(Ok(()))
    }
}

/// Logs in with the strongest SASL mechanism the server advertises that fits the credentials
/// (in [`Mechanism::ALL`] order: SCRAM-SHA-256, then PLAIN, ... for passwords; OAUTHBEARER or
/// XOAUTH2 for tokens), asking CAPABILITY first when the capabilities are not known.
///
/// Fails with [`UsageError::MissingCapability`] when no advertised mechanism fits.
#[derive(Debug)]
pub struct AuthenticateAuto {
    known: KnownCaps,
    credentials: Option<Credentials>,
    auth: Option<Authenticate>,
}

impl AuthenticateAuto {
    /// Authenticates with `credentials`.
    pub fn new(credentials: Credentials) -> AuthenticateAuto {
        AuthenticateAuto {
            known: KnownCaps::default(),
            credentials: Some(credentials),
            auth: None,
        }
    }
}

/// The strongest mechanism among `caps` that fits credentials of `kind`.
pub fn choose_mechanism(caps: &Capabilities, kind: CredentialsKind) -> Result<Mechanism, OpError> {
    let found = Mechanism::ALL
        .iter()
        .copied()
        .filter(|m| m.credentials_kind() == kind)
        .find(|m| caps.has_auth(m.name()));
    found.ok_or(OpError::Usage(UsageError::MissingCapability(match kind {
        CredentialsKind::Password => "a password SASL mechanism",
        _ => "AUTH=XOAUTH2 or OAUTHBEARER",
    })))
}

impl Operation for AuthenticateAuto {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        if self.auth.is_none() {
            std::task::ready!(self.known.poll(cx))?;
            let credentials = self.credentials.take().ok_or(OpError::Superseded)?;
            let mechanism = choose_mechanism(cx.capabilities(), credentials.kind())?;
            self.auth = Some(Authenticate::new(mechanism, credentials));
        }
        match &mut self.auth {
            Some(auth) => auth.step(cx),
            None => Poll::Ready(Err(OpError::Superseded)),
        }
    }
}
