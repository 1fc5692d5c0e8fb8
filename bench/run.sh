#!/usr/bin/env bash
# Times `align check` on generated trees of 10k, 100k and 1M declarations (10 declarations per
# file on average, as in bench/gen.py --files N/10), release build, output discarded.
# Usage: bench/run.sh [SIZES...]   e.g. bench/run.sh 10000 100000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 100000 1000000}")
cargo build --release --quiet
for n in ${sizes[@]}; do
  dir="${TMPDIR:-/tmp}/align-bench-$n"
  [ -d "$dir" ] || python3 bench/gen.py "$n" "$dir" --files $((n / 10)) > /dev/null
  for run in 1 2 3; do
    /usr/bin/time -f "$n declarations: %e s wall, %U s user, %S s sys, %M KB peak" \
      target/release/align check "$dir" --today 2026-11-24 --fail-on never > /dev/null
  done
done
