#!/usr/bin/env python3
"""Writes one adversarial shape of plan at size N, for bench/scale.sh.

    shapes.py SHAPE N DIR

Shapes (each is linear in align; each was quadratic in some stage before issue 12):
  goal-items       one goal with N items (a few programs, one KPI measuring the goal)
  parent-children  one parent item with N sub-items
  kpis-goal        N/10 KPIs measuring one goal with N items under it
  deep-chain       an N-deep `parent` chain
  program-covers   one program covering N items
  topics           one item with N topics, N programs linked to it with other scopes
  scopes           one program with N/2 scopes covering N items with a topic each (the
                   first item has every topic, so the topics' numbers lie among the scopes')
  unlinked         one item with N topics, a program with the same N topics in its scope
                   linked to another item (the finding names the tags they share)
  deep-periods     an N-deep `parent` chain with a program outside the plan's period
                   covering each item
  kpi-chain        an N-deep `parent` chain with a KPI measuring each item and one
                   program at the bottom outside every KPI's `measured-in`
  one-line         N declarations on one line (every one a finding: no program covers it)
  files            N files of one declaration each
  brackets         one file of N KiB of `[` (a syntax error that nests without end)
"""
import os
import sys

TOP = ('plan PL "plan" { period FY2022..FY2026 }\n'
       'policy V "policy" { plan PL }\n'
       'goal G "goal" { policy V }\n')


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def shape(name, n, out):
    main = os.path.join(out, "main.align")
    if name == "goal-items":
        s = [TOP, 'kpi K "kpi" { measures [G]; method direct }\n']
        s += [f'item I{i} "事項 {i}" {{ goal G; topics [t{i % 7}] }}\n' for i in range(n)]
        for p in range(4):
            covers = ", ".join(f"I{i}" for i in range(p * 10, p * 10 + 10))
            s.append(f'program P{p} "p" {{ covers [{covers}]; scope [t{p}] }}\n')
        write(main, "".join(s))
    elif name == "parent-children":
        s = [TOP, 'item I "parent" { goal G }\nprogram P "p" { covers [I] }\n']
        s += [f'item I.{i} "子 {i}" {{ parent I; topics [t{i % 5}] }}\n' for i in range(n)]
        write(main, "".join(s))
    elif name == "kpis-goal":
        s = [TOP]
        s += [f'item I{i} "事項 {i}" {{ goal G }}\n' for i in range(n)]
        for p in range(3):
            covers = ", ".join(f"I{i}" for i in range(p * 10, p * 10 + 10))
            s.append(f'program P{p} "p" {{ covers [{covers}] }}\n')
        s += [f'kpi K{k} "kpi" {{ measures [G]; method direct; measured-in [P1, P2] }}\n'
              for k in range(n // 10)]
        write(main, "".join(s))
    elif name == "deep-chain":
        s = [TOP, 'item I0 "item" { goal G }\n']
        s += [f'item I{i} "事項 {i}" {{ parent I{i - 1} }}\n' for i in range(1, n)]
        s.append('program P "p" { covers [I3] }\n')
        write(main, "".join(s))
    elif name == "program-covers":
        covers = ", ".join(f"I{i}" for i in range(n))
        s = [TOP, f'program P "p" {{ covers [{covers}]; scope [a] }}\n']
        s += [f'item I{i} "事項 {i}" {{ goal G; topics [b] }}\n' for i in range(n)]
        write(main, "".join(s))
    elif name == "topics":
        topics = ", ".join(f"t{i}" for i in range(n))
        s = [TOP, f'item I "item" {{ goal G; topics [{topics}] }}\n']
        s += [f'program P{i} "p" {{ covers [I]; scope [s{i}] }}\n' for i in range(n)]
        write(main, "".join(s))
    elif name == "scopes":
        every = ", ".join(f"t{i}" for i in range(n))
        s = [TOP, f'item I0 "item" {{ goal G; topics [{every}] }}\n']
        s += [f'item I{i} "事項 {i}" {{ goal G; topics [t{i}] }}\n' for i in range(1, n)]
        covers = ", ".join(f"I{i}" for i in range(n))
        scopes = ", ".join(f"t{i}" for i in range(0, n, 2))
        s.append(f'program P "p" {{ covers [{covers}]; scope [{scopes}] }}\n')
        write(main, "".join(s))
    elif name == "unlinked":
        topics = ", ".join(f"t{i}" for i in range(n))
        s = [TOP, f'item I "item" {{ goal G; topics [{topics}] }}\n',
             'item J "other" { goal G }\n',
             f'program P "p" {{ covers [J]; scope [{topics}] }}\n']
        write(main, "".join(s))
    elif name == "deep-periods":
        s = [TOP, 'item I0 "item" { goal G }\n']
        s += [f'item I{i} "事項 {i}" {{ parent I{i - 1} }}\n' for i in range(1, n)]
        s += [f'program Q{i} "q" {{ covers [I{i}]; period FY2010..FY2012 }}\n' for i in range(n)]
        write(main, "".join(s))
    elif name == "kpi-chain":
        s = [TOP, 'item I0 "item" { goal G }\n']
        s += [f'item I{i} "事項 {i}" {{ parent I{i - 1} }}\n' for i in range(1, n)]
        s += ['program P "p" { covers [I0] }\n', f'program Q "q" {{ covers [I{n - 1}] }}\n']
        s += [f'kpi K{i} "kpi" {{ measures [I{i}]; method direct; measured-in [P] }}\n'
              for i in range(n)]
        write(main, "".join(s))
    elif name == "one-line":
        s = [TOP, " ".join(f'item I{i} "事項 {i}" {{ goal G }}' for i in range(n)), "\n"]
        write(main, "".join(s))
    elif name == "files":
        write(main, TOP)
        for i in range(n):
            write(os.path.join(out, f"f{i // 1000}", f"i{i}.align"),
                  f'item I{i} "事項 {i}" {{ goal G }}\n')
    elif name == "brackets":
        write(main, 'goal G "g" { policy ' + "[" * (n * 1024) + "\n")
    else:
        sys.exit(f"unknown shape {name}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    shape(sys.argv[1], int(sys.argv[2]), sys.argv[3])
