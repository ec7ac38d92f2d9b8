//! The transport: [`Connection`] moves bytes between an [`AsyncStream`] and the sans-IO
//! [`Engine`], and time into it, with one generic loop ([`Connection::run_op`]) that runs any
//! [`Operation`] as the engine's module documentation describes. It never parses IMAP.
//!
//! # Cancellation
//!
//! Every future that runs an operation may be dropped at any `.await` (a `select!` branch
//! that lost, a timeout):
//! - the engine forgets the abandoned operation when the next one starts (its command's
//!   answer is read and discarded, see [`imap_core::engine`]);
//! - bytes taken from [`Engine::poll_transmit`] are kept in the connection until written:
//!   a future dropped in the middle of a write leaves the rest, and the next operation writes
//!   it first, before anything else;
//! - reads are cancel-safe: what a read returned is handed to the engine before the next
//!   `.await`;
//! - the one step that cannot be resumed is a TLS handshake (STARTTLS, implicit TLS): the
//!   plain stream is consumed by it, so a future dropped there poisons the connection, and
//!   every later operation fails with [`Error::Io`] saying so;
//! - a chunk being written to the caller's writer ([`Connection::run_into`]) may be written
//!   in part.

use crate::stream::AsyncStream;
use imap_connect::TlsTarget;
use imap_connect::{Error, Result, TimedOut};
use imap_core::client::{ClientConfig, UsageError};
use imap_core::engine::{Engine, Step};
use imap_core::ops::{Operation, op};
use std::io;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// The read buffer size (inside the driving future, per read).
const READ_BUF: usize = 8 * 1024;

/// How long the LOGOUT sent when a logged-in connection is dropped may take.
pub const LOGOUT_ON_DROP: Duration = Duration::from_secs(1);

/// The stream, plain or TLS, or why there is none any more.
enum Io {
    Plain(Box<dyn AsyncStream>),
    Tls(Box<TlsStream<Box<dyn AsyncStream>>>),
    Lost(&'static str),
}

impl Io {
    fn get(&mut self) -> io::Result<&mut (dyn AsyncStream + 'static)> {
        match self {
            Io::Plain(s) => Ok(&mut **s),
            Io::Tls(s) => Ok(&mut **s),
            Io::Lost(why) => Err(io::Error::new(io::ErrorKind::NotConnected, *why)),
        }
    }
}

/// A sink for streamed sections ([`Connection::run_into`]).
pub type Sink<'a> = &'a mut (dyn AsyncWrite + Unpin + Send);

/// An IMAP connection: the core [`Engine`] and the stream it talks over. Operations run one at
/// a time ([`Connection::run_op`]); the high-level methods come from
/// [`imap_core::ops::Commands`] on [`crate::Session`]. See the [module documentation](self)
/// for cancellation.
pub struct Connection {
    engine: Engine,
    io: Io,
    tls: Option<TlsTarget>,
    handshake_timeout: Option<Duration>,
    /// Bytes the engine gave that are not written yet, from `out_pos` (see the module
    /// documentation: they are written before anything else).
    out: Vec<u8>,
    out_pos: usize,
    needs_flush: bool,
    logout_on_drop: bool,
}

impl Connection {
    /// A connection over `stream`, waiting for the greeting. `config.tls` must say whether the
    /// stream is already protected by TLS.
    pub fn new(stream: impl AsyncStream + 'static, config: ClientConfig) -> Connection {
        Connection::from_boxed(Box::new(stream), config)
    }

    pub(crate) fn from_boxed(stream: Box<dyn AsyncStream>, config: ClientConfig) -> Connection {
        Connection {
            engine: Engine::new(config, Instant::now()),
            io: Io::Plain(stream),
            tls: None,
            handshake_timeout: None,
            out: Vec::new(),
            out_pos: 0,
            needs_flush: false,
            logout_on_drop: false,
        }
    }

    /// Sets what STARTTLS upgrades with, and the time limit of a TLS handshake.
    pub(crate) fn set_tls(&mut self, tls: TlsTarget, handshake_timeout: Option<Duration>) {
        self.tls = Some(tls);
        self.handshake_timeout = handshake_timeout;
    }

    /// The engine: the client's state, capabilities, selected mailbox, events.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, mutable (events, limits; commands queued on its client directly belong to
    /// no operation).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Whether the stream is protected by TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self.io, Io::Tls(_))
    }

    /// Whether dropping the connection sends LOGOUT first: when a tokio runtime is running, in
    /// a task of its own, at most [`LOGOUT_ON_DROP`]; otherwise the stream is just closed.
    pub fn set_logout_on_drop(&mut self, logout: bool) {
        self.logout_on_drop = logout;
    }

    /// Runs `op` to its end: the driver loop of [`imap_core::engine`]. Cancel-safe as the
    /// [module documentation](self) says.
    ///
    /// # Errors
    /// The operation's error, I/O and TLS errors, or the connection's once it has ended.
    pub async fn run_op<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        self.run_into(op, None).await
    }

    /// [`Connection::run_op`], writing the chunks of a streamed section to `sink`, flushed at
    /// the end.
    ///
    /// # Errors
    /// As [`Connection::run_op`], and `sink`'s errors.
    pub async fn run_into<O: Operation>(
        &mut self,
        op: O,
        mut sink: Option<Sink<'_>>,
    ) -> Result<O::Output> {
        if let Io::Lost(why) = self.io
            && !self.engine.is_closed()
        {
            self.engine.handle_eof(Instant::now());
            return Err(io::Error::new(io::ErrorKind::NotConnected, why).into());
        }
        // What an abandoned operation left unwritten goes first.
        if self.out_pos < self.out.len() {
            self.write_out().await?;
        }
        let mut run = self.engine.start(op, Instant::now());
        let mut buf = [0u8; READ_BUF];
        loop {
            match self.engine.drive(&mut run, Instant::now()) {
                Step::Done(r) => {
                    if let Some(s) = sink {
                        s.flush().await?;
                    }
                    return Ok(r?);
                }
                Step::Transmit => self.write_out().await?,
                Step::StartTls => {
                    self.upgrade().await?;
                    self.engine.handle_tls_established(Instant::now());
                }
                Step::Chunk(b) => {
                    if let Some(s) = sink.as_mut() {
                        s.write_all(&b).await?;
                    }
                }
                Step::Wait(until) => self.read(until, &mut buf).await?,
                _ => {
                    return Err(Error::Usage(UsageError::Invalid(
                        "a step this driver lacks",
                    )));
                }
            }
        }
    }

    /// Reads once, until `until` at most, and feeds what happened to the engine.
    async fn read(&mut self, until: Option<Instant>, buf: &mut [u8]) -> Result<()> {
        let s = self.io.get()?;
        let read = match until {
            Some(t) => tokio::time::timeout_at(t.into(), s.read(buf)).await.ok(),
            None => Some(s.read(buf).await),
        };
        let now = Instant::now();
        match read {
            None => self.engine.handle_timeout(now),
            Some(Ok(n)) if n > 0 => self.engine.handle_input(now, &buf[..n]),
            // A TLS peer that closes without close_notify: the end of the stream all the same.
            Some(Ok(_)) => self.lose("the server closed the connection"),
            Some(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.lose("the server closed the connection")
            }
            Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Some(Err(e)) => {
                self.lose("reading failed");
                return Err(Error::from_io(e));
            }
        }
        Ok(())
    }

    /// Writes everything the engine gives, after what is left of earlier writes. Each write
    /// and the flush may take until the engine's write deadline; past it, the connection
    /// fails with the engine's typed reason.
    async fn write_out(&mut self) -> Result<()> {
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        if self.engine.poll_transmit(&mut self.out) > 0 {
            self.needs_flush = true;
        }
        let r: io::Result<bool> = async {
            while self.out_pos < self.out.len() {
                let deadline = self.engine.write_deadline(Instant::now());
                let w = self.io.get()?.write(&self.out[self.out_pos..]);
                match bounded(deadline, w).await? {
                    None => return Ok(false),
                    Some(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Some(n) => self.out_pos += n,
                }
            }
            if self.needs_flush {
                let deadline = self.engine.write_deadline(Instant::now());
                if bounded(deadline, self.io.get()?.flush()).await?.is_none() {
                    return Ok(false);
                }
                self.needs_flush = false;
            }
            Ok(true)
        }
        .await;
        match r {
            Ok(true) => Ok(()),
            Ok(false) => {
                // The stream may end inside a command: it is dropped.
                self.io = Io::Lost("a write timed out");
                self.engine.handle_write_timeout(Instant::now());
                Err(self.engine.closed_error().into())
            }
            Err(e) => {
                self.lose("writing failed");
                Err(Error::from_io(e))
            }
        }
    }

    fn lose(&mut self, why: &'static str) {
        self.io = Io::Lost(why);
        self.engine.handle_eof(Instant::now());
    }

    /// Wraps the plain stream in TLS (implicit TLS, or after STARTTLS's OK), the handshake
    /// bounded by the connect timeout. Dropped in the middle, it poisons the connection.
    pub(crate) async fn upgrade(&mut self) -> Result<()> {
        let tls = self.tls.clone().ok_or(Error::Usage(UsageError::Invalid(
            "no TLS settings for this connection",
        )))?;
        let lost = Io::Lost("a TLS handshake did not finish (its future was dropped)");
        let Io::Plain(plain) = std::mem::replace(&mut self.io, lost) else {
            return Err(Error::Usage(UsageError::Invalid("the stream is not plain")));
        };
        let connect = TlsConnector::from(tls.config).connect(tls.name, plain);
        let r = match self.handshake_timeout {
            Some(t) => tokio::time::timeout(t, connect).await.ok(),
            None => Some(connect.await),
        };
        match r {
            Some(Ok(s)) => {
                self.io = Io::Tls(Box::new(s));
                Ok(())
            }
            Some(Err(e)) => {
                self.lose("the TLS handshake failed");
                Err(Error::from_io(e))
            }
            None => {
                self.lose("the TLS handshake timed out");
                Err(Error::Timeout(TimedOut::TlsHandshake))
            }
        }
    }

    /// Logs out (see [`op::Logout`]) and shuts the stream down.
    ///
    /// # Errors
    /// When LOGOUT fails; nothing when the connection is already closed.
    pub(crate) async fn logout(&mut self) -> Result<()> {
        self.logout_on_drop = false;
        let r = self.run_op(op::Logout::new()).await;
        if let Ok(w) = self.io.get() {
            let _ = tokio::time::timeout(Duration::from_millis(200), w.shutdown()).await;
        }
        self.io = Io::Lost("logged out");
        r
    }
}

/// `io` bounded by `deadline` (`None`: unbounded); `Ok(None)` when the deadline passed first.
async fn bounded<T>(
    deadline: Option<Instant>,
    io: impl Future<Output = io::Result<T>>,
) -> io::Result<Option<T>> {
    match deadline {
        Some(d) => match tokio::time::timeout_at(d.into(), io).await {
            Ok(r) => r.map(Some),
            Err(_) => Ok(None),
        },
        None => io.await.map(Some),
    }
}

/// LOGOUT on drop: a logged-in connection dropped inside a tokio runtime is logged out by a
/// task of its own (ending a running IDLE and writing what was left unwritten first), at most
/// [`LOGOUT_ON_DROP`]; outside a runtime the stream is closed without LOGOUT.
impl Drop for Connection {
    fn drop(&mut self) {
        if !self.logout_on_drop || self.engine.is_closed() || matches!(self.io, Io::Lost(_)) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut conn = Connection {
            engine: std::mem::replace(
                &mut self.engine,
                Engine::new(ClientConfig::default(), Instant::now()),
            ),
            io: std::mem::replace(&mut self.io, Io::Lost("dropped")),
            tls: None,
            handshake_timeout: None,
            out: std::mem::take(&mut self.out),
            out_pos: self.out_pos,
            needs_flush: self.needs_flush,
            logout_on_drop: false,
        };
        handle.spawn(async move {
            let _ = tokio::time::timeout(LOGOUT_ON_DROP, conn.logout()).await;
        });
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("engine", &self.engine)
            .field("tls", &self.is_tls())
            .finish_non_exhaustive()
    }
}
