#!/usr/bin/env python3
"""Swift ONNX Runtime vs Python ONNX Runtime, cell by cell, over every timed pass of every round: the median ms per
sequence and the best pass (the least disturbed by the rest of a noisy machine), and their ratios Swift / Python
(1.00 = same speed; above 1 = Swift slower).

    ratio.py [--engine onnxruntime|torchscript] PYTHON_RESULTS... -- SWIFT_RESULTS...
"""
import json
import os
import statistics
import sys


def passes(folders):
    """cell (ordering, batch, length) -> ms per sequence of every timed pass."""
    cells = {}
    for folder in folders:
        with open(os.path.join(folder, "results.json")) as f:
            results = json.load(f)
        for cell in results["cells"]:
            s = cell["spec"]
            key = (s["ordering"], s["batchSize"], s.get("length"))
            cells.setdefault(key, []).extend(ms / cell["sequences"] for ms in cell["repeatsMs"])
    return cells, results


def main():
    args = sys.argv[1:]
    engine = "onnxruntime"
    if args[:1] == ["--engine"]:
        engine, args = args[1], args[2:]
    split = args.index("--")
    python, py_results = passes(args[:split])
    swift, sw_results = passes(args[split + 1:])
    name, py_key, sw_key = {"onnxruntime": ("ONNX Runtime", "onnxruntime", "onnxruntime"),
                            "torchscript": ("TorchScript on libtorch", "torch", "libtorch")}[engine]
    print(f"{name} {py_results['versions'].get(py_key)} (Python) vs {sw_results['versions'].get(sw_key)} (Swift), "
          f"{py_results['machine'].get('cpu', '')}\n")
    print("| cell | Python median ms/seq | Swift median ms/seq | ratio | Python best | Swift best | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ratios, best_ratios = [], []
    for key in sorted(python, key=lambda k: (k[2] is not None, k[2] or 0, k[0], k[1])):
        if key not in swift:
            continue
        p, s = statistics.median(python[key]), statistics.median(swift[key])
        pb, sb = min(python[key]), min(swift[key])
        ratios.append(s / p)
        best_ratios.append(sb / pb)
        ordering, batch, length = key
        name = f"length {length}, batch {batch}" if length else f"{ordering}, batch {batch}"
        print(f"| {name} | {p:.3f} | {s:.3f} | {s / p:.3f} | {pb:.3f} | {sb:.3f} | {sb / pb:.3f} |")
    for label, r in [("median", ratios), ("best pass", best_ratios)]:
        print(f"\n{label}: {len(r)} cells, geometric mean Swift / Python = {statistics.geometric_mean(r):.3f}, "
              f"range {min(r):.3f} to {max(r):.3f}")


if __name__ == "__main__":
    main()
