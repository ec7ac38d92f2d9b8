//! The transport: [`Connection`] moves bytes between a futures-io [`Stream`] and the core
//! [`Engine`], and time into it ([`smol::Timer`]), with one loop ([`Connection::run_op`]) that
//! runs any [`Operation`] as [`imap_core::engine`] describes.
//!
//! Cancellation is as in `imap-tokio`: a dropped future leaves the connection usable (the
//! engine forgets the abandoned operation at the next start; bytes taken from the engine and
//! not written yet stay here and are written first), except in the middle of a TLS handshake,
//! which poisons it ([`imap_connect::Error::Io`] on every later operation).

use futures_rustls::TlsConnector;
use futures_rustls::client::TlsStream;
use imap_connect::{Error, Result, TlsTarget};
use imap_core::client::{ClientConfig, UsageError};
use imap_core::engine::{Engine, Step};
use imap_core::ops::{Operation, op};
use smol::Timer;
use smol::future::{self, Future};
use smol::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::io;
use std::time::Instant;

/// A byte stream the connection can drive: any futures-io `AsyncRead + AsyncWrite + Unpin +
/// Send` (`smol::net::TcpStream`, `smol::Async<std::net::TcpStream>`, pipes, ...).
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A sink for streamed sections ([`Connection::run_into`]).
pub type Sink<'a> = &'a mut (dyn AsyncWrite + Unpin + Send);

enum Io {
    Plain(Box<dyn Stream>),
    Tls(Box<TlsStream<Box<dyn Stream>>>),
    Lost(&'static str),
}

impl Io {
    fn get(&mut self) -> io::Result<&mut (dyn Stream + 'static)> {
        match self {
            Io::Plain(s) => Ok(&mut **s),
            Io::Tls(s) => Ok(&mut **s),
            Io::Lost(why) => Err(io::Error::new(io::ErrorKind::NotConnected, *why)),
        }
    }
}

/// A TLS peer that closes without close_notify: the end of the stream all the same.
fn eof_as_end(e: io::Error) -> io::Result<usize> {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Ok(0),
        _ => Err(e),
    }
}

/// `f`, unless `deadline` passes first (`None`).
pub(crate) async fn until<T>(deadline: Option<Instant>, f: impl Future<Output = T>) -> Option<T> {
    let Some(d) = deadline else {
        return Some(f.await);
    };
    future::or(async { Some(f.await) }, async {
        Timer::at(d).await;
        None
    })
    .await
}

/// An IMAP connection: the core [`Engine`] and the stream it talks over. Dropping it closes
/// the stream (smol has no ambient runtime to send LOGOUT from: call `logout()`).
pub struct Connection {
    engine: Engine,
    io: Io,
    tls: Option<TlsTarget>,
    out: Vec<u8>,
    out_pos: usize,
    /// The child process the stream talks to ([`crate::SmolConnect::connect_command`]).
    child: Option<smol::process::Child>,
}

impl Connection {
    /// A connection over `stream`, waiting for the greeting.
    pub fn new(stream: impl Stream + 'static, config: ClientConfig) -> Connection {
        Connection {
            engine: Engine::new(config, Instant::now()),
            io: Io::Plain(Box::new(stream)),
            tls: None,
            out: Vec::new(),
            out_pos: 0,
            child: None,
        }
    }

    /// Keeps `child` alive (and kills it) with the connection.
    pub(crate) fn set_child(&mut self, child: smol::process::Child) {
        self.child = Some(child);
    }

    /// Sets what a TLS handshake uses.
    pub(crate) fn set_tls(&mut self, target: TlsTarget) {
        self.tls = Some(target);
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, mutable.
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Whether the stream is protected by TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self.io, Io::Tls(_))
    }

    /// Runs `op` to its end (the engine's driver loop).
    ///
    /// # Errors
    /// The operation's error, I/O and TLS errors, or the connection's once it has ended.
    pub async fn run_op<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        self.run_into(op, &mut smol::io::sink()).await
    }

    /// [`Connection::run_op`], writing the chunks of a streamed section to `sink`.
    ///
    /// # Errors
    /// As [`Connection::run_op`], and `sink`'s errors.
    pub async fn run_into<O: Operation>(&mut self, op: O, sink: Sink<'_>) -> Result<O::Output> {
        if let Io::Lost(why) = self.io
            && !self.engine.is_closed()
        {
            self.engine.handle_eof(Instant::now());
            return Err(io::Error::new(io::ErrorKind::NotConnected, why).into());
        }
        if self.out_pos < self.out.len() {
            self.write_out().await?;
        }
        let mut run = self.engine.start(op, Instant::now());
        let mut buf = [0u8; 8 * 1024];
        loop {
            match self.engine.drive(&mut run, Instant::now()) {
                Step::Done(r) => {
                    sink.flush().await?;
                    return Ok(r?);
                }
                Step::Transmit => self.write_out().await?,
                Step::StartTls => {
                    self.upgrade().await?;
                    self.engine.handle_tls_established(Instant::now());
                }
                Step::Chunk(b) => sink.write_all(&b).await?,
                Step::Wait(deadline) => {
                    let s = self.io.get()?;
                    let read = until(deadline, s.read(&mut buf)).await;
                    let now = Instant::now();
                    match read.map(|r| r.or_else(eof_as_end)) {
                        None => self.engine.handle_timeout(now),
                        Some(Ok(0)) => self.lose("the server closed the connection"),
                        Some(Ok(n)) => self.engine.handle_input(now, &buf[..n]),
                        Some(Err(e)) => {
                            self.lose("reading failed");
                            return Err(Error::from_io(e));
                        }
                    }
                }
                _ => {
                    return Err(Error::Usage(UsageError::Invalid(
                        "a step this driver lacks",
                    )));
                }
            }
        }
    }

    /// Writes everything the engine gives after what is left of earlier writes, each write
    /// bounded by the engine's write deadline.
    async fn write_out(&mut self) -> Result<()> {
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        self.engine.poll_transmit(&mut self.out);
        let r: io::Result<bool> = async {
            while self.out_pos < self.out.len() {
                let deadline = self.engine.write_deadline(Instant::now());
                let w = self.io.get()?.write(&self.out[self.out_pos..]);
                match until(deadline, w).await.transpose()? {
                    None => return Ok(false),
                    Some(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Some(n) => self.out_pos += n,
                }
            }
            let deadline = self.engine.write_deadline(Instant::now());
            Ok(until(deadline, self.io.get()?.flush())
                .await
                .transpose()?
                .is_some())
        }
        .await;
        match r {
            Ok(true) => Ok(()),
            Ok(false) => {
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

    /// Wraps the plain stream in TLS; dropped in the middle, it poisons the connection.
    pub(crate) async fn upgrade(&mut self) -> Result<()> {
        let Some(target) = self.tls.clone() else {
            return Err(Error::Usage(UsageError::Invalid("no TLS settings")));
        };
        let lost = Io::Lost("a TLS handshake did not finish (its future was dropped)");
        let Io::Plain(plain) = std::mem::replace(&mut self.io, lost) else {
            return Err(Error::Usage(UsageError::Invalid("the stream is not plain")));
        };
        let connect = TlsConnector::from(target.config).connect(target.name, plain);
        match connect.await {
            Ok(s) => {
                self.io = Io::Tls(Box::new(s));
                Ok(())
            }
            Err(e) => {
                self.lose("the TLS handshake failed");
                Err(Error::from_io(e))
            }
        }
    }

    /// LOGOUT, then closes the stream.
    pub(crate) async fn logout(&mut self) -> Result<()> {
        let r = self.run_op(op::Logout::new()).await;
        if let Ok(s) = self.io.get() {
            let _ = until(Some(Instant::now() + op::LOGOUT_LINGER), s.close()).await;
        }
        self.io = Io::Lost("logged out");
        r
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
