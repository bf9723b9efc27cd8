#!/usr/bin/env python3
"""The architectures beyond BERT at their base shapes: BertKit's native engine against ONNX Runtime and OpenVINO
running the same ONNX graph (BertKit's own export of the folder; ONNX Runtime also on the `--optimize` export where it
differs, and int8 through its `quantize_dynamic` of the plain export).

Models: the real all-mpnet-base-v2 (`make mpnet`) and a DeBERTa-v3-base-shaped model with random weights (12 layers,
hidden 768, 12 heads, 3072, position_buckets 256, share_att_key, c2p+p2c, no absolute positions; vocabulary cut to
MPNet's 30,527 ids and tokenized with MPNet's tokenizer: speed depends on the shape, not the vocabulary); `--models bert`
adds a BERT-base shape (random weights, MPNet's tokenizer) as the same run's baseline of the lead on BERT.

Each cell (model x ordering x batch size, --threads threads): ms per sequence over the data set, model time only
(tokenization excluded for every engine), after a warm-up batch; the passes of a cell alternate engine by engine
(pass 1 of every engine, then pass 2, ...), so the machine's drift hits every engine alike; median of --repeats.
BertKit runs as `bertkit embed --timing` (its model time); the peers from Python on padded batches.

    make bench-architectures       # or: .venv/bin/python scripts/bench_architectures.py --bertkit .build/release/bertkit
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The grid's shared pieces: batches, padding, BertKit's timed pass, a peer's timed pass, the CPU's flags.
from bench_engines import batches, bertkit_pass, cpu_description, padded, peer_pass  # noqa: E402


def deberta_shaped(out_dir, mpnet_dir):
    """A DeBERTa-v3-base-shaped classifier-free encoder with random weights, tokenized by MPNet's tokenizer."""
    if os.path.exists(f"{out_dir}/model.safetensors"):
        return out_dir
    import shutil
    import torch
    from transformers import DebertaV2Config, DebertaV2Model
    torch.manual_seed(0)
    config = DebertaV2Config(vocab_size=30527, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                             intermediate_size=3072, max_position_embeddings=512, relative_attention=True,
                             position_buckets=256, max_relative_positions=-1, pos_att_type=["p2c", "c2p"],
                             share_att_key=True, norm_rel_ebd="layer_norm", position_biased_input=False,
                             type_vocab_size=0, layer_norm_eps=1e-7, pad_token_id=1)
    model = DebertaV2Model(config).eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    shutil.copy(f"{mpnet_dir}/tokenizer.json", out_dir)
    return out_dir


def bert_shaped(out_dir, mpnet_dir):
    """A BERT-base-shaped encoder with random weights and MPNet's tokenizer: the same-run baseline of the lead on BERT."""
    if os.path.exists(f"{out_dir}/model.safetensors"):
        return out_dir
    import shutil
    import torch
    from transformers import BertConfig, BertModel
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30527, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=512, pad_token_id=1)
    os.makedirs(out_dir, exist_ok=True)
    BertModel(config, add_pooling_layer=False).eval().save_pretrained(out_dir, safe_serialization=True)
    shutil.copy(f"{mpnet_dir}/tokenizer.json", out_dir)
    return out_dir


def export(binary, model_dir, out, optimize=False):
    if not os.path.exists(out):
        subprocess.run([binary, "export", "--model", model_dir, "--output", out, "--task", "embedding"]
                       + (["--optimize"] if optimize else []), check=True, stdout=subprocess.DEVNULL)
    return out


def peers(binary, model_dir, work, threads, wanted):
    """engine name -> callable(x, mask) on BertKit's export of the folder."""
    made = {}
    plain = export(binary, model_dir, f"{work}/model.onnx")
    if any(e.startswith("onnxruntime") for e in wanted):
        import onnxruntime as ort

        def session(path):
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            s = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            names = [i.name for i in s.get_inputs()]
            return lambda x, m: s.run(None, {n: v for n, v in (("input_ids", x), ("attention_mask", m),
                                                                ("token_type_ids", np.zeros_like(x))) if n in names})
        if "onnxruntime" in wanted:
            made["onnxruntime"] = session(plain)
        if "onnxruntime-optimized" in wanted:
            made["onnxruntime-optimized"] = session(export(binary, model_dir, f"{work}/model-optimized.onnx", optimize=True))
        if "onnxruntime-int8" in wanted:
            from onnxruntime.quantization import QuantType, quantize_dynamic
            quantized = f"{work}/model-int8.onnx"
            if not os.path.exists(quantized):
                quantize_dynamic(plain, quantized, weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": 1})
            made["onnxruntime-int8"] = session(quantized)
    if "openvino" in wanted:
        import openvino as ov
        core = ov.Core()
        compiled = core.compile_model(core.read_model(plain), "CPU", {
            "INFERENCE_PRECISION_HINT": "f32", "INFERENCE_NUM_THREADS": str(threads), "NUM_STREAMS": "1",
            "PERFORMANCE_HINT": "LATENCY"})
        read_back = compiled.get_property("INFERENCE_NUM_THREADS")
        if int(read_back) != threads:
            sys.exit(f"openvino: INFERENCE_NUM_THREADS reads back {read_back}, not {threads}")
        names = [i.get_any_name() for i in compiled.inputs]
        request = compiled.create_infer_request()
        made["openvino"] = lambda x, m: request.infer({n: v for n, v in (("input_ids", x), ("attention_mask", m),
                                                                         ("token_type_ids", np.zeros_like(x)))
                                                       if n in names})
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bertkit", default=".build/release/bertkit")
    parser.add_argument("--mpnet", default="models/all-mpnet-base-v2")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="bench-out/architectures")
    parser.add_argument("--models", default="mpnet,deberta")
    parser.add_argument("--sentences", type=int, default=48)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--orderings", default="sorted,unsorted")
    parser.add_argument("--engines", default="bertkit,onnxruntime,onnxruntime-optimized,openvino,bertkit:int8,onnxruntime-int8")
    args = parser.parse_args()
    from tokenizers import Tokenizer
    os.makedirs(args.out, exist_ok=True)
    wanted = args.engines.split(",")
    with open(args.corpus, encoding="utf-8") as f:
        corpus = [line.rstrip("\n") for line in f if line.strip()][:args.sentences]
    cpu, flags = cpu_description()
    versions = {}
    for name in ["onnxruntime", "openvino"]:
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            pass
    report = {"machine": {"cpu": cpu, "flags": flags, "cores": os.cpu_count()}, "versions": versions,
              "threads": args.threads, "max_length": args.max_length, "repeats": args.repeats, "models": {}}
    for name in args.models.split(","):
        model_dir = {"mpnet": lambda: args.mpnet,
                     "deberta": lambda: deberta_shaped(f"{args.out}/deberta-v3-base-random", args.mpnet),
                     "bert": lambda: bert_shaped(f"{args.out}/bert-base-random", args.mpnet)}[name]()
        work = f"{args.out}/{name}"
        os.makedirs(work, exist_ok=True)
        data_path = f"{work}/data.txt"
        with open(data_path, "w", encoding="utf-8") as f:
            f.write("\n".join(corpus) + "\n")
        tokenizer = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
        tokenizer.no_padding()
        tokenizer.enable_truncation(args.max_length)
        ids = [e.ids for e in tokenizer.encode_batch(corpus)]
        lengths = [len(s) for s in ids]
        with open(f"{model_dir}/config.json") as f:
            pad = json.load(f).get("pad_token_id", 0) or 0
        engines = peers(args.bertkit, model_dir, work, args.threads, [e for e in wanted if not e.startswith("bertkit")])
        cells = []
        for ordering in args.orderings.split(","):
            for size in [int(s) for s in args.batch_sizes.split(",")]:
                plan = [padded(ids, b, pad) for b in batches(lengths, size, ordering)]
                runs = {}
                for engine in wanted:
                    if engine.startswith("bertkit"):
                        precision = engine.partition(":")[2] or "fp32"
                        runs[engine] = (lambda p: lambda: bertkit_pass(
                            args.bertkit, model_dir, data_path, size, ordering, args.threads, args.max_length, None, p))(precision)
                    else:
                        engines[engine](*plan[0])  # warm-up on the first batch
                        runs[engine] = (lambda run: lambda: peer_pass(run, plan, len(ids)))(engines[engine])
                passes = {engine: [] for engine in wanted}
                for _ in range(args.repeats):
                    for engine in wanted:
                        passes[engine].append(runs[engine]())
                for engine in wanted:
                    ms = statistics.median(passes[engine])
                    cells.append({"engine": engine, "ordering": ordering, "batch_size": size, "ms_per_sequence": ms,
                                  "passes": passes[engine]})
                    print(f"{name} {ordering:8} batch {size:2} {engine:22} {ms:8.2f} ms/seq", flush=True)
        report["models"][name] = {"dir": model_dir, "sentences": len(ids), "tokens": sum(lengths),
                                  "max_tokens": max(lengths), "cells": cells}
        with open(f"{args.out}/results.json", "w") as f:
            json.dump(report, f, indent=1)
    print(f"wrote {args.out}/results.json")


if __name__ == "__main__":
    main()
