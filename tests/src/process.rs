//! Helpers for the private server processes the tests start ([`crate::dovecot`],
//! [`crate::cyrus`]): temporary directories, users and groups, greetings, reaping.

use std::fs;
use std::io::{self, BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Child;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Connects, reads the first line (bounded), and says goodbye.
pub fn greeting_line(addr: SocketAddr) -> io::Result<String> {
    let s = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut line = String::new();
    BufReader::new(&s).read_line(&mut line)?;
    let _ = io::Write::write_all(&mut &s, b"z LOGOUT\r\n");
    Ok(line.trim_end().to_owned())
}

/// A new, empty, private directory under the system temporary directory.
pub fn temp_dir(prefix: &str) -> io::Result<PathBuf> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = std::env::temp_dir();
    for _ in 0..100 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let p = base.join(format!(
            "imap-tests-{prefix}-{}-{}-{nanos:x}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        match fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free temporary directory name"))
}

/// `(name, uid, gid)` from /etc/passwd.
fn passwd_entries() -> Vec<(String, u32, u32)> {
    fs::read_to_string("/etc/passwd")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((
                f.first()?.to_string(),
                f.get(2)?.parse().ok()?,
                f.get(3)?.parse().ok()?,
            ))
        })
        .collect()
}

/// `(name, uid, gid)` of the user `name`.
pub fn passwd_entry_by_name(name: &str) -> Option<(String, u32, u32)> {
    passwd_entries().into_iter().find(|e| e.0 == name)
}

/// The name of the user with `uid`.
pub fn passwd_entry_by_uid(uid: u32) -> Option<String> {
    passwd_entries()
        .into_iter()
        .find(|e| e.1 == uid)
        .map(|e| e.0)
}

/// `(name, gid)` from /etc/group.
fn group_entries() -> Vec<(String, u32)> {
    fs::read_to_string("/etc/group")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((f.first()?.to_string(), f.get(2)?.parse().ok()?))
        })
        .collect()
}

/// The id of the group `name`.
pub fn group_id(name: &str) -> Option<u32> {
    group_entries()
        .into_iter()
        .find(|e| e.0 == name)
        .map(|e| e.1)
}

/// The name of the group with `gid`.
pub fn group_name(gid: u32) -> Option<String> {
    group_entries()
        .into_iter()
        .find(|e| e.1 == gid)
        .map(|e| e.0)
}

/// Waits (polling, bounded) for `child` to exit; returns whether it did.
pub fn reap_within(child: &mut Child, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return true,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => return false,
        }
    }
}

/// Waits (bounded by `timeout`) until a connection to `addr` gets a greeting that `ready`
/// accepts, failing early when `child` exits. `name` is for the messages.
pub fn wait_for_greeting(
    name: &str,
    child: &mut Child,
    addr: SocketAddr,
    timeout: Duration,
    ready: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("no connection accepted");
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("{name} exited at start-up: {status}"));
        }
        match greeting_line(addr) {
            Ok(line) if ready(&line) => return Ok(()),
            Ok(line) => last = format!("greeting {line:?}"),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("not ready after {timeout:?}: {last}"))
}
