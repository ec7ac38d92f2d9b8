//! The mock server: in-memory connections and a loopback listener ([`MockServer`],
//! [`MockServerBuilder`], [`RunningServer`]).
//!
//! ```
//! use mock_server::listener::MockServer;
//! use mock_server::store::Store;
//! use std::io::{Read, Write};
//!
//! let store = Store::builder().user("alice", "pw").build().unwrap();
//! let server = MockServer::builder().store(store).build().unwrap();
//! let mut conn = server.connect_in_memory();
//! conn.write_all(b"a1 LOGIN alice pw\r\n").unwrap();
//! let out = conn.recv_until(b"a1 OK", std::time::Duration::from_secs(5));
//! assert!(String::from_utf8_lossy(&out).contains("a1 OK"));
//! ```
//!
//! In-memory connections run on a thread each. TCP connections (plain, implicit TLS,
//! STARTTLS) are tasks on a small tokio runtime that [`RunningServer`] owns, woken by their
//! socket, by the store's watcher ([`Store::watch`]) when a mailbox changes (so an IDLE session
//! announces new mail at once, without polling) and by the session's timer. Either way the
//! [`MockSession`] stays sans-IO: the listener only moves bytes and time.

mod admission;
mod conn;
mod memory;
mod running;
mod tcp;
mod tls;

pub use admission::ConnectionLimits;
pub use memory::MemoryConnection;
pub use running::RunningServer;
pub use tls::Certificate;

use crate::backend::MailStore;
use crate::session::MockSession;
use crate::session::options::{Faults, Quirks, SessionOptions};
use crate::store::Store;
use crate::transcript::Transcript;
use imap_core::frame::Limits;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What every connection of a server shares.
pub(crate) struct Shared {
    store: Arc<dyn MailStore>,
    options: Arc<SessionOptions>,
    tls: Option<Arc<rustls::ServerConfig>>,
    certificate: Option<Certificate>,
    next_conn: AtomicU64,
    /// The live TCP connections, for the connection caps.
    registry: Arc<admission::Registry>,
}

impl Shared {
    /// A new connection number (for transcripts).
    fn next_conn(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::SeqCst)
    }
}

/// Configures a [`MockServer`]. Without `plain()`, `tls()` or `starttls()` the server listens
/// on a plaintext port only (when started).
///
/// `S` is the store behind the server: the in-memory [`Store`] unless
/// [`backend`](MockServerBuilder::backend) puts another [`MailStore`] there.
#[derive(Debug)]
pub struct MockServerBuilder<S = Store> {
    store: S,
    plain: bool,
    tls: bool,
    starttls: bool,
    options: SessionOptions,
    plain_port: u16,
    tls_port: u16,
    certificate: Option<Certificate>,
    client_cas: Option<Vec<Vec<u8>>>,
    connection_limits: ConnectionLimits,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        MockServerBuilder {
            store: Store::default(),
            plain: false,
            tls: false,
            starttls: false,
            options: SessionOptions::default(),
            plain_port: 0,
            tls_port: 0,
            certificate: None,
            client_cas: None,
            connection_limits: ConnectionLimits::default(),
        }
    }
}

impl MockServerBuilder {
    /// The in-memory store to serve (default: an empty store).
    pub fn store(mut self, store: Store) -> Self {
        self.store = store;
        self
    }
}

impl<S: MailStore + Clone> MockServerBuilder<S> {
    /// Serves another store: anything that implements [`MailStore`] (see [`crate::backend`]).
    /// The server hands each session a clone, so `T` is a cheap handle on shared state.
    pub fn backend<T: MailStore + Clone>(self, store: T) -> MockServerBuilder<T> {
        MockServerBuilder {
            store,
            plain: self.plain,
            tls: self.tls,
            starttls: self.starttls,
            options: self.options,
            plain_port: self.plain_port,
            tls_port: self.tls_port,
            certificate: self.certificate,
            client_cas: self.client_cas,
            connection_limits: self.connection_limits,
        }
    }

    /// Listen on a plaintext port.
    pub fn plain(mut self) -> Self {
        self.plain = true;
        self
    }

    /// Listen on an implicit-TLS port (RFC 8314).
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Offer STARTTLS on the plaintext port (implies [`MockServerBuilder::plain`]).
    pub fn starttls(mut self) -> Self {
        self.starttls = true;
        self.plain = true;
        self
    }

    /// The plaintext port (default 0: an ephemeral port).
    pub fn plain_port(mut self, port: u16) -> Self {
        self.plain_port = port;
        self
    }

    /// The TLS port (default 0: an ephemeral port).
    pub fn tls_port(mut self, port: u16) -> Self {
        self.tls_port = port;
        self
    }

    /// Allow LOGIN / AUTHENTICATE without TLS on the plaintext port (refused by default).
    pub fn allow_plaintext_login(mut self) -> Self {
        self.options.allow_plaintext_login = true;
        self
    }

    /// Offer AUTHENTICATE XOAUTH2 and OAUTHBEARER, checked against the store's OAuth tokens
    /// (`Store::add_oauth_token`).
    pub fn oauth(mut self, on: bool) -> Self {
        self.options.oauth = on;
        self
    }

    /// Act as a server without UIDPLUS (RFC 4315) and IMAP4rev2: no APPENDUID or COPYUID,
    /// UID EXPUNGE refused ([`SessionOptions::uidplus`]).
    pub fn without_uidplus(mut self) -> Self {
        self.options.uidplus = false;
        self
    }

    /// Behave like a known real server.
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.options.quirks = quirks;
        self
    }

    /// Inject faults into every connection.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.options.faults = faults;
        self
    }

    /// Record every conversation.
    pub fn transcript(mut self, transcript: Transcript) -> Self {
        self.options.transcript = Some(transcript);
        self
    }

    /// How long a TCP client may leave a pending reply unread before the connection is
    /// closed (default 60 seconds; `None` waits for ever).
    pub fn write_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.options.write_timeout = timeout;
        self
    }

    /// Framing limits for client input (the largest literal, line and command).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.options.core.limits = limits;
        self
    }

    /// Caps on TCP connections, in all and per client address (default
    /// [`ConnectionLimits::default`]).
    pub fn connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.connection_limits = limits;
        self
    }

    /// Framing limits before login (the largest literal, line and command of a client that
    /// has not authenticated; never above [`limits`](Self::limits)) and the time a client has
    /// to log in after connecting, however steadily it sends (`None`: no deadline).
    pub fn login_limits(mut self, limits: Limits, deadline: Option<Duration>) -> Self {
        self.options.core.login_limits = limits;
        self.options.core.login_deadline = deadline;
        self
    }

    /// Failed LOGIN and AUTHENTICATE: how long each answer is held back, and after how many
    /// on one connection it closes (`None`: never). Default: no delay, closed after 3.
    pub fn auth_failures(mut self, delay: Duration, max: Option<u32>) -> Self {
        self.options.auth_failure_delay = delay;
        self.options.max_auth_failures = max;
        self
    }

    /// Serve this certificate instead of a generated one.
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.certificate = Some(certificate);
        self
    }

    /// Requires a client certificate signed by this CA (DER; repeatable) on the TLS port and
    /// after STARTTLS: mutual TLS. A client without one fails the handshake.
    pub fn client_auth(mut self, ca_der: impl Into<Vec<u8>>) -> Self {
        self.client_cas
            .get_or_insert_with(Vec::new)
            .push(ca_der.into());
        self
    }

    /// Builds the server without listening (in-memory connections only, until
    /// [`MockServer::start`]).
    ///
    /// # Errors
    /// When the TLS certificate cannot be generated or used.
    pub fn build(mut self) -> io::Result<MockServer<S>> {
        let wants_tls = self.tls || self.starttls;
        let certificate = match (self.certificate.take(), wants_tls) {
            (Some(c), _) => Some(c),
            (None, true) => Some(Certificate::generate().map_err(io::Error::other)?),
            (None, false) => None,
        };
        let tls = match &certificate {
            Some(c) => Some(
                c.server_config_with(self.client_cas.as_deref())
                    .map_err(io::Error::other)?,
            ),
            None => None,
        };
        self.options.starttls = self.starttls;
        Ok(MockServer {
            shared: Arc::new(Shared {
                store: Arc::new(self.store.clone()),
                options: Arc::new(self.options),
                tls,
                certificate,
                next_conn: AtomicU64::new(1),
                registry: Arc::new(admission::Registry::new(self.connection_limits)),
            }),
            store: self.store,
            plain: self.plain || !self.tls,
            tls_listener: self.tls,
            plain_port: self.plain_port,
            tls_port: self.tls_port,
        })
    }

    /// Builds and starts listening on 127.0.0.1.
    ///
    /// # Errors
    /// As [`MockServerBuilder::build`], or when a port cannot be bound.
    pub fn start(self) -> io::Result<RunningServer<S>> {
        self.build()?.start()
    }
}

/// A configured mock server. In-memory connections need no listener; [`MockServer::start`]
/// opens the loopback ports.
#[derive(Clone)]
pub struct MockServer<S = Store> {
    shared: Arc<Shared>,
    store: S,
    plain: bool,
    tls_listener: bool,
    plain_port: u16,
    tls_port: u16,
}

impl<S> std::fmt::Debug for MockServer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("plain", &self.plain)
            .field("tls", &self.tls_listener)
            .finish()
    }
}

impl MockServer {
    /// A builder.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }
}

impl<S: MailStore + Clone> MockServer<S> {
    /// The store, shared with every connection: change it while clients are connected.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The TLS certificate, when TLS or STARTTLS is configured.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.shared.certificate.as_ref()
    }

    /// A new connection over an in-memory pipe, served by its own thread. It counts as secure
    /// (LOGIN allowed, no STARTTLS).
    pub fn connect_in_memory(&self) -> MemoryConnection {
        memory::connect(self.shared.clone())
    }

    /// A sans-IO session over this server's store and options, for deterministic tests that
    /// move the bytes themselves (no thread; call [`MockSession::wake`] after changing the store).
    pub fn session(&self, now: Instant) -> MockSession {
        MockSession::new(
            self.shared.store.clone(),
            self.shared.options.clone(),
            true,
            self.shared.next_conn(),
            now,
        )
    }

    /// Starts listening on 127.0.0.1.
    ///
    /// # Errors
    /// When a port cannot be bound.
    pub fn start(self) -> io::Result<RunningServer<S>> {
        RunningServer::start(self)
    }
}
