//! An in-memory connection: a byte pipe to a thread that drives the [`Connection`], no
//! socket. The thread waits on a channel fed by the client end and the store's watcher.

use super::Shared;
use super::conn::{Connection, Mode};
use std::collections::VecDeque;
use std::io;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What a connection's thread waits for.
enum Input {
    /// Bytes from the client.
    Data(Vec<u8>),
    /// The client closed the connection.
    Eof,
    /// The store changed.
    Wake,
}

/// The thread's stack: a session needs little, and tests open many connections.
const STACK: usize = 256 * 1024;

/// How long the thread sleeps when the session has no timer.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

/// A new in-memory connection to `shared`'s store, served by a thread of its own.
pub(crate) fn connect(shared: Arc<Shared>) -> MemoryConnection {
    let (tx, rx) = mpsc::channel();
    let pipe = Arc::new(Pipe::default());
    let (watch_tx, out) = (tx.clone(), pipe.clone());
    let id = shared.next_conn();
    std::thread::Builder::new()
        .name("mock-server-memory".into())
        .stack_size(STACK)
        .spawn(move || {
            let _watch = shared.store.watch(Box::new(move || {
                let _ = watch_tx.send(Input::Wake);
            }));
            let conn = Connection::new(&shared, Mode::Memory, id, Instant::now());
            drive(conn, &rx, &out);
            out.close();
        })
        .expect("spawning a thread");
    MemoryConnection::new(tx, pipe)
}

/// Runs the connection until it is finished.
fn drive(mut conn: Connection, rx: &Receiver<Input>, out: &Pipe) {
    let delay = conn.write_delay();
    loop {
        while let Some(piece) = conn.poll_transmit() {
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
            out.write(&piece);
        }
        if conn.is_finished() {
            return;
        }
        let timeout = conn
            .poll_timeout()
            .map_or(IDLE_WAIT, |t| t.saturating_duration_since(Instant::now()));
        match rx.recv_timeout(timeout) {
            Ok(Input::Data(d)) => conn.handle_input(Instant::now(), &d),
            Ok(Input::Wake) => conn.handle_wake(),
            Ok(Input::Eof) | Err(RecvTimeoutError::Disconnected) => {
                conn.handle_eof(Instant::now());
            }
            Err(RecvTimeoutError::Timeout) => conn.handle_timeout(Instant::now()),
        }
    }
}

/// The server-to-client half: bytes written by the session thread, read by the client.
#[derive(Default)]
struct Pipe {
    state: Mutex<PipeState>,
    ready: Condvar,
}

#[derive(Default)]
struct PipeState {
    buf: VecDeque<u8>,
    closed: bool,
}

impl Pipe {
    fn lock(&self) -> std::sync::MutexGuard<'_, PipeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self, data: &[u8]) {
        self.lock().buf.extend(data);
        self.ready.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }
}

/// The client end of an in-memory connection to a mock server: a blocking
/// [`Read`](io::Read) + [`Write`](io::Write) stream, and non-blocking helpers for sans-IO
/// client tests ([`MemoryConnection::send`], [`MemoryConnection::recv_available`]).
///
/// Reads block until the server writes, closes, or the read timeout (default 10 s) passes
/// (`TimedOut`). Dropping the connection closes it, as a client closing its socket would.
pub struct MemoryConnection {
    to_server: Sender<Input>,
    from_server: Arc<Pipe>,
    read_timeout: Option<Duration>,
}

impl std::fmt::Debug for MemoryConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryConnection").finish()
    }
}

impl MemoryConnection {
    fn new(to_server: Sender<Input>, from_server: Arc<Pipe>) -> Self {
        MemoryConnection {
            to_server,
            from_server,
            read_timeout: Some(Duration::from_secs(10)),
        }
    }

    /// Sets how long a read waits (`None`: forever).
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) {
        self.read_timeout = timeout;
    }

    /// Sends bytes to the server.
    ///
    /// # Errors
    /// `BrokenPipe` when the server side is gone.
    pub fn send(&self, data: &[u8]) -> io::Result<()> {
        self.to_server
            .send(Input::Data(data.to_vec()))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }

    /// Whatever the server has written, without waiting.
    pub fn recv_available(&self) -> Vec<u8> {
        self.from_server.lock().buf.drain(..).collect()
    }

    /// Whether the server closed the connection and everything it wrote has been read.
    pub fn is_closed(&self) -> bool {
        let g = self.from_server.lock();
        g.closed && g.buf.is_empty()
    }

    /// Waits until the server's output contains `needle` (or the connection closes, or
    /// `timeout` passes) and returns everything received.
    pub fn recv_until(&self, needle: &[u8], timeout: Duration) -> Vec<u8> {
        let deadline = Instant::now() + timeout;
        let mut out = Vec::new();
        let mut g = self.from_server.lock();
        loop {
            out.extend(g.buf.drain(..));
            if out.windows(needle.len().max(1)).any(|w| w == needle) || g.closed {
                return out;
            }
            let now = Instant::now();
            if now >= deadline {
                return out;
            }
            g = self
                .from_server
                .ready
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl io::Read for MemoryConnection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let deadline = self.read_timeout.map(|t| Instant::now() + t);
        let mut g = self.from_server.lock();
        loop {
            if !g.buf.is_empty() {
                let n = buf.len().min(g.buf.len());
                for (dst, src) in buf.iter_mut().zip(g.buf.drain(..n)) {
                    *dst = src;
                }
                return Ok(n);
            }
            if g.closed || buf.is_empty() {
                return Ok(0);
            }
            g = match deadline {
                None => self
                    .from_server
                    .ready
                    .wait(g)
                    .unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Err(io::ErrorKind::TimedOut.into());
                    }
                    self.from_server
                        .ready
                        .wait_timeout(g, d - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }
}

impl io::Write for MemoryConnection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for MemoryConnection {
    fn drop(&mut self) {
        let _ = self.to_server.send(Input::Eof);
    }
}
