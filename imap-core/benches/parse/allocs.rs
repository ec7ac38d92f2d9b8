//! Heap allocations per response of each parser on the `meta` corpus, whole buffer and in
//! 4 KiB pieces: `cargo bench -p imap-core --bench parse_allocs`.
//!
//! A separate binary because counting needs a global allocator (`stats_alloc`, two atomic
//! operations per allocation and per free) that would slow the throughput runs of the `parse`
//! bench, and not every parser by the same amount. The `parse` bench runs this binary (the
//! build of the same profile, found beside itself) and puts its figures on its summary lines.
//!
//! Prints, per mode, `allocs meta <mode> ours=<n> imap-proto=<n> imap-codec=<n>`: allocations
//! (`alloc` and `realloc` calls) divided by the number of responses, over one pass of a
//! 10,000-response prefix of the `meta` corpus (`BENCH_ALLOCS_RESPONSES` overrides the size).

#![allow(missing_docs)]

#[allow(dead_code)]
#[path = "corpus.rs"]
mod corpus;
#[allow(dead_code)]
#[path = "ours.rs"]
mod ours;
#[allow(dead_code)]
#[path = "peers.rs"]
mod peers;

use std::alloc::System;
use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let n = std::env::var("BENCH_ALLOCS_RESPONSES")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(10_000);
    let corpus = corpus::meta(n);
    let deadline = || Instant::now() + Duration::from_secs(600);
    for (mode, chunk) in [("whole", None), ("4k", Some(4 * 1024))] {
        let mut line = format!("allocs meta {mode}");
        for name in ["ours", "imap-proto", "imap-codec"] {
            let region = Region::new(GLOBAL);
            let parsed = match name {
                "ours" => ours::run(&corpus.data, chunk, deadline()),
                "imap-proto" => peers::imap_proto(&corpus.data, chunk, deadline()),
                _ => peers::imap_codec(&corpus.data, chunk, deadline()),
            };
            let stats = region.change();
            let calls = stats.allocations + stats.reallocations;
            match parsed {
                Ok(count) if count == corpus.responses => {
                    line.push_str(&format!(" {name}={:.1}", calls as f64 / count as f64));
                }
                _ => line.push_str(&format!(" {name}=n/a")),
            }
        }
        println!("{line}");
    }
}
