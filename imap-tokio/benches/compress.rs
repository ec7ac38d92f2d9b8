//! COMPRESS=DEFLATE measured on the client (issue 16 point 3): imap-tokio against the mock
//! server on 127.0.0.1, a compressed session beside an uncompressed one, in the same run.
//!
//! ```text
//! cargo bench -p imap-tokio --bench compress
//! COMPRESS_MESSAGES=5 COMPRESS_MIB=5 cargo bench -p imap-tokio --bench compress
//! ```
//!
//! - `fetch`: `download` of each of `COMPRESS_MESSAGES` (default 5) messages of `COMPRESS_MIB`
//!   MiB (default 5) of text, one after the other: the client's read path (and its inflating):
//!   the time from starting a download to the first chunk handed to the writer (the worst of
//!   the messages), and plaintext MB/s over all of them.
//! - `append`: APPEND of one such message (LITERAL+: the command and its literal go out
//!   together): the time from calling `append` to the first byte written to the socket (while
//!   the client deflates everything before its first write, nothing goes out), and to the
//!   tagged OK.
//!
//! Prints, best of `COMPRESS_ROUNDS` (default 3):
//!
//! ```text
//! compress client fetch first_byte_ms plain=<ms> deflate=<ms> throughput_MBps plain=<MB/s> deflate=<MB/s>
//! compress client append first_write_ms plain=<ms> deflate=<ms> all_ms plain=<ms> deflate=<ms>
//! ```

#![allow(missing_docs)]

use imap_tokio::TokioConnect;
use imap_tokio::prelude::*;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// About `size` bytes of mail-like text (words from a fixed pseudo-random sequence: it
/// compresses like mail, not like one repeated byte).
fn message(n: usize, size: usize) -> Vec<u8> {
    const WORDS: [&str; 8] = [
        "mail", "deflate", "the", "message", "quick", "fox", "imap", "of",
    ];
    let mut out = format!("Subject: big {n}\r\nFrom: a@example.org\r\n\r\n").into_bytes();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d ^ n as u64;
    while out.len() < size {
        for _ in 0..10 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.extend_from_slice(WORDS[(x % 8) as usize].as_bytes());
            out.push(b' ');
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// When the first byte was written after [`Probe::arm`].
#[derive(Clone, Default)]
struct Probe(Arc<Mutex<(bool, Option<Instant>)>>);

impl Probe {
    fn arm(&self) {
        *self.0.lock().expect("probe") = (true, None);
    }

    fn first_write(&self) -> Option<Instant> {
        self.0.lock().expect("probe").1
    }

    fn wrote(&self) {
        let mut p = self.0.lock().expect("probe");
        if p.0 && p.1.is_none() {
            p.1 = Some(Instant::now());
        }
    }
}

/// A TCP stream that tells its probe when it writes.
struct Probed {
    tcp: TcpStream,
    probe: Probe,
}

impl AsyncRead for Probed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Probed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.tcp).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.probe.wrote();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// A writer that notes when its first bytes came and counts them.
struct FirstByte {
    first: Option<Instant>,
    bytes: u64,
}

impl AsyncWrite for FirstByte {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.first.is_none() && !buf.is_empty() {
            self.first = Some(Instant::now());
        }
        self.bytes += buf.len() as u64;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// One round's figures for one mode.
#[derive(Clone, Copy)]
struct Figures {
    fetch_first_ms: f64,
    fetch_mb_s: f64,
    append_first_ms: f64,
    append_all_ms: f64,
}

async fn round(
    connector: &imap_tokio::Connector,
    messages: usize,
    append: &[u8],
    deflate: bool,
) -> Figures {
    let probe = Probe::default();
    let tcp = TcpStream::connect((connector.host(), connector.effective_port()))
        .await
        .expect("connect");
    tcp.set_nodelay(true).expect("nodelay");
    let stream = Probed {
        tcp,
        probe: probe.clone(),
    };
    let client = connector.connect_stream(stream).await.expect("greeting");
    let mut s = connector.authenticate(client).await.expect("login");
    s.select("INBOX").await.expect("select");
    if deflate {
        s.compress().await.expect("COMPRESS");
    }
    let mut worst_first = Duration::ZERO;
    let mut bytes = 0;
    let start = Instant::now();
    for uid in 1..=messages {
        let uid = imap_tokio::types::Uid::new(u32::try_from(uid).expect("uid")).expect("uid");
        let mut w = FirstByte {
            first: None,
            bytes: 0,
        };
        let t = Instant::now();
        s.download(uid, &mut w).await.expect("download");
        worst_first = worst_first.max(w.first.expect("a chunk") - t);
        bytes += w.bytes;
    }
    let fetch_time = start.elapsed();
    probe.arm();
    let t = Instant::now();
    s.append("INBOX", append, &[], None).await.expect("APPEND");
    let append_all = t.elapsed();
    let append_first = probe.first_write().expect("a write") - t;
    s.logout().await.expect("logout");
    Figures {
        fetch_first_ms: worst_first.as_secs_f64() * 1000.0,
        fetch_mb_s: bytes as f64 / 1e6 / fetch_time.as_secs_f64(),
        append_first_ms: append_first.as_secs_f64() * 1000.0,
        append_all_ms: append_all.as_secs_f64() * 1000.0,
    }
}

fn best(a: Figures, b: Figures) -> Figures {
    Figures {
        fetch_first_ms: a.fetch_first_ms.min(b.fetch_first_ms),
        fetch_mb_s: a.fetch_mb_s.max(b.fetch_mb_s),
        append_first_ms: a.append_first_ms.min(b.append_first_ms),
        append_all_ms: a.append_all_ms.min(b.append_all_ms),
    }
}

fn main() {
    let messages = env_or("COMPRESS_MESSAGES", 5);
    let size = env_or("COMPRESS_MIB", 5) << 20;
    let rounds = env_or("COMPRESS_ROUNDS", 3);
    let store = Store::builder().user("user", "pw").build().expect("store");
    let server = MockServer::builder()
        .store(store)
        .allow_plaintext_login()
        .plain()
        .start()
        .expect("server");
    let account = server.store().account("user").expect("account");
    for n in 1..=messages {
        account
            .deliver("INBOX", message(n, size), &[], None)
            .expect("deliver");
    }
    let append = message(0, size);
    let connector = imap_tokio::Connector::new("127.0.0.1")
        .port(server.addr().port())
        .security(imap_tokio::Security::Plain)
        .allow_plaintext_login()
        .password("user", "pw");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut plain: Option<Figures> = None;
    let mut deflate: Option<Figures> = None;
    for _ in 0..rounds {
        for (mode, slot) in [(false, &mut plain), (true, &mut deflate)] {
            let f = rt.block_on(round(&connector, messages, &append, mode));
            *slot = Some(slot.map_or(f, |b| best(b, f)));
        }
    }
    let (p, d) = (plain.expect("a round"), deflate.expect("a round"));
    println!(
        "compress client fetch first_byte_ms plain={:.1} deflate={:.1} throughput_MBps plain={:.0} deflate={:.0}",
        p.fetch_first_ms, d.fetch_first_ms, p.fetch_mb_s, d.fetch_mb_s
    );
    println!(
        "compress client append first_write_ms plain={:.1} deflate={:.1} all_ms plain={:.0} deflate={:.0}",
        p.append_first_ms, d.append_first_ms, p.append_all_ms, d.append_all_ms
    );
}
