//! The cost of SEARCH's text keys is bounded by the mailbox, not by keys times mailbox: each
//! message's text is folded to lower case once per command and shared by every key (issue 12,
//! item 7; each TEXT key lower-cased and copied the whole message again before). Counted by a
//! global allocator, in a test binary of its own.
//!
//! Run: `cargo test -p mock-server --test search_cost -- --nocapture` prints the figures.

use mock_server::listener::MockServer;
use mock_server::store::Store;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::time::Instant;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn text_keys_fold_each_message_once() {
    let text = "Lorem Ipsum Dolor Sit Amet ".repeat(8_000);
    let mut b = Store::builder().user("alice", "pw");
    for i in 0..20 {
        b = b.message(
            format!("Subject: m{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n")
                .into_bytes(),
            &[],
            None,
        );
    }
    let mailbox = 20 * text.len();
    let server = MockServer::builder()
        .store(b.build().unwrap())
        .build()
        .unwrap();
    let mut s = server.session(Instant::now());
    let mut out = Vec::new();
    s.handle_input(Instant::now(), b"l LOGIN alice pw\r\ns SELECT INBOX\r\n");
    while s.poll_transmit(&mut out) > 0 {}
    // Parse every message once beforehand (the store parses lazily and keeps it).
    s.handle_input(Instant::now(), b"w SEARCH TEXT warm\r\n");
    while s.poll_transmit(&mut out) > 0 {}
    out.clear();

    // Every key matches every message, so every key is evaluated on every message.
    let words = ["lorem", "IPSUM", "Dolor Sit", "sit amet", "amet lorem"];
    let keys: Vec<String> = (0..50)
        .map(|i| format!("TEXT \"{}\"", words[i % words.len()]))
        .collect();
    let cmd = format!("q SEARCH {}\r\n", keys.join(" "));
    let region = Region::new(GLOBAL);
    s.handle_input(Instant::now(), cmd.as_bytes());
    while s.poll_transmit(&mut out) > 0 {}
    let allocated = region.change().bytes_allocated;
    let reply = String::from_utf8_lossy(&out);
    println!("SEARCH with 50 TEXT keys over {mailbox} bytes: {allocated} bytes allocated");
    assert!(reply.contains("* SEARCH 1 2 3"), "{reply}");
    assert!(reply.contains("q OK SEARCH completed"), "{reply}");
    // Folding headers, text and body once: a few times the mailbox, not fifty.
    assert!(
        allocated < 4 * mailbox + (1 << 20),
        "{allocated} for {mailbox}"
    );
}
