//! One connection's bytes, sans-IO: the [`MockSession`], the TLS state (implicit TLS, or after
//! STARTTLS) and the write faults. A driver moves bytes and time between it and the wire: the
//! TCP task ([`super::tcp`]) or the in-memory thread ([`super::memory`]).
//!
//! Drive it like the session: feed `handle_*`, then write every piece [`Connection::poll_transmit`]
//! hands out (waiting [`Connection::write_delay`] before each), then close the wire once
//! [`Connection::is_finished`], or wait for the next input, store change or
//! [`Connection::poll_timeout`].

use super::Shared;
use crate::session::MockSession;
use crate::session::options::{Faults, SessionOptions};
use bytes::Bytes;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::Arc;
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

/// A connection between the wire and its [`MockSession`].
pub(crate) struct Connection {
    session: MockSession,
    options: Arc<SessionOptions>,
    /// The TLS configuration, for implicit TLS and STARTTLS.
    tls_config: Option<Arc<rustls::ServerConfig>>,
    tls: Option<rustls::ServerConnection>,
    /// Wire bytes not yet handed to the driver, as the session made them: message data is
    /// a zero-copy slice of the stored message (on a plain connection).
    out: VecDeque<Bytes>,
    /// Wire bytes handed to the driver so far (for `drop_after_bytes`).
    written: u64,
    /// The client closed its side, or sent bytes TLS could not accept.
    ended: bool,
    /// `close_notify` queued (TLS only).
    notified: bool,
    /// `drop_after_bytes` reached: nothing more is written.
    dropped: bool,
    /// The connection's number (from 1), for [`Faults::for_connection`].
    id: u64,
}

impl Connection {
    /// A connection whose greeting is ready to write.
    pub(crate) fn new(shared: &Shared, mode: Mode, id: u64, now: Instant) -> Self {
        let session = MockSession::new(
            shared.store.clone(),
            shared.options.clone(),
            mode != Mode::Plain,
            id,
            now,
        );
        let tls = match (mode, &shared.tls) {
            (Mode::ImplicitTls, Some(cfg)) => rustls::ServerConnection::new(cfg.clone()).ok(),
            _ => None,
        };
        Connection {
            session,
            options: shared.options.clone(),
            tls_config: shared.tls.clone(),
            tls,
            out: VecDeque::new(),
            written: 0,
            ended: false,
            notified: false,
            dropped: false,
            id,
        }
    }

    fn faults(&self) -> &Faults {
        self.options.faults.for_connection(self.id)
    }

    // ----- inputs -----

    /// Bytes from the wire (TLS records on a TLS connection).
    pub(crate) fn handle_input(&mut self, now: Instant, data: &[u8]) {
        if self.is_finished() {
            return;
        }
        match &mut self.tls {
            Some(tls) => match decrypt(tls, data) {
                Ok(plain) => self.session.handle_input(now, &plain),
                // The alert rustls queued goes out with the rest; then the connection closes.
                Err(_) => self.ended = true,
            },
            None => self.session.handle_input(now, data),
        }
        self.after_input();
    }

    /// The client closed its side (or the wire failed).
    pub(crate) fn handle_eof(&mut self, now: Instant) {
        if !self.ended {
            self.ended = true;
            self.session.handle_eof(now);
        }
    }

    /// The store changed (an IDLE session announces it).
    pub(crate) fn handle_wake(&mut self) {
        self.session.wake();
    }

    /// [`Connection::poll_timeout`] has passed.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        self.session.handle_timeout(now);
    }

    /// When [`Connection::handle_timeout`] is due.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.session.poll_timeout()
    }

    /// STARTTLS accepted: the tagged OK goes out in plaintext, everything after it is TLS.
    fn after_input(&mut self) {
        if self.session.is_aborted() || !self.session.take_tls_request() {
            return;
        }
        let mut chunks = Vec::new();
        while self.session.poll_transmit_chunks(&mut chunks) > 0 {}
        self.out.extend(chunks);
        if let Some(cfg) = &self.tls_config {
            self.tls = rustls::ServerConnection::new(cfg.clone()).ok();
            self.session.set_secure();
        }
    }

    /// Whether handling the next bytes from the wire is cheap enough to run on an async
    /// runtime's worker: a plaintext connection whose session says so
    /// ([`MockSession::input_is_cheap`]: logged in, no SASL exchange, no COMPRESS, ...). Reading
    /// costs what the bytes cost to parse, and the commands run at once then are cheap ones
    /// (NOOP, CAPABILITY, ...; LOGIN and AUTHENTICATE are refused once logged in); any other
    /// waits for the next gathering, which [`Connection::gather_cost`] judges.
    pub(crate) fn is_cheap_input(&self) -> bool {
        self.tls.is_none() && !self.is_finished() && self.session.input_is_cheap()
    }

    // ----- outputs -----

    /// How long to wait before writing each piece (the `write_delay` fault).
    pub(crate) fn write_delay(&self) -> Option<Duration> {
        self.faults().write_delay
    }

    /// Whether the client has logged in.
    pub(crate) fn is_authenticated(&self) -> bool {
        self.session.is_authenticated()
    }

    /// Whether the connection is over: close the wire once every piece is written.
    pub(crate) fn is_finished(&self) -> bool {
        self.ended || self.dropped || self.session.is_aborted() || self.session.is_closed()
    }

    /// Whether [`Connection::poll_transmit`] would call into the session (which may take the
    /// store lock or run a command): `false` while a piece gathered earlier is still being
    /// handed out, or when the session has nothing to do. A driver that must not block its
    /// worker calls [`Connection::fill`] off the worker only when this is `true`.
    pub(crate) fn needs_gather(&self) -> bool {
        if !self.out.is_empty() || self.dropped || self.session.is_aborted() {
            return false;
        }
        let tls_pending = self
            .tls
            .as_ref()
            .is_some_and(|t| t.wants_write() || (self.is_finished() && !self.notified));
        self.session.wants_poll() || tls_pending
    }

    /// What the next [`Connection::poll_transmit`] costs: nothing ([`Connection::needs_gather`]
    /// is `false`), cheap work ([`MockSession::work_is_cheap`] on a plaintext connection, which
    /// [`Connection::poll_transmit_cheap`] does), or work a driver must run where it cannot
    /// stall other connections.
    pub(crate) fn gather_cost(&self) -> Cost {
        if !self.needs_gather() {
            Cost::Nothing
        } else if self.tls.is_none() && self.session.work_is_cheap() {
            Cost::Cheap
        } else {
            Cost::Heavy
        }
    }

    /// Gathers the next output from the session when the last piece is all handed out, so
    /// that the following [`Connection::poll_transmit`] needs no call into the session. A
    /// driver calls it off its worker right after the input it handled there, and saves a
    /// second trip.
    pub(crate) fn fill(&mut self) {
        if self.needs_gather() {
            self.refill(false);
        }
    }

    /// As [`Connection::fill`], but only when that is cheap ([`Cost::Cheap`]), and only cheap
    /// work ([`MockSession::poll_transmit_cheap`]).
    pub(crate) fn fill_cheap(&mut self) {
        if self.gather_cost() == Cost::Cheap {
            self.refill(true);
        }
    }

    /// Gathers what the session has once everything gathered before is handed out (only
    /// cheap work when `cheap`).
    fn refill(&mut self, cheap: bool) {
        if self.out.is_empty() {
            self.gather(cheap);
        }
    }

    /// The next piece of wire bytes to write, each written (and flushed) on its own: a chunk
    /// as the session made it (a large message's data is a slice of the stored message, not
    /// a copy), or pieces of `split_writes` bytes, cut short at `drop_after_bytes`.
    pub(crate) fn poll_transmit(&mut self) -> Option<Bytes> {
        self.refill(false);
        self.next_piece()
    }

    /// As [`Connection::poll_transmit`], gathering only cheap work (for [`Cost::Cheap`]): `None`
    /// may then leave work to do ([`Connection::needs_gather`]), work that was not cheap or a
    /// FETCH step that made no output.
    pub(crate) fn poll_transmit_cheap(&mut self) -> Option<Bytes> {
        self.refill(true);
        self.next_piece()
    }

    /// The next piece of what is gathered.
    fn next_piece(&mut self) -> Option<Bytes> {
        if self.dropped {
            return None;
        }
        let (split, drop_after) = (self.faults().split_writes, self.faults().drop_after_bytes);
        let front = self.out.front_mut()?;
        let mut n = front.len().min(split.unwrap_or(usize::MAX).max(1));
        if let Some(limit) = drop_after {
            let left = limit.saturating_sub(self.written);
            if n as u64 >= left {
                n = left as usize;
                self.dropped = true;
                if n == 0 {
                    return None;
                }
            }
        }
        let piece = if n == front.len() {
            self.out.pop_front()?
        } else {
            front.split_to(n)
        };
        self.written += n as u64;
        Some(piece)
    }

    /// Whether the pieces already gathered may go out in one write: no fault splits, delays or
    /// cuts the writes.
    pub(crate) fn joins_writes(&self) -> bool {
        let f = self.faults();
        f.split_writes.is_none() && f.drop_after_bytes.is_none() && f.write_delay.is_none()
    }

    /// The next piece already gathered, without calling into the session (`None` when a call
    /// would be needed); only when [`Connection::joins_writes`].
    pub(crate) fn take_gathered(&mut self) -> Option<Bytes> {
        if !self.joins_writes() || self.dropped {
            return None;
        }
        let piece = self.out.pop_front()?;
        self.written += piece.len() as u64;
        Some(piece)
    }

    /// Moves the session's output (through TLS, if any) into `out` (only cheap work's when
    /// `cheap`).
    fn gather(&mut self, cheap: bool) {
        // A fault that drops the connection sends nothing more, not even what was pending.
        if self.session.is_aborted() || self.dropped {
            return;
        }
        let finished = self.is_finished();
        let mut plain = Vec::new();
        if cheap {
            self.session.poll_transmit_cheap(&mut plain);
        } else {
            self.session.poll_transmit_chunks(&mut plain);
        }
        let Some(tls) = &mut self.tls else {
            self.out.extend(plain);
            return;
        };
        let mut wire = Vec::new();
        // rustls buffers at most 64 KiB of plaintext before it is encrypted: move records out
        // as we go, so a response of any size is sent whole (a bare `write_all` stopped at
        // 64 KiB and the rest of a large FETCH was lost).
        for chunk in &plain {
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                let accepted = tls.writer().write(rest).unwrap_or(0);
                rest = &rest[accepted..];
                let mut drained = false;
                while tls.wants_write() {
                    if tls.write_tls(&mut wire).is_err() {
                        break;
                    }
                    drained = true;
                }
                if accepted == 0 && !drained {
                    // Neither side moved: the TLS session cannot take more (closed); give up.
                    break;
                }
            }
        }
        if finished && !self.notified {
            self.notified = true;
            tls.send_close_notify();
        }
        while tls.wants_write() {
            if tls.write_tls(&mut wire).is_err() {
                break;
            }
        }
        if !wire.is_empty() {
            self.out.push_back(wire.into());
        }
    }
}

/// What gathering a connection's next output costs ([`Connection::gather_cost`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cost {
    /// No call into the session: a piece gathered earlier, or nothing to do.
    Nothing,
    /// Cheap work, bounded by the output it makes.
    Cheap,
    /// Work that may take the store lock for long or much CPU.
    Heavy,
}

/// Feeds TLS records; returns the plaintext they held.
fn decrypt(tls: &mut rustls::ServerConnection, data: &[u8]) -> Result<Vec<u8>, io::Error> {
    let mut rest = data;
    let mut plain = Vec::new();
    while !rest.is_empty() {
        tls.read_tls(&mut rest)?;
        tls.process_new_packets().map_err(io::Error::other)?;
        match tls.reader().read_to_end(&mut plain) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(plain)
}

/// A logged-in plaintext connection with a mailbox of `n` small messages selected, its output
/// so far drained.
#[cfg(test)]
pub(crate) fn selected_connection(n: usize) -> Connection {
    let mut b = crate::store::Store::builder().user("alice", "pw");
    for i in 0..n {
        let m = format!("From: a@example.org\r\nSubject: message {i}\r\n\r\nbody {i}\r\n");
        b = b.message(m.into_bytes(), &[], None);
    }
    let shared = crate::listener::MockServer::builder()
        .store(b.build().unwrap())
        .allow_plaintext_login()
        .build()
        .unwrap()
        .shared;
    let mut c = Connection::new(&shared, Mode::Plain, 1, Instant::now());
    while c.poll_transmit().is_some() {}
    assert!(!c.is_cheap_input(), "LOGIN checks a password");
    c.handle_input(Instant::now(), b"a LOGIN alice pw\r\nb SELECT INBOX\r\n");
    let mut out = Vec::new();
    while let Some(p) = c.poll_transmit() {
        out.extend_from_slice(&p);
    }
    assert!(String::from_utf8_lossy(&out).contains("b OK"));
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::MockServer;
    use crate::store::Store;

    fn shared(faults: Faults) -> Arc<Shared> {
        let store = Store::builder().user("alice", "pw").build().unwrap();
        MockServer::builder()
            .store(store)
            .faults(faults)
            .build()
            .unwrap()
            .shared
    }

    fn drain(c: &mut Connection) -> Vec<Vec<u8>> {
        let mut pieces = Vec::new();
        while let Some(p) = c.poll_transmit() {
            pieces.push(p.to_vec());
        }
        pieces
    }

    /// Gathers cheap work until there is no more; returns the output, how many calls made
    /// some, and the most one call made.
    fn drain_cheap(c: &mut Connection) -> (String, usize, usize) {
        let mut out = Vec::new();
        let (mut calls, mut most) = (0, 0);
        while c.gather_cost() == Cost::Cheap {
            if let Some(p) = c.poll_transmit_cheap() {
                let before = out.len();
                calls += 1;
                out.extend_from_slice(&p);
                while let Some(p) = c.take_gathered() {
                    out.extend_from_slice(&p);
                }
                most = most.max(out.len() - before);
            }
        }
        (String::from_utf8(out).unwrap(), calls, most)
    }

    /// Logged in, input is cheap; a FETCH of kept metadata is answered by cheap steps of at
    /// most one `CHUNK` each, and a SEARCH pipelined after it is left for a gathering off the
    /// worker (issue 16 point 2).
    #[test]
    fn a_fetch_of_metadata_is_cheap_a_search_is_not() {
        let mut c = selected_connection(3000);
        assert!(c.is_cheap_input());
        c.handle_input(
            Instant::now(),
            b"c UID FETCH 1:* (FLAGS)\r\nd SEARCH TEXT body\r\n",
        );
        assert_eq!(c.gather_cost(), Cost::Cheap);
        let (out, calls, most) = drain_cheap(&mut c);
        assert_eq!(out.matches(" FETCH (").count(), 3000);
        assert!(
            out.ends_with("c OK FETCH completed\r\n"),
            "{}",
            &out[out.len() - 100..]
        );
        // A step makes at most a CHUNK (one response past it, and the tagged one), fewer
        // when it has looked at its STEP_MESSAGES.
        assert!(calls > 1, "{calls}");
        assert!(most <= crate::session::stream::CHUNK + 100, "{most}");
        assert_eq!(c.gather_cost(), Cost::Heavy, "the SEARCH waits");
        let rest = String::from_utf8(drain(&mut c).concat()).unwrap();
        assert!(rest.starts_with("* SEARCH 1 2 3 "), "{rest}");
        assert!(rest.ends_with("d OK SEARCH completed\r\n"), "{rest}");
    }

    /// A FETCH of ENVELOPE is cheap (the Store parses a message when it takes it in, and the
    /// encoding is kept): fifty messages in one step; PREVIEW, made anew each time, is not.
    #[test]
    fn a_fetch_of_envelopes_is_cheap_one_of_previews_is_not() {
        let mut c = selected_connection(50);
        c.handle_input(Instant::now(), b"c FETCH 1:* (FLAGS ENVELOPE)\r\n");
        let (out, calls, _) = drain_cheap(&mut c);
        assert_eq!(calls, 1);
        assert_eq!(
            out.matches(" FETCH (FLAGS (\\Recent) ENVELOPE (").count(),
            50,
            "{out}"
        );
        assert!(out.ends_with("c OK FETCH completed\r\n"));
        assert_eq!(c.gather_cost(), Cost::Nothing);
        c.handle_input(Instant::now(), b"d FETCH 1:* (PREVIEW)\r\n");
        assert_eq!(c.gather_cost(), Cost::Heavy);
        let out = String::from_utf8(drain(&mut c).concat()).unwrap();
        assert!(out.ends_with("d OK FETCH completed\r\n"), "{out}");
    }

    #[test]
    fn the_greeting_comes_in_split_pieces() {
        let faults = Faults {
            split_writes: Some(5),
            ..Faults::default()
        };
        let mut c = Connection::new(&shared(faults), Mode::Memory, 1, Instant::now());
        let pieces = drain(&mut c);
        assert!(pieces.len() > 2);
        assert!(pieces.iter().all(|p| !p.is_empty() && p.len() <= 5));
        assert!(pieces.concat().starts_with(b"* OK "));
        assert!(!c.is_finished());
    }

    #[test]
    fn output_stops_at_drop_after_bytes() {
        let faults = Faults {
            drop_after_bytes: Some(7),
            ..Faults::default()
        };
        let mut c = Connection::new(&shared(faults), Mode::Memory, 1, Instant::now());
        assert_eq!(drain(&mut c).concat(), b"* OK [C");
        assert!(c.is_finished());
        c.handle_input(Instant::now(), b"a1 NOOP\r\n");
        assert!(c.poll_transmit().is_none());
    }

    #[test]
    fn logout_finishes_after_the_reply() {
        let mut c = Connection::new(&shared(Faults::default()), Mode::Memory, 1, Instant::now());
        drain(&mut c);
        c.handle_input(Instant::now(), b"a1 LOGOUT\r\n");
        let out = String::from_utf8(drain(&mut c).concat()).unwrap();
        assert!(out.contains("* BYE") && out.contains("a1 OK"), "{out}");
        assert!(c.is_finished());
    }

    #[test]
    fn garbage_on_a_tls_connection_ends_it_with_an_alert() {
        let s = MockServer::builder().tls().build().unwrap().shared;
        let mut c = Connection::new(&s, Mode::ImplicitTls, 1, Instant::now());
        assert!(drain(&mut c).is_empty(), "TLS waits for the ClientHello");
        c.handle_input(Instant::now(), b"a1 LOGIN alice pw\r\n");
        assert!(c.is_finished());
        // A TLS alert record: content type 21.
        assert_eq!(drain(&mut c).concat().first(), Some(&21));
    }
}
