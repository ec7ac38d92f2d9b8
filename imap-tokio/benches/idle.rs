//! Ten thousand IDLE connections in one process: opens N imap-tokio clients to the mock server,
//! puts every one in IDLE on INBOX, then
//!
//! - divides the growth of this process's heap (a counting global allocator) by N: the heap
//!   one idle connection costs the client;
//! - delivers one message into INBOX and times how long it takes until every client has seen
//!   the new `EXISTS`: the fan-out of one update to N sessions.
//!
//! ```text
//! cargo bench -p imap-tokio --bench idle
//! IDLE_CONNECTIONS=1000 IDLE_TLS=1 cargo bench -p imap-tokio --bench idle
//! ```
//!
//! Prints `idle connections=<n> heap_per_conn=<bytes> fanout_ms=<ms>` (and with `IDLE_TLS=1`
//! the same over implicit TLS on a second line, `idle tls connections=...`), details on
//! stderr. The server is this program again in a child process (`IDLE_BENCH_SERVE` set), so
//! its memory is not counted and each process has its own file-descriptor limit: one
//! process with both ends of 10,000 connections would need 20,000 descriptors, the hard limit
//! on some machines. Both raise their soft limit to the hard one. The timer starts when the
//! "deliver" line is written to the child's stdin, so the fan-out includes that pipe hop.

use imap_tokio::TokioConnect;
use imap_tokio::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The user every connection logs in as.
const USER: &str = "user";
/// Its password.
const PASSWORD: &str = "pw";
/// The message delivered to wake every connection.
const MESSAGE: &[u8] =
    b"From: a@example.org\r\nTo: user@example.org\r\nSubject: news\r\n\r\nhello\r\n";
/// Connections logging in at the same time (the rest wait their turn).
const CONCURRENT_LOGINS: usize = 256;
/// How long setting up every connection may take.
const SETUP_LIMIT: Duration = Duration::from_secs(300);
/// How long the fan-out may take before the bench reports who is missing.
const FANOUT_LIMIT: Duration = Duration::from_secs(60);
/// Child mode: serve `plain` or `tls` instead of measuring.
const SERVE_ENV: &str = "IDLE_BENCH_SERVE";

/// Bytes allocated and not freed. (`stats_alloc` counts a `realloc`'s growth in
/// `bytes_allocated` and its shrinking in `bytes_deallocated` already; `bytes_reallocated` is
/// the same difference again, which this bench added until issue 16.)
fn live_bytes() -> i64 {
    let s = GLOBAL.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64
}

/// [`live_bytes`] as the bench counted before issue 16, growth by `realloc` twice: printed
/// beside it so that figures stay comparable with earlier runs.
fn live_bytes_before_issue_16() -> i64 {
    let s = GLOBAL.stats();
    live_bytes() + s.bytes_reallocated as i64
}

/// Raises the soft limit on open files to the hard limit; returns the limit now in force.
fn raise_fd_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        limit.current = limit.maximum;
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            eprintln!("cannot raise RLIMIT_NOFILE: {e}");
        }
    }
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

fn main() {
    let fds = raise_fd_limit();
    if let Ok(mode) = std::env::var(SERVE_ENV) {
        serve(mode == "tls");
        return;
    }
    let n: usize = match std::env::var("IDLE_CONNECTIONS") {
        Ok(v) => v.parse().expect("IDLE_CONNECTIONS is a number"),
        Err(_) => 10_000,
    };
    // This process holds n sockets plus a few for the runtime, the pipes and stdio.
    let usable = usize::try_from(fds.saturating_sub(64)).unwrap_or(usize::MAX);
    let n = if n > usable {
        eprintln!("RLIMIT_NOFILE is {fds}: running {usable} connections instead of {n}");
        usable
    } else {
        n
    };
    let mut modes = vec![false];
    if std::env::var("IDLE_TLS").is_ok_and(|v| v == "1") {
        modes.push(true);
    }
    for tls in modes {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let line = rt.block_on(measure(n, tls));
        println!("{line}");
    }
}

/// The server child process, its stdin (where "deliver" goes) and how to connect to it.
struct Server {
    child: Child,
    stdin: ChildStdin,
    connector: imap_tokio::Connector,
}

impl Server {
    fn spawn(tls: bool) -> Server {
        let exe = std::env::current_exe().expect("current exe");
        let mut child = Command::new(exe)
            .env(SERVE_ENV, if tls { "tls" } else { "plain" })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("server process");
        let stdin = child.stdin.take().expect("stdin");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("port");
        let port: u16 = line.trim().parse().expect("port number");
        let mut ca = String::new();
        loop {
            line.clear();
            if out.read_line(&mut line).expect("pem") == 0 || line.trim() == "END" {
                break;
            }
            ca.push_str(&line);
        }
        let connector = if tls {
            imap_tokio::Connector::new("localhost")
                .port(port)
                .tls(imap_tokio::TlsOptions::new().ca_pem(ca))
        } else {
            imap_tokio::Connector::new("127.0.0.1")
                .port(port)
                .security(imap_tokio::Security::Plain)
                .allow_plaintext_login()
        }
        .password(USER, PASSWORD)
        .max_events(16);
        Server {
            child,
            stdin,
            connector,
        }
    }

    /// Asks the server to deliver [`MESSAGE`] into INBOX.
    fn deliver(&mut self) {
        self.stdin
            .write_all(b"deliver\n")
            .and_then(|()| self.stdin.flush())
            .expect("telling the server to deliver");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Counts connections reaching a stage, and wakes whoever waits for all of them.
#[derive(Default)]
struct Stage {
    reached: AtomicUsize,
    changed: Notify,
}

impl Stage {
    fn reach(&self) {
        self.reached.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
    }

    fn count(&self) -> usize {
        self.reached.load(Ordering::SeqCst)
    }

    /// Waits until `target` connections (ready ones plus `failed`) got here, or `limit` passes.
    async fn wait(&self, target: usize, failed: &Stage, limit: Duration) -> bool {
        let done = async {
            while self.count() + failed.count() < target {
                tokio::select! {
                    () = self.changed.notified() => {}
                    () = failed.changed.notified() => {}
                }
            }
        };
        tokio::time::timeout(limit, done).await.is_ok()
    }
}

/// What the connections report.
#[derive(Default)]
struct Progress {
    idling: Stage,
    saw_update: Stage,
    failed: Stage,
}

/// One client: log in, select INBOX, IDLE until the delivered message shows up, then stay.
async fn client(connector: imap_tokio::Connector, logins: Arc<Semaphore>, p: Arc<Progress>) {
    let permit = logins.acquire_owned().await.expect("semaphore");
    let mut session = match connector.login().await {
        Ok(s) => s,
        Err(e) => return fail(&p, "login", &e),
    };
    // The session needs nothing of the connector once connected.
    drop(connector);
    if let Err(e) = session.select("INBOX").await {
        return fail(&p, "select", &e);
    }
    let mut idle = match session.idle().await {
        Ok(i) => i,
        Err(e) => return fail(&p, "idle", &e),
    };
    drop(permit);
    p.idling.reach();
    loop {
        if let Err(e) = idle.wait().await {
            // The server going away at the end is not a failure.
            if p.saw_update.count() == 0 {
                fail(&p, "wait", &e);
            }
            return;
        }
        if idle.selected().is_some_and(|m| m.exists() >= 1) {
            p.saw_update.reach();
            break;
        }
    }
    // Stay connected (and idle) until the bench ends.
    std::future::pending::<()>().await;
}

fn fail(p: &Progress, stage: &str, e: &imap_tokio::Error) {
    if p.failed.count() < 5 {
        eprintln!("a connection failed at {stage}: {e}");
    }
    p.failed.reach();
}

async fn measure(n: usize, tls: bool) -> String {
    let mut server = Server::spawn(tls);
    let logins = Arc::new(Semaphore::new(CONCURRENT_LOGINS));
    // Warm up: lazy statics, the TLS configuration, the runtime's structures.
    let warm = Arc::new(Progress::default());
    let warm_task = tokio::spawn(client(
        server.connector.clone(),
        logins.clone(),
        warm.clone(),
    ));
    let warmed = warm.idling.wait(1, &warm.failed, SETUP_LIMIT).await;
    assert!(
        warmed && warm.failed.count() == 0,
        "the warm-up connection did not reach IDLE"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;

    let progress = Arc::new(Progress::default());
    let mut tasks = Vec::with_capacity(n);
    let before = live_bytes();
    let before_old = live_bytes_before_issue_16();
    let start = Instant::now();
    for _ in 0..n {
        let c = client(server.connector.clone(), logins.clone(), progress.clone());
        tasks.push(tokio::spawn(c));
    }
    let set_up = progress.idling.wait(n, &progress.failed, SETUP_LIMIT).await;
    let setup_time = start.elapsed();
    // Let the last responses be parsed and their buffers settle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = live_bytes();
    let after_old = live_bytes_before_issue_16();
    let idling = progress.idling.count();
    eprintln!(
        "{idling} of {n} connections idle after {:.1} s ({} failed{})",
        setup_time.as_secs_f64(),
        progress.failed.count(),
        if set_up { "" } else { ", set-up timed out" }
    );
    let heap_per_conn = (after - before) / i64::try_from(idling.max(1)).expect("count");
    let old_count = (after_old - before_old) / i64::try_from(idling.max(1)).expect("count");

    let t0 = Instant::now();
    server.deliver();
    let delivered = progress
        .saw_update
        .wait(idling, &Stage::default(), FANOUT_LIMIT)
        .await;
    let fanout = t0.elapsed();
    if !delivered {
        eprintln!(
            "only {} of {idling} connections saw the update within {} s",
            progress.saw_update.count(),
            FANOUT_LIMIT.as_secs()
        );
    }
    drop(server);
    for t in tasks {
        t.abort();
    }
    warm_task.abort();
    format!(
        "idle {}connections={idling} heap_per_conn={heap_per_conn} \
         heap_per_conn_realloc_twice={old_count} fanout_ms={:.1}",
        if tls { "tls " } else { "" },
        fanout.as_secs_f64() * 1000.0
    )
}

/// The child: a mock server with one user and an empty INBOX; prints its port (and the PEM of
/// its certificate, then `END`), then delivers a message for every "deliver" line on stdin
/// and exits when stdin closes.
fn serve(tls: bool) {
    use mock_server::listener::{ConnectionLimits, MockServer};
    use mock_server::store::Store;
    let store = Store::builder()
        .user(USER, PASSWORD)
        .build()
        .expect("store");
    // Every connection comes from 127.0.0.1: lift the per-address cap (2,048 by default, which
    // refused all but 2,048 of the 10,000).
    let limits = ConnectionLimits::new(100_000, 100_000);
    let builder = MockServer::builder()
        .store(store)
        .allow_plaintext_login()
        .connection_limits(limits);
    let server = if tls { builder.tls() } else { builder.plain() }
        .start()
        .expect("server");
    let mut out = std::io::stdout().lock();
    let addr = if tls {
        server.tls_addr()
    } else {
        server.addr()
    };
    writeln!(out, "{}", addr.port()).expect("stdout");
    if let Some(c) = server.certificate() {
        write!(out, "{}", c.pem()).expect("stdout");
    }
    writeln!(out, "END").expect("stdout");
    out.flush().expect("stdout");
    let account = server.store().account(USER).expect("account");
    for line in std::io::stdin().lock().lines() {
        match line.as_deref().map(str::trim) {
            Ok("deliver") => {
                account
                    .deliver("INBOX", MESSAGE, &[], None)
                    .expect("deliver");
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
}
