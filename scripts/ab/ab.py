#!/usr/bin/env python3
"""Before/after A/B of two bertkit binaries on this machine, alternated round by round (A B, then B A, ...), so a
drift of the machine's speed lands on both: the engine (`bertkit bench`, one run of single cells per round) and the
server (`bertkit serve` under wrk's closed-loop load with scripts/serve/load.lua).

    python3 scripts/ab/ab.py --a /tmp/base/bertkit --b .build/release/bertkit --model models/all-MiniLM-L6-v2 \
        --data data/corpus.txt --rounds 3 --out bench-out/ab

Writes OUT/ab.json (every figure) and prints a Markdown table: per cell, A's and B's figures per round and the
per-round ratio B / A.
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "..", "serve", "load.lua")


def engine(binary, args, out):
    """Sequences per second of each cell of one `bertkit bench` run: {"fp32 batch 1": x, ...}."""
    folder = tempfile.mkdtemp(dir=out)
    subprocess.run([binary, "bench", "--model", args.model, "--data", args.data, "--out", folder, "--quiet",
                    "--backends", "native-packed", "--precisions", args.precisions, "--threads", str(args.threads),
                    "--batch-sizes", args.batch_sizes, "--orderings", "sorted", "--lengths", "none",
                    "--limit", str(args.limit), "--repeats", "3"], check=True, capture_output=True)
    with open(os.path.join(folder, "results.json")) as f:
        results = json.load(f)
    return {f"engine {c['spec']['precision']} batch {c['spec']['batchSize']}": c["sequencesPerSecond"]
            for c in results["cells"]}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(binary, args):
    """Requests per second and p99 (ms) of `bertkit serve` under wrk -t1 -c64 for args.seconds."""
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--model", args.model, "--port", str(port), "--threads", str(args.threads)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"{binary} serve did not become healthy")
            time.sleep(0.1)

        def wrk(seconds):
            out = subprocess.run(["wrk", "-t1", "-c64", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", LUA, url,
                                  "--", "tei", "/embed", args.data], capture_output=True, text=True)
            match = re.search(r"^RESULT (\{.*\})$", out.stdout, re.M)
            if not match:
                raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
            return json.loads(match.group(1))

        wrk(2)  # warm-up
        result = wrk(args.seconds)
        return {"serve requests/s": result["rps"], "serve p99 ms": result["p99_ms"]}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", required=True, help="the 'before' binary")
    p.add_argument("--b", required=True, help="the 'after' binary")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--precisions", default="fp32,int8")
    p.add_argument("--batch-sizes", default="1,32")
    p.add_argument("--limit", type=int, default=256)
    p.add_argument("--seconds", type=int, default=10, help="wrk's measured window per round")
    p.add_argument("--out", default="bench-out/ab")
    p.add_argument("--engine-only", action="store_true", help="skip the server rounds (no wrk needed)")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rounds = []
    for r in range(args.rounds):
        order = ["a", "b"] if r % 2 == 0 else ["b", "a"]
        figures = {}
        for side in order:
            binary = getattr(args, side)
            figures[side] = engine(binary, args, args.out)
            print(f"round {r + 1} {side} engine: {figures[side]}", file=sys.stderr)
        for side in order if not args.engine_only else []:
            figures[side].update(serve(getattr(args, side), args))
            print(f"round {r + 1} {side} serve: {figures[side]}", file=sys.stderr)
        rounds.append({"order": order, **figures})
    with open(os.path.join(args.out, "ab.json"), "w") as f:
        json.dump({"a": args.a, "b": args.b, "args": vars(args), "rounds": rounds}, f, indent=2)
    keys = list(rounds[0]["a"].keys())
    print("| cell | A (before), per round | B (after), per round | B / A, per round |")
    print("| --- | --- | --- | --- |")
    for key in keys:
        a = [x["a"][key] for x in rounds]
        b = [x["b"][key] for x in rounds]
        fmt = lambda v: ", ".join(f"{x:.1f}" for x in v)
        ratios = ", ".join(f"{y / x:.3f}" if x else "–" for x, y in zip(a, b))
        print(f"| {key} | {fmt(a)} | {fmt(b)} | {ratios} |")


if __name__ == "__main__":
    main()
