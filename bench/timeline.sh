#!/usr/bin/env bash
# Where `align check` leaves cores idle: samples one run with perf (cpu-clock at 2 kHz, call
# graphs by DWARF, the `profiling` build, which has symbols) and prints, per 20 ms of wall
# time, how many cores were busy, then the slices where fewer than all were, with what each
# thread was doing. A sequential stage shows as a run of slices at one core.
#
#   bench/timeline.sh [DIR] [-- ARGS...]
#
# DIR defaults to the peers' 100k corpus in $TMPDIR (bench/scale.sh generates it), ARGS to
# `--quiet` (give `--format json` or `--lang ja` to see a renderer). Needs perf; the wall time
# under perf is about a fifth longer than without.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-${TMPDIR:-/tmp}/align-peer-100000}
if [ $# -ge 1 ]; then shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
if [ $# -eq 0 ]; then set -- --quiet; fi
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 2; }
[ -d "$dir" ] || { echo "no corpus at $dir" >&2; exit 2; }
cargo build --profile profiling --quiet
data=$(mktemp)
trap 'rm -f "$data"' EXIT
perf record -q -e cpu-clock -F 2000 --call-graph dwarf,16384 -o "$data" -- \
  target/profiling/align check "$dir" --today 2026-11-24 --fail-on never "$@" > /dev/null 2>&1 || true
perf script -i "$data" -F tid,time,ip,sym 2>/dev/null | python3 bench/timeline.py --hz 2000 --slice 20
