//! The transport: [`Connection`] moves bytes between an [`AsyncStream`] and the sans-IO
//! [`Engine`](imap_core::engine::Engine), and time into it, with one generic loop ([`Connection::run`]) that runs any
//! [`Operation`] as the engine's module documentation describes. It never parses IMAP.
//!
//! # Cancellation
//!
//! Every future that runs an operation may be dropped at any `.await` (a `select!` branch
//! that lost, a timeout):
//! - the engine forgets the abandoned operation when the next one starts (its command's
//!   answer is read and discarded, see [`imap_core::engine`]);
//! - bytes taken from [`Engine::poll_transmit`](imap_core::engine::Engine::poll_transmit) are kept in the connection until written:
//!   a future dropped in the middle of a write leaves the rest, and the next operation writes
//!   it first, before anything else;
//! - reads are cancel-safe: what a read returned is handed to the engine before the next
//!   `.await`;
//! - the one step that cannot be resumed is a TLS handshake (STARTTLS, implicit TLS): the
//!   plain stream is consumed by it, so a future dropped there poisons the connection, and
//!   every later operation fails with [`imap_connect::Error::Io`] saying so;
//! - a chunk being written to the caller's writer ([`Connection::run_into`]) may be written
//!   in part.

use crate::stream::AsyncStream;
use imap_connect::wire::unknown_step;
use imap_connect::{Error, LOGOUT_ON_DROP, ReadBuf, Result, TimedOut, Wire};
use imap_core::client::ClientConfig;
use imap_core::engine::Step;
use imap_core::ops::{Operation, op};
use std::io;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

type Plain = Box<dyn AsyncStream>;
type Tls = Box<TlsStream<Box<dyn AsyncStream>>>;

/// A sink for streamed sections ([`Connection::run_into`]).
pub(crate) type Sink<'a> = &'a mut (dyn AsyncWrite + Unpin + Send);

/// An IMAP connection: the engine and the stream ([`Wire`]), the read buffer (on the heap and
/// small while idle: [`ReadBuf`]) and the bytes taken from the engine and not written yet. Operations run one at a time ([`Connection::run`]); the high-level
/// methods come from [`imap_core::ops::Commands`] on [`crate::Session`]. See the [module
/// documentation](self) for cancellation.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) wire: Wire<Plain, Tls>,
    read: ReadBuf,
    /// Bytes the engine gave that are not written yet, from `out_pos` (see the module
    /// documentation: they are written before anything else).
    out: Vec<u8>,
    out_pos: usize,
    needs_flush: bool,
}

impl Connection {
    /// A connection over `stream`, waiting for the greeting. `config.tls` must say whether the
    /// stream is already protected by TLS.
    pub fn new(
        stream: impl AsyncStream + 'static,
        config: ClientConfig,
        max_events: usize,
    ) -> Self {
        Connection {
            wire: Wire::new(Box::new(stream), config, max_events),
            read: ReadBuf::new(),
            out: Vec::new(),
            out_pos: 0,
            needs_flush: false,
        }
    }

    /// The stream's state and settings.
    pub(crate) fn wire(&mut self) -> &mut Wire<Plain, Tls> {
        &mut self.wire
    }

    /// Runs `op` to its end: the driver loop of [`imap_core::engine`]. Cancel-safe as the
    /// [module documentation](self) says.
    ///
    /// # Errors
    /// The operation's error, I/O and TLS errors, or the connection's once it has ended.
    pub async fn run<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        self.run_into(op, &mut tokio::io::sink()).await
    }

    /// [`Connection::run`], writing the chunks of a streamed section to `sink`, flushed at
    /// the end.
    ///
    /// # Errors
    /// As [`Connection::run`], and `sink`'s errors.
    pub async fn run_into<O: Operation>(&mut self, op: O, sink: Sink<'_>) -> Result<O::Output> {
        self.wire.ensure_usable()?;
        // What an abandoned operation left unwritten goes first.
        if self.out_pos < self.out.len() {
            self.write_out().await?;
        }
        let mut run = self.wire.start(op)?;
        loop {
            match self.wire.engine.drive(&mut run, Instant::now()) {
                Step::Done(r) => {
                    self.read.reset();
                    sink.flush().await?;
                    return Ok(r?);
                }
                Step::Transmit => self.write_out().await?,
                Step::StartTls => {
                    // Boxed: the handshake's state would otherwise make every operation's
                    // future (an IDLE's, held for hours) as large as itself.
                    Box::pin(self.upgrade()).await?;
                    self.wire.engine.handle_tls_established(Instant::now());
                }
                Step::Chunk(b) => sink.write_all(&b).await?,
                Step::Wait(until) => {
                    let buf = self.read.space();
                    let read = match self.wire.stream()? {
                        Ok(plain) => timed(until, plain.read(buf)).await,
                        Err(tls) => timed(until, tls.read(buf)).await,
                    };
                    let n = read.as_ref().ok().copied();
                    self.wire.feed_read(read, buf)?;
                    self.read.filled(n.unwrap_or(0));
                }
                _ => return Err(unknown_step()),
            }
        }
    }

    /// Writes everything the engine gives, after what is left of earlier writes. Each write
    /// and the flush may take until the engine's write deadline; past it, the connection
    /// fails with the engine's typed reason.
    async fn write_out(&mut self) -> Result<()> {
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        if self.wire.engine.poll_transmit(&mut self.out) > 0 {
            self.needs_flush = true;
        }
        while self.out_pos < self.out.len() || self.needs_flush {
            let deadline = self.wire.engine.write_deadline(Instant::now());
            let rest = &self.out[self.out_pos..];
            let w: &mut (dyn AsyncWrite + Unpin + Send) = match self.wire.stream()? {
                Ok(plain) => plain,
                Err(tls) => tls,
            };
            let r = match rest.is_empty() {
                true => timed(deadline, w.flush()).await.map(|()| None),
                false => timed(deadline, w.write(rest)).await.map(Some),
            };
            match r {
                Ok(None) => self.needs_flush = false,
                Ok(Some(0)) => return Err(self.wire.write_failed(io::ErrorKind::WriteZero.into())),
                Ok(Some(n)) => self.out_pos += n,
                Err(e) => return Err(self.wire.write_failed(e)),
            }
        }
        Ok(())
    }

    /// Wraps the plain stream in TLS (implicit TLS, or after STARTTLS's OK), the handshake
    /// bounded by the connect timeout. Dropped in the middle, it poisons the connection.
    pub(crate) async fn upgrade(&mut self) -> Result<()> {
        let (plain, tls) = self.wire.start_upgrade()?;
        let connect = TlsConnector::from(tls.config).connect(tls.name, plain);
        let timeout = self.wire.handshake_timeout();
        match timed(timeout.map(|t| Instant::now() + t), connect).await {
            Ok(s) => {
                self.wire.upgraded(Box::new(s));
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                self.wire.lose("the TLS handshake timed out");
                Err(Error::Timeout(TimedOut::TlsHandshake))
            }
            Err(e) => {
                self.wire.lose("the TLS handshake failed");
                Err(Error::from_handshake(e))
            }
        }
    }

    /// Logs out (see [`op::Logout`]) and shuts the stream down.
    ///
    /// # Errors
    /// When LOGOUT fails; nothing when the connection is already closed.
    pub(crate) async fn logout(&mut self) -> Result<()> {
        self.wire.set_logout_on_drop(false);
        let r = self.run(op::Logout::new()).await;
        let shutdown = async {
            match self.wire.stream()? {
                Ok(plain) => plain.shutdown().await,
                Err(tls) => tls.shutdown().await,
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(200), shutdown).await;
        self.wire.lose("logged out");
        r
    }
}

/// `io` bounded by `deadline` (`None`: unbounded); a [`io::ErrorKind::TimedOut`] error when the
/// deadline passed first ([`Wire::feed_read`] and [`Wire::write_failed`] take it as a timeout).
async fn timed<T>(
    deadline: Option<Instant>,
    io: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match deadline {
        Some(d) => tokio::time::timeout_at(d.into(), io)
            .await
            .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into())),
        None => io.await,
    }
}

/// LOGOUT on drop: a logged-in connection dropped inside a tokio runtime is logged out by a
/// task of its own (ending a running IDLE and writing what was left unwritten first), at most
/// [`LOGOUT_ON_DROP`]; outside a runtime the stream is closed without LOGOUT.
impl Drop for Connection {
    fn drop(&mut self) {
        if !self.wire.wants_logout_on_drop() {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let placeholder = Wire::new(
            Box::new(tokio::io::empty()) as Plain,
            ClientConfig::default(),
            0,
        );
        let mut conn = Connection {
            wire: std::mem::replace(&mut self.wire, placeholder),
            read: ReadBuf::new(),
            out: std::mem::take(&mut self.out),
            out_pos: self.out_pos,
            needs_flush: self.needs_flush,
        };
        // The task's copy must not do this again if the runtime drops the task unrun.
        conn.wire.set_logout_on_drop(false);
        handle.spawn(async move {
            let _ = tokio::time::timeout(LOGOUT_ON_DROP, conn.logout()).await;
        });
    }
}
