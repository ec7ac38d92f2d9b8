//! The engine-facing half of a driver's transport, written once ([`Wire`]): the engine, the
//! stream (plain, TLS, or lost and why), the TLS settings, LOGOUT on drop, and how the
//! outcome of a read or a write is fed to the engine. A driver adds only the I/O itself: its
//! loop over [`imap_core::engine::Step`], reads, writes and the TLS handshake.

use crate::connector::TlsTarget;
use crate::error::{Error, Result};
use imap_core::client::{ClientConfig, UsageError};
use imap_core::engine::{Engine, Running};
use imap_core::ops::Operation;
use std::io;
use std::time::{Duration, Instant};

/// How long the LOGOUT sent when a logged-in client or session is dropped may take.
pub const LOGOUT_ON_DROP: Duration = Duration::from_secs(1);

/// The stream: plain (`P`), wrapped in TLS (`T`), or lost.
enum Io<P, T> {
    Plain(P),
    Tls(T),
    Lost(&'static str),
}

/// An [`Engine`] and the stream it talks over (`P` plain, `T` TLS), without the I/O.
pub struct Wire<P, T> {
    /// The engine.
    pub engine: Engine,
    io: Io<P, T>,
    tls: Option<TlsTarget>,
    handshake_timeout: Option<Duration>,
    logout_on_drop: bool,
    /// Whether the server has sent anything yet (its first bytes are checked for TLS).
    heard: bool,
}

impl<P, T> Wire<P, T> {
    /// A new connection over the plain stream `plain`, waiting for the greeting.
    pub fn new(plain: P, config: ClientConfig, max_events: usize) -> Self {
        let mut engine = Engine::new(config, Instant::now());
        engine.set_max_events(max_events);
        Wire {
            engine,
            io: Io::Plain(plain),
            tls: None,
            handshake_timeout: None,
            logout_on_drop: false,
            heard: false,
        }
    }

    /// What TLS upgrades with, and the time limit of a handshake after connecting.
    pub fn set_tls(&mut self, tls: TlsTarget, handshake_timeout: Option<Duration>) {
        self.tls = Some(tls);
        self.handshake_timeout = handshake_timeout;
    }

    /// The time limit of a TLS handshake after connecting.
    pub fn handshake_timeout(&self) -> Option<Duration> {
        self.handshake_timeout
    }

    /// Whether the stream is wrapped in TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self.io, Io::Tls(_))
    }

    /// Whether dropping the connection should send LOGOUT.
    pub fn set_logout_on_drop(&mut self, logout: bool) {
        self.logout_on_drop = logout;
    }

    /// Whether a connection dropped now should send LOGOUT: it was asked for, and the
    /// connection is open with a usable stream.
    pub fn wants_logout_on_drop(&self) -> bool {
        self.logout_on_drop && !self.engine.is_closed() && !matches!(self.io, Io::Lost(_))
    }

    /// Before an operation: an error when the stream was lost while the engine did not know
    /// (it is told now).
    ///
    /// # Errors
    /// [`Error::Io`] saying why the stream is gone.
    pub fn ensure_usable(&mut self) -> Result<()> {
        if let Io::Lost(why) = self.io
            && !self.engine.is_closed()
        {
            self.engine.handle_eof(Instant::now());
            return Err(io::Error::new(io::ErrorKind::NotConnected, why).into());
        }
        Ok(())
    }

    /// Starts `op` on the engine once the stream is usable ([`Wire::ensure_usable`]): the
    /// first step of every driver's loop.
    ///
    /// # Errors
    /// As [`Wire::ensure_usable`].
    pub fn start<O: Operation>(&mut self, op: O) -> Result<Running<O>> {
        self.ensure_usable()?;
        Ok(self.engine.start(op, Instant::now()))
    }

    /// The plain or TLS stream, for the driver's reads and writes.
    ///
    /// # Errors
    /// [`io::ErrorKind::NotConnected`] once the stream is lost.
    pub fn stream(&mut self) -> io::Result<Result<&mut P, &mut T>> {
        match &mut self.io {
            Io::Plain(p) => Ok(Ok(p)),
            Io::Tls(t) => Ok(Err(t)),
            Io::Lost(why) => Err(io::Error::new(io::ErrorKind::NotConnected, *why)),
        }
    }

    /// Takes the plain stream and the TLS settings for a handshake; the stream counts as lost
    /// until [`Wire::upgraded`] (a handshake that fails or is abandoned leaves it lost).
    ///
    /// # Errors
    /// [`Error::Usage`] without TLS settings or a plain stream.
    pub fn start_upgrade(&mut self) -> Result<(P, TlsTarget)> {
        let tls = self.tls.clone().ok_or(Error::Usage(UsageError::Invalid(
            "no TLS settings for this connection",
        )))?;
        let lost = Io::Lost("a TLS handshake did not finish");
        match std::mem::replace(&mut self.io, lost) {
            Io::Plain(p) => Ok((p, tls)),
            other => {
                self.io = other;
                Err(Error::Usage(UsageError::Invalid("the stream is not plain")))
            }
        }
    }

    /// The handshake succeeded: the stream is `tls` from now on.
    pub fn upgraded(&mut self, tls: T) {
        self.io = Io::Tls(tls);
    }

    /// The stream is gone (`why`); the engine is told the connection ended.
    pub fn lose(&mut self, why: &'static str) {
        self.io = Io::Lost(why);
        self.engine.handle_eof(Instant::now());
    }

    /// Feeds the outcome of one read into `buf` to the engine: bytes, the end of the stream,
    /// or a timeout (a read that timed out reports [`io::ErrorKind::WouldBlock`] or
    /// [`io::ErrorKind::TimedOut`]; a driver whose timer fired passes `TimedOut` itself).
    ///
    /// # Errors
    /// A failed read: the stream is lost, [`Error::Io`] or [`Error::Tls`];
    /// [`Error::PlaintextToTlsPort`] when the first bytes on a plain stream are a TLS record.
    pub fn feed_read(&mut self, read: io::Result<usize>, buf: &[u8]) -> Result<()> {
        let now = Instant::now();
        match read {
            Ok(0) => self.lose("the server closed the connection"),
            Ok(n)
                if !std::mem::replace(&mut self.heard, true)
                    && !self.is_tls()
                    && Error::is_tls_record(&buf[..n]) =>
            {
                self.lose("the server speaks TLS");
                return Err(Error::PlaintextToTlsPort);
            }
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

    /// The error for a failed write (or flush): past the engine's write deadline
    /// ([`io::ErrorKind::TimedOut`] or `WouldBlock`) the connection fails with the engine's
    /// typed reason; otherwise the stream is lost with the I/O error.
    pub fn write_failed(&mut self, e: io::Error) -> Error {
        if is_timeout(&e) {
            self.io = Io::Lost("a write timed out");
            self.engine.handle_write_timeout(Instant::now());
            return self.engine.closed_error().into();
        }
        self.lose("writing failed");
        Error::from_io(e)
    }
}

/// Whether an I/O error is a timeout.
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl<P, T> std::fmt::Debug for Wire<P, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire")
            .field("engine", &self.engine)
            .field("tls", &self.is_tls())
            .finish_non_exhaustive()
    }
}

/// The error for a step of the engine that this version of the drivers does not know (the
/// core's [`imap_core::engine::Step`] is non-exhaustive).
pub fn unknown_step() -> Error {
    Error::Usage(UsageError::Invalid("a step this driver lacks"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire() -> Wire<(), ()> {
        Wire::new((), ClientConfig::default(), 10)
    }

    #[test]
    fn bytes_read_go_to_the_engine_and_a_timeout_keeps_the_stream() {
        let mut w = wire();
        w.feed_read(Err(io::ErrorKind::WouldBlock.into()), &[])
            .unwrap();
        assert!(w.stream().is_ok() && !w.engine.is_closed());
        let greeting = b"* OK ready\r\n";
        w.feed_read(Ok(greeting.len()), greeting).unwrap();
        assert!(w.engine.greeting().is_some());
        w.set_logout_on_drop(true);
        assert!(w.wants_logout_on_drop());
    }

    #[test]
    fn a_tls_record_as_the_first_bytes_of_a_plain_stream_is_named() {
        let mut w = wire();
        let alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32];
        let e = w.feed_read(Ok(alert.len()), &alert).unwrap_err();
        assert!(matches!(e, Error::PlaintextToTlsPort) && w.engine.is_closed());
        // Later bytes are the engine's to judge (here: a server that broke the protocol).
        let mut w = wire();
        w.feed_read(Ok(2), b"* ").unwrap();
        w.feed_read(Ok(alert.len()), &alert).unwrap();
    }

    #[test]
    fn the_end_of_the_stream_or_a_failed_read_loses_it() {
        let mut w = wire();
        w.set_logout_on_drop(true);
        w.feed_read(Ok(0), &[]).unwrap();
        assert!(w.engine.is_closed() && w.stream().is_err());
        assert!(!w.wants_logout_on_drop());
        let mut w = wire();
        let e = w
            .feed_read(Err(io::ErrorKind::ConnectionReset.into()), &[])
            .unwrap_err();
        assert!(matches!(e, Error::Io(_)) && w.engine.is_closed());
    }

    #[test]
    fn a_lost_stream_fails_the_next_operation_once_the_engine_knows() {
        let mut w = wire();
        assert!(matches!(w.start_upgrade(), Err(Error::Usage(_))));
        assert!(
            w.stream().is_ok(),
            "no TLS settings: the stream stays plain"
        );
        w.io = Io::Lost("gone");
        assert!(matches!(w.ensure_usable(), Err(Error::Io(_))));
        assert!(w.engine.is_closed());
        assert!(
            w.ensure_usable().is_ok(),
            "the engine's own error takes over"
        );
    }
}
