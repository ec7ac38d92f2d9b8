//! A started server ([`RunningServer`]): its listening ports and the small tokio runtime its
//! TCP connections live on. Stopping it shuts the runtime down, which drops every task and so
//! closes every listening socket and open connection.

use super::conn::Mode;
use super::{Certificate, MockServer, tcp};
use crate::backend::MailStore;
use crate::store::Store;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

/// The runtime's worker threads: enough for a test or ten thousand idle connections, few
/// enough that a test suite starting many servers does not drown in threads.
const WORKERS: usize = 2;

/// The runtime, shut down when dropped (also from inside another runtime).
#[derive(Debug)]
struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    fn new() -> io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("mock-server")
            .enable_io()
            .enable_time()
            .build()?;
        Ok(Runtime(Some(rt)))
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.0.as_ref().expect("running").handle()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            // Dropping a runtime waits for its workers to drop their tasks, which tokio
            // forbids on a thread that runs async code (a `#[tokio::test]` that drops the
            // server): do it on a thread of its own, and wait for that.
            let _ = std::thread::spawn(move || drop(rt)).join();
        }
    }
}

/// A mock server listening on 127.0.0.1. Dropping it stops it.
#[derive(Debug)]
pub struct RunningServer<S = Store> {
    server: MockServer<S>,
    addr: Option<SocketAddr>,
    tls_addr: Option<SocketAddr>,
    /// Held for its drop, which closes the ports and every connection.
    _runtime: Runtime,
}

impl<S: MailStore + Clone> RunningServer<S> {
    /// Binds the ports `server` asks for and starts accepting.
    pub(super) fn start(server: MockServer<S>) -> io::Result<Self> {
        let runtime = Runtime::new()?;
        let bind = |port: u16, mode: Mode| -> io::Result<SocketAddr> {
            let listener = tcp::listen(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))?;
            let addr = listener.local_addr()?;
            let handle = runtime.handle();
            let listener = {
                let _in_runtime = handle.enter();
                tokio::net::TcpListener::from_std(listener)?
            };
            handle.spawn(tcp::accept_loop(server.shared.clone(), listener, mode));
            Ok(addr)
        };
        let addr = match server.plain {
            true => Some(bind(server.plain_port, Mode::Plain)?),
            false => None,
        };
        let tls_addr = match server.tls_listener {
            true => Some(bind(server.tls_port, Mode::ImplicitTls)?),
            false => None,
        };
        Ok(RunningServer {
            server,
            addr,
            tls_addr,
            _runtime: runtime,
        })
    }

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
    pub fn server(&self) -> &MockServer<S> {
        &self.server
    }

    /// The store, shared with every connection.
    pub fn store(&self) -> &S {
        self.server.store()
    }

    /// The TLS certificate, when TLS or STARTTLS is configured.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.server.certificate()
    }

    /// Stops listening and closes every open connection (in-memory connections stay open).
    /// Dropping the server does the same.
    pub fn stop(self) {
        drop(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    fn connect(addr: SocketAddr) -> TcpStream {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    fn read_line(s: &mut TcpStream) -> String {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        while !line.ends_with(b"\r\n") {
            match s.read(&mut b).unwrap() {
                0 => break,
                _ => line.push(b[0]),
            }
        }
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn stop_closes_open_connections_and_the_port() {
        let server = MockServer::builder().start().unwrap();
        let addr = server.addr();
        let mut a = connect(addr);
        let mut b = connect(addr);
        assert!(read_line(&mut a).starts_with("* OK"));
        assert!(read_line(&mut b).starts_with("* OK"));
        server.stop();
        let mut rest = Vec::new();
        assert_eq!(a.read_to_end(&mut rest).unwrap(), 0);
        assert_eq!(b.read_to_end(&mut rest).unwrap(), 0);
        assert!(TcpStream::connect(addr).is_err());
    }

    #[test]
    fn many_connections_are_served_at_once() {
        let server = MockServer::builder().start().unwrap();
        let mut conns: Vec<TcpStream> = (0..200).map(|_| connect(server.addr())).collect();
        for c in &mut conns {
            assert!(read_line(c).starts_with("* OK"));
        }
        for (i, c) in conns.iter_mut().enumerate() {
            write!(c, "a{i} NOOP\r\n").unwrap();
        }
        for (i, c) in conns.iter_mut().enumerate() {
            assert!(read_line(c).starts_with(&format!("a{i} OK")));
        }
    }

    #[tokio::test]
    async fn dropping_inside_an_async_test_does_not_panic() {
        let server = MockServer::builder().start().unwrap();
        let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        drop(server);
        let mut buf = [0u8; 256];
        let mut got = Vec::new();
        loop {
            stream.readable().await.unwrap();
            match stream.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // Still in the listen queue when the port closed: the kernel resets it.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(got.is_empty() || got.starts_with(b"* OK"));
    }
}
