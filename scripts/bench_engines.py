#!/usr/bin/env python3
"""Engine benchmark: BertKit native (packed, padded) against the study's peers in one run on this machine.

Peers: ONNX Runtime (fp32, all graph optimizations; plain export and after its transformer optimizer),
PyTorch eager, TorchScript (trace, as the study). Each cell: ms per sequence over the data set, model time only
(tokenization excluded for every engine), after a warm-up batch, median of --repeats passes.
Models: all-MiniLM-L6-v2 and a camemBERT-base-shaped model with random weights (12 x 768, 12 heads, 3072,
vocab 32005), tokenized with MiniLM's WordPiece (speed depends on the shape, not the vocabulary).

Usage: .venv/bin/python scripts/bench_engines.py --bertkit .build/release/bertkit --corpus data/corpus.txt
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64]
ORDERINGS = ["unsorted", "sorted"]


def camembert_shaped(out_dir, tokenizer_json):
    if os.path.exists(f"{out_dir}/model.safetensors"):
        return out_dir
    from transformers import CamembertConfig, CamembertModel
    torch.manual_seed(0)
    config = CamembertConfig(vocab_size=32005, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                             intermediate_size=3072, max_position_embeddings=514, pad_token_id=1, type_vocab_size=1)
    model = CamembertModel(config, add_pooling_layer=False)
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    shutil.copy(tokenizer_json, f"{out_dir}/tokenizer.json")
    return out_dir


def batches(lengths, size, ordering):
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i)) if ordering == "sorted" else list(range(len(lengths)))
    return [order[i:i + size] for i in range(0, len(order), size)]


def padded(ids, batch, pad):
    longest = max(len(ids[i]) for i in batch)
    x = np.full((len(batch), longest), pad, dtype=np.int64)
    m = np.zeros((len(batch), longest), dtype=np.int64)
    for r, i in enumerate(batch):
        x[r, :len(ids[i])] = ids[i]
        m[r, :len(ids[i])] = 1
    return x, m


def time_peer(run, ids, size, ordering, pad, repeats):
    plan = [padded(ids, b, pad) for b in batches([len(s) for s in ids], size, ordering)]
    run(*plan[0])  # warm-up
    passes = []
    for _ in range(repeats):
        start = time.perf_counter()
        for x, m in plan:
            run(x, m)
        passes.append((time.perf_counter() - start) * 1e3 / len(ids))
    return statistics.median(passes), passes


def time_bertkit(binary, model_dir, corpus, size, ordering, mode, threads, max_length, repeats):
    passes = []
    for _ in range(repeats):
        result = subprocess.run(
            [binary, "embed", "--model", model_dir, "--input", corpus, "--truncate", "--max-length", str(max_length),
             "--batching", "fixed" if ordering == "unsorted" else "sorted", "--batch-size", str(size),
             "--execution", mode, "--threads", str(threads), "--timing"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
        timing = json.loads(result.stderr.strip().splitlines()[-1])
        passes.append(timing["model_ms"] / timing["sequences"])
    return statistics.median(passes), passes


def peers(model_dir, work, threads, sample):
    """name -> callable(ids, mask) for each peer engine."""
    import onnxruntime as ort
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig, AutoModel
    torch.set_num_threads(threads)
    config = AutoConfig.from_pretrained(model_dir)
    eager = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    engines = {}

    def run_eager(x, m):
        with torch.inference_mode():
            eager(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(m))
    engines["pytorch-eager"] = run_eager

    # TorchScript as the study: trace on a sample batch (transformers 5 dropped the torchscript=True config flag,
    # so a wrapper returns the last hidden state as a plain tensor).
    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state

    sx, sm = (torch.from_numpy(a) for a in sample)
    with torch.no_grad():
        traced = torch.jit.trace(LastHiddenState(eager).eval(), (sx, sm), strict=False)
    traced = torch.jit.freeze(traced)

    def run_traced(x, m):
        with torch.inference_mode():
            traced(torch.from_numpy(x), torch.from_numpy(m))
    engines["torchscript"] = run_traced

    onnx_path = f"{work}/model.onnx"
    if not os.path.exists(onnx_path):
        torch.onnx.export(LastHiddenState(eager).eval(), (sx, sm), onnx_path, input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                        "last_hidden_state": {0: "batch", 1: "sequence"}})
    optimized_path = f"{work}/model-optimized.onnx"
    if not os.path.exists(optimized_path):
        optimize_model(onnx_path, model_type="bert", num_heads=config.num_attention_heads,
                       hidden_size=config.hidden_size).save_model_to_file(optimized_path)
    for name, path in [("onnxruntime", onnx_path), ("onnxruntime-optimized", optimized_path)]:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        engines[name] = (lambda s: lambda x, m: s.run(None, {"input_ids": x, "attention_mask": m}))(session)
    return engines


def flops(lengths, config):
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    return sum(layers * (2 * n * (4 * h * h + 2 * h * f) + 4 * n * n * h) for n in lengths)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bertkit", default=".build/release/bertkit")
    parser.add_argument("--minilm", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="bench-out/engines")
    parser.add_argument("--models", default="minilm,camembert")
    parser.add_argument("--sentences", default="minilm:400,camembert:64")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--batch-sizes", default=",".join(map(str, BATCH_SIZES)))
    parser.add_argument("--engines", default="bertkit-packed,bertkit-padded,onnxruntime,onnxruntime-optimized,pytorch-eager,torchscript")
    args = parser.parse_args()
    from tokenizers import Tokenizer
    os.makedirs(args.out, exist_ok=True)
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    wanted = args.engines.split(",")
    counts = dict(item.split(":") for item in args.sentences.split(","))
    with open(args.corpus, encoding="utf-8") as f:
        corpus = [line.rstrip("\n") for line in f]
    ceiling = subprocess.run([f"{args.out}/gemm_ceiling", str(args.threads)], capture_output=True, text=True, check=True)
    report = {"machine": {"cpu": platform.processor() or platform.machine(), "threads": args.threads,
                          "gemm": [json.loads(l) for l in ceiling.stdout.splitlines()]},
              "torch": torch.__version__, "max_length": args.max_length, "models": {}}
    report["machine"]["ceiling_gflops"] = report["machine"]["gemm"][-1]["ceiling_gflops"]
    for model_name in args.models.split(","):
        model_dir = args.minilm if model_name == "minilm" else camembert_shaped(f"{args.out}/camembert-base-random", f"{args.minilm}/tokenizer.json")
        n = int(counts[model_name])
        data_path = f"{args.out}/{model_name}-data.txt"
        with open(data_path, "w", encoding="utf-8") as f:
            f.write("\n".join(corpus[:n]) + "\n")
        tokenizer = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
        tokenizer.no_padding()
        tokenizer.enable_truncation(args.max_length)
        ids = [e.ids for e in tokenizer.encode_batch(corpus[:n])]
        with open(f"{model_dir}/config.json") as f:
            config = json.load(f)
        pad = config.get("pad_token_id", 0) or 0
        work = f"{args.out}/{model_name}"
        os.makedirs(work, exist_ok=True)
        sample = padded(ids, list(range(min(4, n))), pad)
        engines = peers(model_dir, work, args.threads, sample) if any(not e.startswith("bertkit") for e in wanted) else {}
        cells = []
        for ordering in ORDERINGS:
            for size in sizes:
                for engine in wanted:
                    if engine.startswith("bertkit"):
                        ms, passes = time_bertkit(args.bertkit, model_dir, data_path, size, ordering, engine.split("-")[1],
                                                  args.threads, args.max_length, args.repeats)
                    else:
                        ms, passes = time_peer(engines[engine], ids, size, ordering, pad, args.repeats)
                    cells.append({"engine": engine, "ordering": ordering, "batch_size": size, "ms_per_sequence": ms, "passes": passes})
                    print(f"{model_name} {ordering:8} batch {size:2} {engine:22} {ms:8.2f} ms/seq", flush=True)
        lengths = [len(s) for s in ids]
        report["models"][model_name] = {"dir": model_dir, "sentences": n, "tokens": sum(lengths), "max_tokens": max(lengths),
                                        "gflop_per_pass": flops(lengths, config) / 1e9, "cells": cells}
        with open(f"{args.out}/results.json", "w") as f:
            json.dump(report, f, indent=1)
    print(f"wrote {args.out}/results.json")


if __name__ == "__main__":
    main()
