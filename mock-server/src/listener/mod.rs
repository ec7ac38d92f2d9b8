//! The mock server: in-memory connections and a loopback listener ([`MockServer`],
//! [`MockServerBuilder`], [`RunningServer`]).
//!
//! ```
//! use mock_server::listener::MockServer;
//! use mock_server::store::Store;
//! use std::io::{Read, Write};
//!
//! let store = Store::builder().user("alice", "pw").build().unwrap();
//! let server = MockServer::builder().store(store).build().unwrap();
//! let mut conn = server.connect_in_memory();
//! conn.write_all(b"a1 LOGIN alice pw\r\n").unwrap();
//! let out = conn.recv_until(b"a1 OK", std::time::Duration::from_secs(5));
//! assert!(String::from_utf8_lossy(&out).contains("a1 OK"));
//! ```
//!
//! Each connection runs on its own thread (plus a reader thread for TCP), so thousands of
//! connections mean thousands of threads with small stacks. The store's watcher
//! ([`Store::watch`]) wakes a connection's thread when a mailbox changes, so an IDLE session
//! announces new mail at once, without polling.

mod conn;
mod memory;
mod tls;

pub use memory::MemoryConnection;
pub use tls::Certificate;

use crate::session::Session;
use crate::session::options::{Faults, Quirks, SessionOptions};
use crate::store::Store;
use crate::transcript::Transcript;
use conn::{Mode, Wire};
use imap_core::frame::Limits;
use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

/// What a connection's thread waits for.
pub(crate) enum Input {
    /// Bytes from the client.
    Data(Vec<u8>),
    /// The client closed the connection.
    Eof,
    /// The store changed.
    Wake,
}

const STACK: usize = 256 * 1024;

/// The listen backlog. `std::net::TcpListener::bind` uses 128, which a burst of connections
/// (a load test opening 1000 at once) overflows while the accept thread waits for a core: the
/// kernel then drops the last ACK of the handshake, the client believes it is connected, and
/// its greeting comes only after SYN-ACK retransmissions, seconds later. The kernel caps this
/// at `net.core.somaxconn`.
const BACKLOG: i32 = 4096;

/// A listening socket on `addr` with [`BACKLOG`].
fn listen(addr: SocketAddrV4) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    // As std does on Unix: a restarted test server may bind a port in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&SocketAddr::V4(addr).into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// What every connection of a server shares.
pub(crate) struct Shared {
    store: Store,
    options: Arc<SessionOptions>,
    tls: Option<Arc<rustls::ServerConfig>>,
    certificate: Option<Certificate>,
    next_conn: AtomicU64,
    /// Open TCP connections, to shut them down on stop.
    open: Mutex<HashMap<u64, TcpStream>>,
}

/// Configures a [`MockServer`]. Without `plain()`, `tls()` or `starttls()` the server listens
/// on a plaintext port only (when started).
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    store: Option<Store>,
    plain: bool,
    tls: bool,
    starttls: bool,
    options: SessionOptions,
    plain_port: u16,
    tls_port: u16,
    certificate: Option<Certificate>,
}

impl MockServerBuilder {
    /// The store to serve (default: an empty store).
    pub fn store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// Listen on a plaintext port.
    pub fn plain(mut self) -> Self {
        self.plain = true;
        self
    }

    /// Listen on an implicit-TLS port (RFC 8314).
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Offer STARTTLS on the plaintext port (implies [`MockServerBuilder::plain`]).
    pub fn starttls(mut self) -> Self {
        self.starttls = true;
        self.plain = true;
        self
    }

    /// The plaintext port (default 0: an ephemeral port).
    pub fn plain_port(mut self, port: u16) -> Self {
        self.plain_port = port;
        self
    }

    /// The TLS port (default 0: an ephemeral port).
    pub fn tls_port(mut self, port: u16) -> Self {
        self.tls_port = port;
        self
    }

    /// Allow LOGIN / AUTHENTICATE without TLS on the plaintext port.
    pub fn allow_plaintext_login(mut self, allow: bool) -> Self {
        self.options.allow_plaintext_login = allow;
        self
    }

    /// Behave like a known real server.
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.options.quirks = quirks;
        self
    }

    /// Inject faults into every connection.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.options.faults = faults;
        self
    }

    /// Record every conversation.
    pub fn transcript(mut self, transcript: Transcript) -> Self {
        self.options.transcript = Some(transcript);
        self
    }

    /// Framing limits for client input (the largest literal, line and command).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.options.core.limits = limits;
        self
    }

    /// Serve this certificate instead of a generated one.
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.certificate = Some(certificate);
        self
    }

    /// Builds the server without listening (in-memory connections only, until
    /// [`MockServer::start`]).
    ///
    /// # Errors
    /// When the TLS certificate cannot be generated or used.
    pub fn build(mut self) -> io::Result<MockServer> {
        let wants_tls = self.tls || self.starttls;
        let certificate = match (self.certificate.take(), wants_tls) {
            (Some(c), _) => Some(c),
            (None, true) => Some(Certificate::generate().map_err(io::Error::other)?),
            (None, false) => None,
        };
        let tls = match &certificate {
            Some(c) => Some(c.server_config().map_err(io::Error::other)?),
            None => None,
        };
        self.options.starttls = self.starttls;
        Ok(MockServer {
            shared: Arc::new(Shared {
                store: self.store.unwrap_or_default(),
                options: Arc::new(self.options),
                tls,
                certificate,
                next_conn: AtomicU64::new(1),
                open: Mutex::default(),
            }),
            plain: self.plain || !self.tls,
            tls_listener: self.tls,
            plain_port: self.plain_port,
            tls_port: self.tls_port,
        })
    }

    /// Builds and starts listening on 127.0.0.1.
    ///
    /// # Errors
    /// As [`MockServerBuilder::build`], or when a port cannot be bound.
    pub fn start(self) -> io::Result<RunningServer> {
        self.build()?.start()
    }
}

/// A configured mock server. In-memory connections need no listener; [`MockServer::start`]
/// opens the loopback ports.
#[derive(Clone)]
pub struct MockServer {
    shared: Arc<Shared>,
    plain: bool,
    tls_listener: bool,
    plain_port: u16,
    tls_port: u16,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("plain", &self.plain)
            .field("tls", &self.tls_listener)
            .finish()
    }
}

impl MockServer {
    /// A builder.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The store, shared with every connection: change it while clients are connected.
    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The TLS certificate, when TLS or STARTTLS is configured.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.shared.certificate.as_ref()
    }

    fn next_conn(&self) -> u64 {
        self.shared.next_conn.fetch_add(1, Ordering::SeqCst)
    }

    /// A new connection over an in-memory pipe, served by its own thread. It counts as secure
    /// (LOGIN allowed, no STARTTLS).
    pub fn connect_in_memory(&self) -> MemoryConnection {
        let (tx, rx) = mpsc::channel();
        let pipe = Arc::new(memory::Pipe::default());
        let watch_tx = tx.clone();
        let conn = self.next_conn();
        let shared = self.shared.clone();
        let wire = Wire::Memory(pipe.clone());
        spawn(move || {
            let _watch = shared.store.watch(move || {
                let _ = watch_tx.send(Input::Wake);
            });
            conn::run(shared, wire, rx, Mode::Memory, conn);
        });
        MemoryConnection::new(tx, pipe)
    }

    /// A sans-IO session over this server's store and options, for deterministic tests that
    /// move the bytes themselves (no thread; call [`Session::wake`] after changing the store).
    pub fn session(&self, now: Instant) -> Session {
        Session::new(
            self.shared.store.clone(),
            self.shared.options.clone(),
            true,
            self.next_conn(),
            now,
        )
    }

    /// Starts listening on 127.0.0.1.
    ///
    /// # Errors
    /// When a port cannot be bound.
    pub fn start(self) -> io::Result<RunningServer> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let mut bind = |port: u16, mode: Mode| -> io::Result<SocketAddr> {
            let listener = listen(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))?;
            let addr = listener.local_addr()?;
            let (server, stop) = (self.clone(), stop.clone());
            threads.push(spawn(move || accept_loop(server, listener, mode, stop)));
            Ok(addr)
        };
        let addr = if self.plain {
            Some(bind(self.plain_port, Mode::Plain)?)
        } else {
            None
        };
        let tls_addr = if self.tls_listener {
            Some(bind(self.tls_port, Mode::ImplicitTls)?)
        } else {
            None
        };
        Ok(RunningServer {
            server: self,
            addr,
            tls_addr,
            stop,
            threads,
        })
    }
}

fn spawn(f: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawning a thread")
}

fn accept_loop(server: MockServer, listener: TcpListener, mode: Mode, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let (Ok(reader), Ok(writer), Ok(registered)) =
            (stream.try_clone(), stream.try_clone(), stream.try_clone())
        else {
            continue;
        };
        let conn = server.next_conn();
        lock(&server.shared.open).insert(conn, registered);
        let (tx, rx) = mpsc::channel();
        let watch_tx = tx.clone();
        spawn(move || read_loop(reader, tx));
        let shared = server.shared.clone();
        spawn(move || {
            let _watch = shared.store.watch(move || {
                let _ = watch_tx.send(Input::Wake);
            });
            conn::run(shared.clone(), Wire::Tcp(writer), rx, mode, conn);
            lock(&shared.open).remove(&conn);
        });
    }
}

fn read_loop(mut stream: TcpStream, tx: Sender<Input>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = tx.send(Input::Eof);
                return;
            }
            Ok(n) => {
                if tx.send(Input::Data(buf[..n].to_vec())).is_err() {
                    return;
                }
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A mock server listening on 127.0.0.1. Dropping it stops it.
#[derive(Debug)]
pub struct RunningServer {
    server: MockServer,
    addr: Option<SocketAddr>,
    tls_addr: Option<SocketAddr>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// The plaintext (and STARTTLS) address.
    ///
    /// # Panics
    /// When the server has no plaintext listener.
    pub fn addr(&self) -> SocketAddr {
        self.addr.expect("the server has no plaintext listener")
    }

    /// The implicit-TLS address.
    ///
    /// # Panics
    /// When the server has no TLS listener.
    pub fn tls_addr(&self) -> SocketAddr {
        self.tls_addr.expect("the server has no TLS listener")
    }

    /// The server (store, certificate, in-memory connections).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The store, shared with every connection.
    pub fn store(&self) -> &Store {
        self.server.store()
    }

    /// The TLS certificate, when TLS or STARTTLS is configured.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.server.certificate()
    }

    /// Stops listening and closes every open connection.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.stop.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the accept loops.
        for a in [self.addr, self.tls_addr].into_iter().flatten() {
            let _ = TcpStream::connect_timeout(&a, std::time::Duration::from_secs(1));
        }
        for (_, s) in lock(&self.server.shared.open).drain() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
