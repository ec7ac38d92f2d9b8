//! 500,000 single `EXPUNGE` responses at random positions applied to a 1,000,000-message
//! mailbox through the client (framer, parser and mailbox model), beside a plain `Vec::remove`
//! model fed the same positions, in the same run.
//!
//! `cargo bench -p imap-core --bench mailbox` prints `mailbox expunge ours=<s> vec=<s> ratio=<x>`.
//! Target: well under 1 s, and at least 20x the Vec model.

#![allow(missing_docs)]

use imap_core::client::{ClientConfig, ClientMachine};
use imap_core::secret::Secret;
use imap_core::types::{CommandBody, Mailbox, SelectParams, SeqNum};
use std::time::Instant;

const N: u32 = 1_000_000;
const K: u32 = 500_000;

fn positions() -> Vec<u32> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut live = N;
    (0..K)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let p = (x % u64::from(live)) as u32 + 1;
            live -= 1;
            p
        })
        .collect()
}

/// A client with a selected mailbox of `N` messages whose UIDs are known (1..=N).
fn selected_client() -> ClientMachine {
    let now = Instant::now();
    let mut c = ClientMachine::new(
        ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        },
        now,
    );
    c.handle_input(now, b"* OK [CAPABILITY IMAP4rev1] hi\r\n");
    c.send(
        now,
        CommandBody::Login {
            username: "u".into(),
            password: Secret::new("p".into()),
        },
    )
    .unwrap();
    c.send(
        now,
        CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: SelectParams::default(),
        },
    )
    .unwrap();
    c.handle_input(now, b"A0001 OK\r\n");
    let mut sink = Vec::new();
    c.poll_transmit(&mut sink);
    assert!(sink.ends_with(b"SELECT INBOX\r\n"));
    let mut setup = format!("* {N} EXISTS\r\n");
    for i in 1..=N {
        setup.push_str(&format!("* {i} FETCH (UID {i})\r\n"));
    }
    setup.push_str("A0002 OK [READ-WRITE] ok\r\n");
    c.handle_input(now, setup.as_bytes());
    c.poll_transmit(&mut sink);
    while c.poll_event().is_some() {}
    assert_eq!(c.selected().unwrap().exists(), N);
    c
}

fn main() {
    let pos = positions();
    let mut input = Vec::with_capacity(K as usize * 16);
    for p in &pos {
        input.extend_from_slice(format!("* {p} EXPUNGE\r\n").as_bytes());
    }
    let mut best_ours = f64::MAX;
    let mut best_vec = f64::MAX;
    for _ in 0..3 {
        let mut c = selected_client();
        let now = Instant::now();
        let start = Instant::now();
        for piece in input.chunks(64 * 1024) {
            c.handle_input(now, piece);
            while c.poll_event().is_some() {}
        }
        best_ours = best_ours.min(start.elapsed().as_secs_f64());
        let m = c.selected().unwrap();
        assert_eq!(m.exists(), N - K);

        // The Vec model takes tens of seconds: run it once.
        if best_vec < f64::MAX {
            continue;
        }
        let mut v: Vec<Option<u32>> = (1..=N).map(Some).collect();
        let start = Instant::now();
        for p in &pos {
            v.remove(*p as usize - 1);
        }
        best_vec = start.elapsed().as_secs_f64();
        // Both models agree.
        for s in [1u32, (N - K) / 2, N - K] {
            assert_eq!(
                m.uid(SeqNum::new(s).unwrap()).map(|u| u.get()),
                v[s as usize - 1]
            );
        }
    }
    println!(
        "mailbox expunge ours={best_ours:.3} vec={best_vec:.3} ratio={:.1} n={N} k={K}",
        best_vec / best_ours
    );
}
