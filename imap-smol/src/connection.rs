//! The transport: [`Connection`] moves bytes between a futures-io [`AsyncStream`] and the core
//! [`Engine`](imap_core::engine::Engine), and time into it ([`smol::Timer`]), with one loop ([`Connection::run`]) that
//! runs any [`Operation`] as [`imap_core::engine`] describes.
//!
//! Cancellation is as in `imap-tokio`: a dropped future leaves the connection usable (the
//! engine forgets the abandoned operation at the next start; bytes taken from the engine and
//! not written yet stay here and are written first), except in the middle of a TLS handshake,
//! which poisons it ([`imap_connect::Error::Io`] on every later operation).

use futures_rustls::TlsConnector;
use futures_rustls::client::TlsStream;
use imap_connect::wire::unknown_step;
use imap_connect::{Error, ReadBuf, Result, TlsTarget, Wire};
use imap_core::client::ClientConfig;
use imap_core::engine::Step;
use imap_core::ops::{Operation, op};
use smol::Timer;
use smol::future::{self, Future};
use smol::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::io;
use std::time::Instant;

/// A byte stream the connection can drive: any futures-io `AsyncRead + AsyncWrite + Unpin +
/// Send` (`smol::net::TcpStream`, `smol::Async<std::net::TcpStream>`, pipes, ...).
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> AsyncStream for T {}

/// A sink for streamed sections ([`Connection::run_into`]).
pub(crate) type Sink<'a> = &'a mut (dyn AsyncWrite + Unpin + Send);

type Plain = Box<dyn AsyncStream>;
type Tls = Box<TlsStream<Box<dyn AsyncStream>>>;

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

/// I/O bounded by `deadline`: past it, a [`io::ErrorKind::TimedOut`] error (which
/// [`Wire::feed_read`] and [`Wire::write_failed`] take as a timeout).
async fn timed<T>(
    deadline: Option<Instant>,
    f: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    let late = || Err(io::ErrorKind::TimedOut.into());
    until(deadline, f).await.unwrap_or_else(late)
}

/// An IMAP connection: the engine and the stream ([`Wire`]), the read buffer (on the heap and
/// small while idle: [`ReadBuf`]), and the bytes taken from the engine and not written yet. Dropping it closes the stream (smol has no ambient runtime to
/// send LOGOUT from: call `logout()`).
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) wire: Wire<Plain, Tls>,
    read: ReadBuf,
    out: Vec<u8>,
    out_pos: usize,
    /// The child process the stream talks to ([`crate::SmolConnect::connect_command`]).
    child: Option<smol::process::Child>,
}

impl Connection {
    /// A connection over `stream`, waiting for the greeting.
    pub fn new(
        stream: impl AsyncStream + 'static,
        config: ClientConfig,
        max_events: usize,
    ) -> Self {
        let wire = Wire::new(Box::new(stream) as Plain, config, max_events);
        Connection {
            wire,
            read: ReadBuf::new(),
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
        self.wire.set_tls(target, None);
    }

    /// Runs `op` to its end (the engine's driver loop).
    ///
    /// # Errors
    /// The operation's error, I/O and TLS errors, or the connection's once it has ended.
    pub async fn run<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        self.run_into(op, &mut smol::io::sink()).await
    }

    /// [`Connection::run`], writing the chunks of a streamed section to `sink`.
    ///
    /// # Errors
    /// As [`Connection::run`], and `sink`'s errors.
    pub async fn run_into<O: Operation>(&mut self, op: O, sink: Sink<'_>) -> Result<O::Output> {
        self.wire.ensure_usable()?;
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
                Step::Wait(deadline) => {
                    let s: &mut (dyn AsyncStream + 'static) = match self.wire.stream()? {
                        Ok(plain) => plain,
                        Err(tls) => tls,
                    };
                    let buf = self.read.space();
                    let read = timed(deadline, s.read(buf)).await;
                    let n = read.as_ref().ok().copied();
                    self.wire.feed_read(read, buf)?;
                    self.read.filled(n.unwrap_or(0));
                }
                _ => return Err(unknown_step()),
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
        self.wire.engine.poll_transmit(&mut self.out);
        loop {
            let deadline = self.wire.engine.write_deadline(Instant::now());
            let rest = &self.out[self.out_pos..];
            let w: &mut (dyn AsyncStream + 'static) = match self.wire.stream()? {
                Ok(plain) => plain,
                Err(tls) => tls,
            };
            let r = match rest.is_empty() {
                true => timed(deadline, w.flush()).await.map(|()| None),
                false => timed(deadline, w.write(rest)).await.map(Some),
            };
            match r {
                Ok(None) => return Ok(()),
                Ok(Some(0)) => return Err(self.wire.write_failed(io::ErrorKind::WriteZero.into())),
                Ok(Some(n)) => self.out_pos += n,
                Err(e) => return Err(self.wire.write_failed(e)),
            }
        }
    }

    /// Wraps the plain stream in TLS; dropped in the middle, it poisons the connection.
    pub(crate) async fn upgrade(&mut self) -> Result<()> {
        let (plain, tls) = self.wire.start_upgrade()?;
        match TlsConnector::from(tls.config)
            .connect(tls.name, plain)
            .await
        {
            Ok(s) => {
                self.wire.upgraded(Box::new(s));
                Ok(())
            }
            Err(e) => {
                self.wire.lose("the TLS handshake failed");
                Err(Error::from_handshake(e))
            }
        }
    }

    /// LOGOUT, then closes the stream.
    pub(crate) async fn logout(&mut self) -> Result<()> {
        let r = self.run(op::Logout::new()).await;
        if let Ok(s) = self.wire.stream() {
            let s: &mut (dyn AsyncStream + 'static) = match s {
                Ok(plain) => plain,
                Err(tls) => tls,
            };
            let _ = until(Some(Instant::now() + op::LOGOUT_LINGER), s.close()).await;
        }
        self.wire.lose("logged out");
        r
    }
}
