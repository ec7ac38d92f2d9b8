//! Connecting: [`Connector`] (host, port, [`Security`], TLS options, timeouts, credentials),
//! from parts or from an `imap://` / `imaps://` URL, over TCP, any [`Stream`], or a child
//! process ([`Connector::connect_command`]).

use crate::client::Client;
use crate::connection::{Connection, DEFAULT_MAX_EVENTS, TlsContext};
use crate::error::{Error, Result};
use crate::session::Session;
use crate::stream::{CommandStream, Stream};
use imap_core::client::ClientConfig;
use imap_core::ops::url::ImapUrl;
use imap_core::sasl::{Credentials, CredentialsKind, Mechanism};
use imap_core::secret::Secret;
use imap_core::types::{Capability, CommandBody};
use imap_tls::TlsOptions;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

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

#[derive(Clone, Debug)]
enum Auth {
    Login {
        user: String,
        password: Secret<String>,
    },
    Sasl {
        mechanism: Option<Mechanism>,
        credentials: Credentials,
    },
}

/// Settings for a connection, built step by step, then [`Connector::connect`] (greeted, not
/// logged in) or [`Connector::login`] (logged in with the credentials given).
///
/// ```no_run
/// use imap_blocking::Connector;
/// use std::time::Duration;
///
/// let mut session = Connector::new("imap.example.org")
///     .command_timeout(Duration::from_secs(60))
///     .password("alice", "secret")
///     .login()?;
/// for folder in session.folders()? {
///     println!("{}", folder.name);
/// }
/// # Ok::<(), imap_blocking::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Connector {
    host: String,
    port: Option<u16>,
    security: Security,
    tls: TlsOptions,
    connect_timeout: Option<Duration>,
    config: ClientConfig,
    auth: Option<Auth>,
    user: Option<String>,
    mechanism: Option<Mechanism>,
    max_events: usize,
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
        }
    }

    /// Settings from a URL: `imaps://` is implicit TLS, `imap://` is STARTTLS; the user name
    /// (and password, if the URL has one) and `;AUTH=` mechanism are kept for
    /// [`Connector::login`]; give the password with [`Connector::password`] or the token with
    /// [`Connector::oauth2`] otherwise.
    ///
    /// # Errors
    /// [`Error::Url`] when the URL cannot be used.
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
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.tls = self.tls.danger_accept_invalid_certs(accept);
        self
    }

    /// Allows LOGIN and plaintext SASL mechanisms without TLS ([`Security::Plain`]).
    pub fn allow_plaintext_login(mut self, allow: bool) -> Self {
        self.config.allow_plaintext_login = allow;
        self
    }

    /// The time limit for connecting: TCP, TLS handshake (also after STARTTLS) and greeting.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
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
            Some(m) if m.credentials_kind() == CredentialsKind::Password => Auth::Sasl {
                mechanism: Some(m),
                credentials: Credentials::password(user, password),
            },
            _ => Auth::Login {
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
        self.auth = Some(Auth::Sasl {
            mechanism: Some(mechanism),
            credentials: Credentials::oauth2(user.into(), token.into())
                .with_host(self.host.clone())
                .with_port(self.effective_port()),
        });
        self
    }

    /// Logs in with SASL: `mechanism`, or the strongest one the server advertises that fits
    /// the credentials when `None`.
    pub fn sasl(mut self, mechanism: Option<Mechanism>, credentials: Credentials) -> Self {
        self.auth = Some(Auth::Sasl {
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

    /// Connects over TCP, does TLS or STARTTLS, and waits for the greeting.
    ///
    /// # Errors
    /// I/O, TLS and timeout errors; [`Error::StartTlsUnavailable`] when STARTTLS is required
    /// and not offered.
    pub fn connect(&self) -> Result<Client> {
        let deadline = self.connect_timeout.map(|t| Instant::now() + t);
        let tcp = connect_tcp(&self.host, self.effective_port(), self.connect_timeout)?;
        tcp.set_nodelay(true)?;
        if let Some(t) = self.config.command_timeout {
            tcp.set_write_timeout(Some(t))?;
        }
        self.establish(Box::new(tcp), deadline)
    }

    /// Speaks IMAP over an established stream (a socket set up elsewhere, a pipe, a test
    /// double), doing TLS or STARTTLS on it as configured.
    ///
    /// # Errors
    /// As [`Connector::connect`].
    pub fn connect_stream(&self, stream: impl Stream + 'static) -> Result<Client> {
        let deadline = self.connect_timeout.map(|t| Instant::now() + t);
        self.establish(Box::new(stream), deadline)
    }

    /// Runs `command` (through the shell) and speaks IMAP over its stdin and stdout, like
    /// imaplib's `IMAP4_stream`: `connect_command("ssh host /usr/lib/dovecot/imap")`. The
    /// process is trusted like a local pipe: no TLS, and passwords are allowed in the clear.
    ///
    /// # Errors
    /// When the process cannot be started, or as [`Connector::connect`].
    pub fn connect_command(&self, command: &str) -> Result<Client> {
        let stream = CommandStream::spawn(command)?;
        let mut c = self.clone().security(Security::Plain);
        c.config.allow_plaintext_login = true;
        let deadline = c.connect_timeout.map(|t| Instant::now() + t);
        c.establish(Box::new(stream), deadline)
    }

    /// [`Connector::connect`], then logs in with the credentials given.
    ///
    /// # Errors
    /// As [`Connector::connect`] and [`Client::login`]; [`Error::Usage`] when no credentials
    /// were given.
    pub fn login(&self) -> Result<Session> {
        let client = self.connect()?;
        self.authenticate(client)
    }

    /// Logs a connected client in with the connector's credentials.
    ///
    /// # Errors
    /// As [`Client::login`].
    pub fn authenticate(&self, client: Client) -> Result<Session> {
        match self.auth.clone() {
            Some(Auth::Login { user, password }) => Ok(client.login(&user, password.expose())?),
            Some(Auth::Sasl {
                mechanism: Some(m),
                credentials,
            }) => Ok(client.authenticate(m, credentials)?),
            Some(Auth::Sasl {
                mechanism: None,
                credentials,
            }) => Ok(client.authenticate_auto(credentials)?),
            None => match client.into_session() {
                Ok(s) => Ok(s),
                Err(e) => Err(e.error),
            },
        }
    }

    fn establish(&self, stream: Box<dyn Stream>, deadline: Option<Instant>) -> Result<Client> {
        let mut config = self.config.clone();
        config.tls = self.security == Security::Tls;
        config.greeting_timeout = self.connect_timeout;
        let mut conn = Connection::from_boxed(stream, config);
        conn.set_max_events(self.max_events);
        if self.security != Security::Plain {
            let tls = TlsContext {
                config: self.tls.build()?,
                name: imap_tls::server_name(&self.host)?,
            };
            conn.set_tls(tls, self.connect_timeout);
        }
        if self.security == Security::Tls {
            conn.start_tls(deadline)?;
        }
        conn.wait_greeting(deadline)?;
        if self.security == Security::StartTls {
            if !conn.core().capabilities().is_known() {
                conn.run(CommandBody::Capability)?;
            }
            if !conn.core().capabilities().has(&Capability::StartTls) {
                return Err(Error::StartTlsUnavailable);
            }
            conn.starttls()?;
        }
        Ok(Client::from_connection(conn))
    }
}

fn connect_tcp(host: &str, port: u16, timeout: Option<Duration>) -> Result<TcpStream> {
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        let r = match timeout {
            Some(t) => TcpStream::connect_timeout(&addr, t),
            None => TcpStream::connect(addr),
        };
        match r {
            Ok(s) => return Ok(s),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                last = Some(Error::Timeout("connecting"));
            }
            Err(e) => last = Some(Error::Io(e)),
        }
    }
    Err(last.unwrap_or_else(|| {
        Error::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no address for {host}"),
        ))
    }))
}
