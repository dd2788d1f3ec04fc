#!/usr/bin/env bash
# Installs what the fuzz targets need (idempotently), writes the seed corpora, builds every target
# once and runs each in turn with libFuzzer (cargo-fuzz, stable Rust, no sanitizer), then prints
# the executions, exec/s and result of each. Not part of CI. See fuzz/README.md.
#
# Usage: fuzz/run.sh [--execs N | --seconds S] [--max-len B] [target...] [-- libFuzzer options...]
#   --execs N     executions per target (default 10000000)
#   --seconds S   run each target for S seconds instead
#   --max-len B   largest input in bytes (default 65536; 16384 for settings)
#   target...     some of: pem_reader private_key cert_summary settings file_import check
#                 check_normalised plan
#                 (default: all)
# Findings land in fuzz/artifacts/<target>/, logs in fuzz/logs/<target>.log.
set -euo pipefail

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cargo_fuzz_version=0.13.2
all_targets=(pem_reader private_key cert_summary settings file_import check check_normalised plan)
execs=10000000
seconds=
max_len_override=
targets=()
extra=()

while (($#)); do
  case $1 in
  --execs)
    execs=$2
    shift 2
    ;;
  --seconds)
    seconds=$2
    shift 2
    ;;
  --max-len)
    max_len_override=$2
    shift 2
    ;;
  --)
    shift
    extra=("$@")
    break
    ;;
  -h | --help)
    sed -n '2,14p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  -*)
    echo "run.sh: unknown option $1 (see --help)" >&2
    exit 2
    ;;
  *)
    targets+=("$1")
    shift
    ;;
  esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || {
    echo "run.sh: no target $t (targets: ${all_targets[*]})" >&2
    exit 2
  }
done

# Largest input per target: 64 KiB is well past any real paste; settings files are smaller.
max_len() {
  if [[ -n $max_len_override ]]; then
    echo "$max_len_override"
    return
  fi
  case $1 in
  settings) echo 16384 ;;
  *) echo 65536 ;;
  esac
}

setup_start=$SECONDS
# 1. A C++ compiler (libfuzzer-sys compiles libFuzzer) and cargo-fuzz.
if ! command -v c++ >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update && apt-get install -y g++
  else
    echo "run.sh: a C++ compiler is needed (Debian: apt-get install g++)" >&2
    exit 1
  fi
fi
if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]]; then
  cargo install cargo-fuzz --locked --version "$cargo_fuzz_version"
fi

# 2. Seeds, then 3. one build of every target. Stable Rust: no sanitizer (`-s none`; ASan needs
# nightly's -Zsanitizer), debug assertions and overflow checks on (`-a`), optimised (`-O`).
"$fuzz_dir/seed.sh"
flags=(--fuzz-dir "$fuzz_dir" -O -a -s none)
cargo fuzz build "${flags[@]}"
echo "run.sh: setup took $((SECONDS - setup_start)) s"

# 4. Each target in turn.
mkdir -p "$fuzz_dir/logs"
if [[ -n $seconds ]]; then
  budget=(-max_total_time="$seconds")
else
  budget=(-runs="$execs")
fi
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$fuzz_dir/artifacts/$t" "$fuzz_dir/corpus/$t"
  log="$fuzz_dir/logs/$t.log"
  echo "run.sh: $t (log: $log)"
  start=$SECONDS
  status=0
  cargo fuzz run "${flags[@]}" "$t" -- "${budget[@]}" -max_len="$(max_len "$t")" \
    -timeout=5 -rss_limit_mb=2048 -report_slow_units=2 -print_final_stats=1 \
    ${extra[@]+"${extra[@]}"} >"$log" 2>&1 || status=$?
  took=$((SECONDS - start))
  units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [[ -z $units ]]; then # a crash ends libFuzzer before its final stats
    units=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    rate=$((${units:-0} / (took > 0 ? took : 1)))
  fi
  result=ok
  if ((status != 0)); then
    result="FINDING (exit $status): $(sed -n 's/.*Test unit written to //p' "$log" | tail -1)"
    [[ $result != *": " ]] || result="FAILED (exit $status), see $log"
  fi
  summary+=("$(printf '%-13s %12s execs %8s exec/s %6s s  %s' "$t" "${units:-?}" "${rate:-?}" "$took" "$result")")
done

echo
echo "run.sh: results"
printf '%s\n' "${summary[@]}" | tee "$fuzz_dir/logs/summary.txt"
