#!/bin/sh
# Instructions executed by one `align check` run, counted by valgrind's callgrind with one
# worker thread: on a shared or virtual machine, where the same build's wall time moves by a
# third from one minute to the next, this count moves by about 0.5% (the thread pool's waits),
# so it tells apart changes of a few percent that timings cannot. It counts work, not cache
# misses or page faults: confirm a memory layout change with timings.
#
#   bench/instructions.sh [ALIGN] [DIR] [-- ARGS...]
#
# ALIGN defaults to target/release/align, DIR to the peers' 10k corpus in $TMPDIR (generated
# by bench/scale.sh or /work/shared/bench/peer-corpus.py), ARGS to `--quiet`.
set -eu
align=${1:-target/release/align}
dir=${2:-${TMPDIR:-/tmp}/align-peer-10000}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
if [ "${1:-}" = "--" ]; then shift; fi
if [ $# -eq 0 ]; then set -- --quiet; fi
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
[ -d "$dir" ] || { echo "no corpus at $dir" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$align" check "$dir" --today 2026-11-24 --fail-on never "$@" 2>&1 >/dev/null |
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' |
  awk -v a="$align" -v args="$*" '{ printf "%s check %s: %.1fM instructions\n", a, args, $1 / 1e6 }'
