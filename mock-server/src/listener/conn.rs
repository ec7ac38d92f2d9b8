//! One connection: a session thread that owns the [`Session`] (and the TLS state), fed by a
//! channel of [`Input`]s from a reader thread (TCP), the client end (memory) and the store's
//! watcher (IDLE wake-ups).

use super::memory::Pipe;
use super::{Input, Shared};
use crate::session::Session;
use crate::session::options::Faults;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How the bytes of a connection travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// TCP without TLS (STARTTLS may upgrade it).
    Plain,
    /// TCP with TLS from the first byte.
    ImplicitTls,
    /// The in-memory pipe (counts as secure).
    Memory,
}

/// Where the session thread writes.
pub(crate) enum Wire {
    Tcp(TcpStream),
    Memory(Arc<Pipe>),
}

impl Wire {
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Wire::Tcp(s) => {
                s.write_all(data)?;
                s.flush()
            }
            Wire::Memory(p) => {
                p.write(data);
                Ok(())
            }
        }
    }

    fn close(&mut self) {
        match self {
            Wire::Tcp(s) => {
                let _ = s.shutdown(Shutdown::Both);
            }
            Wire::Memory(p) => p.close(),
        }
    }
}

/// Writes with the write faults applied (split, delay, drop after N bytes).
struct Writer {
    wire: Wire,
    faults: Faults,
    written: u64,
    dead: bool,
}

impl Writer {
    fn write(&mut self, data: &[u8]) {
        if self.dead || data.is_empty() {
            return;
        }
        let piece = self.faults.split_writes.unwrap_or(usize::MAX).max(1);
        for chunk in data.chunks(piece) {
            if let Some(d) = self.faults.write_delay {
                std::thread::sleep(d);
            }
            let mut chunk = chunk;
            let mut last = false;
            if let Some(limit) = self.faults.drop_after_bytes {
                let left = limit.saturating_sub(self.written);
                if (chunk.len() as u64) >= left {
                    chunk = &chunk[..left as usize];
                    last = true;
                }
            }
            if self.wire.write_all(chunk).is_err() {
                last = true;
            }
            self.written += chunk.len() as u64;
            if last {
                self.dead = true;
                self.wire.close();
                return;
            }
        }
    }
}

/// Feeds TLS records; returns the plaintext they held.
fn feed_tls(tls: &mut rustls::ServerConnection, data: &[u8]) -> Result<Vec<u8>, String> {
    let mut rest = data;
    let mut plain = Vec::new();
    while !rest.is_empty() {
        tls.read_tls(&mut rest).map_err(|e| e.to_string())?;
        tls.process_new_packets().map_err(|e| e.to_string())?;
        let mut buf = [0u8; 8192];
        loop {
            match tls.reader().read(&mut buf) {
                Ok(0) => break,
                Ok(n) => plain.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    Ok(plain)
}

fn flush(session: &mut Session, tls: &mut Option<rustls::ServerConnection>, w: &mut Writer) {
    let mut buf = Vec::new();
    session.poll_transmit(&mut buf);
    match tls {
        Some(t) => {
            if !buf.is_empty() {
                let _ = t.writer().write_all(&buf);
            }
            let mut raw = Vec::new();
            while t.wants_write() {
                if t.write_tls(&mut raw).is_err() {
                    break;
                }
            }
            w.write(&raw);
        }
        None => w.write(&buf),
    }
}

/// Runs one connection to its end.
pub(crate) fn run(shared: Arc<Shared>, wire: Wire, rx: Receiver<Input>, mode: Mode, conn: u64) {
    let now = Instant::now();
    let mut session = Session::new(
        shared.store.clone(),
        shared.options.clone(),
        mode != Mode::Plain,
        conn,
        now,
    );
    let mut tls = match (mode, &shared.tls) {
        (Mode::ImplicitTls, Some(cfg)) => rustls::ServerConnection::new(cfg.clone()).ok(),
        _ => None,
    };
    let mut w = Writer {
        wire,
        faults: shared.options.faults.clone(),
        written: 0,
        dead: false,
    };
    flush(&mut session, &mut tls, &mut w);
    while !w.dead && !session.is_aborted() && !session.is_closed() {
        let timeout = session
            .poll_timeout()
            .map_or(Duration::from_secs(3600), |t| {
                t.saturating_duration_since(Instant::now())
            });
        let now = Instant::now();
        match rx.recv_timeout(timeout) {
            Ok(Input::Data(d)) => match &mut tls {
                Some(t) => match feed_tls(t, &d) {
                    Ok(plain) => session.handle_input(now, &plain),
                    Err(_) => {
                        flush(&mut session, &mut tls, &mut w);
                        break;
                    }
                },
                None => session.handle_input(now, &d),
            },
            Ok(Input::Wake) => session.wake(),
            Ok(Input::Eof) | Err(RecvTimeoutError::Disconnected) => {
                session.handle_eof(now);
                break;
            }
            Err(RecvTimeoutError::Timeout) => session.handle_timeout(Instant::now()),
        }
        if session.is_aborted() {
            break;
        }
        if session.take_tls_request() {
            // The OK goes out in plaintext; everything after is TLS.
            flush(&mut session, &mut None, &mut w);
            if let Some(cfg) = &shared.tls {
                tls = rustls::ServerConnection::new(cfg.clone()).ok();
                session.set_secure();
            }
        }
        flush(&mut session, &mut tls, &mut w);
    }
    if !session.is_aborted() {
        if let Some(t) = &mut tls {
            t.send_close_notify();
        }
        flush(&mut session, &mut tls, &mut w);
    }
    w.wire.close();
}
