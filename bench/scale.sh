#!/usr/bin/env bash
# Scale benchmark (issue 12): the peers' corpus and the adversarial shapes, in one run.
#
#   bench/scale.sh            peer corpus at 10k and 100k items, shapes at 10k/20k/40k
#   bench/scale.sh --large    adds the peer corpus at 1M items (about 260 MB, 3–5 minutes)
#
# Environment: ALIGN=path/to/align (default: the release build, built first), RUNS (default 3:
# the median is printed), PEER_SIZES (default "10000 100000"), SHAPE_SIZES (default "10000 20000 40000"), SHAPES (default all),
# TMPDIR (corpora are generated there once and reused; never inside the repository),
# PEER_CORPUS (default /work/shared/bench/peer-corpus.py).
#
# For each peer corpus it prints the median wall time of `cat` reading the files and of
# `align check` with `--quiet`, human, JSON and SARIF output (sent to /dev/null), the largest
# max RSS of those runs, and each time as a multiple of `cat`. For each shape it prints the
# time of `align check --format json` (the format that asks for a line and column per span)
# at each size, the max RSS, and the growth from one size to the next (2.0 = linear for a
# doubling).
set -euo pipefail
cd "$(dirname "$0")/.."
large=0
[ "${1:-}" = "--large" ] && large=1
runs="${RUNS:-3}"
tmp="${TMPDIR:-/tmp}"
if [ -z "${ALIGN:-}" ]; then
  cargo build --release --quiet
  ALIGN=target/release/align
fi
flags=(--today 2026-11-24 --fail-on never)
peer_corpus="${PEER_CORPUS:-/work/shared/bench/peer-corpus.py}"

# median_run OUT CMD...: runs CMD $runs times; prints "median-wall max-rss-MB". The wall time
# is read from bash's microsecond clock around the run (`time`'s own is in hundredths, which
# rounds `cat` of the 10k corpus to 0.00 s and leaves its ratio undefined); the max RSS from
# /usr/bin/time.
median_run() {
  local out="$1"; shift
  local walls=() rss=0 t start end
  t="$(mktemp)"
  for _ in $(seq "$runs"); do
    start=$EPOCHREALTIME
    LC_ALL=C /usr/bin/time -f "%M" -o "$t" "$@" > "$out" 2> /dev/null || true
    end=$EPOCHREALTIME
    read -r m < <(tail -1 "$t")
    w=$(LC_ALL=C awk -v a="${start/,/.}" -v b="${end/,/.}" 'BEGIN { printf "%.3f", b - a }')
    walls+=("$w")
    (( m > rss )) && rss=$m
  done
  rm -f "$t"
  printf '%s %d\n' "$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")" $(( rss / 1024 ))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f×", a / b; else printf "-" }'; }

echo "## Peer corpus ($ALIGN, median of $runs)"
echo
echo "| items | declarations | input | cat | --quiet | human | json | sarif | max RSS | quiet/cat | json/cat |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
read -r -a sizes <<< "${PEER_SIZES:-10000 100000}"
[ "$large" = 1 ] && sizes+=(1000000)
for n in "${sizes[@]}"; do
  dir="$tmp/align-peer-$n"
  [ -f "$dir/EXPECTED.json" ] || python3 "$peer_corpus" --items "$n" \
    --format align --out "$dir" > /dev/null
  decls="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['declarations'])" "$dir/EXPECTED.json")"
  bytes="$(find "$dir" -name '*.align' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f MB", s / 1e6 }')"
  mapfile -t files < <(find "$dir" -name '*.align' | sort)
  read -r cat_t _ < <(median_run /dev/null cat "${files[@]}")
  read -r q_t q_m < <(median_run /dev/null "$ALIGN" check "$dir" "${flags[@]}" --quiet)
  read -r h_t h_m < <(median_run /dev/null "$ALIGN" check "$dir" "${flags[@]}" --color never)
  read -r j_t j_m < <(median_run /dev/null "$ALIGN" check "$dir" "${flags[@]}" --format json)
  read -r s_t s_m < <(median_run /dev/null "$ALIGN" check "$dir" "${flags[@]}" --format sarif)
  m=$(printf '%s\n' "$q_m" "$h_m" "$j_m" "$s_m" | sort -n | tail -1)
  echo "| $n | $decls | $bytes | ${cat_t} s | ${q_t} s | ${h_t} s | ${j_t} s | ${s_t} s | ${m} MiB | $(ratio "$q_t" "$cat_t") | $(ratio "$j_t" "$cat_t") |"
done

echo
echo "## Shapes (\`check --format json\`, median of $runs; growth = time at N / time at the size before)"
echo
read -r -a shape_sizes <<< "${SHAPE_SIZES:-10000 20000 40000}"
read -r -a shapes <<< "${SHAPES:-goal-items parent-children kpis-goal deep-chain program-covers topics scopes unlinked deep-periods kpi-chain one-line files brackets}"
for shape in "${shapes[@]}"; do
  line="| $shape |"
  prev=""
  for n in "${shape_sizes[@]}"; do
    # `brackets` is measured in KiB: 10000 → a 10 MB file of `[`.
    dir="$tmp/align-shape-$shape-$n"
    [ -d "$dir" ] || python3 bench/shapes.py "$shape" "$n" "$dir"
    read -r t m < <(median_run /dev/null "$ALIGN" check "$dir" "${flags[@]}" --format json \
      --max-file-size 1000000000)
    growth=""
    [ -n "$prev" ] && growth=" (×$(awk -v a="$t" -v b="$prev" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'))"
    line="$line N=$n: ${t} s, ${m} MiB$growth |"
    prev="$t"
  done
  echo "$line"
done
