#!/usr/bin/env python3
"""Generates a plan tree of N declarations for benchmarking `align check`.

Usage: bench/gen.py N OUT_DIR [--files F]

The shape follows the bundled specs: per policy 10 goals, per goal 8 items (a quarter with a
sub-item), one program per 5 items, one KPI per goal and one KGI for the plan. About 1 goal in
50 has an uncovered item, a sub-item whose topics no program's scope has, and a KPI that leaves
a program out of its measurement scope; 1 program in 200 has a misspelt reference. So the rules
and did-you-mean do real work and the findings stay at about 1% of the declarations, as in a
real draft.
Declarations are spread over F files (default: one file per 1,000 declarations).
"""
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    out = sys.argv[2]
    files = max(1, n // 1000)
    if "--files" in sys.argv:
        files = int(sys.argv[sys.argv.index("--files") + 1])
    os.makedirs(out, exist_ok=True)
    decls = []
    decls.append('plan P "generated plan" { period FY2022..FY2026 }')
    decls.append('kgi KGI1 "sales of domestic companies" { measures [P] }')
    p = 0
    count = 1
    while count < n:
        p += 1
        decls.append(f'policy V{p} "policy {p}" {{ plan P }}')
        count += 1
        for g in range(1, 11):
            gid = f"G{p}.{g}"
            decls.append(f'goal {gid} "goal {gid}" {{ policy V{p} }}')
            gap = (p * 10 + g) % 50 == 0
            scope = f"prog{p}.{g}.0" if gap else f"prog{p}.{g}.0, prog{p}.{g}.1"
            decls.append(
                f'kpi K{p}.{g} "kpi for {gid}" {{ measures [{gid}]; method direct; '
                f'measured-in [{scope}]; unit "件"; target increase; series {{ FY2022 10; FY2023 12 }} }}'
            )
            count += 2
            items = []
            for i in range(1, 9):
                iid = f"I{p}.{g}.{i}"
                topics = "[hub, joint-research]" if i % 2 else "[data, ai]"
                decls.append(f'item {iid} "item {iid} 医療機器の開発拠点の整備" {{ goal {gid}; topics {topics} }}')
                items.append(iid)
                count += 1
                if i % 4 == 0:
                    sub = f"{iid}.a"
                    sub_topics = "[international-joint-trial]" if gap and i == 4 else "[hub]"
                    decls.append(f'item {sub} "sub-item {sub}" {{ parent {iid}; topics {sub_topics} }}')
                    count += 1
            for k in range(0, len(items), 5):
                chunk = items[k:k + 5]
                if gap and k == 0:
                    chunk = chunk[1:]  # leave one item uncovered
                refs = ", ".join(chunk)
                if (p * 10 + g + k) % 200 == 0:
                    refs = refs.replace("I", "l", 1)  # a misspelt reference
                decls.append(
                    f'program prog{p}.{g}.{k // 5} "program {p}.{g}.{k // 5}" {{ agency "AMED"; ministry MHLW; '
                    f'period FY2019..FY2024; covers [{refs}]; scope [hub, joint-research, data, ai] }}'
                )
                count += 1
            if count >= n:
                break
    per_file = (len(decls) + files - 1) // files
    for f in range(files):
        chunk = decls[f * per_file:(f + 1) * per_file]
        if not chunk:
            break
        sub = os.path.join(out, f"d{f // 100:03}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"f{f:05}.align"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(chunk) + "\n")
    print(f"{len(decls)} declarations in {min(files, (len(decls) + per_file - 1) // per_file)} files under {out}")


if __name__ == "__main__":
    main()
