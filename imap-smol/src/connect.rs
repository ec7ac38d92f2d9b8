//! Connecting with the shared [`Connector`] settings ([`SmolConnect`]): over TCP, any
//! [`AsyncStream`], or a child process (Unix only: a socket pair is its stdin and stdout). The connect timeout is one overall
//! deadline ([`Connector#connect-timeout`]).

use crate::connection::{AsyncStream, Connection, until};
use crate::session::{Client, Session};
use imap_connect::{Connector, Error, Result, Security, TimedOut};
use imap_core::ops::{Commands, op};
use imap_core::types::Capability;
use smol::Async;
use smol::net::TcpStream;
use smol::process::{Command, Stdio};
use std::future::Future;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::time::Instant;

/// Connecting with a [`Connector`] on smol (`use imap_smol::prelude::*`).
pub trait SmolConnect {
    /// Connects over TCP, does TLS or STARTTLS, and waits for the greeting.
    ///
    /// # Errors
    /// I/O, TLS and timeout errors; [`Error::StartTlsUnavailable`].
    fn connect(&self) -> impl Future<Output = Result<Client>> + Send;

    /// Speaks IMAP over an established stream, doing TLS or STARTTLS on it as configured.
    ///
    /// # Errors
    /// As [`SmolConnect::connect`].
    fn connect_stream(
        &self,
        s: impl AsyncStream + 'static,
    ) -> impl Future<Output = Result<Client>> + Send;

    /// Runs `command` through `sh -c` and speaks IMAP over its stdin and stdout
    /// ([`Connector::for_child_process`]); the process is killed with the connection.
    ///
    /// # Errors
    /// When the process cannot be started, or as [`SmolConnect::connect`].
    fn connect_command(&self, command: &str) -> impl Future<Output = Result<Client>> + Send;

    /// [`SmolConnect::connect`], then logs in with the credentials given.
    ///
    /// # Errors
    /// As [`SmolConnect::connect`] and [`Client::login`].
    fn login(&self) -> impl Future<Output = Result<Session>> + Send;

    /// Logs a connected client in with the connector's credentials.
    ///
    /// # Errors
    /// As [`Client::login`].
    fn authenticate(&self, client: Client) -> impl Future<Output = Result<Session>> + Send;
}

impl SmolConnect for Connector {
    async fn connect(&self) -> Result<Client> {
        self.check()?;
        let deadline = self.connect_deadline(Instant::now());
        let addr = (self.host(), self.effective_port());
        let tcp = until(deadline, TcpStream::connect(addr)).await;
        let tcp = tcp.ok_or(Error::Timeout(TimedOut::Connecting))??;
        tcp.set_nodelay(true)?;
        establish(
            self,
            Connection::new(tcp, self.engine_config(), self.event_limit()),
            deadline,
        )
        .await
    }

    async fn connect_stream(&self, s: impl AsyncStream + 'static) -> Result<Client> {
        self.check()?;
        let deadline = self.connect_deadline(Instant::now());
        establish(
            self,
            Connection::new(s, self.engine_config(), self.event_limit()),
            deadline,
        )
        .await
    }

    async fn connect_command(&self, command: &str) -> Result<Client> {
        let deadline = self.connect_deadline(Instant::now());
        let c = self.for_child_process();
        // One end of a socket pair is the child's stdin and stdout, the other ours.
        let (ours, theirs) = UnixStream::pair()?;
        let child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::from(OwnedFd::from(theirs.try_clone()?)))
            .stdout(Stdio::from(OwnedFd::from(theirs)))
            .kill_on_drop(true)
            .spawn()?;
        let mut conn = Connection::new(Async::new(ours)?, c.engine_config(), c.event_limit());
        conn.set_child(child);
        establish(&c, conn, deadline).await
    }

    async fn login(&self) -> Result<Session> {
        self.checked_login_method()?;
        let client = self.connect().await?;
        self.authenticate(client).await
    }

    async fn authenticate(&self, client: Client) -> Result<Session> {
        Ok(client.log_in_with(self).await?)
    }
}

/// TLS, the greeting and STARTTLS, all before `deadline`.
async fn establish(
    c: &Connector,
    mut conn: Connection,
    deadline: Option<Instant>,
) -> Result<Client> {
    let security = c.security_mode();
    if security != Security::Plain {
        conn.set_tls(c.tls_target()?);
    }
    let mut stage = TimedOut::TlsHandshake;
    let steps = async {
        if security == Security::Tls {
            conn.upgrade().await?;
        }
        stage = TimedOut::Greeting;
        conn.run(op::Greeting::new()).await?;
        let mut client = Client::new(conn);
        if security == Security::StartTls {
            stage = TimedOut::StartTls;
            if !client.capabilities().await?.has(&Capability::StartTls) {
                return Err(Error::StartTlsUnavailable);
            }
            client.starttls().await?;
        }
        Ok(client)
    };
    until(deadline, steps)
        .await
        .unwrap_or(Err(Error::Timeout(stage)))
}
