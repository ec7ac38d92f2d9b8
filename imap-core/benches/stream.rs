//! One 100 MiB `BODY[]` literal delivered to the client in 64 KiB pieces with streaming on:
//! throughput and peak heap (measured by a peak-tracking global allocator).
//!
//! `cargo bench -p imap-core --bench stream` prints
//! `stream literal MBps=<x> peak_heap_bytes=<n>` and the same without streaming for comparison.
//! Target: linear time, peak heap below 4 MiB with streaming on.

#![allow(missing_docs)]

use imap_core::client::{ClientConfig, ClientMachine, Event};
use imap_core::secret::Secret;
use imap_core::types::{
    CommandBody, FetchItem, FetchItems, Mailbox, MessageSet, Section, SelectParams, Uid, UidSet,
};
use peak_alloc::PeakAlloc;
use std::time::Instant;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const LITERAL: usize = 100 * 1024 * 1024;
const PIECE: usize = 64 * 1024;

/// Drives a logged-in, selected client to the point where a FETCH is in flight.
fn ready_client(stream: bool) -> ClientMachine {
    let now = Instant::now();
    let mut c = ClientMachine::new(
        ClientConfig {
            allow_plaintext_login: true,
            stream_threshold: stream.then_some(64 * 1024),
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
    c.send(
        now,
        CommandBody::Fetch {
            set: MessageSet::Uid(UidSet::single(Uid::new(1).unwrap())),
            items: FetchItems::Items(vec![FetchItem::BodySection {
                section: Section::default(),
                partial: None,
                peek: true,
            }]),
            changed_since: None,
            vanished: false,
        },
    )
    .unwrap();
    c.handle_input(
        now,
        b"A0001 OK\r\n* 1 EXISTS\r\nA0002 OK [READ-WRITE] ok\r\n",
    );
    let mut sink = Vec::new();
    c.poll_transmit(&mut sink);
    while c.poll_event().is_some() {}
    c
}

/// Feeds the FETCH response in pieces; returns (seconds, bytes seen in chunks or the value).
fn run(stream: bool, piece: &[u8]) -> (f64, u64) {
    let mut c = ready_client(stream);
    let now = Instant::now();
    let head = format!("* 1 FETCH (UID 1 BODY[] {{{LITERAL}}}\r\n");
    let tail = b")\r\nA0003 OK done\r\n";
    PEAK.reset_peak_usage();
    let start = Instant::now();
    let mut seen = 0u64;
    let drain = |c: &mut ClientMachine, seen: &mut u64| {
        while let Some(e) = c.poll_event() {
            match e {
                Event::LiteralChunk { data, .. } => *seen += data.len() as u64,
                Event::Completed(done) => {
                    for f in done.fetched() {
                        for d in f.data {
                            if let imap_core::types::FetchData::BodySection {
                                data: Some(d), ..
                            } = d
                            {
                                *seen += d.len() as u64;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    };
    c.handle_input(now, head.as_bytes());
    let mut left = LITERAL;
    while left > 0 {
        let n = left.min(piece.len());
        c.handle_input(now, &piece[..n]);
        drain(&mut c, &mut seen);
        left -= n;
    }
    c.handle_input(now, tail);
    drain(&mut c, &mut seen);
    (start.elapsed().as_secs_f64(), seen)
}

fn main() {
    let piece = vec![b'x'; PIECE];
    for stream in [true, false] {
        let mut best = f64::MAX;
        let mut peak = 0;
        for _ in 0..3 {
            let (t, seen) = run(stream, &piece);
            assert_eq!(
                seen, LITERAL as u64,
                "every literal byte reached the caller"
            );
            best = best.min(t);
            peak = peak.max(PEAK.peak_usage());
        }
        let label = if stream { "stream" } else { "buffered" };
        println!(
            "{label} literal MBps={:.0} peak_heap_bytes={peak} pieces={}KiB size={}MiB",
            LITERAL as f64 / 1e6 / best,
            PIECE / 1024,
            LITERAL / (1024 * 1024)
        );
    }
}
