//! Peak heap of large and hostile FETCH replies, counted by a tracking global allocator (one
//! test in its own binary, so nothing else allocates meanwhile). Issue 12, item 9: replies are
//! streamed as the client reads, FETCH items are de-duplicated, sets are merged as ranges before
//! they are resolved, and one message's reply has a budget.
//!
//! Run: `cargo test -p mock-server --test reply_memory -- --nocapture` prints the figures.

use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use mock_server::store::Store;
use peak_alloc::PeakAlloc;
use std::time::Instant;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const MIB: usize = 1 << 20;

/// A logged-in session with INBOX selected over `count` messages of about `size` bytes.
fn session(count: usize, size: usize) -> (MockServer, MockSession) {
    let body = "x".repeat(76) + "\r\n";
    let raw = format!("Subject: m\r\n\r\n{}", body.repeat(size / body.len()));
    let mut b = Store::builder().user("alice", "pw");
    for _ in 0..count {
        b = b.message(raw.clone().into_bytes(), &[], None);
    }
    let server = MockServer::builder()
        .store(b.build().unwrap())
        .build()
        .unwrap();
    let mut s = server.session(Instant::now());
    s.handle_input(Instant::now(), b"l LOGIN alice pw\r\ns SELECT INBOX\r\n");
    drain(&mut s);
    (server, s)
}

/// Takes the output piece by piece, as the listener does (zero-copy chunks, each dropped once
/// "written"), keeping only the totals and the last bytes.
fn drain(s: &mut MockSession) -> (usize, Vec<u8>) {
    let mut chunks = Vec::new();
    let (mut total, mut tail) = (0, Vec::new());
    loop {
        chunks.clear();
        let n = s.poll_transmit_chunks(&mut chunks);
        if n == 0 {
            return (total, tail);
        }
        total += n;
        for c in &chunks {
            tail.extend_from_slice(&c[c.len().saturating_sub(200)..]);
            tail.drain(..tail.len().saturating_sub(200));
        }
    }
}

/// Runs `command` and returns (bytes out, their tail, peak heap above the start).
fn measure(s: &mut MockSession, command: &[u8]) -> (usize, String, usize) {
    let base = PEAK.current_usage();
    PEAK.reset_peak_usage();
    s.handle_input(Instant::now(), command);
    let (total, tail) = drain(s);
    let peak = PEAK.peak_usage().saturating_sub(base);
    (total, String::from_utf8_lossy(&tail).into_owned(), peak)
}

#[test]
fn replies_stream_and_hostile_fetches_stay_small() {
    // 32 messages of 1 MiB: the reply (32 MiB) is made as it is read, not built whole.
    let (_server, mut s) = session(32, MIB);
    let (out, tail, peak) = measure(&mut s, b"f1 FETCH 1:* BODY.PEEK[]\r\n");
    println!("FETCH 1:* BODY.PEEK[] of 32 x 1 MiB: {out} bytes out, peak heap {peak} bytes");
    assert!(out > 32 * MIB, "{out}");
    assert!(tail.ends_with("f1 OK FETCH completed\r\n"), "{tail}");
    // Message data goes out as slices of the stored messages: no copy of a message, only
    // the framing of the piece being written.
    assert!(peak < MIB, "peak {peak}");

    // BODY.PEEK[] 40,000 times (480 KB of command): one BODY[] per message.
    let items = vec!["BODY.PEEK[]"; 40_000].join(" ");
    let cmd = format!("f2 FETCH 1:2 ({items})\r\n");
    let (out, tail, peak) = measure(&mut s, cmd.as_bytes());
    println!(
        "FETCH 1:2 with BODY.PEEK[] x 40000 ({} bytes): {out} bytes out, peak heap {peak} bytes",
        cmd.len()
    );
    assert!(out < 3 * MIB, "{out}: one BODY[] each");
    assert!(tail.ends_with("f2 OK FETCH completed\r\n"), "{tail}");
    assert!(peak < 16 * cmd.len() + 4 * MIB, "peak {peak}");

    // 30,000 distinct partial sections of one message (1 MB of command): the message's reply budget stops it.
    let items: Vec<String> = (0..30_000)
        .map(|i| format!("BODY.PEEK[]<{i}.1048576>"))
        .collect();
    let cmd = format!("f3 FETCH 1 ({})\r\n", items.join(" "));
    let (out, tail, peak) = measure(&mut s, cmd.as_bytes());
    println!(
        "FETCH 1 with 30000 distinct partials ({} bytes): {out} bytes out, peak heap {peak} bytes",
        cmd.len()
    );
    assert!(
        tail.ends_with("f3 NO [LIMIT] FETCH response too large\r\n"),
        "{tail}"
    );
    assert!(peak < 16 * cmd.len() + 8 * MIB, "peak {peak}");
    drop(s);

    // `1:*` 8,000 times over 5,000 messages: resolved once, not 8,000 times.
    let (_server, mut s) = session(5000, 100);
    let set = vec!["1:*"; 8000].join(",");
    let cmd = format!("f4 FETCH {set} UID\r\n");
    let (out, tail, peak) = measure(&mut s, cmd.as_bytes());
    println!(
        "FETCH 1:*,... ({} bytes) UID over 5000 messages: {out} bytes out, peak heap {peak} bytes",
        cmd.len()
    );
    assert!(tail.ends_with("f4 OK FETCH completed\r\n"), "{tail}");
    assert!(out < 5000 * 40, "one response per message: {out}");
    assert!(peak < 16 * cmd.len() + 2 * MIB, "peak {peak}");
}
