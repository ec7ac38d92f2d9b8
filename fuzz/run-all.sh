#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS from its seed corpus.
#
#   fuzz/run-all.sh SECONDS [TARGET...]
#
# Each target runs on a working copy of fuzz/corpus/<target> in fuzz/work/<target> (gitignored,
# recreated on every run), so the committed seed corpus stays small; its log is
# fuzz/work/<target>.log. Exits non-zero if any target crashes (panic, sanitizer report,
# timeout of an input, out of memory), after printing the crashing input in hex and escaped,
# and the panic message. Stable Rust is enough: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its
# nightly flags.
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS [TARGET...]" >&2
    exit 2
fi
seconds=$1
shift

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir/.."
export RUSTC_BOOTSTRAP=1
# The fuzz crate has its own target directory (fuzz/target); a CARGO_TARGET_DIR meant for the
# workspace would mix sanitizer builds into it.
unset CARGO_TARGET_DIR

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

echo "== building all targets"
cargo fuzz build

# Prints a file as hex, then as one escaped string (printable ASCII as is).
show_input() {
    echo "-- hex:"
    od -An -v -tx1 "$1"
    echo "-- escaped:"
    local out="" b
    for b in $(od -An -v -tu1 "$1"); do
        case $b in
            9) out+='\t' ;;
            10) out+='\n' ;;
            13) out+='\r' ;;
            34) out+='\"' ;;
            92) out+='\\' ;;
            *)
                if ((b >= 32 && b < 127)); then
                    out+=$(printf "\\$(printf '%03o' "$b")")
                else
                    out+=$(printf '\\x%02x' "$b")
                fi
                ;;
        esac
    done
    printf '"%s"\n' "$out"
}

work="$fuzz_dir/work"
mkdir -p "$work"
failed=()
summary=()
for t in "${targets[@]}"; do
    rm -rf "${work:?}/$t"
    cp -r "$fuzz_dir/corpus/$t" "$work/$t"
    artifacts="$fuzz_dir/artifacts/$t"
    mkdir -p "$artifacts"
    marker=$(mktemp)
    echo "== $t: ${seconds}s"
    status=0
    cargo fuzz run "$t" "$work/$t" -- \
        -dict="$fuzz_dir/imap.dict" \
        -max_total_time="$seconds" \
        -timeout=10 \
        -rss_limit_mb=1024 \
        -print_final_stats=1 \
        >"$work/$t.log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
    size=$(find "$work/$t" -type f | wc -l)
    # libFuzzer's last status line carries the coverage: "cov: <edges> ft: <features>".
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/$t.log" | tail -1 | awk '{print $2 "/" $4}')
    if [[ $status -eq 0 ]]; then
        summary+=("$(printf '%-20s ok     %10s execs %8s execs/s %6s corpus %12s cov/ft' "$t" "${execs:-?}" "${rate:-?}" "$size" "${cov:-?}")")
    else
        failed+=("$t")
        summary+=("$(printf '%-20s FAILED (exit %s), log: %s' "$t" "$status" "$work/$t.log")")
        echo "!! $t failed (exit $status); log: $work/$t.log"
        # The panic message or sanitizer report.
        grep -E -A6 "panicked at|ERROR: AddressSanitizer|ERROR: libFuzzer: (timeout|out-of-memory)" "$work/$t.log" | head -60 || true
        found=0
        while IFS= read -r crash; do
            found=1
            echo "-- crashing input: $crash"
            show_input "$crash"
            echo "-- reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run $t $crash"
        done < <(find "$artifacts" -type f -newer "$marker")
        [[ $found -eq 1 ]] || tail -40 "$work/$t.log"
    fi
    rm -f "$marker"
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
