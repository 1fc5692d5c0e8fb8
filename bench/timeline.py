#!/usr/bin/env python3
"""Where a run leaves cores idle: reads `perf script -F tid,time,ip,sym` output (samples of
cpu-clock with call graphs, as bench/timeline.sh records them) and prints, for each slice of
wall time, how many cores the samples say were busy, then the slices where fewer than all
were, with what each thread was doing (its innermost align function).

A stage that runs on one thread while the others wait shows as a run of slices at one core
with one thread's function named: the place to make parallel (or cheaper).

    perf script -i FILE -F tid,time,ip,sym | bench/timeline.py [--hz 2000] [--slice 20] [--cores N]
"""

import argparse
import collections
import os
import re
import sys


def samples(lines):
    """(thread, time in seconds, frames innermost first) of each sample."""
    current = None
    for line in lines:
        if not line.strip():
            if current:
                yield current
            current = None
            continue
        # A sample's header is `TID TIME:` (some perf versions indent it), its frames
        # `IP SYMBOL` below it.
        header = re.match(r"\s*(\d+)\s+(\d+\.\d+):\s*$", line)
        if header:
            if current:
                yield current
            current = (header.group(1), float(header.group(2)), [])
        elif current is not None:
            parts = line.split(None, 1)
            frame = parts[1].strip() if len(parts) > 1 else "?"
            frame = re.sub(r"\+0x[0-9a-f]+", "", frame)
            frame = re.sub(r" \(.*\)$", "", frame)
            current[2].append(frame)
    if current:
        yield current


def doing(frames):
    """The innermost align function of a stack (closures and timing wrappers skipped)."""
    for f in frames:
        if "align::" in f and "{{closure}}" not in f and "timing::" not in f:
            return f[:70]
    return frames[0][:70] if frames else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hz", type=float, default=2000, help="sampling frequency of the record")
    ap.add_argument("--slice", type=float, default=20, help="slice of wall time, in ms")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    rows = list(samples(sys.stdin))
    if not rows:
        sys.exit("no samples read (perf script -F tid,time,ip,sym)")
    start = min(t for _, t, _ in rows)
    end = max(t for _, t, _ in rows)
    per_core = args.hz * args.slice / 1000  # samples one busy core gives a slice
    slices = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    for tid, t, frames in rows:
        k = int((t - start) * 1000 // args.slice)
        slices[k][tid][doing(frames)] += 1
    total = int((end - start) * 1000 // args.slice) + 1
    print(f"{len(rows)} samples over {(end - start) * 1000:.0f} ms; "
          f"busy cores per {args.slice:g} ms slice:")
    line = []
    idle_core_ms = 0.0
    for k in range(total):
        n = sum(sum(c.values()) for c in slices[k].values())
        busy = n / per_core
        idle_core_ms += max(0.0, args.cores - busy) * args.slice
        line.append(f"{busy:.1f}")
    print(" ".join(line))
    wall = (end - start) * 1000
    print(f"core time idle: {idle_core_ms:.0f} of {wall * args.cores:.0f} core-ms "
          f"({100 * idle_core_ms / max(1.0, wall * args.cores):.0f}%)")
    print(f"\nslices with fewer than {args.cores} cores busy (thread: samples, what it did):")
    for k in range(total):
        n = sum(sum(c.values()) for c in slices[k].values())
        if n >= per_core * (args.cores - 0.25):
            continue
        what = "; ".join(
            f"{tid}: {sum(c.values())} {c.most_common(1)[0][0]}"
            for tid, c in sorted(slices[k].items())
        )
        print(f"{k * args.slice:6.0f} ms  {n / per_core:.1f} cores  {what}")


if __name__ == "__main__":
    main()
