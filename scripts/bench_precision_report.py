#!/usr/bin/env python3
"""Markdown tables of a precision run of scripts/bench_engines.py (make bench-precision): ms per sequence of every
engine per cell, BertKit int8 against the best ONNX Runtime int8 and PyTorch dynamic int8, bf16 and fp16 against
BertKit fp32, the accuracy of every engine's embeddings against fp32, and BertKit's memory per precision.

    bench_precision_report.py RESULTS.json
"""
import json
import sys


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "–"


def main():
    results = json.load(open(sys.argv[1]))
    m = results["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores; flags: {' '.join(m['flags'])}; BertKit kernels: {m['kernels']}; "
          f"torch {results['torch']}, onnxruntime {results['onnxruntime']}; {results['repeats']} passes per cell, "
          f"alternated engine by engine; inputs truncated to {results['max_length']} tokens.\n")
    for name, model in results["models"].items():
        cells = model["cells"]
        engines = list(dict.fromkeys(c["engine"] for c in cells))
        print(f"### {name}: {model['sentences']} sentences, {model['tokens']} tokens\n")
        keys = list(dict.fromkeys((c["threads"], c["ordering"], c["batch_size"]) for c in cells))
        ms = {(c["threads"], c["ordering"], c["batch_size"], c["engine"]): c["ms_per_sequence"] for c in cells}
        ratios = ["int8 vs ORT int8", "int8 vs PyTorch int8", "bf16 vs fp32", "fp16 vs fp32", "int8 vs fp32"]
        print("| threads | ordering | batch | " + " | ".join(engines) + " | " + " | ".join(ratios) + " |")
        print("|" + "---|" * (3 + len(engines) + len(ratios)))
        for t, o, b in keys:
            get = lambda e: ms.get((t, o, b, e))
            ort_int8 = [v for v in (get("onnxruntime-int8"), get("onnxruntime-optimized-int8")) if v]
            row = [str(t), o, str(b)] + [f"{get(e):.2f}" if get(e) else "–" for e in engines]
            row += [ratio(min(ort_int8) if ort_int8 else None, get("bertkit:int8")),
                    ratio(get("pytorch-int8"), get("bertkit:int8")),
                    ratio(get("bertkit:fp32") or get("bertkit"), get("bertkit:bf16")),
                    ratio(get("bertkit:fp32") or get("bertkit"), get("bertkit:fp16")),
                    ratio(get("bertkit:fp32") or get("bertkit"), get("bertkit:int8"))]
            print("| " + " | ".join(row) + " |")
        print("\nRatios: the peer's ms per sequence / BertKit's on the same cell (above 1: BertKit faster); ORT int8 is "
              "the faster of its two int8 graphs (plain export and optimized graph, both through quantize_dynamic).\n")
        if "accuracy" in model:
            a = model["accuracy"]
            print(f"Accuracy on all {a['sentences']} corpus sentences against {a['reference']}:\n")
            print("| engine | cosine min | cosine p1 | cosine mean | top-1 neighbour agreement |")
            print("|---|---|---|---|---|")
            for engine, r in a["engines"].items():
                print(f"| {engine} | {r['cosine_min']:.5f} | {r['cosine_p1']:.5f} | {r['cosine_mean']:.6f} | "
                      f"{r['top1_agreement'] * 100:.1f}% |")
            print()
        if "memory" in model:
            print("BertKit's memory: peak resident set of `bertkit embed` over the data, and the packed weight matrices "
                  "it holds:\n")
            print("| precision | peak RSS (MiB) | packed weights (MiB) | weights vs fp32 |")
            print("|---|---|---|---|")
            fp32 = model["memory"].get("fp32", {}).get("weight_bytes")
            for precision, r in model["memory"].items():
                w = r.get("weight_bytes")
                print(f"| {precision} | {r.get('peak_rss_kib', 0) / 1024:.0f} | "
                      f"{w / 2**20:.1f} | {ratio(w, fp32)} |" if w else f"| {precision} | {r.get('peak_rss_kib', 0) / 1024:.0f} | – | – |")
            print()


if __name__ == "__main__":
    main()
