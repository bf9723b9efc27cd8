#!/usr/bin/env python3
"""Markdown tables from bench_engines.py's results.json: ms per sequence by engine x batch size, per ordering,
the speed-up of BertKit packed over the best peer of each cell, and achieved GFLOP/s against the GEMM ceiling.
Usage: python3 scripts/bench_engines_report.py bench-out/engines/results.json"""
import json
import sys

PEERS = ["onnxruntime", "onnxruntime-optimized", "pytorch-eager", "torchscript"]


def main():
    report = json.load(open(sys.argv[1]))
    ceiling = report["machine"]["ceiling_gflops"]
    print(f"GEMM ceiling (OpenBLAS sgemm, {report['machine']['threads']} threads, best of large shapes): {ceiling:.1f} GFLOP/s\n")
    for name, model in report["models"].items():
        cells = model["cells"]
        sizes = sorted({c["batch_size"] for c in cells})
        engines = list(dict.fromkeys(c["engine"] for c in cells))
        ms = {(c["engine"], c["ordering"], c["batch_size"]): c["ms_per_sequence"] for c in cells}
        print(f"### {name}: {model['sentences']} sentences, {model['tokens']} tokens (longest {model['max_tokens']}), "
              f"{model['gflop_per_pass']:.1f} GFLOP per pass\n")
        for ordering in ["unsorted", "sorted"]:
            print(f"{ordering}, ms per sequence:\n")
            print("| engine | " + " | ".join(f"b={s}" for s in sizes) + " |")
            print("| --- |" + " ---: |" * len(sizes))
            for engine in engines:
                print(f"| {engine} | " + " | ".join(f"{ms[(engine, ordering, s)]:.2f}" for s in sizes) + " |")
            best = [min(ms[(p, ordering, s)] for p in PEERS if (p, ordering, s) in ms) for s in sizes]
            print("| best peer | " + " | ".join(f"{b:.2f}" for b in best) + " |")
            print("| packed speed-up over best peer | " + " | ".join(
                f"{b / ms[('bertkit-packed', ordering, s)]:.2f}x" for b, s in zip(best, sizes)) + " |")
            gflops = [model["gflop_per_pass"] / (ms[("bertkit-packed", ordering, s)] * model["sentences"] / 1e3) for s in sizes]
            print("| packed GFLOP/s (% of ceiling) | " + " | ".join(f"{g:.0f} ({100 * g / ceiling:.0f}%)" for g in gflops) + " |\n")
        gap = [abs(ms[("bertkit-packed", "unsorted", s)] / ms[("bertkit-packed", "sorted", s)] - 1) * 100 for s in sizes]
        print("packed, unsorted vs sorted difference: " + ", ".join(f"b={s}: {g:.1f}%" for s, g in zip(sizes, gap)) + "\n")


if __name__ == "__main__":
    main()
