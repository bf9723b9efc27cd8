#!/usr/bin/env python3
"""The `bertkit bench` grid, run on the study's Python peers: PyTorch eager, TorchScript (trace, as the study) and
ONNX Runtime (torch.onnx.export, all graph optimizations). Same model folder, same data file, same batch layouts
(unsorted / sorted / token budget, and the length sweep made of the data's own tokens), same timing rules (warm-up on
the first and the longest batch, then --repeats passes; only the engine's calls count). Writes results.json in
BertKit's schema (bertkit-bench/1), so that

    bertkit bench --compare OUT_BERTKIT OUT_PEERS       # side by side
    bertkit bench ... --with OUT_PEERS                  # peers in the report and charts

work on it. Run through scripts/peers/run.sh, which installs what it needs into the project's .venv.

--precisions fp32,int8 adds the study's quantized peers: torch-eager at int8 is PyTorch's dynamic quantization
(torch.ao.quantization.quantize_dynamic on the Linear layers, qint8 weights), onnxruntime-python at int8 is ONNX
Runtime's (onnxruntime.quantization.quantize_dynamic of the exported graph, QInt8 weights). TorchScript is fp32 only.

Two more CPU runtimes, also run by default:
- openvino runs the same ONNX file as onnxruntime-python, one request at a time (PERFORMANCE_HINT LATENCY, NUM_STREAMS
  1) on INFERENCE_NUM_THREADS = --threads; the compiled model's threads and precision are read back. fp32 is asked for
  (INFERENCE_PRECISION_HINT f32: OpenVINO computes in bf16 by default on CPUs with AVX512_BF16); --precisions bf16 is
  its own row, run only where /proc/cpuinfo lists avx512_bf16 or amx_bf16 (skipped, and noted, elsewhere); int8 is
  NNCF's static quantization (nncf.quantize, ModelType.TRANSFORMER: int8 weights, activations calibrated per tensor)
  on the inputs of --calibration FILE, which must hold none of the measured inputs.
- ctranslate2 runs the model folder converted by ctranslate2.converters.TransformersConverter into OUT/work (fp32; int8
  weights with compute_type int8, activations quantized per token at run time) on intra_threads = --threads. It gets
  the ids with each row's length and drops the padding itself. CT2_FORCE_CPU_ISA=AVX512 is set where the CPU has
  avx512f (its own kernels stay at AVX2 otherwise). Embedding models only: it runs no classification head.
Once each is set up, its output on the first 8 inputs is compared with fp32 PyTorch eager's (mean-pooled last hidden
states, or logits; fed the same token types): the largest absolute difference (and the lowest cosine) goes to `checks`
in results.json, beside `notes` (calibration, skipped rows); fp32 must be within 1e-3.
"""
import argparse
import json
import os
import platform
import socket
import statistics
import sys
import time
from datetime import datetime, timezone

import numpy as np

SCHEMA = "bertkit-bench/1"
PEERS = ["torch-eager", "torchscript-python", "onnxruntime-python", "openvino", "ctranslate2"]
# The precisions each peer offers (openvino's bf16 only where the CPU computes in bf16: main removes it elsewhere).
PRECISIONS = {"torch-eager": ["fp32", "int8"], "torchscript-python": ["fp32"], "onnxruntime-python": ["fp32", "int8"],
              "openvino": ["fp32", "bf16", "int8"], "ctranslate2": ["fp32", "int8"]}
# The Python module each peer needs beyond torch and transformers.
MODULES = {"onnxruntime-python": "onnxruntime", "openvino": "openvino", "ctranslate2": "ctranslate2"}
# Largest absolute difference to fp32 PyTorch eager that an fp32 peer may show on the check inputs.
FP32_TOLERANCE = 1e-3


def summary(values):
    """BertKit's Summary: linear-interpolation percentiles (NumPy's default), sample standard deviation."""
    if not values:
        return {"count": 0, "mean": 0, "median": 0, "p95": 0, "min": 0, "max": 0, "stddev": 0}
    a = np.asarray(values, dtype=np.float64)
    return {"count": len(values), "mean": float(a.mean()), "median": float(np.percentile(a, 50)),
            "p95": float(np.percentile(a, 95)), "min": float(a.min()), "max": float(a.max()),
            "stddev": float(a.std(ddof=1)) if len(values) > 1 else 0.0}


def fingerprint(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return format(h, "x")


def read_inputs(path, limit):
    """BertKit's InputFile: one input per line, raw text or {"text": ..., "text_pair": ...}."""
    raw = open(path, "rb").read()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    inputs = []
    for number, line in enumerate(lines, 1):
        text = line.rstrip(b"\r").decode("utf-8")
        if text.startswith("{"):
            obj = json.loads(text)
            inputs.append((obj["text"], obj.get("text_pair")))
        else:
            inputs.append((text, None))
        if not inputs[-1][0]:
            sys.exit(f"{path} line {number}: the text is empty")
    if limit is not None:
        inputs = inputs[:limit]
    if not inputs:
        sys.exit(f"{path} holds no input lines")
    return raw, inputs


def max_length(model_dir, config):
    offset = config["pad_token_id"] + 1 if config["model_type"] in ("roberta", "camembert", "xlm-roberta") else 0
    limit = config["max_position_embeddings"] - offset
    st = os.path.join(model_dir, "sentence_bert_config.json")
    if os.path.exists(st):
        limit = min(limit, json.load(open(st)).get("max_seq_length") or limit)
    return limit, config["max_position_embeddings"] - offset


def plan(lengths, ordering, size, mean_length):
    """Batching.plan of BertKit, for the three orderings."""
    by_length = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    if ordering == "unsorted":
        return [list(range(i, min(i + size, len(lengths)))) for i in range(0, len(lengths), size)]
    if ordering == "sorted":
        return [by_length[i:i + size] for i in range(0, len(by_length), size)]
    budget, cap = max(1, int(round(size * mean_length))), 4 * size
    batches, current, longest = [], [], 0
    for i in by_length:
        widened = max(longest, lengths[i])
        if current and ((len(current) + 1) * widened > budget or len(current) == cap):
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, lengths[i])
    if current:
        batches.append(current)
    return batches


def sweep(encodings, length, count):
    """BenchData.sweep: the first encoding's special tokens around the data's non-special tokens, back to back."""
    first = encodings[0]
    mask = first.special_tokens_mask
    lead = next((i for i, m in enumerate(mask) if m == 0), len(mask))
    trail = next((i for i, m in enumerate(reversed(mask)) if m == 0), len(mask))
    prefix = first.ids[:lead]
    suffix = first.ids[len(first.ids) - trail:] if lead < len(first.ids) else []
    body = [i for e in encodings for i, m in zip(e.ids, e.special_tokens_mask) if m == 0] or first.ids
    inner = max(0, length - len(prefix) - len(suffix))
    sequences, position = [], 0
    for _ in range(count):
        middle = [body[(position + k) % len(body)] for k in range(inner)]
        position += inner
        sequences.append((prefix + middle + suffix)[:length])
    return sequences


def padded(sequences, types, pad):
    longest = max(len(s) for s in sequences)
    x = np.full((len(sequences), longest), pad, dtype=np.int64)
    t = np.zeros((len(sequences), longest), dtype=np.int64)
    m = np.zeros((len(sequences), longest), dtype=np.int64)
    for r, s in enumerate(sequences):
        x[r, :len(s)] = s
        t[r, :len(s)] = types[r]
        m[r, :len(s)] = 1
    return x, t, m


def traced_file(path):
    """A file traced elsewhere (torch.jit.save), run as BertKit's torchscript backend runs it: eval, frozen and
    optimized for inference; its forward takes input_ids, attention_mask and perhaps token_type_ids."""
    import torch
    module = torch.jit.load(path).eval()
    names = [a.name for a in module.forward.schema.arguments[1:]]
    module = torch.jit.optimize_for_inference(torch.jit.freeze(module))

    def run(x, t, m):
        values = {"input_ids": torch.from_numpy(x), "attention_mask": torch.from_numpy(m), "token_type_ids": torch.from_numpy(t)}
        with torch.inference_mode():
            module(*[values[n] for n in names])
    return run


def engines(names, model_dir, work, threads, sample, classify, onnx_file=None, torchscript_file=None, precisions=("fp32",),
            calibration=None, verify=None):
    """(name, precision) -> callable(ids, type_ids, mask) for each peer and precision it offers. `calibration`: the
    (ids, type_ids, mask) inputs openvino's int8 is calibrated on; `verify(name, precision, run)` checks the output of
    openvino and ctranslate2 once each is set up."""
    made = {}
    for precision in precisions:
        one = peer_engines(names, model_dir, work, threads, sample, classify, onnx_file, torchscript_file, precision,
                           calibration)
        for name, run in one.items():
            if verify and name in ("openvino", "ctranslate2"):
                verify(name, precision, run)
            made[(name, precision)] = run
    return made


def peer_engines(names, model_dir, work, threads, sample, classify, onnx_file, torchscript_file, precision,
                 calibration=None):
    """name -> callable(ids, type_ids, mask) for each peer at `precision`."""
    names = [n for n in names if precision in PRECISIONS[n]]
    if not names:
        return {}
    import torch
    torch.set_num_threads(threads)
    made = {}
    if torchscript_file:
        made["torchscript-python"] = traced_file(torchscript_file)
        if set(names) <= {"torchscript-python"}:
            return made
    from transformers import AutoModel, AutoModelForSequenceClassification
    loader = AutoModelForSequenceClassification if classify else AutoModel
    if {"torch-eager", "torchscript-python"} & set(names):
        eager = loader.from_pretrained(model_dir, attn_implementation="eager").eval()
        if precision == "int8":
            eager = torch.ao.quantization.quantize_dynamic(eager, {torch.nn.Linear}, dtype=torch.qint8)

    class Plain(torch.nn.Module):
        """The model's main output as a plain tensor (transformers 5 dropped `torchscript=True`)."""
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            out = self.model(input_ids=input_ids, attention_mask=attention_mask)
            return out.logits if classify else out.last_hidden_state

    if "torch-eager" in names:
        def run_eager(x, t, m):
            with torch.inference_mode():
                eager(input_ids=torch.from_numpy(x), attention_mask=torch.from_numpy(m))
        made["torch-eager"] = run_eager
    sx, sm = torch.from_numpy(sample[0]), torch.from_numpy(sample[2])
    if "torchscript-python" in names and not torchscript_file:
        with torch.no_grad():
            traced = torch.jit.freeze(torch.jit.trace(Plain(eager).eval(), (sx, sm), strict=False))

        def run_traced(x, t, m):
            with torch.inference_mode():
                traced(torch.from_numpy(x), torch.from_numpy(m))
        made["torchscript-python"] = run_traced
    def exported():
        """The graph of onnxruntime-python and openvino: --onnx, or the model's torch.onnx.export into OUT/work."""
        path = onnx_file or os.path.join(work, "model.onnx")
        if not os.path.exists(path):
            fp32 = loader.from_pretrained(model_dir, attn_implementation="eager").eval()
            torch.onnx.export(Plain(fp32).eval(), (sx, sm), path, input_names=["input_ids", "attention_mask"],
                              output_names=["output"], opset_version=17, dynamo=False,
                              dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                            "attention_mask": {0: "batch", 1: "sequence"}, "output": {0: "batch"}})
        return path

    if "onnxruntime-python" in names:
        import onnxruntime as ort
        path = exported()
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic
            quantized = os.path.join(work, os.path.basename(path).replace(".onnx", "") + "-int8.onnx")
            if not os.path.exists(quantized):
                quantize_dynamic(path, quantized, weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": 1})
            path = quantized
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        wanted = [i.name for i in session.get_inputs()]
        if not set(wanted) <= {"input_ids", "attention_mask", "token_type_ids"}:
            sys.exit(f"{path}: inputs {wanted}; the peer feeds input_ids, attention_mask, token_type_ids")
        made["onnxruntime-python"] = lambda x, t, m: session.run(
            None, {n: v for n, v in (("input_ids", x), ("attention_mask", m), ("token_type_ids", t)) if n in wanted})
    if "openvino" in names:
        made["openvino"] = openvino_peer(exported(), threads, precision, calibration)
    if "ctranslate2" in names:
        made["ctranslate2"] = ctranslate2_peer(model_dir, work, threads, precision)
    return made


QUANTIZED = {}  # ONNX path -> its NNCF int8 ov.Model, quantized once for every thread count


def openvino_peer(path, threads, precision, calibration):
    """OpenVINO on the ONNX file `path`, one request at a time on `threads` threads (read back). Returns the output."""
    import openvino as ov
    core = ov.Core()
    model = core.read_model(path)
    wanted = [i.get_any_name() for i in model.inputs]
    if not set(wanted) <= {"input_ids", "attention_mask", "token_type_ids"}:
        sys.exit(f"{path}: inputs {wanted}; the peer feeds input_ids, attention_mask, token_type_ids")
    feeds = lambda x, t, m: {n: v for n, v in (("input_ids", x), ("attention_mask", m), ("token_type_ids", t))
                             if n in wanted}
    if precision == "int8":
        if path not in QUANTIZED:
            import nncf
            QUANTIZED[path] = nncf.quantize(model, nncf.Dataset([feeds(*c) for c in calibration]),
                                            model_type=nncf.ModelType.TRANSFORMER, subset_size=len(calibration))
        model = QUANTIZED[path]
    # int8 keeps f32 around its quantized operations, as the other int8 peers do.
    compiled = core.compile_model(model, "CPU", {
        "INFERENCE_PRECISION_HINT": "bf16" if precision == "bf16" else "f32", "INFERENCE_NUM_THREADS": threads,
        "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY"})
    read_back = compiled.get_property("INFERENCE_NUM_THREADS")
    if int(read_back) != threads:
        sys.exit(f"openvino: INFERENCE_NUM_THREADS reads back {read_back}, not {threads}")
    # A CPU without bf16 silently computes in f32 instead.
    computes = compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name()
    if computes != ("bf16" if precision == "bf16" else "f32"):
        sys.exit(f"openvino {precision}: INFERENCE_PRECISION_HINT reads back {computes}")
    print(f"openvino {precision}: INFERENCE_NUM_THREADS {read_back}, INFERENCE_PRECISION_HINT {computes}, "
          f"NUM_STREAMS {compiled.get_property('NUM_STREAMS')}", file=sys.stderr, flush=True)
    request = compiled.create_infer_request()

    def run(x, t, m):
        return request.infer(feeds(x, t, m), share_inputs=True, share_outputs=True)[0]
    run.token_types = "token_type_ids" in wanted  # for the check: torch.onnx.export here leaves them out
    return run


class StandInTokenizer:
    """What CTranslate2's converter reads of a tokenizer (get_vocab, unk_token), for a folder whose tokenizer.json is
    not its architecture's (the camembert-shaped random model of scripts/bench_engines.py carries MiniLM's WordPiece):
    that vocabulary, ids past it named <unused-ID> up to the model's vocab_size (the converter wants one token per
    embedding row)."""

    def __init__(self, model_dir):
        from tokenizers import Tokenizer
        tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        size = json.load(open(os.path.join(model_dir, "config.json")))["vocab_size"]
        by_id = {i: t for t, i in tokenizer.get_vocab(with_added_tokens=True).items() if i < size}
        self.vocab = {by_id.get(i, f"<unused-{i}>"): i for i in range(size)}
        self.unk_token = getattr(tokenizer.model, "unk_token", None) or "<unk>"

    def get_vocab(self):
        return self.vocab


def ctranslate2_peer(model_dir, work, threads, precision):
    """CTranslate2's Encoder on the model folder converted into `work` (int8: its weights quantized at conversion).
    It gets the ids with each row's length, so that it drops the padding; token types only for pairs (else zeros).
    Returns the last hidden states."""
    import ctranslate2
    path = os.path.join(work, f"ctranslate2-{precision}")
    if not os.path.exists(os.path.join(path, "model.bin")):
        class Converter(ctranslate2.converters.TransformersConverter):
            def load_model(self, model_class, model_name_or_path, **kwargs):
                # Its BERT-family loaders assert position_embedding_type == "absolute", an attribute transformers 5
                # dropped (absolute only): a config.json saved by it (the camembert-shaped model) lacks it.
                config = kwargs.get("config")
                if config is not None and not hasattr(config, "position_embedding_type"):
                    config.position_embedding_type = "absolute"
                return super().load_model(model_class, model_name_or_path, **kwargs)

            def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
                try:
                    return super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
                except Exception as error:  # noqa: BLE001 (the run feeds ids: only the vocabulary's size matters)
                    print(f"ctranslate2: the folder's tokenizer does not load as its architecture's ({error!r}); "
                          "its tokenizer.json's vocabulary, padded to the embedding's rows, goes with the conversion",
                          file=sys.stderr, flush=True)
                    return StandInTokenizer(model_name_or_path)
        Converter(model_dir).convert(path, quantization="int8" if precision == "int8" else None, force=True)
    encoder = ctranslate2.Encoder(path, device="cpu", intra_threads=threads, inter_threads=1,
                                  compute_type="int8" if precision == "int8" else "float32")
    takes = json.load(open(os.path.join(model_dir, "config.json"))).get("type_vocab_size", 0) > 1

    def run(x, t, m):
        ids = ctranslate2.StorageView.from_array(x.astype(np.int32))
        lengths = ctranslate2.StorageView.from_array(m.sum(axis=1, dtype=np.int32))
        types = t.tolist() if takes and t.any() else None
        return encoder.forward_batch(ids, lengths, token_type_ids=types).last_hidden_state
    run.token_types = takes
    return run


def reference(model_dir, classify, batch, token_types):
    """fp32 PyTorch eager on `batch` (ids, type_ids, mask); with its token types if `token_types` and the model takes
    them (the peers' inputs hold token types other than 0 only for text pairs)."""
    import inspect
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification
    model = (AutoModelForSequenceClassification if classify else AutoModel).from_pretrained(
        model_dir, attn_implementation="eager").eval()
    x, t, m = (torch.from_numpy(v) for v in batch)
    takes = token_types and "token_type_ids" in inspect.signature(model.forward).parameters
    extra = {"token_type_ids": t} if takes else {}
    with torch.inference_mode():
        out = model(input_ids=x, attention_mask=m, **extra)
    return (out.logits if classify else out.last_hidden_state).float().numpy()


def compare(out, expected):
    """Largest absolute difference and lowest row cosine of `out` against `expected` (rows of vectors)."""
    norms = np.linalg.norm(out, axis=1) * np.linalg.norm(expected, axis=1)
    return float(np.abs(out - expected).max()), float(((out * expected).sum(axis=1) / norms).min())


def pooled(hidden, mask):
    """Mean over each row's real tokens."""
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1)


def measure(run, batches, repeats, stop_check=None):
    cell_start = time.perf_counter()
    model = 0.0

    def timed(batch):
        nonlocal model
        t0 = time.perf_counter()
        run(*batch)
        elapsed = time.perf_counter() - t0
        model += elapsed
        return elapsed

    longest = max(range(len(batches)), key=lambda i: batches[i][0].shape[1])
    timed(batches[longest])
    if longest != 0:
        timed(batches[0])
    passes, latencies = [], []
    for _ in range(repeats):
        total = 0.0
        for batch in batches:
            elapsed = timed(batch)
            total += elapsed
            latencies.append(elapsed * 1e3)
        passes.append(total * 1e3)
    return passes, latencies, (time.perf_counter() - cell_start) * 1e3, model * 1e3


def cell_result(spec, batches, sequences, tokens, passes, latencies, cell_ms, model_ms):
    key = "{backend}/{precision}/t{threads}/{ordering}/b{batchSize}/".format(**spec) + (
        f"len{spec['length']}" if spec.get("length") else "data")
    median = statistics.median(passes)
    return {"spec": spec, "key": key, "sequences": sequences, "tokens": tokens,
            "paddedTokens": sum(int(b[0].shape[0] * b[0].shape[1]) for b in batches), "batches": len(batches),
            "repeatsMs": passes, "msPerSequence": summary([p / sequences for p in passes]), "batchMs": summary(latencies),
            "sequencesPerSecond": sequences / median * 1e3 if median > 0 else 0,
            "tokensPerSecond": tokens / median * 1e3 if median > 0 else 0,
            "cellMs": cell_ms, "modelMs": model_ms, "overhead": max(0.0, cell_ms - model_ms) / cell_ms if cell_ms > 0 else 0}


def machine():
    cpu, flags = "", []
    interesting = {"sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                   "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "asimd", "asimdhp", "sve", "sve2", "i8mm", "bf16"}
    try:
        for line in open("/proc/cpuinfo"):
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if not cpu and key in ("model name", "Model"):
                cpu = value
            if not flags and key in ("flags", "Features"):
                flags = sorted(f for f in value.split() if f in interesting)
    except OSError:
        pass
    pretty = platform.system()
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip().strip('"')
    return {"hostname": socket.gethostname(), "os": pretty, "kernel": platform.release(), "architecture": platform.machine(),
            "cpu": cpu, "cpuFlags": flags, "cores": len(os.sched_getaffinity(0)),
            "memoryBytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")}


def numbers(text):
    return [int(v) for v in text.split(",") if v]


def available(name):
    import importlib.util
    return name not in MODULES or importlib.util.find_spec(MODULES[name]) is not None


def bf16_cpu(flags):
    return bool({"avx512_bf16", "amx_bf16"} & set(flags))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", default="bench-peers")
    p.add_argument("--backends", default=",".join(PEERS))
    p.add_argument("--batch-sizes", default="1,2,4,8,16,32,64")
    p.add_argument("--orderings", default="unsorted,sorted,tokens")
    p.add_argument("--lengths", default="16,32,64,128,256,512")
    p.add_argument("--length-batch-sizes", default="1,8")
    p.add_argument("--sweep-size", type=int, default=64)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", default=str(len(os.sched_getaffinity(0))))
    p.add_argument("--limit", type=int)
    p.add_argument("--precisions", default="fp32", help="fp32, int8 (the quantized peers) and/or bf16 (openvino)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--onnx", help="ONNX file for onnxruntime-python (default: torch.onnx.export of the model into OUT/work)")
    p.add_argument("--torchscript", help="traced file for torchscript-python (default: torch.jit.trace of the model)")
    p.add_argument("--calibration", help="inputs (one per line, as --data; none of the measured ones) that openvino's "
                                         "int8 is calibrated on: needed for openvino at int8")
    a = p.parse_args()

    names = [n for n in a.backends.split(",") if n]
    for n in names:
        if n not in PEERS:
            sys.exit(f"unknown peer '{n}' (known: {', '.join(PEERS)})")
    host = machine()
    notes = []
    if "ctranslate2" in names and "avx512f" in host["cpuFlags"]:
        os.environ.setdefault("CT2_FORCE_CPU_ISA", "AVX512")  # read when ctranslate2 is imported
        notes.append(f"ctranslate2: CT2_FORCE_CPU_ISA={os.environ['CT2_FORCE_CPU_ISA']}")

    import torch
    import importlib.util
    from tokenizers import Tokenizer

    precisions = [p for p in a.precisions.split(",") if p]
    for precision in precisions:
        if precision not in ("fp32", "bf16", "int8"):
            sys.exit(f"unknown precision '{precision}' (the peers offer fp32, bf16 and int8)")
    if not bf16_cpu(host["cpuFlags"]):
        PRECISIONS["openvino"].remove("bf16")
        if "bf16" in precisions and "openvino" in names:
            print("openvino bf16 skipped: this CPU has neither avx512_bf16 nor amx_bf16", file=sys.stderr)
            notes.append("openvino bf16 skipped: this CPU has neither avx512_bf16 nor amx_bf16")
    config = json.load(open(os.path.join(a.model, "config.json")))
    limit, positions = max_length(a.model, config)
    raw, inputs = read_inputs(a.data, a.limit)
    tokenizer = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    full = tokenizer.encode_batch([(t, p) if p else t for t, p in inputs])
    tokenizer.enable_truncation(max_length=limit)
    encode = lambda: tokenizer.encode_batch([(t, p) if p else t for t, p in inputs])
    encodings = encode()
    lengths = [len(e.ids) for e in encodings]
    mean_length = sum(lengths) / len(lengths)
    pad = config.get("pad_token_id", 0) or 0
    classify = any(arch.endswith("ForSequenceClassification") for arch in config.get("architectures") or [])
    if classify and "ctranslate2" in names:
        sys.exit("ctranslate2 runs encoders without a classification head: leave it out of --backends for this model")
    calibration = None
    if "openvino" in names and "int8" in precisions:
        if not a.calibration:
            sys.exit("openvino int8 is calibrated on inputs other than the measured ones: give --calibration FILE")
        calibration_raw, calibration_inputs = read_inputs(a.calibration, 300)  # NNCF's default subset size
        shared = set(calibration_inputs) & set(inputs)
        if shared:
            sys.exit(f"{a.calibration}: {len(shared)} of its first {len(calibration_inputs)} inputs are measured "
                     f"inputs of {a.data}; calibrate on other ones")
        calibration = [padded([e.ids], [e.type_ids], pad)
                       for e in tokenizer.encode_batch([(t, p) if p else t for t, p in calibration_inputs])]
        notes.append(f"openvino int8: NNCF calibrated on the first {len(calibration)} inputs of {a.calibration} "
                     f"(fingerprint {fingerprint(calibration_raw)})")
    threads = numbers(a.threads)
    lengths_sweep = [] if a.lengths == "none" else [l for l in numbers(a.lengths) if l <= positions]
    skipped = [] if a.lengths == "none" else [l for l in numbers(a.lengths) if l > positions]
    os.makedirs(a.out, exist_ok=True)

    tok_passes = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        encode()
        tok_passes.append((time.perf_counter() - start) * 1e3)
    tokens = sum(lengths)
    results = {
        "schema": SCHEMA, "tool": f"scripts/peers (torch {torch.__version__})",
        "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "command": sys.argv, "complete": False,
        "machine": host,
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     **{name: __import__(name).__version__ for name in ["onnxruntime", "transformers"]
                        if importlib.util.find_spec(name)}},
        "model": {"path": a.model, "architecture": config["model_type"], "hiddenSize": config["hidden_size"],
                  "layers": config["num_hidden_layers"], "heads": config["num_attention_heads"], "parameters": 0,
                  "task": "classify" if classify else "embed"},
        "data": {"path": a.data, "sequences": len(inputs), "bytes": len(raw), "fingerprint": fingerprint(raw), "tokens": tokens,
                 "length": summary([float(l) for l in lengths]), "truncated": sum(len(e.ids) > limit for e in full),
                 "maxLength": limit, "pairs": sum(p is not None for _, p in inputs)},
        "settings": {"grid": {"backends": [{"name": n, "precisions": [p for p in precisions if p in PRECISIONS[n]]}
                                           for n in names],
                              "batchSizes": numbers(a.batch_sizes), "orderings": a.orderings.split(","), "threads": threads,
                              "lengths": lengths_sweep, "lengthBatchSizes": numbers(a.length_batch_sizes)},
                     "repeats": a.repeats, "sweepSize": a.sweep_size, "limit": a.limit, "baseline": "torch-eager"},
        "backends": [{"name": n, "precisions": PRECISIONS[n], "available": available(n),
                      **({} if available(n) else {"reason": f"no {MODULES[n]} module in this Python"})} for n in PEERS],
        "skippedLengths": skipped,
        "tokenization": {"threads": len(os.sched_getaffinity(0)), "repeatsMs": tok_passes,
                         "msPerSequence": summary([t / len(inputs) for t in tok_passes]),
                         "tokensPerSecond": tokens / statistics.median(tok_passes) * 1e3},
        "cells": [],
        # The output of openvino and ctranslate2 against fp32 PyTorch eager, and how their runs were set up.
        "checks": [], "notes": notes,
    }
    if "openvino" in names:
        import openvino
        results["versions"]["openvino"] = openvino.get_version()
        if "int8" in precisions:
            import nncf
            results["versions"]["nncf"] = nncf.__version__
    if "ctranslate2" in names:
        import ctranslate2
        results["versions"]["ctranslate2"] = ctranslate2.__version__

    def save():
        with open(os.path.join(a.out, "results.json"), "w") as f:
            json.dump(results, f, indent=2, sort_keys=True)

    sample = padded([encodings[0].ids], [encodings[0].type_ids], pad)
    check = padded([e.ids for e in encodings[:8]], [e.type_ids for e in encodings[:8]], pad)
    summarize = (lambda out: out) if classify else (lambda out: pooled(out, check[2]))
    expected = {}  # token types fed or not -> the reference output

    def verify(name, precision, run):
        types = bool(check[1].any()) and getattr(run, "token_types", True)
        if types not in expected:
            expected[types] = summarize(reference(a.model, classify, check, types))
        out = summarize(np.array(run(*check), dtype=np.float32))
        diff, cosine = compare(out, expected[types])
        entry = {"backend": name, "precision": precision, "threads": made_threads, "sequences": len(check[0]),
                 "reference": "torch-eager/fp32", "tokenTypes": types, "maxAbsDiff": diff,
                 "compared": "logits" if classify else "mean-pooled last hidden states"}
        if not classify:
            entry["cosineMin"] = cosine
        results["checks"].append(entry)
        print(f"check {name} {precision} t{made_threads}: max abs diff to torch-eager fp32 {diff:.3g}"
              + (f", lowest cosine {entry['cosineMin']:.6f}" if not classify else ""), file=sys.stderr, flush=True)
        if precision == "fp32" and diff > FP32_TOLERANCE:
            save()
            sys.exit(f"{name} fp32 differs from torch-eager fp32 by {diff:.3g} (more than {FP32_TOLERANCE})")

    work = os.path.join(a.out, "work")
    os.makedirs(work, exist_ok=True)
    specs = []
    for t in threads:
        for n in names:
            for q in [p for p in precisions if p in PRECISIONS[n]]:
                for o in a.orderings.split(","):
                    for b in numbers(a.batch_sizes):
                        specs.append((t, n, q, o, b, None))
                for l in lengths_sweep:
                    for b in numbers(a.length_batch_sizes):
                        specs.append((t, n, q, "unsorted", b, l))
    made, made_threads = {}, None
    for index, (t, n, q, o, b, l) in enumerate(specs, 1):
        if made_threads != t:
            made_threads = t
            made = engines(names, a.model, work, t, sample, classify, a.onnx, a.torchscript, precisions,
                           calibration, verify)
        if l is None:
            groups = plan(lengths, o, b, mean_length)
            batches = [padded([encodings[i].ids for i in g], [encodings[i].type_ids for i in g], pad) for g in groups]
            sequences, count = len(inputs), tokens
        else:
            seqs = sweep(encodings, l, a.sweep_size)
            batches = [padded(seqs[i:i + b], [[0] * l] * len(seqs[i:i + b]), pad) for i in range(0, len(seqs), b)]
            sequences, count = len(seqs), l * len(seqs)
        if not a.quiet:
            print(f"[{index}/{len(specs)}] {n} {q} {o} batch {b}" + (f" len {l}" if l else ""), file=sys.stderr, flush=True)
        passes, latencies, cell_ms, model_ms = measure(made[(n, q)], batches, a.repeats)
        spec = {"backend": n, "precision": q, "threads": t, "ordering": o, "batchSize": b}
        if l is not None:
            spec["length"] = l
        results["cells"].append(cell_result(spec, batches, sequences, count, passes, latencies, cell_ms, model_ms))
        save()
    results["complete"] = True
    save()
    print(f"{len(results['cells'])} cells measured; results: {a.out}/results.json")


if __name__ == "__main__":
    main()
