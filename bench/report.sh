#!/usr/bin/env bash
# The gap report at scale, on the peers' corpus (/work/shared/bench/peer-corpus.py, the same
# generator as the LOBSTER comparison): bytes per item of the HTML report at 10,000 items
# (target: at most half of LOBSTER's 744 bytes per item, i.e. 372), and at 100,000 items the
# time of `align report` against `align check` on the same files (target: at most 2×).
# Release build; the best of three runs of each command.
# Usage: bench/report.sh [GENERATOR]
set -euo pipefail
cd "$(dirname "$0")/.."
gen="${1:-/work/shared/bench/peer-corpus.py}"
cargo build --release --quiet
bin=target/release/align
tmp="${TMPDIR:-/tmp}"
today=2026-11-24

best_of_three() { # prints the best wall time in seconds of "$@"
  local best=""
  for _ in 1 2 3; do
    local s e t
    s=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%.3f' "$best"
}

for n in 10000 100000; do
  dir="$tmp/peer$((n / 1000))k"
  [ -d "$dir" ] || python3 "$gen" --items "$n" --format align --out "$dir" > /dev/null
  out="$tmp/align-report-$n.html"
  "$bin" report "$dir" --today "$today" -o "$out" || true
  bytes=$(stat -c %s "$out")
  md=$( ("$bin" report "$dir" --today "$today" --format md || true) | wc -c)
  check=$(best_of_three "$bin" check "$dir" --today "$today" --fail-on never)
  html=$(best_of_three "$bin" report "$dir" --today "$today" -o "$out")
  echo "$n items: HTML $bytes bytes ($((bytes / n)) bytes/item), Markdown $md bytes ($((md / n)) bytes/item)"
  echo "$n items: check ${check} s, report ${html} s, ratio $(echo "scale=2; $html / $check" | bc -l)"
done
