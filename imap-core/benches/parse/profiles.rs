//! The summary lines of the `parse` bench and its second build profile: the `bench-lto` build
//! of the same bench, run as a child, and the allocation counts of the `parse_allocs` binary of
//! each profile.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ModeRates;

/// Set (to the profile's name) in the environment of the child run of the `bench-lto` build.
const CHILD: &str = "BENCH_PROFILE_CHILD";
/// The workspace profile of the second build.
const LTO_PROFILE: &str = "bench-lto";

/// Whether this process is the child run of the `bench-lto` build.
pub fn is_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// The name of the profile this binary was built with.
fn profile() -> String {
    std::env::var(CHILD).unwrap_or_else(|_| "bench".to_owned())
}

/// The newest executable in `dir` named `<prefix>-<hash>` (cargo's name for a bench binary).
fn newest(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let prefix = format!("{prefix}-");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix) && !name.contains('.')
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

/// The directory of this binary (`<target>/<profile dir>/deps`).
fn deps_dir() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.to_path_buf())
}

/// The target dir of the child builds: `<target>/bench-lto-child`.
fn child_target() -> Option<PathBuf> {
    Some(deps_dir()?.parent()?.parent()?.join("bench-lto-child"))
}

/// The `parse_allocs` binary of this profile: beside this one, or else (the parent run, built by
/// `cargo bench --bench parse` alone) the one `run_children` built in the child target dir.
fn allocs_binary() -> Option<PathBuf> {
    let deps = deps_dir()?;
    newest(&deps, "parse_allocs").or_else(|| {
        let profile_dir = deps.parent()?.file_name()?.to_owned();
        newest(
            &child_target()?.join(profile_dir).join("deps"),
            "parse_allocs",
        )
    })
}

/// `mode -> "ours=.. imap-proto=.. imap-codec=.."` from the `parse_allocs` binary of this profile.
fn allocs() -> Vec<(String, String)> {
    let Some(bin) = allocs_binary() else {
        println!("warning: no parse_allocs binary found (cargo bench --bench parse_allocs)");
        return Vec::new();
    };
    let out = match Command::new(&bin).output() {
        Ok(out) if out.status.success() => out,
        other => {
            println!("warning: {} did not run: {other:?}", bin.display());
            return Vec::new();
        }
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("allocs meta "))
        .filter_map(|l| l.split_once(' '))
        .map(|(mode, rest)| (mode.to_owned(), rest.to_owned()))
        .collect()
}

/// One line per delivery mode of the `meta` corpus (whole buffer and 4 KiB pieces): the rates,
/// ours over the faster peer, and allocations per response.
pub fn summary(rates: &[ModeRates]) -> Vec<String> {
    if rates.is_empty() {
        return Vec::new();
    }
    let allocs = allocs();
    let fmt = |r: Option<f64>| r.map_or_else(|| "n/a".to_owned(), |r| format!("{r:.1}"));
    rates
        .iter()
        .filter(|r| r.mode != "64k")
        .map(|r| {
            let peer = match (r.imap_proto, r.imap_codec) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let ratio = r
                .ours
                .zip(peer)
                .map_or_else(|| "n/a".to_owned(), |(o, p)| format!("{:.2}x", o / p));
            let counts = allocs
                .iter()
                .find(|(mode, _)| mode == r.mode)
                .map_or("ours=n/a imap-proto=n/a imap-codec=n/a", |(_, c)| c.as_str());
            format!(
                "summary profile={} parse meta {} ours={} imap-proto={} imap-codec={} ratio={ratio} allocs/resp {counts}",
                profile(),
                r.mode,
                fmt(r.ours),
                fmt(r.imap_proto),
                fmt(r.imap_codec),
            )
        })
        .collect()
}

/// Runs `cargo bench --no-run` for `profile` and `benches` in the child target dir.
fn build(child_target: &Path, profile: &str, benches: &[&str]) -> bool {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args(["bench", "--no-run", "--profile", profile, "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", child_target);
    for bench in benches {
        cmd.args(["--bench", bench]);
    }
    let status = cmd.status();
    let ok = status.as_ref().is_ok_and(|s| s.success());
    if !ok {
        println!("warning: the {profile} build of {benches:?} failed: {status:?}");
    }
    ok
}

/// The parent run's second part, in a target dir of its own (the outer `cargo bench` holds the
/// lock of the first): builds `parse_allocs` of this profile when it is not beside this binary,
/// builds `parse` and `parse_allocs` in the `bench-lto` profile, runs that `parse` with the same
/// arguments and environment, prints its output, and returns its summary lines.
pub fn run_children() -> Vec<String> {
    let Some(child_target) = child_target() else {
        println!("warning: cannot locate the target dir; no {LTO_PROFILE} run");
        return Vec::new();
    };
    if allocs_binary().is_none() {
        build(&child_target, "bench", &["parse_allocs"]);
    }
    if std::env::var("BENCH_PROFILES").is_ok_and(|p| !p.split(',').any(|p| p.trim() == LTO_PROFILE))
    {
        return Vec::new();
    }
    eprintln!(
        "# building the {LTO_PROFILE} profile in {} (the first time takes several minutes)",
        child_target.display()
    );
    if !build(&child_target, LTO_PROFILE, &["parse", "parse_allocs"]) {
        return Vec::new();
    }
    let Some(bin) = newest(&child_target.join(LTO_PROFILE).join("deps"), "parse") else {
        println!("warning: no {LTO_PROFILE} parse binary found");
        return Vec::new();
    };
    let out = Command::new(&bin)
        .args(std::env::args_os().skip(1))
        .env(CHILD, LTO_PROFILE)
        .output();
    let out = match out {
        Ok(out) if out.status.success() => out,
        other => {
            println!("warning: the {LTO_PROFILE} run failed: {other:?}");
            return Vec::new();
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut summary = Vec::new();
    println!("# profile {LTO_PROFILE}:");
    for line in text.lines() {
        if line.starts_with("summary ") {
            summary.push(line.to_owned());
        } else {
            println!("{line}");
        }
    }
    summary
}
