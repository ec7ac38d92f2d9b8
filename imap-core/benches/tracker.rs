//! Cost of the server's per-session sequence-number view ([`imap_core::server::SessionTracker`])
//! under single expunges, against the sorted `Vec<Uid>` with `Vec::remove` it replaced, in the
//! same run.
//!
//! Run with `cargo bench -p imap-core --bench tracker`. It prints
//!
//! ```text
//! tracker-expunge n=1000000 k=500000 ours=<ms> ours_ns_per_expunge=<ns>
//! tracker-expunge n=1000000 k=<k'> vec=<ms> vec_ns_per_expunge=<ns> ratio_per_expunge=<vec/ours>
//! ```
//!
//! Each expunge is one `apply_expunged` call with one UID (what a session does when another
//! session expunges one message at a time), at pseudo-random positions (fixed seed). The
//! `Vec` model does the same first k' expunges (`TRACKER_BENCH_VEC_K`, default 20,000: all
//! 500,000 would take minutes); both return the same `EXPUNGE` numbers for those, which is
//! checked, so a wrong answer cannot pass for a fast one. (Those first expunges hit the fullest
//! mailbox, where a `Vec::remove` moves about 4/3 of what it moves on average over all 500,000:
//! the ratio is inflated by that much.) No assertion is made on time.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use imap_core::server::SessionTracker;
use imap_core::types::Uid;

const N: u32 = 1_000_000;
const K: u32 = 500_000;
const SEED: u64 = 0x7a4c_2024_0e1f_5eed;

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn uid_for(i: u32) -> Uid {
    Uid::new(i * 3 + 7).expect("non-zero")
}

fn main() {
    let vec_k: usize = std::env::var("TRACKER_BENCH_VEC_K")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
        .min(K as usize);
    // K distinct UIDs in pseudo-random order (partial Fisher-Yates).
    let mut rng = Rng(SEED);
    let mut pool: Vec<u32> = (1..=N).collect();
    for i in 0..K as usize {
        let j = i + (rng.next() % u64::from(N - i as u32)) as usize;
        pool.swap(i, j);
    }
    let gone: Vec<Uid> = pool[..K as usize].iter().map(|&i| uid_for(i)).collect();

    let mut t = SessionTracker::new((1..=N).map(uid_for));
    let start = Instant::now();
    let mut ours_seqs = Vec::with_capacity(K as usize);
    for &u in &gone {
        ours_seqs.extend(t.apply_expunged([u]).into_iter().map(|s| s.get()));
    }
    let ours = start.elapsed();
    black_box(&t);
    assert_eq!(t.len(), N - K);

    let mut v: Vec<Uid> = (1..=N).map(uid_for).collect();
    let start = Instant::now();
    let mut vec_seqs = Vec::with_capacity(vec_k);
    for &u in &gone[..vec_k] {
        if let Ok(i) = v.binary_search(&u) {
            v.remove(i);
            vec_seqs.push(i as u32 + 1);
        }
    }
    let vec = start.elapsed();
    black_box(&v);
    assert_eq!(
        &ours_seqs[..vec_k],
        &vec_seqs[..],
        "the models disagree on EXPUNGE numbers"
    );

    let ours_ns = ours.as_secs_f64() * 1e9 / f64::from(K);
    let vec_ns = vec.as_secs_f64() * 1e9 / vec_k.max(1) as f64;
    println!(
        "tracker-expunge n={N} k={K} ours={:.1} ours_ns_per_expunge={ours_ns:.0}",
        ours.as_secs_f64() * 1e3
    );
    println!(
        "tracker-expunge n={N} k={vec_k} vec={:.1} vec_ns_per_expunge={vec_ns:.0} \
         ratio_per_expunge={:.1}",
        vec.as_secs_f64() * 1e3,
        vec_ns / ours_ns
    );
}
