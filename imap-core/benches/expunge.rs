//! Cost of the mailbox model's sequence-number index ([`imap_core::mailbox::SeqMap`]) against a
//! plain `Vec<Option<Uid>>` model, on the same operations in the same run.
//!
//! Run with `cargo bench -p imap-core --bench expunge`. It prints
//!
//! ```text
//! build n=1000000 ours=<ms>
//! expunge n=1000000 k=500000 ours=<ms> vec=<ms> ratio=<vec/ours>
//! vanished n=1000000 k=500000 ranges=<r> ours=<ms> vec=<ms> ratio=<vec/ours>
//! exists n=1000000 ours=<ms> vec=<ms> ratio=<vec/ours>
//! exists+fetch-uid n=1000000 ours=<ms> vec=<ms> ratio=<vec/ours>
//! ```
//!
//! - `build`: one `EXISTS` of n messages, then one `FETCH (UID ..)` per message (not compared).
//! - `expunge`: k single `EXPUNGE` responses at pseudo-random positions (fixed seed) on the
//!   built mailbox; the vector model does `Vec::remove`.
//! - `vanished`: one `VANISHED` listing k pseudo-random UIDs of the built mailbox (compacted
//!   into `ranges` ranges); the vector model expands the set and does one `Vec::retain` with a
//!   binary search per message (already the linear-time approach, not k `Vec::remove`s).
//! - `exists`: n `EXISTS` responses growing the mailbox by one each; the vector pushes `None`.
//! - `exists+fetch-uid`: the same, each new message then told its UID by a FETCH; the vector
//!   pushes the UID.
//!
//! Each figure is the best of 3 runs (`EXPUNGE_BENCH_RUNS` overrides). Both models' results are
//! compared, so a wrong answer cannot pass for a fast one. No assertion is made on time.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use imap_core::mailbox::SeqMap;
use imap_core::types::{SeqNum, Uid, UidSet};

const N: u32 = 1_000_000;
const K: u32 = 500_000;
const SEED: u64 = 0x1a9e_2024_0e1f_5eed;

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

    /// Uniform in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }
}

/// The UID of the i-th message of the built mailbox: gaps, as in a real mailbox.
fn uid_for(i: u32) -> Uid {
    Uid::new(i * 3 + 7).expect("non-zero")
}

fn seq(n: u32) -> SeqNum {
    SeqNum::new(n).expect("non-zero")
}

fn runs() -> usize {
    std::env::var("EXPUNGE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3)
}

/// Times `f` on a fresh `setup()` value `runs` times; returns the best time and the last
/// result. Results are dropped outside the timed region.
fn best_of<S, T>(mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs() {
        let input = setup();
        let start = Instant::now();
        let result = black_box(f(black_box(input)));
        best = best.min(start.elapsed());
        out = Some(result);
    }
    (best, out.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn ratio(vec: Duration, ours: Duration) -> String {
    let r = vec.as_secs_f64() / ours.as_secs_f64();
    if r >= 1.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.3}")
    }
}

fn build_ours() -> SeqMap {
    let mut m = SeqMap::new();
    m.apply_exists(N).expect("grows");
    for i in 1..=N {
        m.apply_fetch(seq(i), Some(uid_for(i)), None, None)
            .expect("ascending UIDs");
    }
    m
}

fn build_vec() -> Vec<Option<Uid>> {
    (1..=N).map(|i| Some(uid_for(i))).collect()
}

/// An order-sensitive digest of a sequence of UIDs.
fn digest(acc: u64, uid: Option<Uid>) -> u64 {
    (acc ^ u64::from(uid.map_or(0, Uid::get))).wrapping_mul(0x100_0000_01b3)
}

fn main() {
    let start = Instant::now();
    let built = build_ours();
    println!("build n={N} ours={}", ms(start.elapsed()));
    let built_vec = build_vec();

    // EXPUNGE at pseudo-random positions: message `1 + below(len)` of the current mailbox.
    let mut rng = Rng(SEED);
    let positions: Vec<SeqNum> = (0..K).map(|i| seq(1 + rng.below(N - i))).collect();
    let (ours, ours_digest) = best_of(
        || built.clone(),
        |mut m| {
            let mut d = 0;
            for &p in &positions {
                d = digest(d, m.apply_expunge(p).expect("in range"));
            }
            // Returned, so that freeing it is not timed.
            (d, m)
        },
    );
    let ours_digest = (ours_digest.0, ours_digest.1.len());
    let (vec, vec_digest) = best_of(
        || built_vec.clone(),
        |mut v| {
            let mut d = 0;
            for &p in &positions {
                d = digest(d, v.remove(p.get() as usize - 1));
            }
            (d, v)
        },
    );
    let vec_digest = (vec_digest.0, vec_digest.1.len() as u32);
    assert_eq!(ours_digest, vec_digest, "the models disagree on EXPUNGE");
    println!(
        "expunge n={N} k={K} ours={} vec={} ratio={}",
        ms(ours),
        ms(vec),
        ratio(vec, ours)
    );

    // One VANISHED of K distinct pseudo-random UIDs (partial Fisher-Yates over the messages).
    let mut pool: Vec<u32> = (1..=N).collect();
    for i in 0..K as usize {
        let j = i + rng.below(N - i as u32) as usize;
        pool.swap(i, j);
    }
    let set = UidSet::from_keys(pool[..K as usize].iter().map(|&i| uid_for(i))).expect("non-empty");
    let (ours, ours_left) = best_of(
        || built.clone(),
        |mut m| {
            let v = m.apply_vanished_visible(&set);
            (
                v.removed.len(),
                m.iter().fold(0, |d, (_, u, _)| digest(d, u)),
            )
        },
    );
    let (vec, vec_left) = best_of(
        || built_vec.clone(),
        |mut v| {
            let gone = imap_core::types::UidRanges::from_set(&set, u32::MAX);
            let before = v.len();
            v.retain(|u| u.is_none_or(|u| !gone.contains(u)));
            (before - v.len(), v.iter().fold(0, |d, &u| digest(d, u)))
        },
    );
    assert_eq!(ours_left, vec_left, "the models disagree on VANISHED");
    println!(
        "vanished n={N} k={K} ranges={} ours={} vec={} ratio={}",
        set.items().len(),
        ms(ours),
        ms(vec),
        ratio(vec, ours)
    );

    // EXISTS growth, one message at a time.
    let (ours, m) = best_of(SeqMap::new, |mut m| {
        for n in 1..=N {
            m.apply_exists(n).expect("grows");
        }
        m
    });
    let (vec, v) = best_of(Vec::<Option<Uid>>::new, |mut v| {
        for _ in 1..=N {
            v.push(None);
        }
        v
    });
    let (ours_len, vec_len) = (m.len(), v.len() as u32);
    assert_eq!(ours_len, vec_len);
    println!(
        "exists n={N} ours={} vec={} ratio={}",
        ms(ours),
        ms(vec),
        ratio(vec, ours)
    );

    // EXISTS growth, each new message then told its UID.
    let (ours, m) = best_of(SeqMap::new, |mut m| {
        for n in 1..=N {
            m.apply_exists(n).expect("grows");
            m.apply_fetch(seq(n), Some(uid_for(n)), None, None)
                .expect("ascending UIDs");
        }
        m
    });
    let (vec, v) = best_of(Vec::<Option<Uid>>::new, |mut v| {
        for n in 1..=N {
            v.push(Some(uid_for(n)));
        }
        v
    });
    let (ours_len, vec_len) = (m.len(), v.len() as u32);
    assert_eq!(ours_len, vec_len);
    println!(
        "exists+fetch-uid n={N} ours={} vec={} ratio={}",
        ms(ours),
        ms(vec),
        ratio(vec, ours)
    );
}
