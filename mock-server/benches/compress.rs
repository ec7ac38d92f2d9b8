//! COMPRESS=DEFLATE without stalls: first-byte latency and throughput of large FETCH replies
//! over a compressed connection, against the same connection uncompressed, in the same run.
//!
//! ```text
//! cargo bench -p mock-server --bench compress
//! COMPRESS_MESSAGES=5 COMPRESS_MIB=5 COMPRESS_ROUNDS=3 cargo bench -p mock-server --bench compress
//! ```
//!
//! The mailbox holds `COMPRESS_MESSAGES` (default 5) messages of `COMPRESS_MIB` MiB (default 5)
//! of text. A client logs in, selects it, turns COMPRESS on or not, and sends one pipelined
//! `UID FETCH n (INTERNALDATE BODY.PEEK[])` per message at once. Measured, best of
//! `COMPRESS_ROUNDS` (default 3):
//!
//! - `sans-io`: the server's session alone ([`MockSession::poll_transmit`], taking its output as a
//!   driver does, until the last tagged `OK`): the time to the first byte of output, the time
//!   to the last, plaintext MB/s and wire bytes;
//! - `tcp`: the running listener on 127.0.0.1 and a client socket that inflates what it reads
//!   (`flate2`): the time from writing the commands to the first byte read, and to the last
//!   tagged `OK` read; the client's inflate time is reported on its own.
//!
//! It prints one line per (side, mode):
//!
//! ```text
//! compress <side> <plain|deflate> first_byte_ms=<ms> all_ms=<ms> mb_s=<plaintext MB/s> wire=<bytes> [inflate_ms=<ms>]
//! ```

#![allow(missing_docs)]

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use mock_server::store::Store;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A message of about `size` bytes of text (words from a fixed pseudo-random sequence, so it
/// compresses like mail does, not like one repeated byte).
fn message(n: usize, size: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "mail", "server", "deflate", "the", "of", "message", "stream", "quick", "brown", "fox",
        "jumps", "over", "lazy", "dog", "imap", "literal",
    ];
    let mut out = format!("Subject: big {n}\r\nFrom: a@example.org\r\n\r\n").into_bytes();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ n as u64;
    let mut line = 0;
    while out.len() < size {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let w = WORDS[(x >> 60) as usize];
        out.extend_from_slice(w.as_bytes());
        line += w.len() + 1;
        if line > 70 {
            out.extend_from_slice(b"\r\n");
            line = 0;
        } else {
            out.push(b' ');
        }
    }
    out
}

/// The pipelined FETCH commands.
fn commands(messages: usize) -> Vec<u8> {
    (1..=messages)
        .map(|i| format!("f{i} UID FETCH {i} (INTERNALDATE BODY.PEEK[])\r\n"))
        .collect::<String>()
        .into_bytes()
}

/// Raw DEFLATE of `plain` with a sync flush, as a client under COMPRESS sends it.
fn deflate(z: &mut Compress, plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(plain.len() + 64);
    let _ = z.compress_vec(plain, &mut out, FlushCompress::Sync);
    out
}

/// Inflates `data` (a raw DEFLATE stream piece) onto `out`.
fn inflate(z: &mut Decompress, data: &[u8], out: &mut Vec<u8>) {
    let mut rest = data;
    let mut buf = vec![0u8; 256 * 1024];
    while !rest.is_empty() {
        let (i, o) = (z.total_in(), z.total_out());
        z.decompress(rest, &mut buf, FlushDecompress::Sync)
            .expect("the server's DEFLATE stream");
        let produced = (z.total_out() - o) as usize;
        out.extend_from_slice(&buf[..produced]);
        let taken = (z.total_in() - i) as usize;
        rest = &rest[taken..];
        if taken == 0 && produced == 0 {
            break;
        }
    }
}

/// One measurement.
#[derive(Clone, Copy)]
struct Figures {
    first: Duration,
    all: Duration,
    plain: usize,
    wire: usize,
    inflate: Duration,
}

impl Figures {
    fn best(self, other: Figures) -> Figures {
        if other.all < self.all { other } else { self }
    }
}

fn print(side: &str, compressed: bool, f: Figures) {
    let mode = if compressed { "deflate" } else { "plain" };
    let inflate = if compressed {
        format!(" inflate_ms={:.1}", f.inflate.as_secs_f64() * 1e3)
    } else {
        String::new()
    };
    println!(
        "compress {side} {mode} first_byte_ms={:.2} all_ms={:.1} mb_s={:.0} wire={}{inflate}",
        f.first.as_secs_f64() * 1e3,
        f.all.as_secs_f64() * 1e3,
        f.plain as f64 / f.all.as_secs_f64() / 1e6,
        f.wire,
    );
}

/// Drains a session's output completely, discarding it.
fn drain(s: &mut MockSession) {
    let mut buf = Vec::new();
    while s.poll_transmit(&mut buf) > 0 {
        buf.clear();
    }
}

/// The server's session alone.
fn sans_io(server: &MockServer, messages: usize, compressed: bool) -> Figures {
    let now = Instant::now();
    let mut s = server.session(now);
    drain(&mut s);
    s.handle_input(now, b"l LOGIN alice pw\r\ns SELECT INBOX\r\n");
    drain(&mut s);
    let mut client = Compress::new(Compression::default(), false);
    let mut inflater = Decompress::new(false);
    let input = if compressed {
        s.handle_input(now, b"z COMPRESS DEFLATE\r\n");
        drain(&mut s);
        deflate(&mut client, &commands(messages))
    } else {
        commands(messages)
    };
    let last = format!("f{messages} OK");
    let mut plain = Vec::new();
    let (mut first, mut wire, mut inflate_time) = (None, 0, Duration::ZERO);
    let t0 = Instant::now();
    s.handle_input(Instant::now(), &input);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = s.poll_transmit(&mut buf);
        if n == 0 {
            break;
        }
        first.get_or_insert_with(|| t0.elapsed());
        wire += n;
        // The client's work is not the server's: timed apart, left out of `all`.
        let t = Instant::now();
        if compressed {
            inflate(&mut inflater, &buf, &mut plain);
        } else {
            plain.extend_from_slice(&buf);
        }
        inflate_time += t.elapsed();
    }
    let all = t0.elapsed() - inflate_time;
    let text = String::from_utf8_lossy(&plain[plain.len().saturating_sub(200)..]);
    assert!(text.contains(&last), "the last FETCH completes: {text}");
    Figures {
        first: first.unwrap_or_default(),
        all,
        plain: plain.len(),
        wire,
        inflate: inflate_time,
    }
}

/// Reads from `s` until `want` has been read (inflating when `z` is given).
fn read_until(
    s: &mut TcpStream,
    z: &mut Option<Decompress>,
    want: &str,
    plain: &mut Vec<u8>,
    wire: &mut usize,
    inflate_time: &mut Duration,
    first: &mut Option<Instant>,
) {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let tail = &plain[plain.len().saturating_sub(want.len() + 64)..];
        if String::from_utf8_lossy(tail).contains(want) {
            return;
        }
        let n = s.read(&mut buf).expect("reading the reply");
        assert!(n > 0, "the server closed the connection");
        first.get_or_insert_with(Instant::now);
        *wire += n;
        let t = Instant::now();
        match z {
            Some(z) => inflate(z, &buf[..n], plain),
            None => plain.extend_from_slice(&buf[..n]),
        }
        *inflate_time += t.elapsed();
    }
}

/// The running listener and a client socket.
fn tcp(addr: std::net::SocketAddr, messages: usize, compressed: bool) -> Figures {
    let mut s = TcpStream::connect(addr).expect("connecting");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.set_nodelay(true).unwrap();
    let (mut plain, mut wire, mut inflate_time) = (Vec::new(), 0, Duration::ZERO);
    let mut ignored = None;
    let mut z = None;
    s.write_all(b"l LOGIN alice pw\r\ns SELECT INBOX\r\n")
        .unwrap();
    read_until(
        &mut s,
        &mut z,
        "s OK",
        &mut plain,
        &mut wire,
        &mut inflate_time,
        &mut ignored,
    );
    let mut client = Compress::new(Compression::default(), false);
    let input = if compressed {
        s.write_all(b"z COMPRESS DEFLATE\r\n").unwrap();
        read_until(
            &mut s,
            &mut z,
            "z OK",
            &mut plain,
            &mut wire,
            &mut inflate_time,
            &mut ignored,
        );
        z = Some(Decompress::new(false));
        deflate(&mut client, &commands(messages))
    } else {
        commands(messages)
    };
    plain.clear();
    let (mut wire, mut inflate_time, mut first) = (0, Duration::ZERO, None);
    let t0 = Instant::now();
    s.write_all(&input).unwrap();
    read_until(
        &mut s,
        &mut z,
        &format!("f{messages} OK"),
        &mut plain,
        &mut wire,
        &mut inflate_time,
        &mut first,
    );
    let all = t0.elapsed();
    Figures {
        first: first.map_or(Duration::ZERO, |f| f - t0),
        all,
        plain: plain.len(),
        wire,
        inflate: inflate_time,
    }
}

fn main() {
    let messages = env_or("COMPRESS_MESSAGES", 5).max(1);
    let size = env_or("COMPRESS_MIB", 5).max(1) << 20;
    let rounds = env_or("COMPRESS_ROUNDS", 3).max(1);
    let mut b = Store::builder().user("alice", "pw");
    for n in 1..=messages {
        b = b.message(message(n, size), &[], None);
    }
    let server = MockServer::builder()
        .store(b.build().expect("store"))
        .allow_plaintext_login()
        .build()
        .expect("server");
    println!(
        "# {messages} pipelined UID FETCH n (INTERNALDATE BODY.PEEK[]) of {} MiB messages; \
         best of {rounds}",
        size >> 20
    );
    for compressed in [false, true] {
        let f = (1..rounds)
            .map(|_| sans_io(&server, messages, compressed))
            .fold(sans_io(&server, messages, compressed), Figures::best);
        print("sans-io", compressed, f);
    }
    let running = server.start().expect("listener");
    for compressed in [false, true] {
        let f = (1..rounds)
            .map(|_| tcp(running.addr(), messages, compressed))
            .fold(tcp(running.addr(), messages, compressed), Figures::best);
        print("tcp", compressed, f);
    }
    running.stop();
}
