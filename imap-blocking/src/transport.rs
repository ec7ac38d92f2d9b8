//! The transport: moves bytes between a [`Stream`] (plain or rustls) and the sans-IO
//! [`Engine`], and time into it, with one generic loop ([`Transport::run`]) that runs any
//! [`Operation`] as the engine's module documentation describes. It never parses IMAP.

use crate::stream::Stream;
use imap_connect::rustls::{ClientConnection, StreamOwned};
use imap_connect::{Error, Result, TimedOut, TlsTarget};
use imap_core::client::{ClientConfig, UsageError};
use imap_core::engine::{Engine, Step};
use imap_core::ops::{Operation, op};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// The read buffer size (on the stack, per read).
const READ_BUF: usize = 16 * 1024;

/// How long the LOGOUT sent when a logged-in client or session is dropped may take.
pub const LOGOUT_ON_DROP: Duration = Duration::from_secs(1);

/// The stream, plain or TLS, or why there is none any more.
enum Io {
    Plain(Box<dyn Stream>),
    Tls(Box<StreamOwned<ClientConnection, Box<dyn Stream>>>),
    Lost(&'static str),
}

impl Io {
    /// The socket underneath (for its timeouts).
    fn socket(&mut self) -> io::Result<&mut dyn Stream> {
        match self {
            Io::Plain(s) => Ok(&mut **s),
            Io::Tls(s) => Ok(&mut *s.sock),
            Io::Lost(why) => Err(io::Error::new(io::ErrorKind::NotConnected, *why)),
        }
    }

    /// What IMAP is read from and written to.
    fn bytes(&mut self) -> io::Result<&mut dyn ReadWrite> {
        match self {
            Io::Plain(s) => Ok(s),
            Io::Tls(s) => Ok(&mut **s),
            Io::Lost(why) => Err(io::Error::new(io::ErrorKind::NotConnected, *why)),
        }
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write + ?Sized> ReadWrite for T {}

/// The engine and the stream it talks over; one operation at a time.
pub(crate) struct Transport {
    engine: Engine,
    io: Io,
    tls: Option<TlsTarget>,
    handshake_timeout: Option<Duration>,
    /// While connecting (or logging out on drop): nothing may wait past this instant, and
    /// what was waited for when it passes.
    limit: Option<(Instant, TimedOut)>,
    out: Vec<u8>,
    logout_on_drop: bool,
}

impl Transport {
    /// A transport over `stream`, waiting for the greeting.
    pub(crate) fn new(stream: Box<dyn Stream>, config: ClientConfig, max_events: usize) -> Self {
        let mut engine = Engine::new(config, Instant::now());
        engine.set_max_events(max_events);
        Transport {
            engine,
            io: Io::Plain(stream),
            tls: None,
            handshake_timeout: None,
            limit: None,
            out: Vec::new(),
            logout_on_drop: false,
        }
    }

    /// What TLS upgrades with, and the time limit of a handshake after connecting.
    pub(crate) fn set_tls(&mut self, tls: TlsTarget, handshake_timeout: Option<Duration>) {
        self.tls = Some(tls);
        self.handshake_timeout = handshake_timeout;
    }

    /// Bounds everything until [`Transport::set_limit`] with `None` (connecting).
    pub(crate) fn set_limit(&mut self, limit: Option<(Instant, TimedOut)>) {
        self.limit = limit;
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    pub(crate) fn is_tls(&self) -> bool {
        matches!(self.io, Io::Tls(_))
    }

    pub(crate) fn set_logout_on_drop(&mut self, logout: bool) {
        self.logout_on_drop = logout;
    }

    /// Runs `op` to its end: the driver loop of [`imap_core::engine`].
    pub(crate) fn run<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        self.run_into(op, None)
    }

    /// [`Transport::run`], writing the chunks of a streamed section to `sink` (flushed at
    /// the end).
    pub(crate) fn run_into<O: Operation>(
        &mut self,
        op: O,
        mut sink: Option<&mut dyn Write>,
    ) -> Result<O::Output> {
        if let Io::Lost(why) = self.io
            && !self.engine.is_closed()
        {
            self.engine.handle_eof(Instant::now());
            return Err(io::Error::new(io::ErrorKind::NotConnected, why).into());
        }
        let mut run = self.engine.start(op, Instant::now());
        let mut buf = [0u8; READ_BUF];
        loop {
            match self.engine.drive(&mut run, Instant::now()) {
                Step::Done(r) => {
                    if let Some(s) = sink {
                        s.flush()?;
                    }
                    return Ok(r?);
                }
                Step::Transmit => self.write_out()?,
                Step::StartTls => {
                    self.upgrade()?;
                    self.engine.handle_tls_established(Instant::now());
                }
                Step::Chunk(b) => {
                    if let Some(s) = sink.as_mut() {
                        s.write_all(&b)?;
                    }
                }
                Step::Wait(until) => self.read(until, &mut buf)?,
                _ => {
                    return Err(Error::Usage(UsageError::Invalid(
                        "a step this driver lacks",
                    )));
                }
            }
        }
    }

    /// `until`, no later than the limit; an error once the limit has passed.
    fn bounded(&self, until: Option<Instant>) -> Result<Option<Instant>> {
        match self.limit {
            Some((limit, _)) if Instant::now() < limit => {
                Ok(Some(until.map_or(limit, |u| u.min(limit))))
            }
            Some((_, what)) => Err(Error::Timeout(what)),
            None => Ok(until),
        }
    }

    /// Reads once, until `until` at most, and feeds what happened to the engine.
    fn read(&mut self, until: Option<Instant>, buf: &mut [u8]) -> Result<()> {
        let bound = self.bounded(until)?;
        let now = Instant::now();
        if let Some(t) = bound.filter(|t| *t <= now) {
            self.engine.handle_timeout(t.max(now));
            return Ok(());
        }
        self.io.socket()?.set_read_timeout(bound.map(|t| t - now))?;
        let r = self.io.bytes()?.read(buf);
        let now = Instant::now();
        match r {
            Ok(0) => self.lose("the server closed the connection"),
            Ok(n) => self.engine.handle_input(now, &buf[..n]),
            Err(e) if is_timeout(&e) => self.engine.handle_timeout(now),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // A TLS peer that closes without close_notify: the end of the stream all the same.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.lose("the server closed the connection")
            }
            Err(e) => {
                self.lose("reading failed");
                return Err(Error::from_io(e));
            }
        }
        Ok(())
    }

    /// Writes everything the engine gives; each write may take until the engine's write
    /// deadline (and the limit), past which the connection fails with the typed reason.
    fn write_out(&mut self) -> Result<()> {
        self.out.clear();
        self.engine.poll_transmit(&mut self.out);
        let mut at = 0;
        let r = loop {
            let now = Instant::now();
            let deadline = self.bounded(self.engine.write_deadline(now))?;
            self.io
                .socket()?
                .set_write_timeout(deadline.map(|d| d.saturating_duration_since(now)))?;
            let w = self.io.bytes()?;
            let r = if at < self.out.len() {
                w.write(&self.out[at..])
            } else {
                break w.flush();
            };
            match r {
                Ok(0) => break Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => at += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) if is_timeout(&e) => {
                self.bounded(None)?;
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

    /// Wraps the plain stream in TLS (implicit TLS, or after STARTTLS's OK) and completes the
    /// handshake, within the limit or the handshake timeout.
    pub(crate) fn upgrade(&mut self) -> Result<()> {
        let tls = self.tls.clone().ok_or(Error::Usage(UsageError::Invalid(
            "no TLS settings for this connection",
        )))?;
        let Io::Plain(mut sock) = std::mem::replace(&mut self.io, Io::Lost("TLS failed")) else {
            return Err(Error::Usage(UsageError::Invalid("the stream is not plain")));
        };
        let mut conn = ClientConnection::new(tls.config, tls.name).map_err(Error::Tls)?;
        let deadline = match self.limit {
            Some((limit, _)) => Some(limit),
            None => self.handshake_timeout.map(|t| Instant::now() + t),
        };
        while conn.is_handshaking() {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let r = match left {
                Some(Duration::ZERO) => Err(io::ErrorKind::TimedOut.into()),
                _ => sock
                    .set_read_timeout(left)
                    .and_then(|_| sock.set_write_timeout(left))
                    .and_then(|_| conn.complete_io(&mut sock)),
            };
            if let Err(e) = r {
                self.engine.handle_eof(Instant::now());
                return Err(match is_timeout(&e) {
                    true => Error::Timeout(TimedOut::TlsHandshake),
                    false => Error::from_io(e),
                });
            }
        }
        self.io = Io::Tls(Box::new(StreamOwned::new(conn, sock)));
        Ok(())
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// LOGOUT on drop: a logged-in (or greeted) connection dropped without LOGOUT sends it,
/// ending a running IDLE first, and waits for the answer at most [`LOGOUT_ON_DROP`].
impl Drop for Transport {
    fn drop(&mut self) {
        if !self.logout_on_drop || self.engine.is_closed() || matches!(self.io, Io::Lost(_)) {
            return;
        }
        self.limit = Some((Instant::now() + LOGOUT_ON_DROP, TimedOut::Connecting));
        let _ = self.run(op::Logout::new());
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("engine", &self.engine)
            .field("tls", &self.is_tls())
            .finish_non_exhaustive()
    }
}
