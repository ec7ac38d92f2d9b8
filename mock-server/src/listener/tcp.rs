//! TCP connections, event-driven: an accept loop per listening port and one task per
//! connection on the running server's runtime ([`super::running`]). A task sleeps until its
//! socket is readable, the store changes (an IDLE session has news) or the session's timer is
//! due, so ten thousand idle connections cost ten thousand small tasks, not threads.

use super::Shared;
use super::admission::{Admitted, Ticket};
use super::conn::{Connection, Cost, Mode};
use crate::store::worker;
use bytes::{Buf, Bytes};
use std::io;
use std::net::{SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// The listen backlog. `std::net::TcpListener::bind` uses 128, which a burst of connections
/// (a load test opening 1000 at once) overflows while the accept loop waits for a core: the
/// kernel then drops the last ACK of the handshake, the client believes it is connected, and
/// its greeting comes only after SYN-ACK retransmissions, seconds later. The kernel caps this
/// at `net.core.somaxconn`.
const BACKLOG: i32 = 4096;

/// How long the accept loop pauses after a failed accept (out of file descriptors, say), so
/// that it does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// How much one read takes from a socket. The buffer lives on the worker's stack only while
/// the read is handled, never in an idle task.
const READ_CHUNK: usize = 16 * 1024;

/// A non-blocking listening socket on `addr` with [`BACKLOG`], for [`accept_loop`].
pub(crate) fn listen(addr: SocketAddrV4) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    // As std does on Unix: a restarted test server may bind a port in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&SocketAddr::V4(addr).into())?;
    socket.listen(BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Accepts connections for ever, each served by a task of its own.
/// A connection over the [`ConnectionLimits`](super::ConnectionLimits) that cannot make room
/// is told so and closed.
pub(crate) async fn accept_loop(shared: Arc<Shared>, listener: TcpListener, mode: Mode) {
    loop {
        match listener.accept().await {
            Ok((mut stream, peer)) => {
                let _ = stream.set_nodelay(true);
                let id = shared.next_conn();
                match shared.registry.admit(id, peer.ip()) {
                    Some(admitted) => {
                        tokio::spawn(serve(shared.clone(), stream, mode, id, admitted));
                    }
                    None => {
                        tokio::spawn(async move {
                            if mode != Mode::ImplicitTls {
                                let _ = stream.write_all(REFUSED).await;
                            }
                            let _ =
                                socket2::SockRef::from(&stream).shutdown(std::net::Shutdown::Both);
                        });
                    }
                }
            }
            Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
        }
    }
}

/// What a connection refused for lack of room reads (plaintext ports only).
const REFUSED: &[u8] = b"* BYE [UNAVAILABLE] Too many connections\r\n";

/// What woke a connection's task.
enum Wakeup {
    /// The socket is readable (or failed).
    Readable(io::Result<()>),
    /// The store changed.
    Store,
    /// The session's timer is due.
    Timer,
}

/// Serves one connection until it is finished, then closes it. Dropping the task (the
/// runtime shutting down) closes it too.
async fn serve(
    shared: Arc<Shared>,
    mut stream: TcpStream,
    mode: Mode,
    id: u64,
    admitted: Admitted,
) {
    converse(shared, &mut stream, mode, id, &admitted.ticket).await;
    drop(admitted);
    // Both ways at once, as a client expects of a server that hangs up.
    let _ = socket2::SockRef::from(&stream).shutdown(std::net::Shutdown::Both);
}

/// Moves bytes, store changes and time between the socket and the connection until the
/// connection is finished or the socket fails.
async fn converse(
    shared: Arc<Shared>,
    stream: &mut TcpStream,
    mode: Mode,
    id: u64,
    ticket: &Ticket,
) {
    let store_changed = Arc::new(Notify::new());
    let watch = {
        let notify = store_changed.clone();
        // `notify_one` keeps a permit when the task is busy elsewhere: no change is missed.
        shared.store.watch(Box::new(move || notify.notify_one()))
    };
    let mut conn = Connection::new(&shared, mode, id, Instant::now());
    let write_timeout = shared.options.write_timeout;
    drop(shared);
    talk(&mut conn, stream, ticket, write_timeout, &store_changed).await;
    // Dropping a session leaves its mailbox, which takes the store lock.
    off_worker(move || drop((conn, watch)));
}

/// [`converse`]'s loop, until the connection is finished or the socket fails.
async fn talk(
    conn: &mut Connection,
    stream: &mut TcpStream,
    ticket: &Ticket,
    write_timeout: Option<Duration>,
    store_changed: &Notify,
) {
    let delay = conn.write_delay();
    loop {
        // Marked before the tagged OK goes out: a client that has read it is logged in for
        // the admission too, so a connection made after that never evicts it.
        if conn.is_authenticated() {
            ticket.set_logged_in();
        }
        // Each piece is made only after the previous one is written, so the reply to a large
        // FETCH is paced by the client's reading; one that stops reading is dropped.
        loop {
            // Work that may take the store lock for long or much CPU (LOGIN, SCRAM's key
            // derivation, SEARCH, a FETCH that parses messages, change polling) runs off the
            // worker; cheap work (a FETCH step from kept encodings, bounded by its output) runs
            // on it, with any wait for the store lock handed off (`worker::on_worker`); handing
            // out a piece already gathered, or finding that the session has nothing to do,
            // needs no call into the session. A trip off the worker (`block_in_place` hands the
            // worker's core to another thread: futex wake-ups and context switches) cost a
            // small command as much as the command itself.
            let cost = conn.gather_cost();
            let piece = match cost {
                Cost::Nothing => conn.poll_transmit(),
                Cost::Cheap => worker::on_worker(|| conn.poll_transmit_cheap()),
                Cost::Heavy => off_worker(|| conn.poll_transmit()),
            };
            // A cheap pass that made nothing yet left work stopped before work that is not
            // cheap (or its FETCH step found only expunged messages): that goes off the worker
            // at once.
            let piece = match piece {
                None if cost == Cost::Cheap && conn.needs_gather() => {
                    off_worker(|| conn.poll_transmit())
                }
                piece => piece,
            };
            let Some(piece) = piece else {
                break;
            };
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            // What is gathered goes out in one system call (a FETCH's messages and its tagged
            // OK were two writes, each a trip through the loopback stack).
            let mut pieces = vec![piece];
            while pieces.len() < MAX_PIECES {
                match conn.take_gathered() {
                    Some(p) => pieces.push(p),
                    None => break,
                }
            }
            let written = match write_timeout {
                Some(t) => tokio::time::timeout(t, write_all(stream, &mut pieces))
                    .await
                    .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into())),
                None => write_all(stream, &mut pieces).await,
            };
            if written.is_err() {
                return;
            }
            // A large response is made a step at a time, and the other connections' tasks
            // run between two steps: none waits behind it (a socket the client reads at once
            // never makes the write wait, so nothing else would yield).
            if conn.needs_gather() {
                tokio::task::yield_now().await;
            }
        }
        if conn.is_finished() || ticket.is_evicted() {
            return;
        }
        let deadline = conn.poll_timeout();
        let wakeup = tokio::select! {
            r = stream.readable() => Wakeup::Readable(r),
            () = store_changed.notified() => Wakeup::Store,
            () = sleep_until(deadline) => Wakeup::Timer,
            // Dropped to make room for a newer connection: the loop ends above.
            () = ticket.wake.notified() => Wakeup::Store,
        };
        // The answer is gathered in the same trip off the worker as the input it answers.
        match wakeup {
            Wakeup::Readable(Ok(())) => read(stream, conn),
            Wakeup::Readable(Err(_)) => off_worker(|| {
                conn.handle_eof(Instant::now());
                conn.fill();
            }),
            Wakeup::Store => off_worker(|| {
                conn.handle_wake();
                conn.fill();
            }),
            Wakeup::Timer => off_worker(|| {
                conn.handle_timeout(Instant::now());
                conn.fill();
            }),
        }
    }
}

/// Runs `f`, which may take the store lock or do CPU-heavy work, with this worker's place in
/// the runtime handed to another thread meanwhile (`block_in_place`), so that no runtime
/// worker ever waits for the store lock or for a slow command: a session holding the lock (a
/// long LIST, a large STORE) or deriving SCRAM keys (PBKDF2, slow on purpose) cannot stall
/// other connections, however many do the same at once (issue 12, item 7). Before, LOGIN,
/// change polling and announcements took the lock on a worker, and two sessions waiting for
/// it stopped the runtime's two workers, so no other connection was even greeted.
///
/// `block_in_place` needs a multi-thread runtime: connection tasks only run on the one
/// [`super::running`] builds.
fn off_worker<R>(f: impl FnOnce() -> R) -> R {
    tokio::task::block_in_place(f)
}

/// Most pieces written in one system call.
const MAX_PIECES: usize = 64;

/// Writes every piece, in order, with as few system calls as the socket allows.
async fn write_all(stream: &mut TcpStream, pieces: &mut [Bytes]) -> io::Result<()> {
    let mut first = 0;
    while first < pieces.len() {
        let slices: Vec<io::IoSlice<'_>> = pieces[first..]
            .iter()
            .map(|p| io::IoSlice::new(p))
            .collect();
        let mut n = stream.write_vectored(&slices).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        while n > 0 {
            let p = &mut pieces[first];
            let step = n.min(p.len());
            p.advance(step);
            n -= step;
            if p.is_empty() {
                first += 1;
            }
        }
        while first < pieces.len() && pieces[first].is_empty() {
            first += 1;
        }
    }
    Ok(())
}

/// Reads what the socket has, hands it to the connection and gathers the answer: on the
/// worker when that is cheap ([`Connection::is_cheap_input`], then only cheap work is gathered,
/// [`Connection::fill_cheap`]), with any wait for the store lock handed off
/// ([`worker::on_worker`]); off it otherwise. A trip off the worker cost a `NOOP` as much as
/// the command itself (about half its throughput).
fn read(stream: &TcpStream, conn: &mut Connection) {
    let mut buf = [0u8; READ_CHUNK];
    let got = stream.try_read(&mut buf);
    let handle = |conn: &mut Connection| match got {
        Ok(0) => conn.handle_eof(Instant::now()),
        Ok(n) => conn.handle_input(Instant::now(), &buf[..n]),
        Err(_) => conn.handle_eof(Instant::now()),
    };
    match &got {
        Ok(n) if *n > 0 && conn.is_cheap_input() => worker::on_worker(|| {
            handle(conn);
            conn.fill_cheap();
        }),
        // The readiness left from the previous read (tokio clears it only on `WouldBlock`):
        // nothing to read, and any work left is gathered by the caller, at its cost.
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        _ => off_worker(|| {
            handle(conn);
            conn.fill();
        }),
    }
}

/// Sleeps until `deadline`, or for ever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use crate::listener::MockServer;
    use crate::session::options::Faults;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    fn connect(faults: Faults) -> (crate::listener::RunningServer, TcpStream) {
        let server = MockServer::builder().faults(faults).start().unwrap();
        let s = TcpStream::connect(server.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        (server, s)
    }

    #[test]
    fn split_delayed_writes_stop_after_the_byte_limit() {
        let (_server, mut s) = connect(Faults {
            split_writes: Some(3),
            write_delay: Some(Duration::from_millis(1)),
            drop_after_bytes: Some(40),
            ..Faults::default()
        });
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        assert_eq!(got.len(), 40);
        assert!(got.starts_with(b"* OK [CAPABILITY "));
    }

    /// A client that asks for a large reply and never reads is disconnected after the write
    /// timeout, and its reply was never built whole (issue 12, item 9: four such clients held
    /// 1.7 GB).
    #[test]
    fn a_client_that_stops_reading_is_dropped() {
        let mut b = crate::store::Store::builder().user("alice", "pw");
        let big = format!("Subject: x\r\n\r\n{}", "y".repeat(1 << 20));
        for _ in 0..16 {
            b = b.message(big.clone().into_bytes(), &[], None);
        }
        let server = MockServer::builder()
            .store(b.build().unwrap())
            .allow_plaintext_login()
            .write_timeout(Some(Duration::from_millis(300)))
            .start()
            .unwrap();
        let mut s = TcpStream::connect(server.addr()).unwrap();
        s.write_all(b"a LOGIN alice pw\r\nb SELECT INBOX\r\nc FETCH 1:* BODY.PEEK[]\r\n")
            .unwrap();
        // Unread: the server blocks on the full socket, gives up and closes.
        std::thread::sleep(Duration::from_millis(1500));
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = Vec::new();
        let closed = loop {
            let mut buf = vec![0u8; 1 << 16];
            match s.read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
                Err(_) => break false,
            }
        };
        assert!(closed, "still open after {} bytes", got.len());
        let text = String::from_utf8_lossy(&got);
        assert!(!text.contains("c OK"), "the reply was never finished");
        assert!(got.len() < 16 << 20, "{}", got.len());
    }

    /// Large replies go out whole and in order when several pieces are written at once (the
    /// socket takes part of a vectored write): the TCP conversation is byte for byte the
    /// in-memory one, which writes a piece at a time.
    #[test]
    fn joined_writes_send_everything_in_order() {
        let mut b = crate::store::Store::builder().user("alice", "pw");
        for i in 0..4u8 {
            let body: Vec<u8> = (0..1 << 20)
                .map(|j: u32| b'a' + ((j + u32::from(i)) % 26) as u8)
                .collect();
            let mut m = format!("Subject: m{i}\r\n\r\n").into_bytes();
            m.extend(body);
            b = b.message(m, &[], None);
        }
        let store = b.build().unwrap();
        let server = MockServer::builder()
            .store(store.clone())
            .allow_plaintext_login()
            .start()
            .unwrap();
        let script: &[u8] = b"a LOGIN alice pw\r\nb EXAMINE INBOX\r\nc FETCH 1:* (FLAGS BODY.PEEK[])\r\nd FETCH 1:* (FLAGS ENVELOPE)\r\ne NOOP\r\n";
        let mut s = TcpStream::connect(server.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(script).unwrap();
        let mut over_tcp = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        while !over_tcp.ends_with(b"e OK NOOP completed\r\n") {
            let n = s
                .read(&mut buf)
                .expect("the whole reply within the timeout");
            assert_ne!(n, 0, "closed early");
            over_tcp.extend_from_slice(&buf[..n]);
        }
        let memory = MockServer::builder().store(store).build().unwrap();
        let m = memory.connect_in_memory();
        m.send(script).unwrap();
        let in_memory = m.recv_until(b"e OK", Duration::from_secs(20));
        assert!(over_tcp.len() > 4 << 20, "{}", over_tcp.len());
        assert_eq!(over_tcp.len(), in_memory.len());
        assert!(over_tcp == in_memory, "the conversations differ");
    }

    /// A new connection is greeted without the store lock: while another session holds it
    /// (a long LIST, say), the greeting still comes (issue 12, item 7). Before, a greeting took
    /// the lock three times (session id, watcher, APPENDLIMIT).
    #[test]
    fn the_greeting_needs_no_store_lock() {
        let store = crate::store::Store::builder()
            .user("alice", "pw")
            .build()
            .unwrap();
        store.set_append_limit(Some(1000));
        let server = MockServer::builder().store(store.clone()).start().unwrap();
        let held = store.lock();
        let mut s = TcpStream::connect(server.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        while !got.ends_with(b"\r\n") {
            let n = s.read(&mut buf).expect("greeted while the lock is held");
            assert_ne!(n, 0);
            got.extend_from_slice(&buf[..n]);
        }
        let greeting = String::from_utf8(got).unwrap();
        assert!(greeting.contains("APPENDLIMIT=1000"), "{greeting}");
        drop(held);
    }

    /// Reads until `s` has sent a line holding `want`.
    fn read_until(s: &mut TcpStream, want: &str) -> String {
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let text = String::from_utf8_lossy(&got);
            if text
                .split_once(want)
                .is_some_and(|(_, rest)| rest.contains("\r\n"))
            {
                return text.into_owned();
            }
            let n = s.read(&mut buf).expect("an answer within the read timeout");
            assert_ne!(n, 0, "closed early: {text}");
            got.extend_from_slice(&buf[..n]);
        }
    }

    /// No runtime worker waits for the store lock (issue 12, item 7): while it is held,
    /// LOGIN on more connections than the runtime has workers does not stop another
    /// connection from being greeted, and the LOGINs complete once it is released. Before,
    /// each LOGIN waited for the lock on a worker, and with both workers waiting nothing else
    /// ran.
    #[test]
    fn no_worker_waits_for_the_store_lock() {
        wait_for_the_lock_off_the_worker(None, b"a LOGIN alice pw\r\n", "a OK");
    }

    /// A NOOP runs on the runtime's worker (issue 16 point 2), yet no worker waits for the
    /// store lock there: while it is held, NOOPs in a selected mailbox (each looks at the
    /// store's changes) on more connections than the runtime has workers do not stop another
    /// connection from being greeted, and they are answered once it is released.
    #[test]
    fn a_noop_on_the_worker_does_not_wait_for_the_store_lock() {
        let setup = (&b"a LOGIN alice pw\r\nb SELECT INBOX\r\n"[..], "b OK");
        wait_for_the_lock_off_the_worker(Some(setup), b"c NOOP\r\n", "c OK");
    }

    /// A FETCH of kept metadata runs on the runtime's worker too (issue 16 point 2), and its
    /// steps wait for the store lock off the worker: FETCHes on more connections than the
    /// runtime has workers, sent while the lock is held, do not stop other connections from
    /// being greeted, and are answered once it is released.
    #[test]
    fn a_fetch_on_the_worker_does_not_wait_for_the_store_lock() {
        let setup = (&b"a LOGIN alice pw\r\nb SELECT INBOX\r\n"[..], "b OK");
        wait_for_the_lock_off_the_worker(Some(setup), b"c FETCH 1:* (FLAGS ENVELOPE)\r\n", "c OK");
    }

    /// Six connections (after `setup`, the bytes sent and the answer awaited) to a store with
    /// one message in INBOX send `command` while the test holds the store lock; twenty more
    /// connections must be greeted meanwhile, and each `command` answered (`done`) once the
    /// lock is released.
    fn wait_for_the_lock_off_the_worker(setup: Option<(&[u8], &str)>, command: &[u8], done: &str) {
        let store = crate::store::Store::builder()
            .user("alice", "pw")
            .message(b"Subject: one\r\n\r\nbody\r\n".to_vec(), &[], None)
            .build()
            .unwrap();
        let server = MockServer::builder()
            .store(store.clone())
            .allow_plaintext_login()
            .start()
            .unwrap();
        let open = || {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let greeting = read_until(&mut s, "* OK");
            (s, greeting)
        };
        let mut waiting: Vec<TcpStream> = (0..6)
            .map(|_| {
                let (mut s, _) = open();
                if let Some((bytes, answer)) = setup {
                    s.write_all(bytes).unwrap();
                    read_until(&mut s, answer);
                }
                s
            })
            .collect();
        let held = store.lock();
        for s in &mut waiting {
            s.write_all(command).unwrap();
        }
        // Connection after connection, so that the commands have long reached the server by
        // the last one, whatever the order the runtime sees the events in.
        let late: Vec<TcpStream> = (0..20)
            .map(|_| {
                let (s, greeting) = open();
                assert!(greeting.starts_with("* OK [CAPABILITY "), "{greeting}");
                s
            })
            .collect();
        drop(held);
        for s in &mut waiting {
            read_until(s, done);
        }
        drop(late);
    }

    /// A large reply is made a step at a time, and other tasks run between two steps (issue
    /// 16 point 2): on a one-thread runtime, a task that counts its turns gets at least one
    /// turn per piece of a FETCH's reply while `talk` answers it, however fast the client
    /// reads. Before, a connection whose writes never had to wait made its whole reply in one
    /// turn.
    #[test]
    fn other_tasks_run_between_the_pieces_of_a_large_reply() {
        use crate::listener::ConnectionLimits;
        use crate::listener::admission::Registry;
        use crate::session::stream::CHUNK;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::Instant;

        // Logged in and selected before the loop starts (off the runtime); the FETCH waits in
        // the connection.
        let mut conn = crate::listener::conn::selected_connection(2000);
        conn.handle_input(Instant::now(), b"c FETCH 1:* (FLAGS ENVELOPE)\r\n");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (turns, reply) = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let reader = std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                let mut got = Vec::new();
                let mut buf = vec![0u8; 1 << 16];
                while !got.ends_with(b"c OK FETCH completed\r\n") {
                    let n = s.read(&mut buf).expect("the reply within the timeout");
                    assert_ne!(n, 0, "closed early");
                    got.extend_from_slice(&buf[..n]);
                }
                got
            });
            let (mut stream, peer) = listener.accept().await.unwrap();
            // Room for one connection: admitting a second evicts the first, so that `talk`
            // returns as soon as the reply is written.
            let registry = Arc::new(Registry::new(ConnectionLimits::new(1, 1)));
            let first = registry.admit(1, peer.ip()).unwrap();
            let _second = registry.admit(2, peer.ip()).unwrap();
            let turns = Arc::new(AtomicUsize::new(0));
            let probe = {
                let turns = turns.clone();
                tokio::spawn(async move {
                    loop {
                        turns.fetch_add(1, Ordering::Relaxed);
                        tokio::task::yield_now().await;
                    }
                })
            };
            let changed = tokio::sync::Notify::new();
            super::talk(&mut conn, &mut stream, &first.ticket, None, &changed).await;
            let turns = turns.load(Ordering::Relaxed);
            probe.abort();
            (turns, reader.join().unwrap())
        });
        let fetched = String::from_utf8(reply).unwrap();
        assert_eq!(fetched.matches(" FETCH (FLAGS").count(), 2000);
        let pieces = fetched.len() / CHUNK;
        assert!(pieces >= 4, "{}", fetched.len());
        assert!(turns >= pieces - 1, "{turns} turns for {pieces} pieces");
    }

    #[test]
    fn a_command_that_drops_the_connection_gets_no_answer() {
        let (_server, mut s) = connect(Faults {
            drop_at_command: Some("NOOP".into()),
            ..Faults::default()
        });
        s.write_all(b"a1 CAPABILITY\r\n").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        // The whole tagged line: a read may end inside it.
        let answered = |got: &[u8]| {
            let text = String::from_utf8_lossy(got);
            text.split_once("a1 OK")
                .is_some_and(|(_, rest)| rest.contains("\r\n"))
        };
        while !answered(&got) {
            let n = s.read(&mut buf).unwrap();
            assert_ne!(n, 0, "closed early");
            got.extend_from_slice(&buf[..n]);
        }
        s.write_all(b"a2 NOOP\r\n").unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert_eq!(String::from_utf8(rest).unwrap(), "");
    }
}
