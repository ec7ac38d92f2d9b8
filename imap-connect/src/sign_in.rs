//! How a connection logs in ([`LoginMethod`], set on a [`crate::Connector`]) and the core
//! operation that does it ([`SignIn`]).

use imap_core::engine::OpContext;
use imap_core::ops::{OpError, Operation, op};
use imap_core::sasl::{Credentials, Mechanism, SaslMechanism, TokenSource};
use imap_core::secret::Secret;
use std::fmt;
use std::sync::Arc;
use std::task::Poll;

/// How [`crate::Connector`]'s `login()` logs in ([`crate::Connector::login_method`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum LoginMethod {
    /// LOGIN with a user name and password (AUTHENTICATE PLAIN under `LOGINDISABLED`).
    Password {
        /// The user name.
        user: String,
        /// The password.
        password: Secret<String>,
    },
    /// AUTHENTICATE with SASL.
    Sasl {
        /// The mechanism; `None`: the strongest advertised one that fits the credentials.
        mechanism: Option<Mechanism>,
        /// The credentials.
        credentials: Credentials,
    },
    /// OAuth 2.0 with the tokens of a provider, asked again once when the server refuses one
    /// as expired ([`op::OAuth2Login`]).
    OAuth2 {
        /// The user name.
        user: String,
        /// XOAUTH2 or OAUTHBEARER; `None`: as the server advertises.
        mechanism: Option<Mechanism>,
        /// Where the tokens come from.
        tokens: TokenSource,
        /// The server's host, sent by OAUTHBEARER.
        host: String,
        /// The server's port, sent by OAUTHBEARER.
        port: u16,
    },
    /// AUTHENTICATE with a custom SASL mechanism, a new one for each login.
    Custom(SaslFactory),
}

impl LoginMethod {
    /// The core operation that logs in this way ([`op::Login`], [`op::Authenticate`],
    /// [`op::AuthenticateAuto`] or [`op::OAuth2Login`]), for a driver to run.
    pub fn operation(&self) -> SignIn {
        match self.clone() {
            LoginMethod::Password { user, password } => {
                SignIn::Login(op::Login::new(user, password))
            }
            LoginMethod::Sasl {
                mechanism: Some(m),
                credentials,
            } => SignIn::Authenticate(op::Authenticate::new(m, credentials)),
            LoginMethod::Sasl {
                mechanism: None,
                credentials,
            } => SignIn::Auto(op::AuthenticateAuto::new(credentials)),
            LoginMethod::OAuth2 {
                user,
                mechanism,
                tokens,
                host,
                port,
            } => {
                let login = op::OAuth2Login::new(user, tokens).server(host, port);
                SignIn::OAuth2(match mechanism {
                    Some(m) => login.mechanism(m),
                    None => login,
                })
            }
            LoginMethod::Custom(factory) => {
                SignIn::Authenticate(op::Authenticate::boxed(factory.make()))
            }
        }
    }
}

/// Makes a custom SASL mechanism for each login ([`LoginMethod::Custom`]); cloning shares the
/// maker.
#[derive(Clone)]
pub struct SaslFactory(Arc<dyn Fn() -> Box<dyn SaslMechanism> + Send + Sync>);

impl SaslFactory {
    /// A factory calling `make`.
    pub fn new<M: SaslMechanism + 'static>(make: impl Fn() -> M + Send + Sync + 'static) -> Self {
        SaslFactory(Arc::new(move || Box::new(make())))
    }

    /// A new mechanism, for one exchange.
    pub fn make(&self) -> Box<dyn SaslMechanism> {
        (self.0)()
    }
}

impl fmt::Debug for SaslFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SaslFactory(..)")
    }
}

/// Logging in as a [`LoginMethod`] says: one of the core's login operations.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignIn {
    /// LOGIN (AUTHENTICATE PLAIN under `LOGINDISABLED`).
    Login(op::Login),
    /// AUTHENTICATE with the mechanism given (a custom one too).
    Authenticate(op::Authenticate),
    /// AUTHENTICATE with the strongest advertised mechanism that fits the credentials.
    Auto(op::AuthenticateAuto),
    /// OAuth 2.0 with a token provider.
    OAuth2(op::OAuth2Login),
}

impl Operation for SignIn {
    type Output = ();

    fn step(&mut self, cx: &mut OpContext<'_>) -> Poll<Result<(), OpError>> {
        match self {
            SignIn::Login(o) => o.step(cx),
            SignIn::Authenticate(o) => o.step(cx),
            SignIn::Auto(o) => o.step(cx),
            SignIn::OAuth2(o) => o.step(cx),
        }
    }
}
