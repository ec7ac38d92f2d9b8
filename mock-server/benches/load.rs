//! Load: N concurrent client connections on 127.0.0.1, against the mock server and, when it is
//! installed, a private Dovecot (`imap_tests::dovecot`), in the same run with the same client.
//!
//! ```text
//! cargo bench -p mock-server --bench load
//! LOAD_CONNECTIONS=100 LOAD_SECONDS=5 LOAD_SERVERS=ours cargo bench -p mock-server --bench load
//! ```
//!
//! For each N (`LOAD_CONNECTIONS`, a comma-separated list, default `10,100,1000`) and each
//! server (`LOAD_SERVERS`, default `ours,dovecot`), N connections (one thread each, driving
//! the sans-IO client over a blocking socket, `imap_tests::net::TcpClient`) log in as the same
//! user, who has an INBOX of 50 messages and a mailbox `Big` of 10,000. Then the operations
//! are measured one after the other, each in its own window of `LOAD_SECONDS` (default 2, at
//! most 20), every connection sending the command back to back (`LOAD_OPS`, a comma-separated
//! list, picks some; default all):
//!
//! - `noop`: `NOOP` (INBOX selected);
//! - `fetch`: `UID FETCH 1:* (FLAGS ENVELOPE)`, all 50 messages of INBOX;
//! - `big-flags`: `UID FETCH 1:* (FLAGS)`, all 10,000 messages of `Big`;
//! - `big-search-header`: `UID SEARCH HEADER Message-ID "<load7777@"` over `Big` (one hit);
//! - `big-search-text`: `UID SEARCH TEXT "load message 7777."` over `Big` (one hit, found in
//!   the body).
//!
//! Before an operation's window opens, every connection selects the mailbox it works on.
//!
//! For each N and operation it prints
//!
//! ```text
//! load <N> <op> ours=<commands/s> dovecot=<commands/s|n/a> ours_p99_ms=<ms> dovecot_p99_ms=<ms|n/a>
//! ```
//!
//! and, per server, a detail line (connections ready, set-up time, failures). A command counts
//! when it completes with `OK` inside the window; p99 is over those commands' latencies. Every
//! wait is bounded: set-up gets [`SETUP_LIMIT`], each command [`COMMAND_TIMEOUT`]. The load
//! generator and the servers share the machine's cores, so the figures compare the two servers
//! under the same client; they are not absolute capacities. The soft limit on open files is
//! raised to the hard limit first (each connection costs the process two descriptors against
//! the mock server, which runs in it).

#![allow(missing_docs)]

use imap_core::client::Completion;
use imap_core::secret::Secret;
use imap_core::types::{
    AppendData, AppendMessage, CommandBody, FetchItem, FetchItems, Flag, Mailbox, MessageSet,
    SearchKey, SelectParams, UidSet,
};
use imap_tests::dovecot::{self, Options};
use imap_tests::net::TcpClient;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The user every connection logs in as (the one the private Dovecot has).
const USER: &str = dovecot::USER;
/// Its password.
const PASSWORD: &str = dovecot::PASSWORD;
/// Messages in INBOX.
const MESSAGES: u32 = 50;
/// Messages in the large mailbox.
const BIG_MESSAGES: u32 = 10_000;
/// The large mailbox.
const BIG: &str = "Big";
/// Messages per APPEND when filling it.
const APPEND_BATCH: u32 = 500;
/// Stack of each connection's thread.
const STACK: usize = 256 * 1024;
/// How long connecting, logging in and selecting every connection may take.
const SETUP_LIMIT: Duration = Duration::from_secs(60);
/// How long one command may take before its connection counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest window allowed.
const MAX_SECONDS: f64 = 20.0;

/// The operations, measured in this order.
const ALL_OPS: [Op; 5] = [
    Op::Noop,
    Op::Fetch,
    Op::BigFlags,
    Op::BigSearchHeader,
    Op::BigSearchText,
];

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Noop,
    Fetch,
    BigFlags,
    BigSearchHeader,
    BigSearchText,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Noop => "noop",
            Op::Fetch => "fetch",
            Op::BigFlags => "big-flags",
            Op::BigSearchHeader => "big-search-header",
            Op::BigSearchText => "big-search-text",
        }
    }

    /// The mailbox the operation works on.
    fn mailbox(self) -> Mailbox {
        match self {
            Op::Noop | Op::Fetch => Mailbox::inbox(),
            Op::BigFlags | Op::BigSearchHeader | Op::BigSearchText => BIG.into(),
        }
    }

    fn command(self) -> CommandBody {
        let fetch = |items| CommandBody::Fetch {
            set: MessageSet::Uid(UidSet::all()),
            items: FetchItems::Items(items),
            changed_since: None,
            vanished: false,
        };
        let search = |key| CommandBody::Search {
            uid: true,
            returns: None,
            charset: None,
            criteria: vec![key],
        };
        match self {
            Op::Noop => CommandBody::Noop,
            Op::Fetch => fetch(vec![FetchItem::Flags, FetchItem::Envelope]),
            Op::BigFlags => fetch(vec![FetchItem::Flags]),
            Op::BigSearchHeader => {
                search(SearchKey::Header("Message-ID".into(), "<load7777@".into()))
            }
            Op::BigSearchText => search(SearchKey::Text("load message 7777.".into())),
        }
    }
}

/// The operations `LOAD_OPS` names (all by default).
fn ops() -> Vec<Op> {
    match std::env::var("LOAD_OPS") {
        Err(_) => ALL_OPS.to_vec(),
        Ok(list) => list
            .split(',')
            .map(|n| {
                let n = n.trim();
                *ALL_OPS
                    .iter()
                    .find(|op| op.name() == n)
                    .unwrap_or_else(|| panic!("LOAD_OPS: unknown operation {n:?}"))
            })
            .collect(),
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Raises the soft limit on open files to the hard limit; returns the limit in force.
fn raise_fd_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        limit.current = limit.maximum;
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            eprintln!("could not raise the open-file limit: {e}");
        }
    }
    getrlimit(Resource::Nofile).current
}

fn message(n: u32) -> String {
    format!(
        "From: Sender {n} <sender{n}@example.org>\r\nTo: load@example.org\r\n\
         Cc: copy{n}@example.org\r\nSubject: load message {n}\r\n\
         Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <load{n}@example.org>\r\n\
         In-Reply-To: <load{}@example.org>\r\n\r\nBody of load message {n}.\r\n",
        n.saturating_sub(1)
    )
}

fn login() -> CommandBody {
    CommandBody::Login {
        username: USER.into(),
        password: Secret::new(PASSWORD.into()),
    }
}

fn check(r: Completion, what: &str) -> Result<(), String> {
    if r.is_ok() {
        Ok(())
    } else {
        Err(format!("{what}: {:?} {}", r.outcome, r.text))
    }
}

/// Appends messages `range` to `mailbox` in one command.
fn append(
    c: &mut TcpClient,
    mailbox: &Mailbox,
    range: std::ops::RangeInclusive<u32>,
) -> Result<(), String> {
    let messages = range
        .map(|i| AppendMessage {
            flags: if i % 3 == 0 { vec![Flag::Seen] } else { vec![] },
            date: None,
            data: AppendData::Literal {
                data: message(i).into(),
                binary: false,
            },
        })
        .collect();
    let append = CommandBody::Append {
        mailbox: mailbox.clone(),
        messages,
    };
    check(c.try_call(append).map_err(|e| e.to_string())?, "APPEND")
}

/// Logs in over one connection and fills INBOX and, when an operation needs it, `Big`.
fn populate(addr: SocketAddr, big: bool) -> Result<(), String> {
    let mut c = TcpClient::connect(addr).map_err(|e| e.to_string())?;
    c.record = false;
    c.timeout = SETUP_LIMIT;
    c.greeting().map_err(|e| e.to_string())?;
    check(c.try_call(login()).map_err(|e| e.to_string())?, "LOGIN")?;
    append(&mut c, &Mailbox::inbox(), 1..=MESSAGES)?;
    if big {
        let mailbox: Mailbox = BIG.into();
        let create = CommandBody::Create {
            mailbox: mailbox.clone(),
            special_use: Vec::new(),
        };
        check(c.try_call(create).map_err(|e| e.to_string())?, "CREATE")?;
        let mut first = 1;
        while first <= BIG_MESSAGES {
            let last = (first + APPEND_BATCH - 1).min(BIG_MESSAGES);
            append(&mut c, &mailbox, first..=last)?;
            c.events.clear();
            first = last + 1;
        }
    }
    let _ = c.try_call(CommandBody::Logout);
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the connections of one run share.
struct Shared {
    /// The operations measured, in order.
    ops: Vec<Op>,
    /// Connections set up in time, and counted as taking part.
    ready: AtomicUsize,
    failed: AtomicUsize,
    /// Connections set up after the first window started (not measured).
    late: AtomicUsize,
    /// The end of each operation's window, once it has started.
    windows: Mutex<Vec<Option<Instant>>>,
    /// Signalled when a window starts.
    started: Condvar,
    /// Connections that have selected each operation's mailbox (or failed), ready for its
    /// window.
    prepared: Vec<AtomicUsize>,
    /// Connections done with each operation's window.
    finished: Vec<AtomicUsize>,
}

impl Shared {
    fn new(ops: Vec<Op>) -> Self {
        let n = ops.len();
        Shared {
            ops,
            ready: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            late: AtomicUsize::new(0),
            windows: Mutex::new(vec![None; n]),
            started: Condvar::new(),
            prepared: (0..n).map(|_| AtomicUsize::new(0)).collect(),
            finished: (0..n).map(|_| AtomicUsize::new(0)).collect(),
        }
    }

    /// Waits for the window of operation `k` to start; returns its end.
    fn wait_window(&self, k: usize) -> Instant {
        let mut g = lock(&self.windows);
        loop {
            if let Some(stop) = g[k] {
                return stop;
            }
            g = self
                .started
                .wait_timeout(g, Duration::from_secs(1))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// One connection's results: latencies in microseconds per operation.
struct ConnResult {
    latencies: Vec<Vec<u32>>,
    error: Option<String>,
}

fn select(c: &mut TcpClient, mailbox: Mailbox) -> Result<(), String> {
    let select = CommandBody::Select {
        mailbox,
        params: SelectParams::default(),
    };
    check(c.try_call(select).map_err(|e| e.to_string())?, "SELECT")?;
    c.events.clear();
    Ok(())
}

fn set_up(addr: SocketAddr) -> Result<TcpClient, String> {
    let mut c = TcpClient::connect(addr).map_err(|e| format!("connect: {e}"))?;
    c.record = false;
    c.timeout = COMMAND_TIMEOUT;
    c.greeting().map_err(|e| format!("greeting: {e}"))?;
    check(c.try_call(login()).map_err(|e| e.to_string())?, "LOGIN")?;
    select(&mut c, Mailbox::inbox())?;
    Ok(c)
}

fn connection(addr: SocketAddr, shared: &Shared) -> ConnResult {
    let mut out = ConnResult {
        latencies: vec![Vec::new(); shared.ops.len()],
        error: None,
    };
    let mut c = match set_up(addr) {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(format!("set-up: {e}"));
            shared.failed.fetch_add(1, Ordering::SeqCst);
            return out;
        }
    };
    {
        // Counted as ready under the lock the first window starts under, so that the main
        // thread's count and the connections taking part agree.
        let g = lock(&shared.windows);
        if g[0].is_some() {
            shared.late.fetch_add(1, Ordering::SeqCst);
            drop(g);
            let _ = c.try_call(CommandBody::Logout);
            return out;
        }
        shared.ready.fetch_add(1, Ordering::SeqCst);
    }
    let mut selected = Mailbox::inbox();
    for (k, op) in shared.ops.iter().enumerate() {
        if out.error.is_none() && op.mailbox() != selected {
            selected = op.mailbox();
            if let Err(e) = select(&mut c, selected.clone()) {
                out.error = Some(format!("{}: {e}", op.name()));
            }
        }
        shared.prepared[k].fetch_add(1, Ordering::SeqCst);
        let stop = shared.wait_window(k);
        let body = op.command();
        while out.error.is_none() {
            let t0 = Instant::now();
            if t0 >= stop {
                break;
            }
            match c.try_call(body.clone()) {
                Ok(r) if r.is_ok() => {
                    let done = Instant::now();
                    if done <= stop {
                        let us = done.duration_since(t0).as_micros();
                        out.latencies[k].push(u32::try_from(us).unwrap_or(u32::MAX));
                    }
                }
                Ok(r) => out.error = Some(format!("{}: {:?} {}", op.name(), r.outcome, r.text)),
                Err(e) => out.error = Some(format!("{}: {e}", op.name())),
            }
            c.events.clear();
        }
        shared.finished[k].fetch_add(1, Ordering::SeqCst);
    }
    if out.error.is_none() {
        c.timeout = Duration::from_secs(2);
        let _ = c.try_call(CommandBody::Logout);
    }
    out
}

/// One operation's figures on one server.
#[derive(Clone, Copy)]
struct Figures {
    per_s: f64,
    p99_ms: f64,
}

/// The p99 of latencies in microseconds, in milliseconds.
fn p99_ms(mut v: Vec<u32>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_unstable();
    let i = ((v.len() as f64 * 0.99).ceil() as usize).clamp(1, v.len()) - 1;
    f64::from(v[i]) / 1000.0
}

/// Runs the operations with `n` connections against `addr`; prints a detail line.
fn run(server: &str, addr: SocketAddr, n: usize, window: Duration, ops: &[Op]) -> Vec<Figures> {
    let shared = Arc::new(Shared::new(ops.to_vec()));
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
    let mut ready = 0;
    for k in 0..ops.len() {
        if k > 0 {
            // Every taking part connection selects the operation's mailbox before its window.
            let deadline = Instant::now() + SETUP_LIMIT;
            while shared.prepared[k].load(Ordering::SeqCst) < ready && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let stop = {
            let mut g = lock(&shared.windows);
            if k == 0 {
                ready = shared.ready.load(Ordering::SeqCst);
            }
            let stop = Instant::now() + window;
            g[k] = Some(stop);
            stop
        };
        shared.started.notify_all();
        // Every taking part connection finishes the window within a command's timeout after
        // its end; the next window starts only then, so the two never overlap.
        let deadline = stop + COMMAND_TIMEOUT + Duration::from_secs(1);
        while shared.finished[k].load(Ordering::SeqCst) < ready && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let mut latencies: Vec<Vec<u32>> = vec![Vec::new(); ops.len()];
    let mut errors: Vec<String> = Vec::new();
    for t in threads {
        match t.join() {
            Ok(r) => {
                for (all, mine) in latencies.iter_mut().zip(r.latencies) {
                    all.extend(mine);
                }
                errors.extend(r.error);
            }
            Err(_) => errors.push("a connection thread panicked".into()),
        }
    }
    let secs = window.as_secs_f64();
    let counts: Vec<usize> = latencies.iter().map(Vec::len).collect();
    let figures = latencies
        .into_iter()
        .map(|l| Figures {
            per_s: l.len() as f64 / secs,
            p99_ms: p99_ms(l),
        })
        .collect();
    println!(
        "  {server} N={n}: ready {ready}, set-up {:.2} s, late {}, failed {}, threads not \
         spawned {spawn_errors}, commands {counts:?}",
        setup.as_secs_f64(),
        shared.late.load(Ordering::SeqCst),
        errors.len(),
    );
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for e in errors {
        let key: String = e.chars().take(120).collect();
        match kinds.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => *c += 1,
            None => kinds.push((key, 1)),
        }
    }
    for (e, count) in kinds.iter().take(5) {
        println!("  {server} N={n}: {count} x {e}");
    }
    figures
}

fn rate(f: Option<Figures>) -> String {
    f.map_or("n/a".into(), |f| format!("{:.0}", f.per_s))
}

fn p99(f: Option<Figures>) -> String {
    f.map_or("n/a".into(), |f| format!("{:.2}", f.p99_ms))
}

fn main() {
    let counts: Vec<usize> = env_or("LOAD_CONNECTIONS", "10,100,1000")
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .unwrap_or_else(|_| panic!("LOAD_CONNECTIONS: {s:?} is not a number"))
        })
        .collect();
    let seconds: f64 = env_or("LOAD_SECONDS", "2")
        .parse()
        .expect("LOAD_SECONDS is a number of seconds");
    let window = Duration::from_secs_f64(seconds.clamp(0.1, MAX_SECONDS));
    let servers = env_or("LOAD_SERVERS", "ours,dovecot");
    let servers: Vec<&str> = servers.split(',').map(str::trim).collect();
    for s in &servers {
        assert!(
            matches!(*s, "ours" | "dovecot"),
            "LOAD_SERVERS: unknown server {s:?} (ours, dovecot)"
        );
    }
    let ops = ops();
    let big = ops.iter().any(|op| op.mailbox() != Mailbox::inbox());
    let fd_limit = raise_fd_limit();
    let most = counts.iter().copied().max().unwrap_or(0);

    let ours = if servers.contains(&"ours") {
        let store = Store::new();
        store.add_user(USER, PASSWORD).expect("user");
        let srv = MockServer::builder()
            .store(store)
            .allow_plaintext_login()
            .start()
            .expect("mock server");
        populate(srv.addr(), big).expect("populating the mock server");
        Some(srv)
    } else {
        None
    };
    let dovecot = if servers.contains(&"dovecot") {
        let options = Options {
            max_connections: u32::try_from(most).unwrap_or(u32::MAX).saturating_add(16),
            ..Options::default()
        };
        dovecot::start_or_skip_with("the load benchmark", options).inspect(|d| {
            populate(d.addr(), big).expect("populating Dovecot");
        })
    } else {
        None
    };
    println!(
        "# noop = NOOP; fetch = UID FETCH 1:* (FLAGS ENVELOPE) of a {MESSAGES}-message INBOX; \
         big-* = UID FETCH 1:* (FLAGS), UID SEARCH HEADER, UID SEARCH TEXT over {BIG_MESSAGES} \
         messages; {:.1} s per (N, op, server); open-file limit {}",
        window.as_secs_f64(),
        fd_limit.map_or("unlimited".into(), |l| l.to_string()),
    );
    for &n in &counts {
        let a = ours
            .as_ref()
            .map(|s| run("ours", s.addr(), n, window, &ops));
        let b = dovecot
            .as_ref()
            .map(|d| run("dovecot", d.addr(), n, window, &ops));
        for (k, op) in ops.iter().enumerate() {
            let (a, b) = (a.as_ref().map(|f| f[k]), b.as_ref().map(|f| f[k]));
            println!(
                "load {n} {} ours={} dovecot={} ours_p99_ms={} dovecot_p99_ms={}",
                op.name(),
                rate(a),
                rate(b),
                p99(a),
                p99(b),
            );
        }
    }
    if let Some(d) = &dovecot {
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
    if let Some(s) = ours {
        s.stop();
    }
}
