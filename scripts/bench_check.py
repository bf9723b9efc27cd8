#!/usr/bin/env python3
"""Checks `bertkit bench` against timing the same cells by hand: `bertkit embed --timing` (its own process, its own
clock around the model calls) on the same data, batch size, ordering and engine, `repeats` times, next to the bench's
cell from results.json. Agreement means the by-hand median falls within the bench cell's [min, max] range widened
by its spread; the script prints both and the ratio.

Usage: scripts/bench_check.py BERTKIT RESULTS_DIR [repeats]
"""
import json
import statistics
import subprocess
import sys
import tempfile

binary, folder = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
results = json.load(open(f"{folder}/results.json"))
model, data, limit = results["model"]["path"], results["data"]["path"], results["settings"]["limit"]
lines = open(data, encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
if limit:
    lines = lines[:limit]
subset = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
subset.write("\n".join(lines) + "\n")
subset.close()

CELLS = [("native-packed", "unsorted", 1), ("native-packed", "sorted", 32), ("native-padded", "unsorted", 8),
         ("native-padded", "sorted", 64), ("native-packed", "tokens", 16)]
BATCHING = {"unsorted": "fixed", "sorted": "sorted", "tokens": "tokens"}
print("| cell | bench median ms/seq [min, max] | by hand median ms/seq | by hand / bench | agrees |")
print("|---|---:|---:|---:|---|")
for backend, ordering, size in CELLS:
    cell = next((c for c in results["cells"] if c["spec"]["backend"] == backend and c["spec"]["ordering"] == ordering
                 and c["spec"]["batchSize"] == size and c["spec"].get("length") is None), None)
    if cell is None:
        continue
    args = [binary, "embed", "--model", model, "--input", subset.name, "--truncate", "--timing",
            "--execution", backend.split("-")[1], "--threads", str(cell["spec"]["threads"]),
            "--batching", BATCHING[ordering], "--batch-size", str(size)]
    if ordering == "tokens":
        mean = results["data"]["length"]["mean"]
        args[-1] = str(4 * size)
        args += ["--max-batch-tokens", str(max(1, round(size * mean)))]
    hand = []
    for _ in range(repeats):
        run = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
        timing = json.loads(run.stderr.strip().splitlines()[-1])
        hand.append(timing["model_ms"] / timing["sequences"])
    m = cell["msPerSequence"]
    by_hand = statistics.median(hand)
    slack = (m["max"] - m["min"])
    agrees = m["min"] - slack <= by_hand <= m["max"] + slack
    print(f"| {backend} {ordering} batch {size} | {m['median']:.3f} [{m['min']:.3f}, {m['max']:.3f}] | {by_hand:.3f} "
          f"| {by_hand / m['median']:.3f} | {'yes' if agrees else 'no'} |")
