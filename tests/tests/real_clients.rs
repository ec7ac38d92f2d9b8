//! Real third-party clients against the mock server over 127.0.0.1: Python's standard
//! `imaplib` (tests/data/imaplib_session.py) and curl's `imap://` / `imaps://` support, on the
//! plaintext listener (plaintext LOGIN allowed) and the implicit-TLS listener (the server's
//! self-signed certificate handed to the client as its only trust anchor).
//!
//! Every child process runs with a bounded timeout and is killed when its guard drops. When
//! `python3` or `curl` is missing the test is skipped with a loud message, unless
//! `IMAP_TESTS_REQUIRE_CLIENTS=1` is set, in which case it fails.

use mock_server::demo::demo_store;
use mock_server::listener::{MockServer, RunningServer};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The longest any client process may run.
const CHILD_TIMEOUT: Duration = Duration::from_secs(30);

fn server() -> RunningServer {
    MockServer::builder()
        .store(demo_store())
        .plain()
        .tls()
        .allow_plaintext_login(true)
        .start()
        .expect("starting the mock server")
}

/// Whether `program` can be run; when it cannot, either skip loudly or fail (with
/// `IMAP_TESTS_REQUIRE_CLIENTS=1`).
fn available(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        let msg = format!(
            "real_clients: `{program}` is not installed; the real-client test using it is SKIPPED \
             (set IMAP_TESTS_REQUIRE_CLIENTS=1 to make this an error)"
        );
        if std::env::var("IMAP_TESTS_REQUIRE_CLIENTS").is_ok_and(|v| v == "1") {
            panic!("{msg}");
        }
        eprintln!("\n!!!!!!!!!!\n{msg}\n!!!!!!!!!!\n");
    }
    found
}

/// A child process, killed and reaped on drop.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a finished child printed.
struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` to completion within [`CHILD_TIMEOUT`]; panics (after killing it) when it takes
/// longer.
fn run(mut cmd: Command) -> Output {
    let desc = format!("{cmd:?}");
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {desc}: {e}"));
    let mut guard = Guard(child);
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut s);
            }
            s
        })
    };
    let out = drain(guard.0.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(guard.0.stderr.take().map(|r| Box::new(r) as _));
    let deadline = Instant::now() + CHILD_TIMEOUT;
    let status = loop {
        if let Some(s) = guard.0.try_wait().expect("waiting for the child") {
            break s;
        }
        if Instant::now() > deadline {
            drop(guard);
            panic!("{desc} ran longer than {CHILD_TIMEOUT:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        success: status.success(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// A file in the temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> TempFile {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "imap-tests-{}-{}.pem",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, contents).expect("writing a temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn ca_file(server: &RunningServer) -> TempFile {
    TempFile::new(server.certificate().expect("TLS certificate").pem())
}

// ----- Python imaplib -----

fn imaplib_session(server: &RunningServer, tls: bool) -> Vec<(String, String)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/imaplib_session.py");
    let ca = ca_file(server);
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg("127.0.0.1");
    if tls {
        cmd.arg(server.tls_addr().port().to_string())
            .arg("tls")
            .arg(&ca.0);
    } else {
        cmd.arg(server.addr().port().to_string()).arg("plain");
    }
    let o = run(cmd);
    assert!(
        o.success,
        "imaplib script failed\nstdout:\n{}\nstderr:\n{}",
        o.stdout, o.stderr
    );
    o.stdout
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn check_imaplib(lines: &[(String, String)]) {
    let get = |k: &str| -> &str {
        lines
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {k} line in {lines:?}"))
    };
    assert!(get("GREETING").starts_with("* OK"), "{lines:?}");
    assert_eq!(get("LOGIN"), "OK");
    assert_eq!(
        get("LIST"),
        "OK Archive,Archive/2023,Drafts,INBOX,Junk,Sent,Trash"
    );
    let exists: u32 = get("SELECT")
        .strip_prefix("OK ")
        .and_then(|n| n.parse().ok())
        .expect("SELECT count");
    assert!(exists >= 3, "{lines:?}");
    assert_eq!(get("FETCH"), "OK Subject: Welcome to the mock IMAP server");
    assert_eq!(get("SEARCH_ALL"), format!("OK {exists}"));
    assert_eq!(get("SEARCH_SUBJECT"), "OK 3");
    assert!(get("STORE").starts_with("OK 1 (FLAGS ("), "{lines:?}");
    assert!(get("STORE").contains("\\Flagged"), "{lines:?}");
    assert_eq!(get("COPY"), "OK");
    assert!(get("STATUS_ARCHIVE").starts_with("OK "), "{lines:?}");
    assert_eq!(get("EXPUNGE"), "OK 2");
    assert_eq!(get("APPEND"), "OK");
    // Message 2 is gone, so the appended message is the last of `exists`.
    assert_eq!(get("SEARCH_APPENDED"), format!("OK {exists}"));
    assert!(get("IDLE_CONT").starts_with('+'), "{lines:?}");
    assert_eq!(get("IDLE_EVENT"), format!("* {} EXISTS", exists + 1));
    assert_eq!(get("IDLE_DONE"), "OK");
    assert_eq!(get("CLOSE"), "OK");
    assert_eq!(get("LOGOUT"), "BYE");
}

#[test]
fn python_imaplib_over_plaintext() {
    if !available("python3") {
        return;
    }
    let server = server();
    check_imaplib(&imaplib_session(&server, false));
}

#[test]
fn python_imaplib_over_tls() {
    if !available("python3") {
        return;
    }
    let server = server();
    check_imaplib(&imaplib_session(&server, true));
}

// ----- curl -----

fn curl(args: &[&str]) -> Output {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-S", "--max-time", "10", "--user", "demo:demo"])
        .args(args);
    run(cmd)
}

fn curl_ok(args: &[&str]) -> String {
    let o = curl(args);
    assert!(
        o.success,
        "curl {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        o.stdout, o.stderr
    );
    o.stdout
}

fn check_curl(base: &str, extra: &[&str]) {
    let with = |more: &[&str]| -> Vec<String> {
        extra.iter().chain(more).map(|s| (*s).to_owned()).collect()
    };
    let call = |more: &[&str]| {
        let v = with(more);
        curl_ok(&v.iter().map(String::as_str).collect::<Vec<_>>())
    };

    let list = call(&[&format!("{base}/")]);
    for name in ["INBOX", "Sent", "Drafts", "Trash", "Archive"] {
        assert!(
            list.lines()
                .any(|l| l.starts_with("* LIST") && l.trim_end().ends_with(name)),
            "no {name} in LIST output:\n{list}"
        );
    }

    let msg = call(&[&format!("{base}/INBOX;UID=1")]);
    assert!(
        msg.contains("Subject: Welcome to the mock IMAP server"),
        "{msg}"
    );
    assert!(msg.contains("This mailbox is served from memory."), "{msg}");

    let search = call(&["-X", "UID SEARCH ALL", &format!("{base}/INBOX")]);
    let line = search
        .lines()
        .find(|l| l.starts_with("* SEARCH"))
        .unwrap_or_else(|| panic!("no SEARCH line:\n{search}"));
    let uids: Vec<u32> = line["* SEARCH".len()..]
        .split_whitespace()
        .map(|u| u.parse().expect("a UID"))
        .collect();
    assert!(uids.len() >= 3 && uids[0] == 1, "{line}");

    // A wrong password is refused: curl exits with an error (67: login denied).
    let v = with(&[&format!("{base}/INBOX;UID=1")]);
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "--max-time", "10", "--user", "demo:wrong"])
        .args(&v);
    let o = run(cmd);
    assert!(!o.success, "wrong password accepted: {}", o.stdout);
}

#[test]
fn curl_over_plaintext() {
    if !available("curl") {
        return;
    }
    let server = server();
    check_curl(&format!("imap://127.0.0.1:{}", server.addr().port()), &[]);
}

#[test]
fn curl_over_tls() {
    if !available("curl") {
        return;
    }
    let server = server();
    let ca = ca_file(&server);
    let ca_path = ca.0.to_str().expect("a UTF-8 temp path");
    check_curl(
        &format!("imaps://127.0.0.1:{}", server.tls_addr().port()),
        &["--cacert", ca_path],
    );
}
