#!/usr/bin/env python3
"""What a user gets from `bertkit tune` then `bertkit serve --config tune.json`, against what tune.json promised.

    make bench-tune-serve     # or:
    python3 scripts/tune/tune_then_serve.py --bin .build/release/bertkit --model models/all-MiniLM-L6-v2 \
        --data data/corpus.txt --out bench-out/tune-serve --rounds 3

Each round is the user's flow, nothing else running: `bertkit tune --budget 5m` (its serve check included), then
`bertkit serve --config` under the serve benchmark's load (wrk with scripts/serve/load.lua, one corpus sentence per
request, --connections connections, --duration seconds after a 3-second warm-up). The served figure is set beside
tune.json's promise (`setup.served.requestsPerSecond`) and its engine-only figure (`setup.sequencesPerSecond`). Right
after the load, tune's serve check runs again on the pick alone (`bertkit tune` pinned to it): when that agrees with
wrk but not with the promise, the machine changed speed between tune and serve (this one swings by up to 1.6x).
Writes results.json and report.md to --out; prints the report.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from load_test import Peer, cpu_flags, wait_idle, wrk  # noqa: E402


def tune(binary, model, data, out, budget):
    started = time.time()
    subprocess.run([binary, "tune", "--model", model, "--data", data, "--out", out, "--budget", budget, "--quiet"],
                   check=True, capture_output=True, text=True)
    with open(os.path.join(out, "tune.json")) as f:
        results = json.load(f)
    return results, time.time() - started


def check_again(binary, model, data, out, candidate):
    """tune's serve check now: `bertkit tune` on the pick alone (one candidate, then its serve check)."""
    pinned = ["--backends", candidate["backend"], "--precisions", candidate["precision"], "--threads", str(candidate["threads"]),
              "--orderings", candidate["ordering"], "--batch-sizes", str(candidate["batchSize"])]
    subprocess.run([binary, "tune", "--model", model, "--data", data, "--out", out, "--budget", "2m", "--quiet"] + pinned,
                   check=True, capture_output=True, text=True)
    with open(os.path.join(out, "tune.json")) as f:
        return json.load(f)["setup"]["served"]["requestsPerSecond"]


def serve(binary, model, config, corpus, connections, duration, out):
    peer = Peer("bertkit", [binary, "serve", "--model", model, "--hostname", "127.0.0.1", "--port", "{port}", "--config", config],
                "/health", "/embed", "tei", env={"LOG_LEVEL": "notice"})
    peer.start(out)
    try:
        wrk(peer, 4, 3, corpus)
        wait_idle([peer])
        return wrk(peer, connections, duration, corpus)
    finally:
        peer.stop()


def render(r):
    lines = ["# `bertkit tune`, then `bertkit serve --config tune.json`", "",
             f"Command: `{r['command']}`", "",
             f"CPU: {r['machine']['cpu']}; flags: {' '.join(r['machine']['flags'])}; {r['connections']} connections, "
             f"{r['duration_s']} s per load (wrk, scripts/serve/load.lua).", "",
             "| round | tune's pick | tune wall s | engine promise seq/s | served promise req/s (tune's check) | served now req/s (wrk) | p99 ms | of the served promise | of the engine figure | tune's check again, after the load | wrk / check again |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for i, x in enumerate(r["rounds"], 1):
        promise = x["served_promise"]
        lines.append(f"| {i} | {x['pick']} | {x['tune_seconds']:.0f} | {x['engine_promise']:.1f} | "
                     f"{promise:.1f} | {x['served']['rps']:.1f} | {x['served']['p99_ms']:.1f} | "
                     f"**{x['served']['rps'] / promise * 100:.0f}%** | {x['served']['rps'] / x['engine_promise'] * 100:.0f}% | "
                     f"{x['check_again']:.1f} | {x['served']['rps'] / x['check_again'] * 100:.0f}% |")
    ratios = sorted(x["served"]["rps"] / x["served_promise"] for x in r["rounds"])
    again = sorted(x["served"]["rps"] / x["check_again"] for x in r["rounds"])
    lines += ["", f"wrk over tune's check measured right after it: median {again[len(again) // 2] * 100:.0f}%, range {again[0] * 100:.0f}%..{again[-1] * 100:.0f}%."]
    lines += ["", f"Served over promised: median {ratios[len(ratios) // 2] * 100:.0f}%, range {ratios[0] * 100:.0f}%..{ratios[-1] * 100:.0f}% "
              f"(goal: within 10%, 90%..110%)."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/bertkit")
    parser.add_argument("--model", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--data", default="data/corpus.txt")
    parser.add_argument("--out", default="bench-out/tune-serve")
    parser.add_argument("--budget", default="5m")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    binary, model, data = (os.path.abspath(p) for p in (args.bin, args.model, args.data))
    results = {"command": " ".join(sys.argv), "machine": cpu_flags(), "connections": args.connections, "duration_s": args.duration, "rounds": []}
    for i in range(args.rounds):
        folder = os.path.join(os.path.abspath(args.out), f"round-{i + 1}")
        print(f"round {i + 1}: tune ...", flush=True)
        tuned, seconds = tune(binary, model, data, folder, args.budget)
        setup = tuned["setup"]
        if not setup.get("served"):
            raise SystemExit(f"tune.json has no served figure: {tuned.get('servedNote')}")
        print(f"round {i + 1}: serve --config under load ...", flush=True)
        served = serve(binary, model, os.path.join(folder, "tune.json"), data, args.connections, args.duration, folder)
        chosen = tuned["chosen"]["candidate"]
        again = check_again(binary, model, data, folder + "-again", chosen)
        results["rounds"].append({
            "pick": f"{chosen['backend']}/{chosen['precision']}/t{chosen['threads']}/{chosen['ordering']}/b{chosen['batchSize']}",
            "tune_seconds": seconds, "engine_promise": setup["sequencesPerSecond"],
            "served_promise": setup["served"]["requestsPerSecond"], "served_promise_p99_ms": setup["served"]["p99Ms"], "served": served, "check_again": again})
        print(f"  promised {setup['served']['requestsPerSecond']:.1f} req/s, served {served['rps']:.1f}, check again {again:.1f}", flush=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    report = render(results)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
