//! The mock server's in-memory connection ([`MockServer::connect_in_memory`]: a session on a
//! thread of its own, no listener, no TCP server) handed to a driver as a socket: the driver
//! gets one end of a loopback TCP pair, and two threads move bytes between the other end and
//! the in-memory connection.

use mock_server::listener::MockServer;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long the server-to-client thread waits for the session's bytes before it looks whether
/// the client has gone.
const POLL: Duration = Duration::from_millis(5);

/// A new in-memory connection to `server`, as the client end of a socket (blocking, as
/// [`TcpStream::connect`] returns it). The threads end when either side closes.
///
/// # Panics
/// When no loopback socket pair can be made.
pub fn in_memory(server: &MockServer) -> TcpStream {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a port");
    let client = TcpStream::connect(listener.local_addr().expect("the bound address"))
        .expect("connecting to the pair's listener");
    let (near, _) = listener.accept().expect("accepting the pair");
    let conn = Arc::new(server.connect_in_memory());
    let gone = Arc::new(AtomicBool::new(false));
    let (mut to_client, mut from_client) = (near.try_clone().expect("cloning the socket"), near);
    {
        let (conn, gone) = (conn.clone(), gone.clone());
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 16 * 1024];
            while let Ok(n) = from_client.read(&mut buf) {
                if n == 0 || conn.send(&buf[..n]).is_err() {
                    break;
                }
            }
            gone.store(true, Ordering::Relaxed);
        });
    }
    std::thread::spawn(move || {
        while !gone.load(Ordering::Relaxed) {
            // Returns as soon as a line ends (each piece of IMAP output holds one), or after
            // `POLL` with whatever came.
            let got = conn.recv_until(b"\n", POLL);
            if got.is_empty() && conn.is_closed() {
                break;
            }
            if to_client.write_all(&got).is_err() {
                break;
            }
        }
        // The session closed (or the client left): the client reads the end of the stream.
        let _ = to_client.shutdown(Shutdown::Both);
        // Dropping the last handle of the in-memory connection tells the session.
    });
    client
}
