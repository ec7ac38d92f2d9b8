//! The connection settings both drivers share: [`Connector`] and [`Security`].
//!
//! A `Connector` holds settings only; each driver connects with it through its extension
//! trait (`imap_blocking::BlockingConnect`, `imap_tokio::TokioConnect`: `connect()`,
//! `connect_stream()`, `connect_command()`, `login()`, `authenticate()`).

use crate::error::{Result, SettingsError};
use crate::tls::TlsOptions;
use imap_core::client::ClientConfig;
use imap_core::engine::DEFAULT_MAX_EVENTS;
use imap_core::ops::url::ImapUrl;
use imap_core::sasl::{
    Credentials, CredentialsKind, Mechanism, SaslMechanism, TokenProvider, TokenSource,
};
use imap_core::secret::Secret;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::sign_in::{LoginMethod, SaslFactory, SignIn};

/// The default of [`Connector::greeting_probe`].
pub const DEFAULT_GREETING_PROBE: Duration = Duration::from_secs(2);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Security {
    /// TLS from the first byte (implicit TLS, port 993). The default.
    #[default]
    Tls,
    /// Plain at first, then upgraded with STARTTLS before anything else is sent (port 143).
    /// The connection fails if the server does not offer STARTTLS.
    StartTls,
    /// No TLS at all. Passwords are refused unless
    /// [`Connector::allow_plaintext_login`] is set: for test servers and local pipes.
    Plain,
}

impl Security {
    /// The usual port: 993 for [`Security::Tls`], 143 otherwise.
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 993,
            _ => 143,
        }
    }
}

/// The rustls configuration and server name a driver's TLS handshake uses
/// ([`Connector::tls_target`]).
#[derive(Clone, Debug)]
pub struct TlsTarget {
    /// The rustls client configuration (built once per [`TlsOptions`]).
    pub config: Arc<rustls::ClientConfig>,
    /// The name the certificate must be valid for.
    pub name: ServerName<'static>,
}

/// Settings for a connection, built step by step; the same for every driver. A driver then
/// connects with them: `connect()` (greeted, not logged in) or `login()` (logged in with the
/// credentials given), through its extension trait (`use imap_blocking::prelude::*;` or
/// `use imap_tokio::prelude::*;`).
///
/// # Connect timeout
///
/// [`Connector::connect_timeout`] (30 s by default) is **one overall deadline**, counted from
/// the call to `connect()` (or `connect_stream()`, `connect_command()`, `login()`): it covers
/// resolving the host name, every address tried in turn, the TLS handshake, the greeting, and
/// with [`Security::StartTls`] the CAPABILITY and STARTTLS exchange and the second handshake.
/// Past it the call fails with [`crate::Error::Timeout`], saying which stage was waited for.
/// Logging in is not part of it: commands are bounded by [`Connector::command_timeout`] and
/// [`Connector::operation_deadline`].
///
/// ```
/// use imap_connect::{Connector, Security};
/// use std::time::Duration;
///
/// let settings = Connector::from_url("imap://alice@imap.example.org/")?
///     .command_timeout(Duration::from_secs(60))
///     .password("alice", "secret");
/// assert_eq!(settings.security_mode(), Security::StartTls);
/// assert_eq!(settings.effective_port(), 143);
/// # Ok::<(), imap_connect::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Connector {
    host: String,
    port: Option<u16>,
    security: Security,
    tls: TlsOptions,
    connect_timeout: Option<Duration>,
    config: ClientConfig,
    auth: Option<LoginMethod>,
    user: Option<String>,
    mechanism: Option<Mechanism>,
    max_events: usize,
    /// Made from an `imaps://` URL: plain text is refused ([`Connector::check`]).
    imaps_url: bool,
    greeting_probe: Option<Duration>,
}

impl Connector {
    /// Implicit TLS to `host` on port 993, certificates verified against the Mozilla roots,
    /// 30 s to connect, 5 min without any answer fails a command, and so does a command
    /// not done after 30 min.
    pub fn new(host: impl Into<String>) -> Connector {
        let config = ClientConfig {
            command_timeout: Some(Duration::from_secs(300)),
            ..ClientConfig::default()
        };
        Connector {
            host: host.into(),
            port: None,
            security: Security::Tls,
            tls: TlsOptions::new(),
            connect_timeout: Some(Duration::from_secs(30)),
            config,
            auth: None,
            user: None,
            mechanism: None,
            max_events: DEFAULT_MAX_EVENTS,
            imaps_url: false,
            greeting_probe: Some(DEFAULT_GREETING_PROBE),
        }
    }

    /// Settings from a URL: `imaps://` is implicit TLS, `imap://` is STARTTLS; the user name
    /// (and password, if the URL has one) and `;AUTH=` mechanism are kept for logging in; give
    /// the password with [`Connector::password`] or the token with [`Connector::oauth2`]
    /// otherwise. An `imaps://` URL is never used in plain text: switching it to
    /// [`Security::Plain`] makes connecting fail ([`SettingsError::PlaintextForImaps`]).
    ///
    /// # Errors
    /// [`crate::Error::Url`] when the URL cannot be used.
    pub fn from_url(url: &str) -> Result<Connector> {
        let u = ImapUrl::parse(url)?;
        Ok(Connector::from_imap_url(&u))
    }

    /// Settings from a parsed URL (see [`Connector::from_url`]).
    pub fn from_imap_url(u: &ImapUrl) -> Connector {
        let mut c = Connector::new(u.host.clone())
            .port(u.port)
            .security(if u.implicit_tls {
                Security::Tls
            } else {
                Security::StartTls
            });
        c.user = u.user.clone();
        c.imaps_url = u.implicit_tls;
        c.mechanism = u.auth.as_deref().and_then(Mechanism::from_name);
        if let (Some(user), Some(pw)) = (&u.user, &u.password) {
            c = c.password(user.clone(), pw.clone());
        }
        c
    }

    /// The user name from the URL, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The port (default: 993 for TLS, 143 otherwise).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// How the connection is protected.
    pub fn security(mut self, security: Security) -> Self {
        self.security = security;
        self
    }

    /// Upgrade with STARTTLS (port 143 unless set).
    pub fn starttls(self) -> Self {
        self.security(Security::StartTls)
    }

    /// TLS settings (verification, CAs).
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }

    /// Also trusts the CA certificates in this PEM file.
    pub fn ca_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.tls = self.tls.ca_file(path);
        self
    }

    /// Accepts any server certificate: **no protection against a man in the middle**. For
    /// test servers with self-signed certificates only.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.tls = self.tls.danger_accept_invalid_certs();
        self
    }

    /// Allows LOGIN and plaintext SASL mechanisms without TLS ([`Security::Plain`]); refused
    /// by default.
    pub fn allow_plaintext_login(mut self) -> Self {
        self.config.allow_plaintext_login = true;
        self
    }

    /// The overall time limit for connecting (see [the connect timeout](Connector#connect-timeout);
    /// `None`: none).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Without implicit TLS, how long the server may stay silent after connecting before the
    /// client sends [`imap_core::client::GREETING_PROBE`] to recognise a server on a TLS
    /// port ([`crate::Error::PlaintextToTlsPort`], instead of waiting for the connect
    /// timeout); default 2 s, `None`: never.
    pub fn greeting_probe(mut self, after: Option<Duration>) -> Self {
        self.greeting_probe = after;
        self
    }

    /// Fails the connection when a command gets no completion and nothing arrives for this
    /// long (`None`: wait forever).
    pub fn command_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.config.command_timeout = timeout.into();
        self
    }

    /// The overall deadline of each command, however steadily the server sends (default 30
    /// minutes; `None`: none). Past it the call fails with
    /// [`imap_core::client::ConnectionError::DeadlineExceeded`], the connection is closed and
    /// every later call fails too.
    pub fn operation_deadline(mut self, deadline: impl Into<Option<Duration>>) -> Self {
        self.config.operation_deadline = deadline.into();
        self
    }

    /// While idling, fails the connection when nothing (not even a keep-alive) arrives for this
    /// long, to detect dead connections.
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.config.idle_liveness = timeout.into();
        self
    }

    /// Ends and re-issues IDLE after this long (default 29 minutes, RFC 2177).
    pub fn idle_reissue(mut self, every: Duration) -> Self {
        self.config.idle_reissue = every;
        self
    }

    /// How many unsolicited events the connection keeps (default 10,000; the oldest are
    /// dropped beyond it).
    pub fn max_events(mut self, max: usize) -> Self {
        self.max_events = max;
        self
    }

    /// The core's settings (limits, strict parsing, ...); `tls` is set by the connector.
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Logs in with this user name and password: LOGIN, or the URL's `;AUTH=` mechanism.
    pub fn password(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        let (user, password) = (user.into(), password.into());
        self.auth = Some(match self.mechanism {
            Some(m) if m.credentials_kind() == CredentialsKind::Password => LoginMethod::Sasl {
                mechanism: Some(m),
                credentials: Credentials::password(user, password),
            },
            _ => LoginMethod::Password {
                user,
                password: Secret::new(password),
            },
        });
        self
    }

    /// Logs in with an OAuth 2.0 access token: XOAUTH2, or OAUTHBEARER when the URL said so.
    pub fn oauth2(mut self, user: impl Into<String>, token: impl Into<String>) -> Self {
        let mechanism = match self.mechanism {
            Some(m) if m.credentials_kind() == CredentialsKind::OAuth2Token => m,
            _ => Mechanism::XOAuth2,
        };
        self.auth = Some(LoginMethod::Sasl {
            mechanism: Some(mechanism),
            credentials: Credentials::oauth2(user.into(), token.into())
                .with_host(self.host.clone())
                .with_port(self.effective_port()),
        });
        self
    }

    /// Logs in with OAuth 2.0, the access token asked of `provider` at each login and asked
    /// again, once, when the server refuses it as expired
    /// ([`imap_core::ops::op::OAuth2Login`]): OAUTHBEARER or XOAUTH2 as the server advertises
    /// (or the URL's `;AUTH=`).
    ///
    /// ```
    /// use imap_connect::Connector;
    /// use imap_core::sasl::TokenError;
    /// use imap_core::secret::Secret;
    ///
    /// let settings = Connector::new("imap.gmail.com").oauth2_provider(
    ///     "ann@gmail.com",
    ///     |_user: &str, expired: bool| -> Result<Secret<String>, TokenError> {
    ///         // Ask the token endpoint for a new access token when `expired`.
    ///         Ok(Secret::new(if expired { "ya29.fresh" } else { "ya29.cached" }.to_owned()))
    ///     },
    /// );
    /// assert!(settings.login_method().is_some());
    /// ```
    pub fn oauth2_provider(
        self,
        user: impl Into<String>,
        provider: impl TokenProvider + 'static,
    ) -> Self {
        self.oauth2_tokens(user, TokenSource::new(provider))
    }

    /// [`Connector::oauth2_provider`] with a provider shared with other connections.
    pub fn oauth2_tokens(mut self, user: impl Into<String>, tokens: TokenSource) -> Self {
        let mechanism = self
            .mechanism
            .filter(|m| m.credentials_kind() == CredentialsKind::OAuth2Token);
        self.auth = Some(LoginMethod::OAuth2 {
            user: user.into(),
            mechanism,
            tokens,
            host: self.host.clone(),
            port: self.effective_port(),
        });
        self
    }

    /// Logs in with a SASL mechanism of the caller's (EXTERNAL, GSSAPI, a vendor's), a new one
    /// made by `make` for each login.
    pub fn sasl_mechanism<M: SaslMechanism + 'static>(
        mut self,
        make: impl Fn() -> M + Send + Sync + 'static,
    ) -> Self {
        self.auth = Some(LoginMethod::Custom(SaslFactory::new(make)));
        self
    }

    /// Logs in with SASL: `mechanism`, or the strongest one the server advertises that fits
    /// the credentials when `None`.
    pub fn sasl(mut self, mechanism: Option<Mechanism>, credentials: Credentials) -> Self {
        self.auth = Some(LoginMethod::Sasl {
            mechanism,
            credentials,
        });
        self
    }

    /// The host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port that will be used.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.security.default_port())
    }

    /// How the connection is protected (set with [`Connector::security`]).
    pub fn security_mode(&self) -> Security {
        self.security
    }

    /// The deadline of a connection attempt starting at `start` (see [the connect
    /// timeout](Connector#connect-timeout)); `None` without a connect timeout.
    pub fn connect_deadline(&self, start: Instant) -> Option<Instant> {
        self.connect_timeout.map(|t| start + t)
    }

    /// The core's settings for a new connection: the [`Connector::client_config`] given, with
    /// `tls` set for implicit TLS and the greeting bounded by the connect timeout.
    pub fn engine_config(&self) -> ClientConfig {
        let mut config = self.config.clone();
        config.tls = self.security == Security::Tls;
        config.greeting_timeout = self.connect_timeout;
        config.greeting_probe = match self.security {
            Security::Tls => None,
            _ => self.greeting_probe,
        };
        config
    }

    /// How many unsolicited events a connection keeps ([`Connector::max_events`]).
    pub fn event_limit(&self) -> usize {
        self.max_events
    }

    /// Whether these settings can be used to connect: an error for an `imaps://` URL switched
    /// to plain text. Every driver's `connect()` checks it before connecting.
    ///
    /// # Errors
    /// [`SettingsError::PlaintextForImaps`].
    pub fn check(&self) -> std::result::Result<(), SettingsError> {
        match (self.imaps_url, self.security) {
            (true, Security::Plain) => Err(SettingsError::PlaintextForImaps {
                host: self.host.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// [`Connector::check`], and how `login()` logs in, checked before connecting: an error
    /// when the URL names a user but no password or token was given, or when a password or
    /// token was given for an empty user name (a URL without one). `None` when no
    /// credentials were given at all (`login()` then only succeeds on a PREAUTH connection).
    ///
    /// # Errors
    /// [`SettingsError`].
    pub fn checked_login_method(&self) -> std::result::Result<Option<&LoginMethod>, SettingsError> {
        self.check()?;
        let user = match &self.auth {
            None => {
                return match &self.user {
                    Some(user) => Err(SettingsError::MissingSecret { user: user.clone() }),
                    None => Ok(None),
                };
            }
            Some(LoginMethod::Password { user, .. }) => user.as_str(),
            Some(LoginMethod::Sasl { credentials, .. }) => credentials.username(),
            Some(LoginMethod::OAuth2 { user, .. }) => user.as_str(),
            // The mechanism knows who it is (EXTERNAL: the TLS client certificate).
            Some(LoginMethod::Custom(_)) => return Ok(self.auth.as_ref()),
        };
        match user.is_empty() {
            true => Err(SettingsError::MissingUser),
            false => Ok(self.auth.as_ref()),
        }
    }

    /// The rustls configuration and server name for the TLS handshake.
    ///
    /// # Errors
    /// [`crate::Error::TlsConfig`] when a CA file or the client certificate cannot be read,
    /// or the host (or [`TlsOptions::verify_name`]) is not a valid server name.
    pub fn tls_target(&self) -> Result<TlsTarget> {
        Ok(TlsTarget {
            config: self.tls.build()?,
            name: self.tls.name_for(&self.host)?,
        })
    }

    /// How `login()` logs in; `None` when no credentials were given (`login()` then only
    /// succeeds on a PREAUTH connection).
    pub fn login_method(&self) -> Option<&LoginMethod> {
        self.auth.as_ref()
    }

    /// These settings for a child process (`connect_command()`): the process is trusted like
    /// a local pipe, so no TLS, and passwords are allowed in the clear.
    pub fn for_child_process(&self) -> Connector {
        let mut c = self.clone().security(Security::Plain);
        c.config.allow_plaintext_login = true;
        c.imaps_url = false;
        c.greeting_probe = None;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_cannot_work_are_refused_before_connecting() {
        let imaps = Connector::from_url("imaps://alice@mail.example.org/").unwrap();
        assert_eq!(
            imaps.checked_login_method().unwrap_err(),
            SettingsError::MissingSecret {
                user: "alice".into()
            }
        );
        let with_pw = imaps.clone().password("alice", "pw");
        assert!(matches!(
            with_pw.checked_login_method(),
            Ok(Some(LoginMethod::Password { .. }))
        ));
        assert!(matches!(
            with_pw.clone().security(Security::Plain).check(),
            Err(SettingsError::PlaintextForImaps { .. })
        ));
        assert!(with_pw.clone().starttls().check().is_ok());
        // A child process is trusted like a local pipe, whatever the URL said.
        assert!(with_pw.for_child_process().check().is_ok());
        let imap = Connector::from_url("imap://mail.example.org/").unwrap();
        assert!(imap.clone().security(Security::Plain).check().is_ok());
        assert!(matches!(imap.checked_login_method(), Ok(None)));
        assert_eq!(
            imap.clone()
                .password("", "pw")
                .checked_login_method()
                .unwrap_err(),
            SettingsError::MissingUser
        );
        assert_eq!(
            imap.oauth2("", "token").checked_login_method().unwrap_err(),
            SettingsError::MissingUser
        );
    }
}
