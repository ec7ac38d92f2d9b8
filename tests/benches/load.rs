//! Load: N concurrent connections, each logging in, selecting INBOX and then running a fixed
//! mix of commands (NOOP, UID FETCH 1:* (FLAGS), UID SEARCH UNSEEN, STATUS Archive) back to
//! back for a fixed time, against the mock server and against a private Dovecot in the same
//! run. One thread per connection (small stacks) drives the sans-IO client over a blocking
//! socket ([`imap_tests::net::TcpClient`]).
//!
//! ```text
//! cargo bench -p imap-tests --bench load
//! LOAD_CONNECTIONS=200 LOAD_SECONDS=5 LOAD_SERVERS=mock cargo bench -p imap-tests --bench load
//! LOAD_SERVERS=dovecot LOAD_DOVECOT_LIST_INDEX=0 cargo bench -p imap-tests --bench load
//! ```
//!
//! Every connection is the same user (one shared INBOX and Archive), which is the hard case
//! for Dovecot: its sessions contend for the user's index locks. With Dovecot's default
//! `mailbox_list_index = yes`, STATUS of the non-selected Archive goes through the user's list
//! index and some STATUS commands stall for seconds at 1000 connections;
//! `LOAD_DOVECOT_LIST_INDEX=0` turns the list index off.
//!
//! Prints one line per server:
//! `load server=<mock|dovecot> connections=<n> commands_per_s=<x> p50_ms=<x> p99_ms=<x>`
//! plus a detail line (set-up time, failures, the slowest command). Every wait is bounded:
//! connecting and logging in all connections gets [`SETUP_LIMIT`], the measurement
//! `LOAD_SECONDS` (default 10, at most 20), each command [`COMMAND_TIMEOUT`]. The load
//! generator and the server share the machine's cores, so the figures are for comparing the
//! two servers under the same client, not absolute server capacity.

use imap_core::secret::Secret;
use imap_core::types::*;
use imap_tests::dovecot::{self, Options};
use imap_tests::net::TcpClient;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The user every connection logs in as.
const USER: &str = dovecot::USER;
/// Its password.
const PASSWORD: &str = dovecot::PASSWORD;
/// Messages in INBOX (what UID FETCH 1:* and UID SEARCH go through).
const MESSAGES: u32 = 20;
/// Stack of each connection's thread.
const STACK: usize = 256 * 1024;
/// How long connecting, logging in and selecting every connection may take.
const SETUP_LIMIT: Duration = Duration::from_secs(60);
/// How long one command may take before its connection counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest measurement allowed.
const MAX_SECONDS: u64 = 20;

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn message(n: u32) -> String {
    format!(
        "From: sender{n}@example.org\r\nTo: load@example.org\r\nSubject: load message {n}\r\n\
         Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <load{n}@example.org>\r\n\r\n\
         Body of load message {n}.\r\n"
    )
}

fn login() -> CommandBody {
    CommandBody::Login {
        username: USER.into(),
        password: Secret::new(PASSWORD.into()),
    }
}

/// Logs in over one connection and fills INBOX and Archive.
fn populate(addr: SocketAddr) -> Result<(), String> {
    let mut c = TcpClient::connect(addr).map_err(|e| e.to_string())?;
    c.greeting().map_err(|e| e.to_string())?;
    let check = |r: imap_core::client::Completion, what: &str| {
        if r.is_ok() {
            Ok(())
        } else {
            Err(format!("{what}: {r:?}"))
        }
    };
    check(c.try_call(login()).map_err(|e| e.to_string())?, "LOGIN")?;
    let create = CommandBody::Create {
        mailbox: "Archive".into(),
        special_use: vec![],
    };
    check(c.try_call(create).map_err(|e| e.to_string())?, "CREATE")?;
    for (mailbox, n) in [(Mailbox::inbox(), MESSAGES), ("Archive".into(), 3)] {
        let messages = (1..=n)
            .map(|i| AppendMessage {
                flags: if i % 3 == 0 { vec![Flag::Seen] } else { vec![] },
                date: None,
                data: message(i).into(),
                binary: false,
            })
            .collect();
        let append = CommandBody::Append { mailbox, messages };
        check(c.try_call(append).map_err(|e| e.to_string())?, "APPEND")?;
    }
    let _ = c.try_call(CommandBody::Logout);
    Ok(())
}

/// The command mix, in the order each connection cycles through it.
fn mix() -> [CommandBody; 4] {
    [
        CommandBody::Noop,
        CommandBody::Fetch {
            set: MessageSet::Uid(UidSet::all()),
            items: FetchItems::Items(vec![FetchItem::Flags]),
            changed_since: None,
            vanished: false,
        },
        CommandBody::Search {
            uid: true,
            returns: None,
            charset: None,
            criteria: vec![SearchKey::Unseen],
        },
        CommandBody::Status {
            mailbox: "Archive".into(),
            items: vec![
                StatusItem::Messages,
                StatusItem::UidNext,
                StatusItem::Unseen,
            ],
        },
    ]
}

fn command_name(body: &CommandBody) -> &'static str {
    match body {
        CommandBody::Noop => "NOOP",
        CommandBody::Fetch { .. } => "UID FETCH",
        CommandBody::Search { .. } => "UID SEARCH",
        CommandBody::Status { .. } => "STATUS",
        _ => "?",
    }
}

/// What the connections share.
struct Shared {
    ready: AtomicUsize,
    failed: AtomicUsize,
    /// Set once, with the end of the window, when the measurement starts.
    stop: Mutex<Option<Instant>>,
    /// Signalled when `stop` is set.
    started: Condvar,
    /// Connections that were ready only after the start (not measured).
    late: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One connection's results.
#[derive(Default)]
struct ConnResult {
    /// Latencies (microseconds) of the commands completed inside the window, with the
    /// command's index in [`mix`].
    latencies: Vec<(u8, u32)>,
    error: Option<String>,
}

fn connection(addr: SocketAddr, shared: &Shared) -> ConnResult {
    let mut out = ConnResult::default();
    let setup = (|| -> Result<TcpClient, String> {
        let mut c = TcpClient::connect(addr).map_err(|e| format!("connect: {e}"))?;
        c.record = false;
        c.timeout = COMMAND_TIMEOUT;
        c.greeting().map_err(|e| format!("greeting: {e}"))?;
        for body in [
            login(),
            CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams::default(),
            },
        ] {
            let r = c.try_call(body).map_err(|e| e.to_string())?;
            if !r.is_ok() {
                return Err(format!("{:?} {}", r.outcome, r.text));
            }
        }
        c.events.clear();
        Ok(c)
    })();
    let mut c = match setup {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(format!("set-up: {e}"));
            shared.failed.fetch_add(1, Ordering::SeqCst);
            return out;
        }
    };
    if lock(&shared.stop).is_some() {
        // Ready after the set-up limit: not measured.
        shared.late.fetch_add(1, Ordering::SeqCst);
        let _ = c.try_call(CommandBody::Logout);
        return out;
    }
    shared.ready.fetch_add(1, Ordering::SeqCst);
    // The main thread starts the window once every connection is ready or failed, or after
    // SETUP_LIMIT; it always does, so this wait ends.
    let stop = {
        let mut g = lock(&shared.stop);
        loop {
            if let Some(stop) = *g {
                break stop;
            }
            g = shared
                .started
                .wait_timeout(g, Duration::from_secs(1))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    };
    let mix = mix();
    'run: loop {
        for (k, body) in mix.iter().enumerate() {
            let t0 = Instant::now();
            if t0 >= stop {
                break 'run;
            }
            match c.try_call(body.clone()) {
                Ok(r) if r.is_ok() => {
                    let done = Instant::now();
                    if done <= stop {
                        let us = done.duration_since(t0).as_micros();
                        let us = u32::try_from(us).unwrap_or(u32::MAX);
                        out.latencies.push((u8::try_from(k).unwrap_or(u8::MAX), us));
                    }
                }
                Ok(r) => {
                    let name = command_name(body);
                    out.error = Some(format!("{name}: {:?} {}", r.outcome, r.text));
                    break 'run;
                }
                Err(e) => {
                    out.error = Some(format!("{}: {e}", command_name(body)));
                    break 'run;
                }
            }
            c.events.clear();
        }
    }
    c.timeout = Duration::from_secs(2);
    let _ = c.try_call(CommandBody::Logout);
    out
}

/// p50, p99 and max of latencies in microseconds, in milliseconds.
fn percentiles(mut v: Vec<u32>) -> (f64, f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    v.sort_unstable();
    let at = |p: f64| {
        let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
        f64::from(v[i]) / 1000.0
    };
    (at(0.50), at(0.99), f64::from(v[v.len() - 1]) / 1000.0)
}

/// Runs the load against `addr` and prints the result lines.
fn run(server: &str, addr: SocketAddr, n: usize, window: Duration) {
    let shared = Arc::new(Shared {
        ready: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        stop: Mutex::new(None),
        started: Condvar::new(),
        late: AtomicUsize::new(0),
    });
    let t0 = Instant::now();
    let mut threads = Vec::with_capacity(n);
    let mut spawn_errors = 0usize;
    for _ in 0..n {
        let shared = shared.clone();
        let t = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || connection(addr, &shared));
        match t {
            Ok(t) => threads.push(t),
            Err(_) => spawn_errors += 1,
        }
    }
    let spawned = threads.len();
    while shared.ready.load(Ordering::SeqCst) + shared.failed.load(Ordering::SeqCst) < spawned
        && t0.elapsed() < SETUP_LIMIT
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let setup = t0.elapsed();
    let ready = shared.ready.load(Ordering::SeqCst);
    let start = Instant::now();
    *lock(&shared.stop) = Some(start + window);
    shared.started.notify_all();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for t in threads {
        match t.join() {
            Ok(r) => {
                latencies.extend(r.latencies);
                errors.extend(r.error);
            }
            Err(_) => errors.push("a connection thread panicked".into()),
        }
    }
    let elapsed = start.elapsed().min(window).as_secs_f64().max(1e-9);
    let all: Vec<u32> = latencies.iter().map(|l| l.1).collect();
    let (p50, p99, max) = percentiles(all);
    println!(
        "load server={server} connections={ready} commands_per_s={:.0} p50_ms={p50:.2} \
         p99_ms={p99:.2}",
        latencies.len() as f64 / elapsed,
    );
    println!(
        "  {server}: asked {n}, ready {ready}, late {}, set-up {:.1} s, window {:.1} s, \
         commands {}, max_ms {max:.1}, failed connections {}, threads not spawned {spawn_errors}",
        shared.late.load(Ordering::SeqCst),
        setup.as_secs_f64(),
        window.as_secs_f64(),
        latencies.len(),
        errors.len(),
    );
    let per: Vec<String> = mix()
        .iter()
        .enumerate()
        .map(|(k, body)| {
            let l: Vec<u32> = latencies
                .iter()
                .filter(|l| usize::from(l.0) == k)
                .map(|l| l.1)
                .collect();
            let count = l.len();
            let (p50, p99, max) = percentiles(l);
            format!(
                "{} n={count} p50={p50:.2} p99={p99:.2} max={max:.1}",
                command_name(body)
            )
        })
        .collect();
    println!("  {server} ms: {}", per.join("; "));
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for e in errors {
        let key: String = e.chars().take(120).collect();
        match kinds.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => *c += 1,
            None => kinds.push((key, 1)),
        }
    }
    for (e, count) in kinds.iter().take(5) {
        println!("  {server}: {count} x {e}");
    }
}

fn main() {
    let n = usize::try_from(env_number("LOAD_CONNECTIONS", 1000)).unwrap_or(1000);
    let seconds = env_number("LOAD_SECONDS", 10).clamp(1, MAX_SECONDS);
    let window = Duration::from_secs(seconds);
    let servers = std::env::var("LOAD_SERVERS").unwrap_or_else(|_| "mock,dovecot".into());
    for server in servers.split(',').map(str::trim) {
        match server {
            "mock" => {
                let store = Store::new();
                store.add_user(USER, PASSWORD).expect("user");
                let srv = MockServer::builder()
                    .store(store)
                    .allow_plaintext_login(true)
                    .start()
                    .expect("mock server");
                populate(srv.addr()).expect("populating the mock server");
                run("mock", srv.addr(), n, window);
                srv.stop();
            }
            "dovecot" => {
                let options = Options {
                    max_connections: u32::try_from(n).unwrap_or(u32::MAX).saturating_add(16),
                    mailbox_list_index: env_number("LOAD_DOVECOT_LIST_INDEX", 1) != 0,
                    ..Options::default()
                };
                let Some(d) = dovecot::start_or_skip_with("the load benchmark", options) else {
                    continue;
                };
                populate(d.addr()).expect("populating Dovecot");
                run("dovecot", d.addr(), n, window);
                let warnings: Vec<String> = d
                    .log()
                    .lines()
                    .filter(|l| l.contains("Warning") || l.contains("Error") || l.contains("Fatal"))
                    .take(5)
                    .map(str::to_owned)
                    .collect();
                for w in warnings {
                    println!("  dovecot log: {w}");
                }
            }
            other => panic!("LOAD_SERVERS: unknown server {other:?} (mock, dovecot)"),
        }
    }
}
