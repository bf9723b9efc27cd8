#!/usr/bin/env python3
"""Markdown tables from bench_engines.py's results.json: ms per sequence by engine x batch size, per thread count and
ordering; BertKit's speed-up over the best fp32 peer of each cell (OpenVINO and CTranslate2 among them where the
run has them; the int8 peers are rows of the tables, not "best peer"); its achieved GFLOP/s against the best GEMM
measured on the machine at that thread count; two threads against one; and the goals of the issue, met or not.
Usage: python3 scripts/bench_engines_report.py bench-out/engines/results.json"""
import json
import sys

# The fp32 peers a cell's "best peer" is the fastest of (openvino and ctranslate2 where the run has them).
PEERS = ["onnxruntime", "onnxruntime-optimized", "pytorch-eager", "torchscript", "openvino", "ctranslate2"]


def main():
    report = json.load(open(sys.argv[1]))
    machine = report["machine"]
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores; flags: {' '.join(machine['flags'])}. "
          f"BertKit kernels: **{machine['kernels']}** (supported: {', '.join(machine['kernels_supported'])}). "
          f"ONNX Runtime {report['onnxruntime']}, torch {report['torch']}"
          + "".join(f", {label} {report[key]}" for key, label in
                    (("openvino", "OpenVINO"), ("nncf", "NNCF"), ("ctranslate2", "CTranslate2")) if key in report)
          + f"; {report['repeats']} passes per cell, median.\n")
    for note in report.get("notes", []):
        print(f"- {note}")
    for name, model in report["models"].items():
        if "calibration" in model:
            c = model["calibration"]
            print(f"- {name}: openvino:int8 calibrated on {c['source']} (fingerprint {c['fingerprint']}), none of them "
                  "measured")
        for check in model.get("checks", []):
            print(f"- {name}: {check['engine']} (t={check['threads']}) against {check['reference']}: max abs diff "
                  f"{check['max_abs_diff']:.3g}, lowest cosine {check['cosine_min']:.6f} ({check['compared']}, "
                  f"{check['sequences']} sentences)")
    if report.get("notes") or any("checks" in m or "calibration" in m for m in report["models"].values()):
        print()
    if machine["gemm"]:
        print("GEMM GFLOP/s on BERT's product shapes (best shape), measured in the same run:\n")
        threads = sorted(machine["gemm"], key=int)
        names = list(machine["gemm"][threads[0]])
        print("| threads | " + " | ".join(names) + " |")
        print("| --- |" + " ---: |" * len(names))
        for t in threads:
            print(f"| {t} | " + " | ".join(f"{machine['gemm'][t][n]:.0f}" for n in names) + " |")
        print()
    goals = []
    for name, model in report["models"].items():
        cells = model["cells"]
        sizes = sorted({c["batch_size"] for c in cells})
        engines = list(dict.fromkeys(c["engine"] for c in cells))
        ours = [e for e in engines if e.startswith("bertkit")]
        ms = {(c["engine"], c["threads"], c["ordering"], c["batch_size"]): c["ms_per_sequence"] for c in cells}
        orderings = list(dict.fromkeys(c["ordering"] for c in cells))
        thread_counts = sorted({c["threads"] for c in cells})
        print(f"### {name}: {model['sentences']} sentences, {model['tokens']} tokens (longest {model['max_tokens']}), "
              f"{model['gflop_per_pass']:.1f} GFLOP per pass\n")
        for t in thread_counts:
            ceiling = max(machine["gemm"][str(t)].values()) if str(t) in machine["gemm"] else None  # --skip-gemm
            for ordering in orderings:
                print(f"{t} thread{'s' if t > 1 else ''}, {ordering}, ms per sequence:\n")
                print("| engine | " + " | ".join(f"b={s}" for s in sizes) + " |")
                print("| --- |" + " ---: |" * len(sizes))
                for engine in engines:
                    print(f"| {engine} | " + " | ".join(f"{ms[(engine, t, ordering, s)]:.2f}" for s in sizes) + " |")
                best = [min((ms[(p, t, ordering, s)] for p in PEERS if (p, t, ordering, s) in ms), default=float("nan"))
                        for s in sizes]
                print("| best peer | " + " | ".join(f"{b:.2f}" for b in best) + " |")
                for engine in ours:
                    ratios = [b / ms[(engine, t, ordering, s)] for b, s in zip(best, sizes)]
                    print(f"| {engine} speed-up over best peer | " + " | ".join(f"{r:.2f}x" for r in ratios) + " |")
                    gflops = [model["gflop_per_pass"] / (ms[(engine, t, ordering, s)] * model["sentences"] / 1e3) for s in sizes]
                    if ceiling:
                        print(f"| {engine} GFLOP/s (% of best GEMM, {ceiling:.0f}) | " + " | ".join(
                            f"{g:.0f} ({100 * g / ceiling:.0f}%)" for g in gflops) + " |")
                    else:
                        print(f"| {engine} GFLOP/s | " + " | ".join(f"{g:.0f}" for g in gflops) + " |")
                    if engine == "bertkit":
                        for s, r, g in zip(sizes, ratios, gflops):
                            goals.append((name, t, ordering, s, r, 100 * g / ceiling if ceiling else None))
                print()
        if len(thread_counts) > 1 and "bertkit" in engines:
            lo, hi = thread_counts[0], thread_counts[-1]
            print(f"bertkit, {hi} threads against {lo}: " + ", ".join(
                f"{o} b={s}: {ms[('bertkit', lo, o, s)] / ms[('bertkit', hi, o, s)]:.2f}x" for o in orderings for s in sizes) + "\n")
            for o in orderings:
                for s in sizes:
                    goals.append((name, "scaling", o, s, ms[("bertkit", lo, o, s)] / ms[("bertkit", hi, o, s)], None))
    print("### Goals\n")
    print("| goal | cells | met |")
    print("| --- | --- | --- |")

    def row(title, picked, target, key=lambda g: g[4], fmt="{:.2f}x"):
        values = [key(g) for g in picked]
        met = sum(v >= target for v in values)
        detail = ", ".join(f"{g[0]} t={g[1]} {g[2][0]} b={g[3]}: " + fmt.format(key(g)) for g in picked)
        print(f"| {title} | {detail} | {met}/{len(values)} |")

    cells = [g for g in goals if g[1] != "scaling"]
    row("batch 1 at least 1.2x faster than the best fp32 peer", [g for g in cells if g[3] == 1], 1.2)
    row("sorted batches 8-64 at least 1.1x faster", [g for g in cells if g[2] == "sorted" and g[3] >= 8], 1.1)
    row("unsorted batches (8-64) at least 2x faster", [g for g in cells if g[2] == "unsorted" and g[3] >= 8], 2.0)
    row("batch >= 32: at least 85% of the best GEMM end to end", [g for g in cells if g[3] >= 32 and g[5] is not None], 85,
        key=lambda g: g[5], fmt="{:.0f}%")
    row("two threads at least 1.7x one, batch >= 8", [g for g in goals if g[1] == "scaling" and g[3] >= 8], 1.7)


if __name__ == "__main__":
    main()
