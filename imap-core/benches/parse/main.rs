//! Parse throughput of server response streams: `imap-core` (framer + parser) against
//! `imap-proto`, `imap-codec` and a `memcpy` baseline.
//!
//! Run with `cargo bench -p imap-core --bench parse` (add `-- --quick`, or set `BENCH_SCALE`
//! to e.g. `0.1`, for smaller corpora). For every corpus and delivery mode (`whole`, `4k`,
//! `64k`) it prints
//!
//! ```text
//! parse <corpus> <mode> ours=<MB/s> imap-proto=<MB/s> imap-codec=<MB/s> memcpy=<MB/s>
//! ratio <corpus> <mode> ours/faster-peer=<x> chunked/whole=<x> ours/memcpy=<x>
//! ```
//!
//! then `search-linearity` lines for `* SEARCH` lines of 100 KiB .. 1.6 MiB. MB is 10^6 bytes;
//! each figure is the best of several iterations. A parser that fails on a corpus, or that
//! miscounts its responses, is reported as `n/a` with a `warning:` line; a chunked run whose
//! single iteration exceeds the time budget is reported as `n/a (over budget)`.
//!
//! `BENCH_ITERS=<n>` runs exactly `n` iterations per measurement (a fixed amount of work, to
//! compare two builds by CPU time under `perf stat` when the machine is too loaded for wall
//! times). `BENCH_BUDGET_SECS` overrides the 20 s per-iteration budget. `BENCH_ONLY=<corpus,...>` runs
//! only the named corpora (`meta`, `literal`, `bigliteral`, `mixed`, `search`) and
//! `BENCH_RUNNERS=<runner,...>` only the named runners (`ours`, `imap-proto`, `imap-codec`,
//! `memcpy`; the others print `n/a`), e.g. for a profiler run. Debugging aids:
//! `BENCH_PREVIEW=<n>` shows `n` bytes of the offending input in warnings (default 80);
//! `BENCH_DUMP_DIR=<dir>` writes each corpus to `<dir>/<corpus>.imap`.
//!
//! Both build profiles: run in the default `bench` profile, the bench ends by building itself
//! again in the workspace's `bench-lto` profile (`lto = "fat"`, `codegen-units = 1`, every crate,
//! ours and the peers alike) in `<target>/bench-lto-child` (a target dir of its own: the outer
//! `cargo bench` still holds the lock of the first; the first such build takes several minutes),
//! runs that build with the same environment, and prints its output. Then it prints one
//! summary line per profile and delivery mode of the `meta` corpus (whole buffer, 4 KiB pieces):
//!
//! ```text
//! summary profile=<bench|bench-lto> parse meta <mode> ours=<MB/s> imap-proto=<MB/s> imap-codec=<MB/s> ratio=<x>x allocs/resp ours=<n> imap-proto=<n> imap-codec=<n>
//! ```
//!
//! `ratio` is ours over the faster peer. `allocs/resp` comes from the `parse_allocs` bench of
//! the same profile (allocator calls per response, counted by `stats_alloc` in a binary of its
//! own so that counting slows no throughput run), which is built with this one; `n/a` when that
//! binary is not found beside this one. `BENCH_PROFILES=bench` skips the second profile.
//!
//! Note that `imap-proto` borrows literals without touching their bytes, so its whole-buffer
//! figures on `literal` / `bigliteral` are enormous: that is real zero-copy, not a bug.

#![allow(missing_docs)]

mod corpus;
mod ours;
mod peers;
mod profiles;

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use corpus::Corpus;
use peers::{RunError, RunResult};

/// One iteration of a runner may not take longer than this (checked between pieces): 20 s, or
/// `BENCH_BUDGET_SECS`.
fn budget() -> Duration {
    static BUDGET: OnceLock<Duration> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::env::var("BENCH_BUDGET_SECS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(Duration::from_secs(20), Duration::from_secs_f64)
    })
}
/// Minimum and maximum iterations per measurement; best-of is reported.
const MIN_ITERS: usize = 3;
const MAX_ITERS: usize = 30;
/// Small corpora keep iterating (up to `MAX_ITERS`) until this much time was spent.
const MIN_TOTAL: Duration = Duration::from_millis(500);
/// A measurement whose iterations add up to this much stops after the current one.
const MAX_TOTAL: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, PartialEq)]
enum Runner {
    Ours,
    ImapProto,
    ImapCodec,
    Memcpy,
}

const RUNNERS: [Runner; 4] = [
    Runner::Ours,
    Runner::ImapProto,
    Runner::ImapCodec,
    Runner::Memcpy,
];

impl Runner {
    fn name(self) -> &'static str {
        match self {
            Runner::Ours => "ours",
            Runner::ImapProto => "imap-proto",
            Runner::ImapCodec => "imap-codec",
            Runner::Memcpy => "memcpy",
        }
    }

    fn run(
        self,
        data: &Bytes,
        chunk: Option<usize>,
        scratch: &mut Vec<u8>,
        expected: usize,
    ) -> RunResult {
        let deadline = Instant::now() + budget();
        match self {
            Runner::Ours => ours::run(data, chunk, deadline),
            Runner::ImapProto => peers::imap_proto(data, chunk, deadline),
            Runner::ImapCodec => peers::imap_codec(data, chunk, deadline),
            Runner::Memcpy => peers::memcpy(data, chunk, scratch, expected),
        }
    }
}

/// Delivery modes: name and piece size (`None` = whole buffer at once).
const MODES: [(&str, Option<usize>); 3] = [
    ("whole", None),
    ("4k", Some(4 * 1024)),
    ("64k", Some(64 * 1024)),
];

/// Outcome of one measurement.
#[derive(Clone, Copy)]
enum Outcome {
    /// Best iteration time.
    Best(Duration),
    Failed,
    OverBudget,
}

impl Outcome {
    fn mb_per_s(self, bytes: usize) -> Option<f64> {
        match self {
            Outcome::Best(t) => Some(bytes as f64 / 1e6 / t.as_secs_f64().max(1e-9)),
            _ => None,
        }
    }
}

/// `MB/s` or the reason there is none.
struct Rate(Outcome, usize);

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Outcome::Best(_) => write!(f, "{:.1}", self.0.mb_per_s(self.1).unwrap_or(0.0)),
            Outcome::OverBudget => f.write_str("n/a (over budget)"),
            Outcome::Failed => f.write_str("n/a"),
        }
    }
}

/// `x.xx` or `n/a`.
struct Ratio(Option<f64>);

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(x) if x.is_finite() => write!(f, "{x:.2}"),
            _ => f.write_str("n/a"),
        }
    }
}

/// Whether `name` is in the comma-separated list of the environment variable `var` (or the
/// variable is unset).
fn selected(var: &str, name: &str) -> bool {
    match std::env::var(var) {
        Ok(list) => list.split(',').any(|n| n.trim() == name),
        Err(_) => true,
    }
}

/// `BENCH_ITERS`: run exactly this many iterations per measurement (a fixed amount of work, to
/// compare builds by CPU time, e.g. under `perf stat`, on a loaded machine).
fn fixed_iters() -> Option<usize> {
    std::env::var("BENCH_ITERS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
}

/// Runs `runner` over `data` until best-of is stable enough; checks the response count.
fn measure(
    runner: Runner,
    label: &str,
    data: &Bytes,
    expected: usize,
    chunk: Option<usize>,
    scratch: &mut Vec<u8>,
) -> Outcome {
    if !selected("BENCH_RUNNERS", runner.name()) {
        return Outcome::Failed;
    }
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    let fixed = fixed_iters();
    for i in 1..=fixed.unwrap_or(MAX_ITERS) {
        let start = Instant::now();
        let result = runner.run(data, chunk, scratch, expected);
        let elapsed = start.elapsed();
        match result {
            Ok(n) if n == expected => {}
            Ok(n) => {
                println!(
                    "warning: {} parsed {n} responses of {expected} on {label}",
                    runner.name()
                );
                return Outcome::Failed;
            }
            Err(RunError::Failed(why)) => {
                println!("warning: {} failed on {label}: {why}", runner.name());
                return Outcome::Failed;
            }
            Err(RunError::OverBudget) => return Outcome::OverBudget,
        }
        if elapsed > budget() {
            // Whole-buffer runs cannot be interrupted; still refuse to report them.
            return Outcome::OverBudget;
        }
        best = best.min(elapsed);
        total += elapsed;
        if fixed.is_none() && (total >= MAX_TOTAL || (i >= MIN_ITERS && total >= MIN_TOTAL)) {
            break;
        }
    }
    Outcome::Best(best)
}

/// Throughput of the three parsers in one delivery mode (for the summary lines).
struct ModeRates {
    mode: &'static str,
    ours: Option<f64>,
    imap_proto: Option<f64>,
    imap_codec: Option<f64>,
}

fn bench_corpus(corpus: &Corpus, scratch: &mut Vec<u8>) -> Vec<ModeRates> {
    let mut summary = Vec::new();
    let bytes = corpus.data.len();
    println!(
        "corpus {} bytes={bytes} responses={}",
        corpus.name, corpus.responses
    );
    let mut ours_whole = None;
    for (mode, chunk) in MODES {
        let label = format!("{} {mode}", corpus.name);
        let outcomes: Vec<Outcome> = RUNNERS
            .iter()
            .map(|&r| measure(r, &label, &corpus.data, corpus.responses, chunk, scratch))
            .collect();
        let rate = |r: Runner| {
            let i = RUNNERS.iter().position(|&x| x == r).unwrap_or(0);
            outcomes[i].mb_per_s(bytes)
        };
        let field = |r: Runner| {
            let i = RUNNERS.iter().position(|&x| x == r).unwrap_or(0);
            Rate(outcomes[i], bytes)
        };
        println!(
            "parse {label} ours={} imap-proto={} imap-codec={} memcpy={}",
            field(Runner::Ours),
            field(Runner::ImapProto),
            field(Runner::ImapCodec),
            field(Runner::Memcpy),
        );
        let ours = rate(Runner::Ours);
        summary.push(ModeRates {
            mode,
            ours,
            imap_proto: rate(Runner::ImapProto),
            imap_codec: rate(Runner::ImapCodec),
        });
        if chunk.is_none() {
            ours_whole = ours;
        }
        let faster_peer = match (rate(Runner::ImapProto), rate(Runner::ImapCodec)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let div = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
        println!(
            "ratio {label} ours/faster-peer={} chunked/whole={} ours/memcpy={}",
            Ratio(div(ours, faster_peer)),
            Ratio(div(ours, ours_whole)),
            Ratio(div(ours, rate(Runner::Memcpy))),
        );
    }
    summary
}

/// Times one `* SEARCH` line per size and prints time and ns/byte for each parser.
fn search_linearity(scratch: &mut Vec<u8>) {
    const SIZES: [usize; 5] = [100 * 1024, 200 * 1024, 400 * 1024, 800 * 1024, 1600 * 1024];
    for runner in [Runner::Ours, Runner::ImapProto, Runner::ImapCodec] {
        let mut per_byte = Vec::new();
        for (i, size) in SIZES.into_iter().enumerate() {
            let line = Bytes::from(corpus::search_line(size, 0x5345_4152 + i as u64));
            let label = format!("search-{size}");
            let outcome = measure(runner, &label, &line, 1, None, scratch);
            let (time, ns) = match outcome {
                Outcome::Best(t) => {
                    let ns = t.as_nanos() as f64 / line.len() as f64;
                    per_byte.push(ns);
                    (format!("{:.1}", t.as_secs_f64() * 1e6), format!("{ns:.3}"))
                }
                _ => ("n/a".to_owned(), "n/a".to_owned()),
            };
            let prefix = match runner {
                Runner::Ours => "search-linearity".to_owned(),
                other => format!("search-linearity-peer {}", other.name()),
            };
            println!("{prefix} size={} time={time} ns/byte={ns}", line.len());
        }
        let growth = match (per_byte.first(), per_byte.last()) {
            (Some(first), Some(last)) if per_byte.len() == SIZES.len() => Some(last / first),
            _ => None,
        };
        println!(
            "search-linearity-growth {} ns/byte(1.6MiB)/ns/byte(100KiB)={}",
            runner.name(),
            Ratio(growth)
        );
    }
}

/// Corpus scale: `BENCH_SCALE` if set, else 0.1 with `--quick`, else 1.
fn scale() -> f64 {
    if let Some(s) = std::env::var("BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
    {
        return s;
    }
    // `cargo bench` passes `--bench`; anything else unknown is ignored too.
    if std::env::args().any(|a| a == "--quick") {
        0.1
    } else {
        1.0
    }
}

fn main() {
    let scale = scale();
    let scaled = |n: f64, min: usize| ((n * scale) as usize).max(min);
    println!(
        "# parse bench: scale={scale} budget={}s best-of {MIN_ITERS}..{MAX_ITERS}",
        budget().as_secs_f64(),
    );
    let mut scratch = Vec::new();
    let mut meta_rates = Vec::new();
    for name in ["meta", "literal", "bigliteral", "mixed"] {
        if !selected("BENCH_ONLY", name) {
            continue;
        }
        let corpus = match name {
            "meta" => corpus::meta(scaled(100_000.0, 1_000)),
            "literal" => corpus::literal(scaled(64.0 * 1_048_576.0, 4 << 20)),
            "bigliteral" => corpus::bigliteral(scaled(104_857_600.0, 8 << 20)),
            _ => corpus::mixed(scaled(10_000.0, 1_000)),
        };
        if let Some(dir) = std::env::var_os("BENCH_DUMP_DIR") {
            let path = std::path::Path::new(&dir).join(format!("{}.imap", corpus.name));
            if let Err(e) = std::fs::write(&path, &corpus.data) {
                println!("warning: cannot write {}: {e}", path.display());
            }
        }
        scratch = Vec::with_capacity(corpus.data.len());
        let rates = bench_corpus(&corpus, &mut scratch);
        if name == "meta" {
            meta_rates = rates;
        }
    }
    drop(scratch);
    if selected("BENCH_ONLY", "search") {
        search_linearity(&mut Vec::new());
    }
    let child = if profiles::is_child() {
        Vec::new()
    } else {
        profiles::run_children()
    };
    let mut lines = profiles::summary(&meta_rates);
    lines.extend(child);
    for line in lines {
        println!("{line}");
    }
}
