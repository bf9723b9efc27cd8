#!/usr/bin/env python3
"""Engine benchmark: BertKit native against the study's peers in one run on this machine.

Peers: ONNX Runtime (fp32, all graph optimizations; plain export and after its transformer optimizer),
PyTorch eager, TorchScript (trace, as the study). Each cell (model x ordering x batch size x threads): ms per
sequence over the data set, model time only (tokenization excluded for every engine), after a warm-up batch, median
of --repeats passes; the passes of a cell are alternated engine by engine (pass 1 of every engine, then pass 2, ...),
so the machine's drift over minutes hits every engine alike. The GEMM ceilings (BertKit's kernels per instruction set,
OpenBLAS as Debian builds it and with the kernel for this CPU, NumPy's) are measured in the same run.
Models: all-MiniLM-L6-v2 and a camemBERT-base-shaped model with random weights (12 x 768, 12 heads, 3072,
vocab 32005), tokenized with MiniLM's WordPiece (speed depends on the shape, not the vocabulary).

Precisions (make bench-precision): engine names take a precision after a colon (bertkit:int8, bertkit-avx2:bf16);
the quantized peers are ONNX Runtime int8 (quantize_dynamic with QInt8 weights, on the plain export and on the
optimized graph) and PyTorch dynamic int8 (torch.ao.quantization.quantize_dynamic on the Linear layers). With
--accuracy, every engine's MiniLM embeddings of the whole corpus are compared with fp32 (cosine, top-1 neighbour),
and BertKit's resident memory is measured per precision.

Two more CPU runtimes, run only when named in --engines (the builders of scripts/peers/bench_peers.py):
- openvino: OpenVINO on the same plain ONNX export that `onnxruntime` runs, one request at a time (PERFORMANCE_HINT
  LATENCY, NUM_STREAMS 1) with INFERENCE_NUM_THREADS = the cell's threads, read back; fp32 is asked for
  (INFERENCE_PRECISION_HINT f32, read back: OpenVINO computes in bf16 by default on CPUs with AVX512_BF16 or AMX).
  openvino:int8 is NNCF's static int8 of that ONNX file (nncf.quantize, ModelType.TRANSFORMER), calibrated on up to
  300 sentences (NNCF's default subset size) that are not measured: those of --calibration FILE, or by default the
  corpus lines after the measured ones (a line whose tokens equal a measured sentence's is left out); the run stops
  if a calibration sentence is among the measured ones.
- ctranslate2: CTranslate2's Encoder on the model folder converted into OUT/MODEL (float32); ctranslate2:int8 the
  folder converted with int8 weights, compute_type int8 (activations quantized per token at run time). It gets each
  row's length and drops the padding itself; intra_threads = the cell's threads. CT2_FORCE_CPU_ISA=AVX512 is set
  where the CPU has avx512f (its own kernels stay at AVX2 otherwise).
Once set up, each one's output on the sample batch is compared with PyTorch eager fp32 (mean-pooled last hidden
states; fp32 within 1e-3), into each model's `checks` in results.json; their versions and how they were set up
(`notes`, and each model's `calibration`) go there too.

Usage: make bench-engines (builds bertkit and tools/gemm_bench.c, then runs this with .venv's Python)
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
# The OpenVINO and CTranslate2 builders of the peers' grid: callable(ids, type_ids, mask) -> output.
from bench_peers import FP32_TOLERANCE, compare, ctranslate2_peer, fingerprint, openvino_peer, pooled as pooled_mean  # noqa: E402

BATCH_SIZES = [1, 8, 32, 64]
ORDERINGS = ["unsorted", "sorted"]
# The peers' names and the precision each runs at (the OpenVINO and CTranslate2 ones are set up only when named).
OPENVINO = {"openvino": "fp32", "openvino:int8": "int8"}
CTRANSLATE2 = {"ctranslate2": "fp32", "ctranslate2:int8": "int8"}
PEERS = ["onnxruntime", "onnxruntime-optimized", "onnxruntime-int8", "onnxruntime-optimized-int8", "pytorch-eager",
         "pytorch-int8", "torchscript", *OPENVINO, *CTRANSLATE2]
CALIBRATION_SIZE = 300  # NNCF's default subset size


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


def peer_pass(run, plan, n):
    start = time.perf_counter()
    for x, m in plan:
        run(x, m)
    return (time.perf_counter() - start) * 1e3 / n


def bertkit_engine(name):
    """bertkit[-ISA][:PRECISION] -> (isa or None, precision)."""
    base, _, precision = name.partition(":")
    return (base.split("-", 1)[1] if "-" in base else None), (precision or "fp32")


def bertkit_pass(binary, model_dir, corpus, size, ordering, threads, max_length, isa=None, precision="fp32"):
    env = dict(os.environ)
    if isa:
        env["BERTKIT_ISA"] = isa
    result = subprocess.run(
        [binary, "embed", "--model", model_dir, "--input", corpus, "--truncate", "--max-length", str(max_length),
         "--batching", "fixed" if ordering == "unsorted" else "sorted", "--batch-size", str(size),
         "--execution", "packed", "--threads", str(threads), "--timing", "--precision", precision],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True, env=env)
    timing = json.loads(result.stderr.strip().splitlines()[-1])
    return timing["model_ms"] / timing["sequences"]


def cpu_description():
    flags, name = set(), platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and name in ("", platform.machine()):
                name = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    wanted = sorted(f for f in flags if f.startswith("avx") or f in ("fma", "f16c", "amx_bf16", "amx_tile"))
    return name, wanted


def numpy_gemm(threads):
    """NumPy's float32 matmul GFLOP/s (its bundled BLAS) on the same shapes, in a child so its thread count holds."""
    code = (
        "import numpy as np, time, json, sys\n"
        "best = 0\n"
        "for m, n, k in [(512, 1152, 384), (512, 3072, 768), (512, 768, 3072), (2048, 768, 768)]:\n"
        "    a = np.random.rand(m, k).astype(np.float32); w = np.random.rand(n, k).astype(np.float32); a @ w.T\n"
        "    reps, start = 0, time.perf_counter()\n"
        "    while time.perf_counter() - start < 0.5: a @ w.T; reps += 1\n"
        "    best = max(best, 2 * m * n * k * reps / (time.perf_counter() - start) / 1e9)\n"
        "print(json.dumps({'numpy': round(best, 1)}))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout)["numpy"]


def gemm_ceilings(tool, threads, avx512):
    """Best GFLOP/s of each GEMM on BERT's shapes at `threads` threads."""
    def run(extra_env):
        env = dict(os.environ)
        env.update(extra_env)
        out = subprocess.run([tool, str(threads), "0.4"], capture_output=True, text=True, check=True, env=env)
        rows = [json.loads(line) for line in out.stdout.splitlines()]
        return rows[-1]
    debian = run({})
    ceilings = {k: v for k, v in debian["best"].items()}
    ceilings["openblas-debian"] = ceilings.pop("openblas")
    # The kernel OpenBLAS would pick if it knew this CPU (Debian's 0.3.21 predates Zen 4 and runs Haswell's).
    coretype = "SkylakeX" if avx512 else "Haswell"
    ceilings[f"openblas-{coretype}"] = run({"OPENBLAS_CORETYPE": coretype})["best"]["openblas"]
    ceilings["numpy"] = numpy_gemm(threads)
    return ceilings, debian["openblas_config"]


def peers(model_dir, work, thread_counts, sample, wanted, calibration=None, checks=None):
    """(name, threads) -> callable(ids, mask) for each peer engine and thread count. `calibration`: the (ids, type_ids,
    mask) inputs openvino:int8 is calibrated on; `checks` gets the output of openvino and ctranslate2 on `sample`
    against PyTorch eager fp32's."""
    import onnxruntime as ort
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig, AutoModel
    config = AutoConfig.from_pretrained(model_dir)
    eager = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    engines = {}

    def run_eager(x, m):
        with torch.inference_mode():
            eager(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(m))
    for threads in thread_counts:
        engines[("pytorch-eager", threads)] = with_threads(run_eager, threads)
    if "pytorch-int8" in wanted:
        # The study's PyTorch quantization: dynamic int8 on the Linear layers (qint8 weights, per-tensor).
        quantized = torch.ao.quantization.quantize_dynamic(
            AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval(), {torch.nn.Linear}, dtype=torch.qint8)

        def run_quantized(x, m):
            with torch.inference_mode():
                quantized(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(m))
        for threads in thread_counts:
            engines[("pytorch-int8", threads)] = with_threads(run_quantized, threads)

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
    for threads in thread_counts:
        engines[("torchscript", threads)] = with_threads(run_traced, threads)

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
    from onnxruntime.quantization import QuantType, quantize_dynamic
    variants = [("onnxruntime", onnx_path), ("onnxruntime-optimized", optimized_path)]
    for name, path in list(variants):
        quantized_path = path.replace(".onnx", "-int8.onnx")
        if f"{name}-int8" in wanted:
            if not os.path.exists(quantized_path):
                # DefaultTensorType: the optimized graph's contrib ops defeat ONNX shape inference (ORT's advice).
                quantize_dynamic(path, quantized_path, weight_type=QuantType.QInt8,
                                 extra_options={"DefaultTensorType": 1})
            variants.append((f"{name}-int8", quantized_path))
    for name, path in variants:
        for threads in thread_counts:
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            engines[(name, threads)] = (lambda s: lambda x, m: s.run(None, {"input_ids": x, "attention_mask": m}))(session)

    # OpenVINO (the plain export above) and CTranslate2 (the folder converted into `work`), from the peers' grid; their
    # callables take token types too: zeros here (single sentences), which the plain export does not take anyway.
    expected = None
    for name, precision, build in ([(n, p, lambda t, p=p: openvino_peer(onnx_path, t, p, calibration))
                                    for n, p in OPENVINO.items()] +
                                   [(n, p, lambda t, p=p: ctranslate2_peer(model_dir, work, t, p))
                                    for n, p in CTRANSLATE2.items()]):
        if name not in wanted:
            continue
        for threads in thread_counts:
            run = build(threads)
            engines[(name, threads)] = (lambda run: lambda x, m: run(x, np.zeros_like(x), m))(run)
        if expected is None:
            with torch.inference_mode():
                expected = pooled_mean(eager(input_ids=sx, attention_mask=sm).last_hidden_state.numpy(), sample[1])
        got = pooled_mean(np.array(engines[(name, threads)](*sample), dtype=np.float32), sample[1])
        diff, cosine = compare(got, expected)
        print(f"check {name} t{threads}: max abs diff to pytorch-eager fp32 {diff:.3g}, lowest cosine {cosine:.6f}",
              flush=True)
        if checks is not None:
            checks.append({"engine": name, "threads": threads, "sequences": len(sample[0]), "reference": "pytorch-eager fp32",
                           "compared": "mean-pooled last hidden states", "max_abs_diff": diff, "cosine_min": cosine})
        if precision == "fp32" and diff > FP32_TOLERANCE:
            sys.exit(f"{name} differs from pytorch-eager fp32 by {diff:.3g} (more than {FP32_TOLERANCE})")
    return engines


def calibration_set(tokenizer, corpus, n, ids, lines, path, pad):
    """openvino:int8's calibration inputs, each sentence its own (ids, type_ids, mask), and how they were picked: the
    first CALIBRATION_SIZE of `lines` (--calibration), which must hold none of the measured sentences, or else of the
    corpus lines after the n measured ones, less any whose tokens equal a measured sentence's."""
    measured_text = set(corpus[:n])
    measured_ids = {tuple(s) for s in ids}
    if lines is not None:
        picked = lines[:CALIBRATION_SIZE]
        shared = [s for s, e in zip(picked, tokenizer.encode_batch(picked))
                  if s in measured_text or tuple(e.ids) in measured_ids]
        if shared:
            sys.exit(f"{path}: {len(shared)} of its first {len(picked)} sentences are measured ones (e.g. {shared[0]!r}); "
                     "calibrate on other ones")
        source = f"the first {len(picked)} non-empty lines of {path}"
    else:
        picked, left_out = [], 0
        for s in corpus[n:]:
            if len(picked) == CALIBRATION_SIZE:
                break
            if not s.strip():
                continue
            if s in measured_text or tuple(tokenizer.encode(s).ids) in measured_ids:
                left_out += 1
                continue
            picked.append(s)
        if not picked:
            sys.exit(f"the corpus holds no line after the {n} measured ones to calibrate openvino:int8 on: "
                     "give --calibration FILE")
        source = (f"corpus lines after the {n} measured ones ({len(picked)} sentences"
                  + (f"; {left_out} left out, tokenized as a measured sentence" if left_out else "") + ")")
    encoded = [e.ids for e in tokenizer.encode_batch(picked)]
    # No calibration sentence is a measured one, as text or as the tokens the model sees.
    assert not set(picked) & measured_text and not {tuple(e) for e in encoded} & measured_ids, \
        "a calibration sentence is among the measured ones"
    inputs = []
    for e in encoded:
        x, m = padded([e], [0], pad)
        inputs.append((x, np.zeros_like(x), m))
    return inputs, {"sentences": len(picked), "source": source, "fingerprint": fingerprint("\n".join(picked).encode()),
                    "disjoint_from_measured": True}


def with_threads(run, threads):
    def call(x, m):
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        run(x, m)
    return call


def flops(lengths, config):
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    return sum(layers * (2 * n * (4 * h * h + 2 * h * f) + 4 * n * n * h) for n in lengths)


def bertkit_memory(binary, model_dir, data_path, max_length, precisions):
    """Peak resident memory (KiB) of `bertkit embed` over the data at each precision, and its packed weight bytes."""
    memory = {}
    for precision in dict.fromkeys(precisions):
        timed = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "embed", "--model", model_dir, "--input", data_path,
                                "--truncate", "--max-length", str(max_length), "--precision", precision],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
        memory[precision] = {"peak_rss_kib": int(timed.stderr.strip().splitlines()[-1])}
    compared = [p for p in memory if p != "fp32"]
    if compared:
        out = subprocess.run([binary, "compare-precision", "--model", model_dir, "--data", data_path, "--limit", "8",
                              "--precision", ",".join(compared), "--json"], capture_output=True, text=True, check=True)
        for line in out.stdout.splitlines():
            row = json.loads(line)
            memory[row["precision"]]["weight_bytes"] = row["weightBytes"]
            memory.setdefault("fp32", {})["weight_bytes"] = row["fp32WeightBytes"]
    return memory


def accuracy(args, model_dir, corpus, engines, wanted, pad):
    """Each engine's MiniLM embeddings (mean pooling, normalized) of the whole corpus against fp32 PyTorch's."""
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    tokenizer.no_padding()
    tokenizer.enable_truncation(args.max_length)
    ids = [e.ids for e in tokenizer.encode_batch(corpus)]
    order = batches([len(s) for s in ids], 32, "sorted")

    def pooled(run):
        out = np.zeros((len(ids), 0), dtype=np.float32)
        rows = {}
        for batch in order:
            x, m = padded(ids, batch, pad)
            hidden = np.asarray(run(x, m))
            mask = m[:, :, None].astype(np.float32)
            means = (hidden * mask).sum(1) / mask.sum(1)
            for r, i in enumerate(batch):
                rows[i] = means[r] / np.linalg.norm(means[r])
        return np.stack([rows[i] for i in range(len(ids))])

    def outputs(engine):
        if engine.startswith("bertkit"):
            isa, precision = bertkit_engine(engine)
            path = f"{args.out}/accuracy-corpus.txt"
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(corpus) + "\n")
            env = dict(os.environ)
            if isa:
                env["BERTKIT_ISA"] = isa
            out = subprocess.run([args.bertkit, "embed", "--model", model_dir, "--input", path, "--truncate",
                                  "--max-length", str(args.max_length), "--precision", precision],
                                 capture_output=True, text=True, check=True, env=env).stdout
            return np.array([json.loads(line)["embedding"] for line in out.splitlines()], dtype=np.float32)
        run = engines[(engine, max(int(t) for t in args.threads.split(",")))]
        if engine.startswith("onnxruntime"):
            session_run = run
            return pooled(lambda x, m: session_run(x, m)[0])
        if engine in OPENVINO or engine in CTRANSLATE2:
            return pooled(lambda x, m: np.array(run(x, m), dtype=np.float32))
        model = {"pytorch-eager": "eager", "pytorch-int8": "int8"}.get(engine)
        if model is None:
            return None
        from transformers import AutoModel
        torch_model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
        if model == "int8":
            torch_model = torch.ao.quantization.quantize_dynamic(torch_model, {torch.nn.Linear}, dtype=torch.qint8)

        def forward(x, m):
            with torch.inference_mode():
                return torch_model(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(m)).last_hidden_state.numpy()
        return pooled(forward)

    from transformers import AutoModel
    reference_model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()

    def reference_forward(x, m):
        with torch.inference_mode():
            return reference_model(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(m)).last_hidden_state.numpy()
    reference = pooled(reference_forward)

    def top1(e):
        s = e @ e.T
        np.fill_diagonal(s, -9)
        return s.argmax(1)
    neighbours = top1(reference)
    results = {}
    for engine in wanted:
        got = outputs(engine)
        if got is None:
            continue
        got = got / np.linalg.norm(got, axis=1, keepdims=True)
        cos = np.sort((got * reference).sum(1))
        results[engine] = {"cosine_min": float(cos[0]), "cosine_p1": float(cos[len(cos) // 100]),
                           "cosine_mean": float(cos.mean()), "top1_agreement": float((top1(got) == neighbours).mean())}
        print(f"accuracy {engine:28} cos min {cos[0]:.5f} mean {cos.mean():.6f} top-1 {results[engine]['top1_agreement']:.3f}",
              flush=True)
    return {"sentences": len(ids), "reference": "pytorch fp32 (transformers, mean pooling, normalized)", "engines": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bertkit", default=".build/release/bertkit")
    parser.add_argument("--gemm-bench", default="bench-out/engines/gemm_bench")
    parser.add_argument("--minilm", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="bench-out/engines")
    parser.add_argument("--models", default="minilm,camembert")
    parser.add_argument("--sentences", default="minilm:200,camembert:48")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-sizes", default=",".join(map(str, BATCH_SIZES)))
    parser.add_argument("--orderings", default=",".join(ORDERINGS))
    parser.add_argument("--engines", default="bertkit,onnxruntime,onnxruntime-optimized,pytorch-eager,torchscript",
                        help="bertkit runs the kernels BertKit picks; bertkit-avx2 (or -portable, -avx512) forces a path; "
                             "bertkit:int8 (bf16, fp16) a precision; onnxruntime-int8, onnxruntime-optimized-int8 and "
                             "pytorch-int8 are the quantized peers; openvino (fp32 on the plain ONNX export), openvino:int8 "
                             "(NNCF, calibrated as --calibration says), ctranslate2 (float32) and ctranslate2:int8 run "
                             "only when named")
    parser.add_argument("--calibration",
                        help="sentences (one per line, none of the measured ones) that openvino:int8 is calibrated on, "
                             f"the first {CALIBRATION_SIZE}; default: the corpus lines after each model's measured ones")
    parser.add_argument("--accuracy", action="store_true",
                        help="compare each engine's MiniLM embeddings of the whole corpus with fp32; measure BertKit's memory")
    parser.add_argument("--skip-gemm", action="store_true", help="skip the GEMM ceilings")
    args = parser.parse_args()
    from tokenizers import Tokenizer
    os.makedirs(args.out, exist_ok=True)
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    thread_counts = [int(t) for t in args.threads.split(",")]
    orderings = args.orderings.split(",")
    wanted = args.engines.split(",")
    unknown = [e for e in wanted if not e.startswith("bertkit") and e not in PEERS]
    if unknown:
        sys.exit(f"unknown engine(s) {', '.join(unknown)} (peers: {', '.join(PEERS)}; bertkit[-ISA][:PRECISION])")
    counts = dict(item.split(":") for item in args.sentences.split(","))
    with open(args.corpus, encoding="utf-8") as f:
        corpus = [line.rstrip("\n") for line in f]
    cpu, flags = cpu_description()
    info = json.loads(subprocess.run([args.bertkit, "info", "--model", args.minilm], capture_output=True, text=True,
                                     check=True).stdout)
    report = {"machine": {"cpu": cpu, "flags": flags, "cores": os.cpu_count(), "kernels": info["kernels"],
                          "kernels_supported": info["kernels_supported"], "gemm": {}},
              "torch": torch.__version__, "max_length": args.max_length, "repeats": args.repeats, "models": {}}
    import onnxruntime
    report["onnxruntime"] = onnxruntime.__version__
    notes = []
    if any(e in CTRANSLATE2 for e in wanted):
        if "avx512f" in flags:
            os.environ.setdefault("CT2_FORCE_CPU_ISA", "AVX512")  # read when ctranslate2 is imported
            notes.append(f"ctranslate2: CT2_FORCE_CPU_ISA={os.environ['CT2_FORCE_CPU_ISA']}")
        import ctranslate2
        report["ctranslate2"] = ctranslate2.__version__
        if "ctranslate2:int8" in wanted:
            notes.append("ctranslate2:int8: the folder converted with int8 weights (quantization int8), compute_type int8: "
                         "activations quantized per token at run time")
    if any(e in OPENVINO for e in wanted):
        import openvino
        report["openvino"] = openvino.get_version()
        bf16 = sorted({"avx512_bf16", "amx_bf16"} & set(flags))
        notes.append("openvino: INFERENCE_PRECISION_HINT f32 asked for and read back (its default is bf16 on CPUs with "
                     f"avx512_bf16 or amx_bf16; this one has {', '.join(bf16) or 'neither'}); INFERENCE_NUM_THREADS read "
                     "back equal to the cell's threads")
        if "openvino:int8" in wanted:
            import nncf
            report["nncf"] = nncf.__version__
            notes.append("openvino:int8: NNCF static int8 (nncf.quantize, ModelType.TRANSFORMER: int8 weights, activations "
                         "calibrated per tensor) of the plain ONNX export, f32 around its quantized operations; calibrated "
                         "on sentences none of which is measured (each model's `calibration`)")
    report["notes"] = notes
    calibration_lines = None
    if args.calibration and "openvino:int8" in wanted:
        with open(args.calibration, encoding="utf-8") as f:
            calibration_lines = [line.rstrip("\n") for line in f if line.strip()]
    for threads in ([] if args.skip_gemm else thread_counts):
        ceilings, config = gemm_ceilings(args.gemm_bench, threads, "avx512" in info["kernels_supported"])
        report["machine"]["gemm"][str(threads)] = ceilings
        report["machine"]["openblas"] = config
        print(f"GEMM GFLOP/s at {threads} thread(s): {ceilings}", flush=True)
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
        calibration, checks = None, []
        if "openvino:int8" in wanted:
            calibration, report["models"].setdefault(model_name, {})["calibration"] = calibration_set(
                tokenizer, corpus, n, ids, calibration_lines, args.calibration, pad)
        engines = peers(model_dir, work, thread_counts, sample, wanted, calibration, checks) \
            if any(not e.startswith("bertkit") for e in wanted) else {}
        lengths = [len(s) for s in ids]
        cells = []
        for threads in thread_counts:
            for ordering in orderings:
                for size in sizes:
                    plan = [padded(ids, b, pad) for b in batches(lengths, size, ordering)]
                    runs = {}
                    for engine in wanted:
                        if engine.startswith("bertkit"):
                            isa, precision = bertkit_engine(engine)
                            runs[engine] = (lambda isa, precision: lambda: bertkit_pass(
                                args.bertkit, model_dir, data_path, size, ordering, threads, args.max_length, isa,
                                precision))(isa, precision)
                        else:
                            run = engines[(engine, threads)]
                            run(*plan[0])  # warm-up on the first batch
                            runs[engine] = (lambda run: lambda: peer_pass(run, plan, n))(run)
                    passes = {engine: [] for engine in wanted}
                    for _ in range(args.repeats):
                        for engine in wanted:
                            passes[engine].append(runs[engine]())
                    for engine in wanted:
                        ms = statistics.median(passes[engine])
                        cells.append({"engine": engine, "ordering": ordering, "batch_size": size, "threads": threads,
                                      "ms_per_sequence": ms, "passes": passes[engine]})
                        print(f"{model_name} t={threads} {ordering:8} batch {size:2} {engine:22} {ms:8.2f} ms/seq", flush=True)
        report["models"].setdefault(model_name, {}).update({"dir": model_dir, "sentences": n, "tokens": sum(lengths), "max_tokens": max(lengths),
                                        "gflop_per_pass": flops(lengths, config) / 1e9, "cells": cells})
        if checks:
            report["models"][model_name]["checks"] = checks
        if args.accuracy:
            report["models"][model_name]["memory"] = bertkit_memory(args.bertkit, model_dir, data_path, args.max_length,
                                                                    [bertkit_engine(e)[1] for e in wanted if e.startswith("bertkit")])
            if model_name == "minilm":
                report["models"][model_name]["accuracy"] = accuracy(args, model_dir, corpus, engines, wanted, pad)
        with open(f"{args.out}/results.json", "w") as f:
            json.dump(report, f, indent=1)
    print(f"wrote {args.out}/results.json")


if __name__ == "__main__":
    main()
