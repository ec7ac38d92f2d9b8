//! What the driver scenarios need besides the mock server: a peer that never reads, which no
//! IMAP server is, and a guard that turns a hang into a failure.

use std::io::Write;
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// A peer on 127.0.0.1 that greets with PREAUTH and LITERAL+ and then never reads, so a
/// client's writes fill the socket buffers and block. It holds the socket until the returned
/// sender is used or dropped (at most 60 s). Returns its port.
///
/// # Panics
/// When no port can be bound.
pub fn never_reads() -> (u16, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a port");
    let port = listener.local_addr().expect("the bound address").port();
    let (done, finished) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let Ok((mut s, _)) = listener.accept() else {
            return;
        };
        if s.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] come in\r\n")
            .is_ok()
        {
            let _ = finished.recv_timeout(Duration::from_secs(60));
        }
    });
    (port, done)
}

/// Runs `f` on a thread of its own and returns its result, failing the test if it takes
/// longer than `limit`: for a test whose regression is a hang.
///
/// # Panics
/// When `f` panics (with its message) or does not finish within `limit`.
pub fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sent its result before ending"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("no result within {limit:?}: it hung"),
    }
}
