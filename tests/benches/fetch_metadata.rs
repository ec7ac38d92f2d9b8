//! The whole client on a metadata FETCH of a large mailbox (issue 16 point 5):
//! `UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)` of N messages
//! (`FETCH_MESSAGES`, default 100,000) over loopback, against the mock server and, when it is
//! installed, a private Dovecot (`imap_tests::dovecot`), with every client in the same run:
//!
//! ```text
//! cargo bench -p imap-tests --bench fetch_metadata
//! FETCH_MESSAGES=20000 FETCH_SERVERS=ours FETCH_CLIENTS=raw,ours,rust-imap cargo bench -p imap-tests --bench fetch_metadata
//! ```
//!
//! Clients (`FETCH_CLIENTS`, a comma-separated list; default all):
//!
//! - `raw`: the baseline: the command written by hand and the answer read off the socket into
//!   one `Vec` until the tagged line; its length is the bytes every client receives;
//! - `ours`: imap-blocking's `fetch` (the collected form, a `Messages` map);
//! - `ours-stream`: imap-blocking's `fetch_stream` (each message handed out as it arrives, then
//!   dropped);
//! - `ours-tokio`, `ours-tokio-stream`: the same on imap-tokio (a current-thread runtime);
//! - `rust-imap`: the `imap` crate's `uid_fetch` (plaintext, no TLS).
//!
//! Each client runs in a process of its own (this program again, with `FETCH_BENCH_CLIENT`
//! set), so that none starts with a heap an earlier one grew; it logs in and selects INBOX,
//! and only the FETCH is measured. Before the first client, one untimed FETCH (the `raw`
//! client's) warms the server's cache of parsed messages, which the first client would
//! otherwise wait for. For each server and client it prints
//!
//! ```text
//! fetch-metadata server=<s> client=<c> messages=<n> wall_ms=<ms> cpu_ms=<ms> peak_mb=<MB> bytes_mb=<MB> peak/bytes=<x> cpu/rust-imap=<x>
//! ```
//!
//! - `cpu_ms`: this process's CPU time (`CLOCK_PROCESS_CPUTIME_ID`) during the FETCH: the
//!   client only, since the mock server runs in a child process (this program again, with
//!   `FETCH_BENCH_SERVE` set) and Dovecot in its own;
//! - `peak_mb`: the peak of this process's heap during the FETCH above what it held before (a
//!   counting global allocator), the result still held;
//! - `bytes_mb`: the bytes of the answer, as the `raw` client received them;
//! - `peak/bytes` and `cpu/rust-imap`: the ratios, against the figures of the same run.
//!
//! The clients and the servers share the machine's cores: compare figures of one run.

#![allow(missing_docs)]

use imap_core::ops::fetch::FetchQuery;
use imap_core::types::UidSet;
use imap_tests::dovecot::{self, Options};
use imap_tests::net::TcpClient;
use peak_alloc::PeakAlloc;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The user (the one the private Dovecot has).
const USER: &str = dovecot::USER;
/// Its password.
const PASSWORD: &str = dovecot::PASSWORD;
/// Child mode: serve a mailbox of this many messages on the mock server.
const SERVE_ENV: &str = "FETCH_BENCH_SERVE";
/// Child mode: run one client (`<client> <address>`) and print its figures.
const CLIENT_ENV: &str = "FETCH_BENCH_CLIENT";
/// The items fetched.
const ITEMS: &str = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)";
/// Messages per APPEND when filling Dovecot.
const APPEND_BATCH: u32 = 500;
/// Every client's clients.
const ALL_CLIENTS: [&str; 6] = [
    "raw",
    "ours",
    "ours-stream",
    "ours-tokio",
    "ours-tokio-stream",
    "rust-imap",
];

/// A message of the mailbox: an envelope with names, three recipients and a reply, and a
/// multipart/mixed body (text and HTML alternatives, a PDF attachment) whose BODYSTRUCTURE has
/// parameters, a disposition and every extension level.
fn message(i: u32) -> String {
    format!(
        "From: \"Sender Number {i}\" <sender.{i}@example.org>\r\n\
         To: \"Recipient One\" <one@example.org>, two@example.net\r\n\
         Cc: \"Copy {i}\" <copy{i}@example.com>\r\n\
         Subject: Metadata benchmark message {i}, with a subject of a usual length\r\n\
         Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\
         Message-ID: <bench.{i}.{}@example.org>\r\n\
         In-Reply-To: <bench.{}.0@example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer{i}\"\r\n\r\n\
         --outer{i}\r\n\
         Content-Type: multipart/alternative; boundary=\"inner{i}\"\r\n\r\n\
         --inner{i}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n\
         Hello {i}, this is the text part.\r\n\
         --inner{i}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n\
         <p>Hello {i}, this is the HTML part.</p>\r\n\
         --inner{i}--\r\n\
         --outer{i}\r\n\
         Content-Type: application/pdf; name=\"report-{i}.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"report-{i}.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n\
         JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K\r\n\
         --outer{i}--\r\n",
        i.wrapping_mul(7919),
        i.saturating_sub(1),
    )
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn main() {
    if let Ok(n) = std::env::var(SERVE_ENV) {
        serve(n.parse().expect("a message count"));
        return;
    }
    if let Ok(spec) = std::env::var(CLIENT_ENV) {
        client_main(&spec);
        return;
    }
    let n: u32 = env_or("FETCH_MESSAGES", "100000")
        .parse()
        .expect("FETCH_MESSAGES is a number");
    let clients = env_or("FETCH_CLIENTS", &ALL_CLIENTS.join(","));
    let clients: Vec<&str> = clients.split(',').map(str::trim).collect();
    for c in &clients {
        assert!(
            ALL_CLIENTS.contains(c),
            "FETCH_CLIENTS: unknown client {c:?}"
        );
    }
    let servers = env_or("FETCH_SERVERS", "ours,dovecot");
    for server in servers.split(',').map(str::trim) {
        match server {
            "ours" => {
                let (mut child, addr) = spawn_mock(n);
                run_clients("ours", addr, n, &clients);
                drop(child.stdin.take());
                let _ = child.wait();
            }
            "dovecot" => {
                let options = Options {
                    compress: false,
                    ..Options::default()
                };
                let Some(d) = dovecot::start_or_skip_with("the fetch_metadata benchmark", options)
                else {
                    continue;
                };
                let t = Instant::now();
                populate(d.addr(), n).expect("filling Dovecot");
                eprintln!("dovecot: {n} messages appended in {:?}", t.elapsed());
                run_clients("dovecot", d.addr(), n, &clients);
            }
            other => panic!("FETCH_SERVERS: unknown server {other:?} (ours, dovecot)"),
        }
    }
}

/// The child: a mock server whose INBOX holds `n` messages, on 127.0.0.1; prints its address
/// and serves until its stdin closes.
fn serve(n: u32) {
    use mock_server::listener::MockServer;
    use mock_server::store::{NewMessage, Store};
    let store = Store::new();
    let account = store.add_user(USER, PASSWORD).expect("user");
    let mut first = 1;
    while first <= n {
        let last = (first + APPEND_BATCH - 1).min(n);
        let batch = (first..=last)
            .map(|i| NewMessage {
                raw: message(i).into(),
                flags: flags(i),
                date: None,
            })
            .collect();
        account.append_many("INBOX", batch).expect("append");
        first = last + 1;
    }
    let srv = MockServer::builder()
        .store(store)
        .allow_plaintext_login()
        .start()
        .expect("mock server");
    println!("{}", srv.addr());
    let _ = std::io::stdout().flush();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

fn flags(i: u32) -> Vec<imap_core::types::Flag> {
    use imap_core::types::Flag;
    match i % 4 {
        0 => vec![],
        1 => vec![Flag::Seen],
        2 => vec![Flag::Seen, Flag::Answered],
        _ => vec![Flag::Seen, Flag::Flagged],
    }
}

fn spawn_mock(n: u32) -> (Child, SocketAddr) {
    let t = Instant::now();
    let mut child = Command::new(std::env::current_exe().expect("this program"))
        .env(SERVE_ENV, n.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock server's process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("its address");
    eprintln!("mock server: {n} messages ready in {:?}", t.elapsed());
    (child, line.trim().parse().expect("an address"))
}

/// Fills Dovecot's INBOX with `n` messages, by MULTIAPPEND batches.
fn populate(addr: SocketAddr, n: u32) -> Result<(), String> {
    use imap_core::secret::Secret;
    use imap_core::types::{AppendData, AppendMessage, CommandBody, Mailbox};
    let mut c = TcpClient::connect(addr).map_err(|e| e.to_string())?;
    c.record = false;
    c.timeout = Duration::from_secs(300);
    c.greeting().map_err(|e| e.to_string())?;
    let login = CommandBody::Login {
        username: USER.into(),
        password: Secret::new(PASSWORD.into()),
    };
    let ok = |r: imap_core::client::Completion, what: &str| match r.is_ok() {
        true => Ok(()),
        false => Err(format!("{what}: {:?} {}", r.outcome, r.text)),
    };
    ok(c.try_call(login).map_err(|e| e.to_string())?, "LOGIN")?;
    let mut first = 1;
    while first <= n {
        let last = (first + APPEND_BATCH - 1).min(n);
        let messages = (first..=last)
            .map(|i| AppendMessage {
                flags: flags(i),
                date: None,
                data: AppendData::Literal {
                    data: message(i).into(),
                    binary: false,
                },
            })
            .collect();
        let append = CommandBody::Append {
            mailbox: Mailbox::inbox(),
            messages,
        };
        ok(c.try_call(append).map_err(|e| e.to_string())?, "APPEND")?;
        c.events.clear();
        first = last + 1;
    }
    let _ = c.try_call(CommandBody::Logout);
    Ok(())
}

/// What one client's FETCH cost.
struct Figures {
    messages: usize,
    wall: Duration,
    cpu: Duration,
    peak: usize,
    bytes: Option<usize>,
}

fn cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Runs `client` in a process of its own (this program with [`CLIENT_ENV`] set): each starts
/// with a fresh heap, not one that an earlier client grew (whose freed pages the allocator
/// would hand out again without the page faults of new memory).
fn in_child(client: &str, addr: SocketAddr) -> Figures {
    let out = Command::new(std::env::current_exe().expect("this program"))
        .env(CLIENT_ENV, format!("{client} {addr}"))
        .stderr(Stdio::inherit())
        .output()
        .expect("the client's process");
    assert!(out.status.success(), "client {client} failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("figures "))
        .expect("the client's figures");
    let v: Vec<u128> = line
        .split(' ')
        .map(|x| x.parse().expect("a number"))
        .collect();
    Figures {
        messages: v[0] as usize,
        wall: Duration::from_nanos(v[1] as u64),
        cpu: Duration::from_nanos(v[2] as u64),
        peak: v[3] as usize,
        bytes: (v[4] > 0).then_some(v[4] as usize),
    }
}

/// The child: runs one client and prints its figures on one line.
fn client_main(spec: &str) {
    let (client, addr) = spec.split_once(' ').expect("client and address");
    let addr: SocketAddr = addr.parse().expect("an address");
    let f = match client {
        "raw" => measure(|m| raw(addr, m)),
        "ours" => measure(|m| ours_blocking(addr, false, m)),
        "ours-stream" => measure(|m| ours_blocking(addr, true, m)),
        "ours-tokio" => measure(|m| ours_tokio(addr, false, m)),
        "ours-tokio-stream" => measure(|m| ours_tokio(addr, true, m)),
        "rust-imap" => measure(|m| rust_imap(addr, m)),
        other => panic!("unknown client {other:?}"),
    };
    println!(
        "figures {} {} {} {} {}",
        f.messages,
        f.wall.as_nanos(),
        f.cpu.as_nanos(),
        f.peak,
        f.bytes.unwrap_or(0)
    );
}

/// Runs `fetch` (which logs in and selects first, then calls the closure it is given around
/// the FETCH alone) and measures that closure.
/// What a client gets to run its FETCH under measurement.
type Measure<'a> = &'a mut dyn FnMut(&mut dyn FnMut() -> Held);

fn measure(fetch: impl FnOnce(Measure<'_>)) -> Figures {
    let mut figures = None;
    fetch(&mut |f: &mut dyn FnMut() -> Held| {
        let base = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let (t, cpu) = (Instant::now(), cpu_time());
        let held = f();
        let (wall, cpu) = (t.elapsed(), cpu_time() - cpu);
        let peak = HEAP.peak_usage().saturating_sub(base);
        figures = Some(Figures {
            messages: held.messages,
            wall,
            cpu,
            peak,
            bytes: held.bytes,
        });
        drop(held);
    });
    figures.expect("the FETCH ran")
}

/// What a FETCH gave: the count, the bytes when the client knows them, and the result itself,
/// held until the peak is read.
struct Held {
    messages: usize,
    bytes: Option<usize>,
    _result: Box<dyn std::any::Any>,
}

fn held<T: 'static>(messages: usize, result: T) -> Held {
    Held {
        messages,
        bytes: None,
        _result: Box::new(result),
    }
}

/// Runs every client against `server`, after one untimed FETCH of the whole mailbox: both
/// servers parse a message on its first FETCH and keep the result (the mock server's
/// `OnceLock`s of `mime::Parsed`, Dovecot's `dovecot.index.cache`), so the first client of a
/// run paid that work as waiting time (20,000 messages, `raw` first: 1.25 s of wall time for
/// 0.1 s of CPU against the mock server, 0.2 s when run again; 2.4 s against Dovecot, 0.8 s
/// again).
fn run_clients(server: &str, addr: SocketAddr, n: u32, clients: &[&str]) {
    let warm = in_child("raw", addr);
    eprintln!(
        "{server}: first FETCH (the server parses and caches every message; not counted) {:.0} ms",
        warm.wall.as_secs_f64() * 1e3
    );
    let mut results: Vec<(&str, Figures)> = Vec::new();
    for &client in clients {
        let f = in_child(client, addr);
        if f.messages != n as usize {
            eprintln!("{server} {client}: {} messages, not {n}", f.messages);
        }
        results.push((client, f));
    }
    let bytes = results.iter().find_map(|(_, f)| f.bytes);
    let rust_imap = results
        .iter()
        .find(|(c, _)| *c == "rust-imap")
        .map(|(_, f)| f.cpu);
    for (client, f) in &results {
        let mb = |b: usize| b as f64 / 1e6;
        let ratio = |x: Option<f64>| x.map_or("n/a".to_owned(), |x| format!("{x:.2}"));
        println!(
            "fetch-metadata server={server} client={client} messages={} wall_ms={:.0} cpu_ms={:.0} peak_mb={:.1} bytes_mb={} peak/bytes={} cpu/rust-imap={}",
            f.messages,
            f.wall.as_secs_f64() * 1e3,
            f.cpu.as_secs_f64() * 1e3,
            mb(f.peak),
            bytes.map_or("n/a".to_owned(), |b| format!("{:.1}", mb(b))),
            ratio(bytes.map(|b| f.peak as f64 / b as f64)),
            ratio(rust_imap.map(|r| f.cpu.as_secs_f64() / r.as_secs_f64())),
        );
    }
}

/// The baseline: the commands written by hand, the answer read into one `Vec`.
fn raw(addr: SocketAddr, m: Measure<'_>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut buf = vec![0u8; 64 * 1024];
    let mut until_tag = |s: &mut TcpStream, tag: &[u8]| {
        let mut answer = Vec::new();
        loop {
            let k = s.read(&mut buf).expect("read");
            assert!(k > 0, "the server closed the connection");
            answer.extend_from_slice(&buf[..k]);
            if answer.ends_with(b"\r\n") {
                let body = &answer[..answer.len() - 2];
                let start = memchr_last_line(body);
                if body[start..].starts_with(tag) {
                    return answer;
                }
            }
        }
    };
    let greeting = until_tag(&mut s, b"* ");
    assert!(greeting.starts_with(b"* OK"), "greeting");
    let login = format!("a LOGIN {USER} {PASSWORD}\r\nb SELECT INBOX\r\n");
    s.write_all(login.as_bytes()).expect("write");
    until_tag(&mut s, b"b ");
    m(&mut || {
        s.write_all(format!("c UID FETCH 1:* {ITEMS}\r\n").as_bytes())
            .expect("write");
        let answer = until_tag(&mut s, b"c ");
        let messages = answer
            .split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"* ") && l.windows(7).any(|w| w == b" FETCH "))
            .count();
        Held {
            messages,
            bytes: Some(answer.len()),
            _result: Box::new(answer),
        }
    });
    let _ = s.write_all(b"z LOGOUT\r\n");
}

/// Where the last line of `body` starts.
fn memchr_last_line(body: &[u8]) -> usize {
    body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}

fn query() -> FetchQuery {
    FetchQuery::new()
        .flags()
        .internal_date()
        .size()
        .envelope()
        .body_structure()
}

fn ours_blocking(addr: SocketAddr, stream: bool, m: Measure<'_>) {
    use imap_blocking::prelude::*;
    let mut session = Connector::new(addr.ip().to_string())
        .port(addr.port())
        .security(Security::Plain)
        .allow_plaintext_login()
        .password(USER, PASSWORD)
        .login()
        .expect("login");
    session.select("INBOX").expect("select");
    m(&mut || {
        if stream {
            let mut messages = 0;
            let mut fetch = session
                .fetch_stream(&UidSet::all(), &query())
                .expect("fetch");
            while let Some(msg) = fetch.next().expect("next") {
                messages += usize::from(msg.uid.is_some());
            }
            held(messages, ())
        } else {
            let r = session.fetch(&UidSet::all(), &query()).expect("fetch");
            held(r.len(), r)
        }
    });
    let _ = session.logout();
}

fn ours_tokio(addr: SocketAddr, stream: bool, m: Measure<'_>) {
    use imap_tokio::prelude::*;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut session = rt
        .block_on(
            Connector::new(addr.ip().to_string())
                .port(addr.port())
                .security(Security::Plain)
                .allow_plaintext_login()
                .password(USER, PASSWORD)
                .login(),
        )
        .expect("login");
    rt.block_on(session.select("INBOX")).expect("select");
    m(&mut || {
        rt.block_on(async {
            if stream {
                let mut messages = 0;
                let mut fetch = session
                    .fetch_stream(&UidSet::all(), &query())
                    .await
                    .expect("fetch");
                while let Some(msg) = fetch.next().await.expect("next") {
                    messages += usize::from(msg.uid.is_some());
                }
                held(messages, ())
            } else {
                let r = session
                    .fetch(&UidSet::all(), &query())
                    .await
                    .expect("fetch");
                held(r.len(), r)
            }
        })
    });
    let _ = rt.block_on(session.logout());
}

fn rust_imap(addr: SocketAddr, m: Measure<'_>) {
    let tcp = TcpStream::connect(addr).expect("connect");
    let mut client = imap::Client::new(tcp);
    client.read_greeting().expect("greeting");
    let mut session = client
        .login(USER, PASSWORD)
        .map_err(|e| e.0)
        .expect("login");
    session.select("INBOX").expect("select");
    m(&mut || {
        let fetches = session.uid_fetch("1:*", ITEMS).expect("fetch");
        held(fetches.len(), fetches)
    });
    let _ = session.logout();
}
