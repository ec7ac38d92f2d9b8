//! The transport: moves bytes between a [`Stream`] (plain or rustls) and the sans-IO engine
//! held by the shared [`Wire`], and time into it, with one generic loop
//! ([`Transport::run_into`]) that runs any [`Operation`] as the engine's module documentation
//! describes. It never parses IMAP.

use crate::stream::Stream;
use imap_connect::rustls::{ClientConnection, StreamOwned};
use imap_connect::wire::is_timeout;
use imap_connect::wire::unknown_step;
use imap_connect::{Error, LOGOUT_ON_DROP, Result, TimedOut, Wire};
use imap_core::engine::Step;
use imap_core::ops::{Operation, op};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// The read buffer size (on the stack, per read).
const READ_BUF: usize = 16 * 1024;

type TlsStream = Box<StreamOwned<ClientConnection, Box<dyn Stream>>>;

/// The engine and the stream it talks over; one operation at a time.
pub(crate) struct Transport {
    pub(crate) wire: Wire<Box<dyn Stream>, TlsStream>,
    /// While connecting (or logging out on drop): nothing may wait past this instant, and
    /// what was waited for when it passes.
    limit: Option<(Instant, TimedOut)>,
    out: Vec<u8>,
}

impl Transport {
    pub(crate) fn new(wire: Wire<Box<dyn Stream>, TlsStream>) -> Self {
        Transport {
            wire,
            limit: None,
            out: Vec::new(),
        }
    }

    /// Bounds everything until it is set to `None` again (connecting).
    pub(crate) fn set_limit(&mut self, limit: Option<(Instant, TimedOut)>) {
        self.limit = limit;
    }

    /// Runs `op` to its end: the driver loop of [`imap_core::engine`].
    pub(crate) fn run<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        self.run_into(op, &mut io::sink())
    }

    /// [`Transport::run`], writing the chunks of a streamed section to `sink` (flushed at
    /// the end).
    pub(crate) fn run_into<O: Operation>(
        &mut self,
        op: O,
        sink: &mut dyn Write,
    ) -> Result<O::Output> {
        let mut run = self.wire.start(op)?;
        let mut buf = [0u8; READ_BUF];
        loop {
            match self.wire.engine.drive(&mut run, Instant::now()) {
                Step::Done(r) => {
                    sink.flush()?;
                    return Ok(r?);
                }
                Step::Transmit => self.write_out()?,
                Step::StartTls => {
                    self.upgrade()?;
                    self.wire.engine.handle_tls_established(Instant::now());
                }
                Step::Chunk(b) => sink.write_all(&b)?,
                Step::Wait(until) => self.read(until, &mut buf)?,
                _ => return Err(unknown_step()),
            }
        }
    }

    /// LOGOUT ([`op::Logout`]); the stream closes when the transport is dropped.
    pub(crate) fn logout(&mut self) -> Result<()> {
        self.run(op::Logout::new())
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
        let r = match bound {
            Some(t) if t <= Instant::now() => Err(io::ErrorKind::TimedOut.into()),
            _ => set_timeouts(&mut self.wire, bound).and_then(|()| match self.wire.stream()? {
                Ok(plain) => plain.read(buf),
                Err(tls) => tls.read(buf),
            }),
        };
        self.wire.feed_read(r, buf)
    }

    /// Writes everything the engine gives; each write may take until the engine's write
    /// deadline (and the limit).
    fn write_out(&mut self) -> Result<()> {
        self.out.clear();
        self.wire.engine.poll_transmit(&mut self.out);
        let mut at = 0;
        loop {
            let deadline = self.bounded(self.wire.engine.write_deadline(Instant::now()))?;
            let out = &self.out[at..];
            let r = set_timeouts(&mut self.wire, deadline).and_then(|()| {
                let w: &mut dyn Write = match self.wire.stream()? {
                    Ok(plain) => plain,
                    Err(tls) => tls,
                };
                match out.is_empty() {
                    true => w.flush().map(|()| None),
                    false => w.write(out).map(Some),
                }
            });
            match r {
                Ok(None) => return Ok(()),
                Ok(Some(0)) => return Err(self.wire.write_failed(io::ErrorKind::WriteZero.into())),
                Ok(Some(n)) => at += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.bounded(None)?;
                    return Err(self.wire.write_failed(e));
                }
            }
        }
    }

    /// Wraps the plain stream in TLS (implicit TLS, or after STARTTLS's OK) and completes the
    /// handshake, within the limit or the handshake timeout.
    pub(crate) fn upgrade(&mut self) -> Result<()> {
        let (mut sock, tls) = self.wire.start_upgrade()?;
        let mut conn = ClientConnection::new(tls.config, tls.name).map_err(Error::Tls)?;
        let deadline = match self.limit {
            Some((limit, _)) => Some(limit),
            None => self.wire.handshake_timeout().map(|t| Instant::now() + t),
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
                self.wire.engine.handle_eof(Instant::now());
                return Err(match is_timeout(&e) {
                    true => Error::Timeout(TimedOut::TlsHandshake),
                    false => Error::from_handshake(e),
                });
            }
        }
        self.wire.upgraded(Box::new(StreamOwned::new(conn, sock)));
        Ok(())
    }
}

/// Sets the socket's timeouts to what is left until `deadline`.
fn set_timeouts(
    wire: &mut Wire<Box<dyn Stream>, TlsStream>,
    deadline: Option<Instant>,
) -> io::Result<()> {
    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    let socket: &mut dyn Stream = match wire.stream()? {
        Ok(plain) => &mut **plain,
        Err(tls) => &mut *tls.sock,
    };
    socket.set_read_timeout(left)?;
    socket.set_write_timeout(left).map(drop)
}

/// LOGOUT on drop: a greeted or logged-in connection dropped without LOGOUT sends it, ending
/// a running IDLE first, and waits for the answer at most [`LOGOUT_ON_DROP`].
impl Drop for Transport {
    fn drop(&mut self) {
        if self.wire.wants_logout_on_drop() {
            self.limit = Some((Instant::now() + LOGOUT_ON_DROP, TimedOut::Connecting));
            let _ = self.run(op::Logout::new());
        }
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.wire.fmt(f)
    }
}
