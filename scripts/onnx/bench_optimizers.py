#!/usr/bin/env python3
"""Our `bertkit export --optimize` graph vs the same model passed through ONNX Runtime's own transformer optimizer
(onnxruntime.transformers.optimizer, model_type bert) on our plain export and on the `torch.onnx.export` file (the
input that optimizer is written for), and the plain export itself: all timed in one Python ONNX Runtime process
(ORT_ENABLE_ALL), passes interleaved (A B C D, A B C D, ...) so machine drift hits each alike. Prints a Markdown table
of median ms per sequence and the ratio ours / the faster ORT-optimized graph (at most 1.00 = at least as fast).

    bench_optimizers.py --model DIR --data FILE --plain PLAIN.onnx --ours OPTIMIZED.onnx --torch TORCH.onnx --out FOLDER
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import onnxruntime as ort
from onnxruntime.transformers.optimizer import optimize_model
from tokenizers import Tokenizer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--plain", required=True)
    p.add_argument("--ours", required=True)
    p.add_argument("--torch", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--sentences", type=int, default=256)
    p.add_argument("--repeats", type=int, default=7)
    a = p.parse_args()
    config = json.load(open(os.path.join(a.model, "config.json")))
    fused = {}
    for source, name in [(a.plain, "plain"), (a.torch, "torch")]:
        optimized = optimize_model(source, model_type="bert", num_heads=config["num_attention_heads"],
                                   hidden_size=config["hidden_size"], opt_level=0)
        optimized.save_model_to_file(os.path.join(a.out, f"ort-optimizer-{name}.onnx"))
        fused[name] = ", ".join(f"{k} {v}" for k, v in sorted(optimized.get_fused_operator_statistics().items()) if v)
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tok.enable_truncation(max_length=min(config["max_position_embeddings"], 512))
    lines = [l.strip() for l in open(a.data, encoding="utf-8") if l.strip()][:a.sentences]
    encodings = sorted(tok.encode_batch(lines), key=lambda e: len(e.ids))
    pad = config.get("pad_token_id", 0) or 0

    def batches(size):
        out = []
        for i in range(0, len(encodings), size):
            chunk = encodings[i:i + size]
            width = max(len(e.ids) for e in chunk)
            ids = np.array([e.ids + [pad] * (width - len(e.ids)) for e in chunk], dtype=np.int64)
            mask = np.array([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in chunk], dtype=np.int64)
            types = np.zeros_like(ids)
            out.append({"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        return out

    def session(path):
        o = ort.SessionOptions()
        o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        o.intra_op_num_threads = a.threads
        s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
        names = [i.name for i in s.get_inputs()]
        return lambda feed: s.run(None, {n: feed[n] for n in names})

    models = {"bertkit plain": session(a.plain),
              "ORT optimizer on bertkit plain": session(os.path.join(a.out, "ort-optimizer-plain.onnx")),
              "ORT optimizer on torch export": session(os.path.join(a.out, "ort-optimizer-torch.onnx")),
              "bertkit --optimize": session(a.ours)}
    print(f"ONNX Runtime {ort.__version__}, {a.threads} threads, {len(encodings)} sentences sorted by length, "
          f"{a.repeats} interleaved passes.\nONNX Runtime's optimizer fused, on our plain export: {fused['plain']}; "
          f"on the torch export: {fused['torch']}\n")
    print("| batch | " + " | ".join(f"{n} ms/seq" for n in models) + " | ours / best ORT-optimized |")
    print("|---:|" + "---:|" * (len(models) + 1))
    ratios = []
    for size in [1, 8, 32]:
        feeds = batches(size)
        times = {name: [] for name in models}
        for run in models.values():  # warm-up
            run(feeds[-1])
        for _ in range(a.repeats):
            for name, run in models.items():
                start = time.perf_counter()
                for feed in feeds:
                    run(feed)
                times[name].append((time.perf_counter() - start) * 1e3 / len(encodings))
        m = {name: statistics.median(t) for name, t in times.items()}
        best = min(m["ORT optimizer on bertkit plain"], m["ORT optimizer on torch export"])
        ratio = m["bertkit --optimize"] / best
        ratios.append(ratio)
        print(f"| {size} | " + " | ".join(f"{m[n]:.3f}" for n in models) + f" | {ratio:.3f} |")
    print(f"\ngeometric mean ours / best ORT-optimized = {statistics.geometric_mean(ratios):.3f}")


if __name__ == "__main__":
    main()
