#!/usr/bin/env bash
# Profiles `align check` with perf on a generated tree. Builds the `profiling` profile (the
# release code with line tables and symbols kept; `release` itself is stripped for
# distribution), so perf can name functions and lines.
# Usage: bench/profile.sh [SIZE]   (declarations, default 1000000); then `perf report -i FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
cargo build --profile profiling --quiet
dir="${TMPDIR:-/tmp}/align-bench-$n"
[ -d "$dir" ] || python3 bench/gen.py "$n" "$dir" --files $((n / 10 > 0 ? n / 10 : 1)) > /dev/null
data="${TMPDIR:-/tmp}/align-perf-$n.data"
perf record --call-graph dwarf -o "$data" -- \
  target/profiling/align check "$dir" --today 2026-11-24 --fail-on never > /dev/null
echo "profile written: perf report -i $data"
