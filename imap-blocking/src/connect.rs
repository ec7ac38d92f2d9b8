//! Connecting with the shared [`Connector`] settings ([`BlockingConnect`]): over TCP, any
//! [`Stream`], or a child process.

use crate::client::Client;
use crate::session::Session;
use crate::stream::{CommandStream, Stream};
use crate::transport::Transport;
use imap_connect::{Connector, Error, Result, Security, TimedOut, Wire};
use imap_core::ops::op;
use imap_core::types::Capability;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Instant;

/// Connecting with a [`Connector`], blocking. The connect timeout is one overall deadline
/// ([`Connector#connect-timeout`]).
///
/// ```no_run
/// use imap_blocking::prelude::*;
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
pub trait BlockingConnect {
    /// Connects over TCP, does TLS or STARTTLS, and waits for the greeting.
    ///
    /// # Errors
    /// I/O, TLS and timeout errors; [`Error::StartTlsUnavailable`] when STARTTLS is required
    /// and not offered.
    fn connect(&self) -> Result<Client>;

    /// Speaks IMAP over an established stream (a socket set up elsewhere, a pipe, a test
    /// double), doing TLS or STARTTLS on it as configured.
    ///
    /// # Errors
    /// As [`BlockingConnect::connect`].
    fn connect_stream(&self, stream: impl Stream + 'static) -> Result<Client>;

    /// Runs `command` (through the shell) and speaks IMAP over its stdin and stdout, like
    /// imaplib's `IMAP4_stream`: `connect_command("ssh host /usr/lib/dovecot/imap")`. The
    /// process is trusted like a local pipe ([`Connector::for_child_process`]).
    ///
    /// # Errors
    /// When the process cannot be started, or as [`BlockingConnect::connect`].
    fn connect_command(&self, command: &str) -> Result<Client>;

    /// [`BlockingConnect::connect`], then logs in with the credentials given.
    ///
    /// # Errors
    /// As [`BlockingConnect::connect`] and [`Client::login`]; [`Error::Usage`] when no
    /// credentials were given and the connection is not PREAUTH.
    fn login(&self) -> Result<Session>;

    /// Logs a connected client in with the connector's credentials.
    ///
    /// # Errors
    /// As [`Client::login`].
    fn authenticate(&self, client: Client) -> Result<Session>;
}

impl BlockingConnect for Connector {
    fn connect(&self) -> Result<Client> {
        self.check()?;
        let deadline = self.connect_deadline(Instant::now());
        let tcp = connect_tcp(self.host(), self.effective_port(), deadline)?;
        tcp.set_nodelay(true)?;
        establish(self, Box::new(tcp), deadline)
    }

    fn connect_stream(&self, stream: impl Stream + 'static) -> Result<Client> {
        self.check()?;
        let deadline = self.connect_deadline(Instant::now());
        establish(self, Box::new(stream), deadline)
    }

    fn connect_command(&self, command: &str) -> Result<Client> {
        let deadline = self.connect_deadline(Instant::now());
        let stream = CommandStream::spawn(command)?;
        establish(&self.for_child_process(), Box::new(stream), deadline)
    }

    fn login(&self) -> Result<Session> {
        self.checked_login_method()?;
        let client = self.connect()?;
        self.authenticate(client)
    }

    fn authenticate(&self, client: Client) -> Result<Session> {
        client.log_in_with(self).map_err(|e| e.error)
    }
}

/// TLS, the greeting and STARTTLS, all within `deadline`.
fn establish(c: &Connector, stream: Box<dyn Stream>, deadline: Option<Instant>) -> Result<Client> {
    let security = c.security_mode();
    let mut wire = Wire::new(stream, c.engine_config(), c.event_limit());
    if security != Security::Plain {
        wire.set_tls(
            c.tls_target()?,
            c.connect_deadline(Instant::now())
                .map(|d| d - Instant::now()),
        );
    }
    let mut conn = Box::new(Transport::new(wire));
    let limit = |what| deadline.map(|d| (d, what));
    if security == Security::Tls {
        conn.set_limit(limit(TimedOut::TlsHandshake));
        conn.upgrade()?;
    }
    conn.set_limit(limit(TimedOut::Greeting));
    conn.run(op::Greeting::new())?;
    if security == Security::StartTls {
        conn.set_limit(limit(TimedOut::StartTls));
        if !conn
            .run(op::GetCapabilities::new())?
            .has(&Capability::StartTls)
        {
            return Err(Error::StartTlsUnavailable);
        }
        conn.run(op::StartTls::new())?;
        if !conn.wire.is_tls() {
            return Err(Error::StartTlsUnavailable);
        }
    }
    conn.set_limit(None);
    Ok(Client::new(conn))
}

/// Resolves `host` and tries each address in turn, all within `deadline`.
fn connect_tcp(host: &str, port: u16, deadline: Option<Instant>) -> Result<TcpStream> {
    let mut last = None;
    for addr in resolve(host, port, deadline)? {
        let r = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => TcpStream::connect_timeout(&addr, left),
                _ => return Err(Error::Timeout(TimedOut::Connecting)),
            },
            None => TcpStream::connect(addr),
        };
        match r {
            Ok(s) => return Ok(s),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                last = Some(Error::Timeout(TimedOut::Connecting));
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

/// The addresses of `host`. The system resolver cannot be given a time limit, so with a
/// deadline it runs on a thread of its own, abandoned (to finish on its own) at the deadline.
fn resolve(host: &str, port: u16, deadline: Option<Instant>) -> Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let Some(deadline) = deadline else {
        return Ok((host, port).to_socket_addrs()?.collect());
    };
    let (tx, rx) = mpsc::channel();
    let name = (host.to_owned(), port);
    std::thread::Builder::new()
        .name("imap-resolve".into())
        .spawn(move || {
            let addrs = name.to_socket_addrs().map(Iterator::collect::<Vec<_>>);
            let _ = tx.send(addrs);
        })?;
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(addrs) => Ok(addrs?),
        Err(_) => Err(Error::Timeout(TimedOut::Connecting)),
    }
}
