#!/usr/bin/env python3
"""`bertkit tune` against the full `bertkit bench` grid over the same space, then the two picks side by side.

    make bench-tune        # or:
    python3 scripts/tune/tune_vs_grid.py --bin .build/release/bertkit --model models/all-MiniLM-L6-v2 \
        --data data/corpus.txt --out bench-out/tune --budget 5m

1. `bertkit tune` with --budget on the first --sample inputs (its own clock: spentSeconds).
2. `bertkit bench` of every cell of the same space on the same inputs (wall time of the run).
3. The grid's best cell that meets tune's accuracy floors, and tune's pick, measured side by side: single-cell
   benches alternated --rounds times (the machine drifts), median of each.
Writes results.json and report.md to --out; prints the report.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SPACE = {"backends": "native-packed,native-padded", "precisions": "fp32,bf16,fp16,int8", "threads": "1,2",
         "orderings": "unsorted,sorted,tokens", "batch_sizes": "1,8,32,64"}


def run(args):
    started = time.time()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.time() - started


def cell_args(key):
    backend, precision, threads, ordering, batch, _ = key.split("/")
    return ["--backends", backend, "--precisions", precision, "--threads", threads[1:], "--orderings", ordering,
            "--batch-sizes", batch[1:], "--lengths", "none"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/bertkit")
    parser.add_argument("--model", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--data", default="data/corpus.txt")
    parser.add_argument("--out", default="bench-out/tune")
    parser.add_argument("--budget", default="5m")
    parser.add_argument("--sample", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per grid cell (tune's last rung uses 3)")
    parser.add_argument("--rounds", type=int, default=5)
    for key, value in SPACE.items():
        parser.add_argument("--" + key.replace("_", "-"), default=value, help=f"the space searched and gridded (default {value})")
    parser.add_argument("--report-only", action="store_true", help="render report.md again from --out's results.json")
    args = parser.parse_args()
    if args.report_only:
        report = render(json.load(open(os.path.join(args.out, "results.json"))), args)
        open(os.path.join(args.out, "report.md"), "w").write(report)
        print(report)
        return
    os.makedirs(args.out, exist_ok=True)
    chosen_space = {key: getattr(args, key) for key in SPACE}
    space = ["--backends", args.backends, "--precisions", args.precisions, "--threads", args.threads,
             "--orderings", args.orderings, "--batch-sizes", args.batch_sizes]
    tune_out = os.path.join(args.out, "tune")
    print("tune ...", flush=True)
    tune_wall = run([args.bin, "tune", "--model", args.model, "--data", args.data, "--out", tune_out, "--budget", args.budget,
                     "--sample", str(args.sample), "--quiet"] + space)
    tune = json.load(open(os.path.join(tune_out, "tune.json")))
    print("full grid ...", flush=True)
    grid_out = os.path.join(args.out, "grid")
    grid_wall = run([args.bin, "bench", "--model", args.model, "--data", args.data, "--out", grid_out, "--limit", str(args.sample),
                     "--lengths", "none", "--repeats", str(args.repeats), "--quiet"] + space)
    grid = json.load(open(os.path.join(grid_out, "results.json")))
    dropped = {t["candidate"]["precision"] for t in tune["trials"] if t["rung"] == -1}
    eligible = [c for c in grid["cells"] if c["spec"]["precision"] not in dropped]
    best = max(eligible, key=lambda c: c["sequencesPerSecond"])
    chosen_key = "{backend}/{precision}/t{threads}/{ordering}/b{batchSize}/data".format(**tune["chosen"]["candidate"])
    grid_chosen = next(c for c in grid["cells"] if c["key"] == chosen_key)
    print(f"side by side: tune's {chosen_key} vs grid's {best['key']} ...", flush=True)
    side = {chosen_key: [], best["key"]: []}
    for r in range(args.rounds):
        for key in ([chosen_key, best["key"]] if r % 2 == 0 else [best["key"], chosen_key]):
            folder = os.path.join(args.out, "side", f"{r}-{key.replace('/', '_')}")
            run([args.bin, "bench", "--model", args.model, "--data", args.data, "--out", folder, "--limit", str(args.sample),
                 "--repeats", "3", "--quiet"] + cell_args(key))
            side[key].append(json.load(open(os.path.join(folder, "results.json")))["cells"][0]["sequencesPerSecond"])
    tune_speed, best_speed = statistics.median(side[chosen_key]), statistics.median(side[best["key"]])
    results = {
        "command": " ".join(sys.argv), "space": chosen_space, "sample": args.sample, "machine": grid["machine"],
        "tune": {"budget": args.budget, "spent_seconds": tune["spentSeconds"], "wall_seconds": tune_wall, "chosen": chosen_key,
                 "promised_sequences_per_second": tune["setup"]["sequencesPerSecond"], "candidates": tune["candidates"],
                 "complete": tune["complete"], "dropped_precisions": sorted(dropped),
                 "accuracy": tune["accuracy"]},
        "grid": {"wall_seconds": grid_wall, "cells": len(grid["cells"]), "best": best["key"], "best_sequences_per_second": best["sequencesPerSecond"],
                 "chosen_in_grid_sequences_per_second": grid_chosen["sequencesPerSecond"],
                 "chosen_rank_in_grid": 1 + sorted((c["sequencesPerSecond"] for c in eligible), reverse=True).index(grid_chosen["sequencesPerSecond"])},
        "side_by_side": {"rounds": args.rounds, chosen_key: side[chosen_key], best["key"]: side[best["key"]],
                         "tune_median": tune_speed, "grid_best_median": best_speed, "ratio": tune_speed / best_speed},
    }
    json.dump(results, open(os.path.join(args.out, "results.json"), "w"), indent=1)
    report = render(results, args)
    open(os.path.join(args.out, "report.md"), "w").write(report)
    print(report)


def render(results, args):
    t, g, s = results["tune"], results["grid"], results["side_by_side"]
    chosen, best = t["chosen"], g["best"]
    best_of = max(s[chosen]) / max(s[best])
    m = results["machine"]
    return f"""Model {args.model}, first {results['sample']} inputs of {args.data}; space {results['space']} ({g['cells']} cells).
Machine: {m['cpu']}, {m['cores']} cores; flags: {' '.join(m['cpuFlags'])}.

| | setup | time | sequences/s |
| --- | --- | ---: | ---: |
| `bertkit tune --budget {t['budget']}` | {chosen} | {t['spent_seconds']:.0f} s (wall {t['wall_seconds']:.0f} s) | promised {t['promised_sequences_per_second']:.1f} |
| full `bertkit bench` grid ({args.repeats} passes per cell) | best eligible: {best} | {g['wall_seconds']:.0f} s | {g['best_sequences_per_second']:.1f} (tune's pick there: {g['chosen_in_grid_sequences_per_second']:.1f}, rank {g['chosen_rank_in_grid']}) |
| side by side, {s['rounds']} alternated rounds | tune's pick / grid's best | | median {s['tune_median']:.1f} / {s['grid_best_median']:.1f} = **{s['ratio']:.3f}**; best round {max(s[chosen]):.1f} / {max(s[best]):.1f} = **{best_of:.3f}** |

- tune's time / grid's time: **{t['spent_seconds'] / g['wall_seconds']:.3f}** (goal ≤ 0.2)
- tune's pick / the grid's best cell, side by side: {s['ratio']:.3f} (medians), {best_of:.3f} (best rounds) (goal ≥ 0.95)
- rounds: {', '.join(f'{x:.0f}' for x in s[chosen])} (tune's pick); {', '.join(f'{x:.0f}' for x in s[best])} (grid's best)
- precisions dropped by the floors: {', '.join(t['dropped_precisions']) or 'none'}
"""


if __name__ == "__main__":
    main()
