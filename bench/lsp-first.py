#!/usr/bin/env python3
"""Wall time of the language server's first full check against `align check`, alternately.

    python3 bench/lsp-first.py [ALIGN] [DIR] [ROUNDS]

The server's time runs from starting `align lsp` to the last byte of the answer to its first
request (which waits until the diagnostics of every file are sent), read by a client that
reads every message but parses none (as `align check` writes to /dev/null): what is timed is
the server's work, not a client's JSON parser competing for the same cores. Each round times
the server, then `align check` with human and JSON output, on the same files. ALIGN defaults
to target/release/align, DIR to the peers' 10k corpus in $TMPDIR, ROUNDS to 10.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

align = sys.argv[1] if len(sys.argv) > 1 else "target/release/align"
root = os.path.abspath(
    sys.argv[2] if len(sys.argv) > 2 else os.path.join(tempfile.gettempdir(), "align-peer-10000")
)
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
today = ["--today", "2026-11-24"]


def server():
    start = time.perf_counter()
    p = subprocess.Popen(
        [align, "lsp", *today],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )

    def send(msg):
        body = json.dumps(msg).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        p.stdin.flush()

    def receive():
        length = 0
        while line := p.stdout.readline().strip():
            name, _, value = line.partition(b": ")
            if name.lower() == b"content-length":
                length = int(value)
        return p.stdout.read(length)

    folder = {"uri": "file://" + root, "name": "bench"}
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "capabilities": {}, "workspaceFolders": [folder]}})
    receive()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": "-"}})
    received = 0
    while True:
        msg = receive()
        received += len(msg)
        # Responses carry an `id` and no `method`; notifications a `method` first.
        if msg.startswith(b'{"jsonrpc":"2.0","id":2'):
            break
    elapsed = time.perf_counter() - start
    send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
    receive()
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait()
    return elapsed, received


def check(*args):
    start = time.perf_counter()
    subprocess.run([align, "check", root, *today, "--fail-on", "never", *args],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


times = {"align lsp, first check": [], "align check": [], "align check --format json": []}
received = 0
for _ in range(rounds):
    elapsed, received = server()
    times["align lsp, first check"].append(elapsed)
    times["align check"].append(check())
    times["align check --format json"].append(check("--format", "json"))
for name, values in times.items():
    ms = sorted(v * 1000 for v in values)
    print(f"{name:28} median {statistics.median(ms):6.1f} ms, {ms[0]:.1f}–{ms[-1]:.1f} ({rounds} rounds)")
print(f"the server sent {received / 1e6:.1f} MB; load average {os.getloadavg()[0]:.2f}")
