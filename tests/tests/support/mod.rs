//! What the real-client tests share: finding a client program, running it with a time limit,
//! and temporary files and directories (the `tempfile` crate) removed on drop.

// Each test crate that uses this module uses only part of it.
#![allow(dead_code)]

use mock_server::demo::demo_store;
use mock_server::listener::{MockServer, RunningServer};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::{NamedTempFile, TempDir};

/// The longest any client process may run.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(30);

/// The mock server with the demo account, on an implicit-TLS listener only.
pub fn tls_demo_server() -> RunningServer {
    MockServer::builder()
        .store(demo_store())
        .tls()
        .start()
        .expect("starting the mock server")
}

/// Whether `program` can be run; when it cannot, either skip loudly or fail (with
/// `IMAP_TESTS_REQUIRE_CLIENTS=1`).
pub fn available(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        missing(&format!("`{program}` is not installed"));
    }
    found
}

/// Reports a missing client: a loud SKIPPED message, or a failure when
/// `IMAP_TESTS_REQUIRE_CLIENTS=1` (as in CI).
pub fn missing(what: &str) {
    let msg = format!(
        "real clients: {what}; the test using it is SKIPPED (set IMAP_TESTS_REQUIRE_CLIENTS=1 \
         to make this an error)"
    );
    if std::env::var("IMAP_TESTS_REQUIRE_CLIENTS").is_ok_and(|v| v == "1") {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!!!!\n{msg}\n!!!!!!!!!!\n");
}

/// A child process, killed and reaped on drop.
pub struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a finished child printed.
pub struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` to completion within [`CHILD_TIMEOUT`]; panics (after killing it) when it takes
/// longer.
pub fn run(mut cmd: Command) -> Output {
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

impl Output {
    /// The output of a run that must have succeeded; panics with both streams otherwise.
    pub fn expect_success(self, what: &str) -> Output {
        assert!(
            self.success,
            "{what} failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The server's certificate in a temporary PEM file (removed on drop), for clients that take
/// a CA file.
pub fn ca_file(server: &RunningServer) -> NamedTempFile {
    let mut f = tempfile::Builder::new()
        .prefix("imap-tests-ca-")
        .suffix(".pem")
        .tempfile()
        .expect("creating a temp file");
    f.write_all(
        server
            .certificate()
            .expect("TLS certificate")
            .pem()
            .as_bytes(),
    )
    .expect("writing the CA file");
    f
}

/// A new temporary directory, removed with its contents on drop.
pub fn temp_dir(label: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("imap-tests-{label}-"))
        .tempdir()
        .expect("creating a temp directory")
}
