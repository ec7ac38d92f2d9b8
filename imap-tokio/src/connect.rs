//! Connecting with the shared [`Connector`] settings ([`TokioConnect`]): over TCP, any
//! [`AsyncStream`], or a child process.
//!
//! The connect futures are not cancel-safe in a useful sense: dropping one drops the
//! half-made connection (nothing else is affected).

use crate::client::Client;
use crate::connection::Connection;
use crate::session::Session;
use crate::stream::{AsyncStream, CommandStream};
use imap_connect::{Connector, Security};
use imap_connect::{Error, Result, TimedOut};
use imap_core::ops::{Commands, op};
use imap_core::types::Capability;
use std::future::Future;
use std::time::Instant;
use tokio::net::TcpStream;

/// Connecting with a [`Connector`], async. The connect timeout is one overall deadline
/// ([`Connector#connect-timeout`]).
///
/// ```no_run
/// # async fn f() -> imap_tokio::Result<()> {
/// use imap_tokio::prelude::*;
/// use std::time::Duration;
///
/// let mut session = Connector::new("imap.example.org")
///     .command_timeout(Duration::from_secs(60))
///     .password("alice", "secret")
///     .login()
///     .await?;
/// for folder in session.folders().await? {
///     println!("{}", folder.name);
/// }
/// # Ok(()) }
/// ```
pub trait TokioConnect {
    /// Connects over TCP, does TLS or STARTTLS, and waits for the greeting.
    ///
    /// # Errors
    /// I/O, TLS and timeout errors; [`Error::StartTlsUnavailable`] when STARTTLS is required
    /// and not offered.
    fn connect(&self) -> impl Future<Output = Result<Client>> + Send;

    /// Speaks IMAP over an established stream (a socket set up elsewhere, a pipe, a test
    /// double), doing TLS or STARTTLS on it as configured.
    ///
    /// # Errors
    /// As [`TokioConnect::connect`].
    fn connect_stream(
        &self,
        stream: impl AsyncStream + 'static,
    ) -> impl Future<Output = Result<Client>> + Send;

    /// Runs `command` (through the shell) and speaks IMAP over its stdin and stdout, like
    /// imaplib's `IMAP4_stream`: `connect_command("ssh host /usr/lib/dovecot/imap")`. The
    /// process is trusted like a local pipe ([`Connector::for_child_process`]).
    ///
    /// # Errors
    /// When the process cannot be started, or as [`TokioConnect::connect`].
    fn connect_command(&self, command: &str) -> impl Future<Output = Result<Client>> + Send;

    /// [`TokioConnect::connect`], then logs in with the credentials given.
    ///
    /// # Errors
    /// As [`TokioConnect::connect`] and [`Client::login`]; [`Error::Usage`] when no
    /// credentials were given and the connection is not PREAUTH.
    fn login(&self) -> impl Future<Output = Result<Session>> + Send;

    /// Logs a connected client in with the connector's credentials.
    ///
    /// # Errors
    /// As [`Client::login`].
    fn authenticate(&self, client: Client) -> impl Future<Output = Result<Session>> + Send;
}

/// Every future is boxed: the connection's set-up (TLS handshake, greeting, STARTTLS, login)
/// is several kilobytes of state, which an unboxed future would keep in the caller's task
/// for as long as the task lives (an IDLE for hours), not only while connecting.
impl TokioConnect for Connector {
    fn connect(&self) -> impl Future<Output = Result<Client>> + Send {
        Box::pin(async move {
            self.check()?;
            let deadline = self.connect_deadline(Instant::now());
            let tcp = connect_tcp(self.host(), self.effective_port(), deadline).await?;
            tcp.set_nodelay(true)?;
            establish(self, Box::new(tcp), deadline).await
        })
    }

    fn connect_stream(
        &self,
        stream: impl AsyncStream + 'static,
    ) -> impl Future<Output = Result<Client>> + Send {
        Box::pin(async move {
            self.check()?;
            let deadline = self.connect_deadline(Instant::now());
            establish(self, Box::new(stream), deadline).await
        })
    }

    fn connect_command(&self, command: &str) -> impl Future<Output = Result<Client>> + Send {
        Box::pin(async move {
            let deadline = self.connect_deadline(Instant::now());
            let stream = CommandStream::spawn(command)?;
            establish(&self.for_child_process(), Box::new(stream), deadline).await
        })
    }

    fn login(&self) -> impl Future<Output = Result<Session>> + Send {
        Box::pin(async move {
            self.checked_login_method()?;
            let client = self.connect().await?;
            self.authenticate(client).await
        })
    }

    fn authenticate(&self, client: Client) -> impl Future<Output = Result<Session>> + Send {
        Box::pin(async move { Ok(client.log_in_with(self).await?) })
    }
}

async fn establish(
    c: &Connector,
    stream: Box<dyn AsyncStream>,
    deadline: Option<Instant>,
) -> Result<Client> {
    let security = c.security_mode();
    let mut conn = Connection::new(stream, c.engine_config(), c.event_limit());
    if security != Security::Plain {
        let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        conn.wire().set_tls(c.tls_target()?, timeout);
    }
    let mut stage = TimedOut::TlsHandshake;
    let steps = async {
        if security == Security::Tls {
            conn.upgrade().await?;
        }
        stage = TimedOut::Greeting;
        conn.run(op::Greeting::new()).await?;
        let mut client = Client::from_connection(conn);
        if security == Security::StartTls {
            stage = TimedOut::StartTls;
            if !client.capabilities().await?.has(&Capability::StartTls) {
                return Err(Error::StartTlsUnavailable);
            }
            client.starttls().await?;
        }
        Ok(client)
    };
    match deadline {
        Some(d) => tokio::time::timeout_at(d.into(), steps)
            .await
            .unwrap_or(Err(Error::Timeout(stage))),
        None => steps.await,
    }
}

/// Resolves `host` and tries each address in turn, all within `deadline`.
async fn connect_tcp(host: &str, port: u16, deadline: Option<Instant>) -> Result<TcpStream> {
    let connect = TcpStream::connect((host, port));
    match deadline {
        Some(d) => match tokio::time::timeout_at(d.into(), connect).await {
            Ok(r) => Ok(r?),
            Err(_) => Err(Error::Timeout(TimedOut::Connecting)),
        },
        None => Ok(connect.await?),
    }
}
