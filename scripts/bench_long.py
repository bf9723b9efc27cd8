#!/usr/bin/env python3
"""Long-context benchmark of a rotary encoder: BertKit native against ONNX Runtime and OpenVINO on the same model,
over a length sweep (default 512, 2048, 8192 tokens at batch 1 and 8), and each engine's peak resident memory on one
sequence of the longest length.

With --arch modernbert the model is ModernBERT-base-shaped instead (ModernBertModel: hidden 768, 22 pre-LayerNorm
layers of 12 heads, GeGLU of intermediate 1152, local_attention 128 on two layers of every three, θ 160000 global and
10000 local, vocabulary 50368, sharpened by tools/make_modernbert_fixtures.py's rules), in OUT/modernbert-base-random-L22.

The model: a GTE-base-shaped encoder (transformers 5's GteModel: hidden 768, 12 layers of 12 heads, intermediate 3072
in a GeGLU, post-LayerNorm, 8192 positions, rotary θ 160000, vocabulary 30528, one token type) with random weights
scaled to trained magnitudes by tools/make_rope_fixtures.py's `sharpen`, saved by save_pretrained into
OUT/gte-base-random-L{layers} (not committed) with MiniLM's WordPiece tokenizer.json (its truncation and padding
removed; the fixture tokenizer of Tests/Fixtures/models/tiny-gte-cls where models/all-MiniLM-L6-v2 is missing).
Speed depends on the shape, not on the vocabulary. --layers shrinks it for smoke runs.

Inputs: each cell runs --sequences sequences (default: the largest batch) of exactly LENGTH tokens: [CLS], words of
the vocabulary that are one token each (a different stretch of a shuffled list per sequence), [SEP]. Their lengths
are asserted with the tokenizers library, and `bertkit tokenize` must give the same ids the peers are fed
(OUT/inputs/len{L}.txt and .npy). No padding: every row of a batch is LENGTH long.

Engines, each in its own process:
- bertkit: `bertkit embed --model DIR --input FILE --max-length L --batching fixed --batch-size B --execution packed
  --threads T --timing --precision fp32`, one process per pass as scripts/bench_engines.py's bertkit_pass; the time is
  its --timing `model_ms` (tokenization, loading and its own one-sequence warm-up excluded; pooling included), and
  the `tokens` it reports must equal sequences x L.
- onnxruntime / openvino: the folder's GteModel (eager attention) exported by torch.onnx.export (TorchScript exporter,
  opset 17, dynamic batch and sequence axes, inputs input_ids and attention_mask, output last_hidden_state) into
  OUT/work; optimum is not used (not installed in .venv; torch.onnx.export is the exporter of bench_engines.py and
  bench_peers.py). Each runs in a worker process of this script (`_worker`) that stays up for the whole sweep:
  ONNX Runtime as bench_engines.py sets it up (CPUExecutionProvider, ORT_ENABLE_ALL, intra_op_num_threads T,
  inter_op_num_threads 1; the session's options read back), OpenVINO through bench_peers.openvino_peer (INFERENCE_NUM_
  THREADS T, INFERENCE_PRECISION_HINT f32, NUM_STREAMS 1, PERFORMANCE_HINT LATENCY, read back: it exits on a
  mismatch). The time of a pass is the sum over its batches of the engine's call plus mean pooling in NumPy (BertKit's
  model_ms includes its pooling too), after a warm-up batch at the cell's shape.
Cells (length x batch) run in turn; within a cell the --repeats passes alternate engine by engine (pass 1 of every
engine, then pass 2, ...), so drift hits every engine alike. The cell's figure is the median pass, in ms per sequence;
tokens/s = sequences x L / that median; the peers' ratio is peer ms / BertKit ms (above 1: BertKit faster).
--skip drops cells (8192x8, or openvino:8192x8 for one engine) and --max-tokens-per-pass drops every cell whose batch x
length exceeds it; a worker that dies (e.g. killed for memory) has its cell recorded as failed and is restarted.

Correctness, once per length before any timing: each engine's pooled output on the first input of the length (batch 1)
against PyTorch eager fp32 (transformers, attn_implementation="eager") on the same ids, pooled as BertKit pools this
folder (`bertkit info`: mean over the tokens, normalized or not); at the shortest length every input of the cell, in
batches of the largest batch size (the export's batch axis, BertKit's batched path). The run stops on a difference
above 1e-3.

Memory: for each --memory-lengths length (default 16 and the longest), a fresh process per engine runs one sequence at
batch 1 twice (warm-up, then the measured call, as `bertkit embed --timing` does) under /usr/bin/time -f %M (the
child's maximum resident set, as bench_engines.py's bertkit_memory); each process also reports its own VmHWM, and the
peers their resident set after imports and after loading (bertkit: `bertkit info`'s resident memory after load).
The 16-token run shows what loading alone costs.

Writes OUT/long.json (machine and CPU flags, versions, the command, settings, checks, cells with every pass, memory)
and OUT/long.md (the tables).

Usage (from the repository root; the bertkit binary built beforehand):
    .venv/bin/python scripts/bench_long.py --out bench-out/long
    .venv/bin/python scripts/bench_long.py --layers 1 --lengths 64,256 --batches 1,2 --repeats 1 --out /tmp/long-smoke
"""
import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "peers"))
# The peers' helpers: the OpenVINO setup (threads and precision read back), mean pooling, the comparison and its
# tolerance, the machine's description (CPU, flags, cores, memory).
from bench_peers import FP32_TOLERANCE, compare, machine, openvino_peer, pooled  # noqa: E402

ENGINES = ["bertkit", "onnxruntime", "openvino"]
PEERS = ["onnxruntime", "openvino"]
TIME = "/usr/bin/time"
GTE_VOCAB = 30528  # gte-base-en-v1.5's vocabulary size
MODERNBERT_VOCAB = 50368  # ModernBERT-base's


# Worker processes (no torch in them) ---------------------------------------------------------------------------------

def status_kib(pid="self"):
    """VmRSS and VmHWM of a process, in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0])
    return values


def open_engine(engine, onnx_path, threads):
    """callable(ids, mask) -> last hidden states, and what was read back of its settings."""
    if engine == "onnxruntime":
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
        used = session.get_session_options()
        if used.intra_op_num_threads != threads:
            sys.exit(f"onnxruntime: intra_op_num_threads reads back {used.intra_op_num_threads}, not {threads}")
        names = [i.name for i in session.get_inputs()]

        def run(x, m):
            feeds = {n: v for n, v in (("input_ids", x), ("attention_mask", m)) if n in names}
            return session.run(["last_hidden_state"], feeds)[0]
        return run, {"version": ort.__version__, "providers": session.get_providers(),
                     "read_back": {"intra_op_num_threads": used.intra_op_num_threads,
                                   "inter_op_num_threads": used.inter_op_num_threads,
                                   "graph_optimization_level": str(used.graph_optimization_level)}}
    if engine == "openvino":
        import openvino
        ov_run = openvino_peer(onnx_path, threads, "fp32", None)  # exits unless both read back as asked
        return (lambda x, m: ov_run(x, np.zeros_like(x), m)), {
            "version": openvino.get_version(),
            "read_back": {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32", "NUM_STREAMS": 1,
                          "PERFORMANCE_HINT": "LATENCY", "checked_by": "bench_peers.openvino_peer (exits on a mismatch)"}}
    raise ValueError(engine)


def pool(hidden, mask, normalize):
    v = pooled(np.asarray(hidden, dtype=np.float32), mask)
    if normalize:
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
    return v


def worker_main(argv):
    """`_worker ENGINE ONNX THREADS NORMALIZE`: JSON commands on stdin, one JSON answer per line on stdout."""
    engine, onnx_path, threads, normalize = argv[0], argv[1], int(argv[2]), argv[3] == "1"
    out = sys.stdout
    sys.stdout = sys.stderr  # the engines' own prints stay off the protocol
    run, info = open_engine(engine, onnx_path, threads)
    out.write(json.dumps({"ready": True, **info, **status_kib()}) + "\n")
    out.flush()
    cache = {}
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "quit":
            break
        if cmd["ids"] not in cache:
            cache.clear()
            cache[cmd["ids"]] = np.load(cmd["ids"])
        ids = cache[cmd["ids"]]
        if cmd["op"] == "check":  # the first `rows` inputs in batches of `batch`: their pooled outputs
            rows, b = cmd["rows"], cmd["batch"]
            parts = [pool(run(ids[i:min(i + b, rows)], np.ones_like(ids[i:min(i + b, rows)])),
                          np.ones_like(ids[i:min(i + b, rows)]), normalize) for i in range(0, rows, b)]
            answer = {"pooled": np.concatenate(parts).tolist()}
        else:  # pass: warm-up on the first batch (optional), then every batch of `batch` rows, timed
            b = cmd["batch"]
            plan = [(ids[i:i + b], np.ones_like(ids[i:i + b])) for i in range(0, len(ids), b)]
            if cmd.get("warmup"):
                pool(run(*plan[0]), plan[0][1], normalize)
            start = time.perf_counter()
            for x, m in plan:
                pool(run(x, m), m, normalize)
            answer = {"ms": (time.perf_counter() - start) * 1e3, "sequences": len(ids)}
        answer.update(status_kib())
        out.write(json.dumps(answer) + "\n")
        out.flush()


def memory_main(argv):
    """`_memory ENGINE ONNX THREADS NORMALIZE IDS`: one process, one sequence run twice; prints its memory as JSON."""
    engine, onnx_path, threads, normalize, ids_path = argv[0], argv[1], int(argv[2]), argv[3] == "1", argv[4]
    x = np.load(ids_path)[:1]
    m = np.ones_like(x)
    at_start = status_kib()["VmRSS"]
    if engine == "onnxruntime":
        import onnxruntime  # noqa: F401
    else:
        import openvino  # noqa: F401
    after_import = status_kib()["VmRSS"]
    out = sys.stdout
    sys.stdout = sys.stderr
    run, _ = open_engine(engine, onnx_path, threads)
    after_load = status_kib()["VmRSS"]
    pool(run(x, m), m, normalize)
    start = time.perf_counter()
    pool(run(x, m), m, normalize)
    ms = (time.perf_counter() - start) * 1e3
    out.write(json.dumps({"rss_start_kib": at_start, "rss_after_import_kib": after_import, "rss_after_load_kib": after_load,
                          "vmhwm_kib": status_kib()["VmHWM"], "ms": ms}) + "\n")


class EngineDied(Exception):
    pass


class Worker:
    """A peer engine in its own process, started (again) on demand."""

    def __init__(self, engine, onnx_path, threads, normalize):
        self.engine, self.args = engine, [engine, onnx_path, str(threads), "1" if normalize else "0"]
        self.proc, self.info, self.starts = None, None, 0

    def start(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "_worker", *self.args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.starts += 1
        self.info = self.read()

    def read(self):
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            self.proc = None
            raise EngineDied(f"{self.engine} worker exited with {code}" + (" (killed)" if code < 0 else ""))
        return json.loads(line)

    def call(self, **cmd):
        if self.proc is None:
            self.start()
        try:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        return self.read()

    def close(self):
        if self.proc is not None:
            try:
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
            self.proc.wait()
            self.proc = None


# The model, its export and the inputs (main process) -----------------------------------------------------------------

def tokenizer_source(minilm):
    for path in (os.path.join(minilm, "tokenizer.json"), os.path.join(ROOT, "Tests/Fixtures/models/tiny-gte-cls/tokenizer.json")):
        if os.path.exists(path):
            return path
    sys.exit(f"no tokenizer.json in {minilm} (make models) nor in the tiny-gte-cls fixture")


def model_folder(arch, out, layers, tokenizer_json):
    """The GTE-base- or ModernBERT-base-shaped random model (sharpened), saved by save_pretrained, with a tokenizer.json
    that neither truncates nor pads."""
    folder = os.path.join(out, f"{arch}-base-random-L{layers}")
    if os.path.exists(os.path.join(folder, "model.safetensors")) and os.path.exists(os.path.join(folder, "tokenizer.json")):
        return folder
    import torch
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(tokenizer_json)
    torch.manual_seed(0)
    if arch == "modernbert":
        from make_modernbert_fixtures import sharpen
        from transformers import ModernBertConfig, ModernBertModel
        # ModernBERT-base's shape and attention pattern (local_attention 128 on two layers of every three, θ 160000
        # global and 10000 local); its 50,368-row vocabulary.
        config = ModernBertConfig(vocab_size=max(MODERNBERT_VOCAB, tokenizer.get_vocab_size()), hidden_size=768,
                                  num_hidden_layers=layers, num_attention_heads=12, intermediate_size=1152,
                                  hidden_activation="gelu", norm_eps=1e-5, max_position_embeddings=8192, pad_token_id=0,
                                  local_attention=128, global_attn_every_n_layers=3)
        model = ModernBertModel(config)
        sharpen(model, 43)
    else:
        from make_rope_fixtures import sharpen
        from transformers import GteConfig, GteModel
        config = GteConfig(vocab_size=max(GTE_VOCAB, tokenizer.get_vocab_size()), hidden_size=768,
                           num_hidden_layers=layers, num_attention_heads=12, intermediate_size=3072, type_vocab_size=1,
                           hidden_act="gelu", layer_norm_eps=1e-12, max_position_embeddings=8192, pad_token_id=0,
                           rope_parameters={"rope_type": "default", "rope_theta": 160000.0})
        model = GteModel(config)
        sharpen(model, 43)
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder)
    spec = json.load(open(tokenizer_json, encoding="utf-8"))
    spec["truncation"], spec["padding"] = None, None
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    del model
    gc.collect()
    return folder


def export_onnx(folder, work):
    """torch.onnx.export of the folder's GteModel (eager attention): dynamic batch and sequence, last_hidden_state."""
    path = os.path.join(work, "model.onnx")
    if os.path.exists(path):
        return path
    import torch
    from transformers import AutoModel
    model = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sx = torch.randint(1000, 2000, (2, 16))
    sm = torch.ones_like(sx)
    os.makedirs(work, exist_ok=True)
    torch.onnx.export(LastHiddenState(model).eval(), (sx, sm), path, input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "last_hidden_state": {0: "batch", 1: "sequence"}})
    del model
    gc.collect()
    return path


def one_token_words(tokenizer):
    """Lower-case alphabetic vocabulary words that encode to exactly their own id, shuffled (fixed seed)."""
    vocab = tokenizer.get_vocab()
    candidates = sorted(w for w in vocab if w.isascii() and w.isalpha() and w.islower() and 2 <= len(w) <= 10)
    encoded = tokenizer.encode_batch(candidates, add_special_tokens=False)
    words = [w for w, e in zip(candidates, encoded) if e.ids == [vocab[w]]]
    if not words:
        sys.exit("the tokenizer has no word that is one token")
    random.Random(7).shuffle(words)
    return words


def make_inputs(tokenizer, words, length, count, where):
    """`count` texts of exactly `length` tokens and their ids; written to where/len{length}.txt and .npy."""
    specials = len(tokenizer.encode(words[0]).ids) - 1
    body = length - specials
    if body < 1:
        sys.exit(f"length {length} leaves no room for words")
    texts = []
    for k in range(count):
        start = (k * body) % len(words)
        texts.append(" ".join(words[(start + j) % len(words)] for j in range(body)))
    ids = np.array([e.ids for e in tokenizer.encode_batch(texts)], dtype=np.int64)
    assert ids.shape == (count, length), f"texts of length {length} tokenize to {ids.shape}"
    os.makedirs(where, exist_ok=True)
    text_path, ids_path = os.path.join(where, f"len{length}.txt"), os.path.join(where, f"len{length}.npy")
    with open(text_path, "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
    np.save(ids_path, ids)
    first = os.path.join(where, f"len{length}-first.txt")
    with open(first, "w", encoding="utf-8") as f:
        f.write(texts[0] + "\n")
    return text_path, ids_path, first, ids


def same_ids_as_bertkit(binary, folder, text_path, ids, length):
    out = subprocess.run([binary, "tokenize", "--model", folder, "--input", text_path, "--max-length", str(length)],
                         capture_output=True, text=True, check=True).stdout
    got = [json.loads(line)["ids"] for line in out.splitlines()]
    if got != ids.tolist():
        sys.exit(f"{text_path}: `bertkit tokenize` gives other ids than the tokenizers library")


def references(folder, inputs, threads, normalize, rows_of):
    """PyTorch eager fp32 (eager attention) on each length's first `rows_of(length)` inputs, each alone, pooled as
    BertKit pools the folder."""
    import torch
    import transformers
    from transformers import AutoModel
    torch.set_num_threads(threads)
    model = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
    expected = {}
    for length, item in inputs.items():
        rows = []
        for row in item["ids"][:rows_of(length)]:
            x = torch.from_numpy(row[None])
            with torch.inference_mode():
                hidden = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state.numpy()
            rows.append(pool(hidden, np.ones_like(row[None]), normalize)[0])
        expected[length] = np.stack(rows)
    del model
    gc.collect()
    return expected, {"torch": torch.__version__, "transformers": transformers.__version__}


# BertKit (main process) ----------------------------------------------------------------------------------------------

def bertkit_command(binary, folder, text_path, length, batch, threads):
    return [binary, "embed", "--model", folder, "--input", text_path, "--max-length", str(length), "--batching", "fixed",
            "--batch-size", str(batch), "--execution", "packed", "--threads", str(threads), "--timing",
            "--precision", "fp32"]


def timing_line(stderr):
    for line in reversed(stderr.strip().splitlines()):
        if line.startswith("{") and '"model_ms"' in line:
            return json.loads(line)
    raise ValueError(f"no --timing line in: {stderr[-500:]}")


def bertkit_pass(binary, folder, text_path, length, batch, threads, sequences):
    result = subprocess.run(bertkit_command(binary, folder, text_path, length, batch, threads),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise EngineDied(f"bertkit exited with {result.returncode}: {result.stderr.strip()[-300:]}")
    timing = timing_line(result.stderr)
    if timing["sequences"] != sequences or timing["tokens"] != sequences * length:
        sys.exit(f"bertkit ran {timing['sequences']} sequences of {timing['tokens']} tokens, not {sequences} x {length}")
    return timing


def bertkit_check(binary, folder, text_path, length, batch, threads):
    out = subprocess.run(bertkit_command(binary, folder, text_path, length, batch, threads), capture_output=True,
                         text=True, check=True).stdout
    return np.array([json.loads(line)["embedding"] for line in out.splitlines()], dtype=np.float32)


# Memory --------------------------------------------------------------------------------------------------------------

def timed_child(command):
    """Runs `command` under /usr/bin/time -f %M where present: (returncode, stdout, stderr without time's line,
    maximum resident set in KiB or None)."""
    use_time = os.path.exists(TIME)
    result = subprocess.run(([TIME, "-f", "%M"] if use_time else []) + command, capture_output=True, text=True)
    lines = result.stderr.rstrip("\n").splitlines()
    peak = None
    if use_time and lines and lines[-1].strip().isdigit():
        peak = int(lines.pop().strip())
    return result.returncode, result.stdout, "\n".join(lines), peak


def memory_run(engine, args, folder, onnx_path, threads, normalize, item, length):
    entry = {"engine": engine, "length": length, "batch_size": 1, "threads": threads,
             "measured": f"{TIME} -f %M (maximum resident set of the engine's process)" if os.path.exists(TIME)
             else "VmHWM the process reports (no /usr/bin/time)"}
    if engine == "bertkit":
        code, _, err, peak = timed_child(bertkit_command(args.bertkit, folder, item["first"], length, 1, threads))
        if code == 0:
            timing = timing_line(err)
            entry.update(peak_rss_kib=peak, vmhwm_kib=timing["peak_rss_kb"], ms=timing["model_ms"])
    else:
        code, out, err, peak = timed_child([sys.executable, os.path.abspath(__file__), "_memory", engine, onnx_path,
                                            str(threads), "1" if normalize else "0", item["ids_path"]])
        if code == 0:
            entry.update(peak_rss_kib=peak, **json.loads(out.strip().splitlines()[-1]))
    if code != 0:
        entry["error"] = f"exited with {code}: {err.strip()[-300:]}"
    elif entry.get("peak_rss_kib") is None:
        entry["peak_rss_kib"] = entry["vmhwm_kib"]
    return entry


# Report --------------------------------------------------------------------------------------------------------------

def gflop_per_sequence(config, length):
    """Multiply-adds x 2 of one sequence: QKV and output projections, GeGLU (up, gate, down), attention (a ModernBERT
    local layer's queries each see at most local_attention + 1 keys)."""
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    types = config.get("layer_types") or ["full_attention"] * layers
    keys = [length if t == "full_attention" else min(length, config.get("local_attention", 128) + 1) for t in types]
    return sum(2 * length * (4 * h * h + 3 * h * f) + 4 * length * k * h for k in keys) / 1e9


def markdown(report):
    engines = report["settings"]["engines"]
    peers = [e for e in engines if e != "bertkit"]
    m = report["machine"]
    lines = [f"# Long-context benchmark ({report['model']['shape']})", "",
             f"- command: `{' '.join(report['command'])}`", f"- created: {report['createdAt']}",
             f"- machine: {m['cpu']}, {m['cores']} cores available, {m['memoryBytes'] / 2**30:.0f} GiB; "
             f"flags: {' '.join(m['cpuFlags'])}; BertKit kernels: {report['bertkit']['kernels']}",
             f"- threads: {report['settings']['threads']} for every engine; repeats {report['settings']['repeats']} "
             f"(median); {report['settings']['sequences']} sequences per cell",
             "- versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()),
             f"- model: {report['model']['dir']} (random weights at trained magnitudes), ONNX: {report['model']['onnx']}",
             "", "## ms per sequence (tokens/s); ratio = peer / BertKit (above 1: BertKit faster)", ""]
    head = ["length", "batch"] + [f"{e} ms/seq (tok/s)" for e in engines] + [f"{p} / bertkit" for p in peers]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_cell = {}
    for c in report["cells"]:
        by_cell.setdefault((c["length"], c["batch_size"]), {})[c["engine"]] = c
    for (length, batch), row in by_cell.items():
        cells = []
        for e in engines:
            c = row.get(e)
            if c is None or "ms_per_sequence" not in c:
                cells.append((c or {}).get("skipped") or (c or {}).get("error", "—")[:40])
            else:
                cells.append(f"{c['ms_per_sequence']:.1f} ({c['tokens_per_second']:.0f})")
        base = row.get("bertkit", {}).get("ms_per_sequence")
        for p in peers:
            v = row.get(p, {}).get("ms_per_sequence")
            cells.append(f"{v / base:.2f}" if v and base else "—")
        lines.append(f"| {length} | {batch} | " + " | ".join(cells) + " |")
    lines += ["", "## Peak resident memory, one sequence at batch 1 (MiB)", "",
              "| engine | length | peak RSS (/usr/bin/time) | VmHWM (own) | after load | model ms |", "|---|---|---|---|---|---|"]
    if not report["memory"]:
        lines.append("| (not measured: --memory-lengths none) | | | | | |")
    for e in report["memory"]:
        if "error" in e:
            lines.append(f"| {e['engine']} | {e['length']} | failed: {e['error'][:60]} | | | |")
            continue
        load = e.get("rss_after_load_kib")
        lines.append(f"| {e['engine']} | {e['length']} | {e['peak_rss_kib'] / 1024:.0f} | {e['vmhwm_kib'] / 1024:.0f} | "
                     f"{load / 1024:.0f} | {e['ms']:.0f} |" if load else
                     f"| {e['engine']} | {e['length']} | {e['peak_rss_kib'] / 1024:.0f} | {e['vmhwm_kib'] / 1024:.0f} | — | "
                     f"{e['ms']:.0f} |")
    after = report["bertkit"].get("resident_memory_after_load_kb") or {}
    lines += ["", "BertKit after load (`bertkit info`, its own process): " + ", ".join(
        f"{k} {v / 1024:.0f} MiB" for k, v in after.items() if v is not None), "",
              f"## Checks against {report['checks_reference']} (max abs diff of pooled outputs, tolerance {FP32_TOLERANCE})", "",
              "| engine | length | inputs | batch | max abs diff | lowest cosine |", "|---|---|---|---|---|---|"]
    for c in report["checks"]:
        lines.append(f"| {c['engine']} | {c['length']} | {c['inputs']} | {c['batch_size']} | {c['max_abs_diff']:.2e} | "
                     f"{c['cosine_min']:.7f} |")
    if report["notes"]:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


# Main ----------------------------------------------------------------------------------------------------------------

def numbers(text):
    return [int(v) for v in text.split(",") if v]


def parse_skips(text):
    """'8192x8,openvino:2048x8' -> {(engine or None, length, batch)}."""
    skips = set()
    for item in filter(None, text.split(",")):
        engine, _, cell = item.rpartition(":")
        length, _, batch = cell.partition("x")
        skips.add((engine or None, int(length), int(batch)))
    return skips


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bertkit", default=".build-plain/release/bertkit", help="the bertkit CLI binary")
    p.add_argument("--minilm", default="models/all-MiniLM-L6-v2", help="folder whose tokenizer.json the model gets")
    p.add_argument("--out", default="bench-out/long")
    p.add_argument("--arch", choices=["gte", "modernbert"], default="gte",
                   help="the model's shape: GTE-base (12 layers) or ModernBERT-base (22 layers, sliding windows)")
    p.add_argument("--layers", type=int, help="encoder layers (default: the base model's; fewer for smoke runs)")
    p.add_argument("--lengths", default="512,2048,8192")
    p.add_argument("--batches", default="1,8")
    p.add_argument("--sequences", type=int, help="sequences per cell (default: the largest batch)")
    p.add_argument("--skip", default="", help="cells left out: LENGTHxBATCH, or ENGINE:LENGTHxBATCH for one engine "
                                              "(e.g. 8192x8,openvino:8192x8)")
    p.add_argument("--max-tokens-per-pass", type=int, help="leave out every cell whose batch x length exceeds this")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--memory-lengths", help="lengths whose peak memory is measured at batch 1 (default: 16 and the "
                                            "longest of --lengths; 'none' for none)")
    a = p.parse_args()
    engines = [e for e in a.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            sys.exit(f"unknown engine '{e}' (known: {', '.join(ENGINES)})")
    if "bertkit" not in engines:
        sys.exit("bertkit is the baseline: keep it in --engines")
    lengths, batches = numbers(a.lengths), numbers(a.batches)
    sequences = a.sequences or max(batches)
    memory_lengths = [] if a.memory_lengths == "none" else (
        numbers(a.memory_lengths) if a.memory_lengths else sorted({16, max(lengths)}))
    skips = parse_skips(a.skip)
    if not os.path.exists(a.bertkit):
        sys.exit(f"no bertkit binary at {a.bertkit}")
    os.makedirs(a.out, exist_ok=True)
    a.layers = a.layers or (22 if a.arch == "modernbert" else 12)
    work = os.path.join(a.out, "work", f"{a.arch}-L{a.layers}")

    host = machine()
    folder = model_folder(a.arch, a.out, a.layers, tokenizer_source(a.minilm))
    config = json.load(open(os.path.join(folder, "config.json")))
    info = json.loads(subprocess.run([a.bertkit, "info", "--model", folder], capture_output=True, text=True,
                                     check=True).stdout)
    if info["pooling"] != ["mean"]:
        sys.exit(f"bertkit pools this folder as {info['pooling']}; the peers here compare mean pooling")
    normalize = bool(info["normalize"])
    if max(lengths + memory_lengths) > info["max_length"]:
        sys.exit(f"bertkit takes at most {info['max_length']} tokens with this folder")
    onnx_path = export_onnx(folder, work) if any(e in PEERS for e in engines) else None

    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    words = one_token_words(tokenizer)
    inputs = {}
    for length in sorted(set(lengths + memory_lengths)):
        text_path, ids_path, first, ids = make_inputs(tokenizer, words, length, sequences,
                                                      os.path.join(a.out, "inputs", f"n{sequences}"))
        same_ids_as_bertkit(a.bertkit, folder, text_path, ids, length)
        inputs[length] = {"text": text_path, "ids_path": ids_path, "first": first, "ids": ids}
    print(f"model {folder} ({config['num_hidden_layers']} layers), inputs of {sorted(inputs)} tokens x {sequences}; "
          f"bertkit pools mean{', normalized' if normalize else ''}; threads {a.threads}", flush=True)

    import importlib.util
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for name in ("onnxruntime", "openvino"):
        if name in engines:
            module = __import__(name)
            versions[name] = module.get_version() if name == "openvino" else module.__version__
    # Checked once per length on its first input at batch 1; at the shortest length on every input, in batches of the
    # largest batch size (the exported graph's batch axis, BertKit's batched path).
    rows_of = lambda length: sequences if length == min(lengths) else 1  # noqa: E731
    batch_of = lambda length: max(batches) if rows_of(length) > 1 else 1  # noqa: E731
    expected, torch_versions = references(folder, {l: inputs[l] for l in lengths}, a.threads, normalize, rows_of)
    versions.update(torch_versions)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    type_name = "ModernBertModel" if a.arch == "modernbert" else "GteModel"
    notes = ["peers' time: the engine call plus NumPy mean pooling per batch (BertKit's model_ms includes its pooling "
             "and writing JSON lines); a warm-up batch of the cell's shape first; BertKit warms up on one sequence",
             "bertkit's thread count is not read back by the CLI (`bertkit embed --threads` is passed as is)",
             "onnxruntime: default thread spinning (as bench_engines.py)",
             f"ONNX: torch.onnx.export (TorchScript exporter, opset 17) of the folder's {type_name} with eager attention; optimum "
             + ("is installed but not used" if importlib.util.find_spec("optimum") else "is not installed")]
    report = {"schema": "bertkit-bench-long/1", "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "command": [sys.executable, *sys.argv], "cwd": os.getcwd(), "complete": False,
              "git": {"commit": commit, "dirty": bool(dirty)}, "machine": host, "versions": versions,
              "bertkit": {"binary": a.bertkit, "kernels": info.get("kernels"),
                          "kernels_supported": info.get("kernels_supported"), "threads_default": info.get("threads"),
                          "resident_memory_after_load_kb": info.get("resident_memory_after_load_kb"),
                          "pooling": info["pooling"], "normalize": normalize},
              "model": {"dir": folder, "onnx": onnx_path, "shape": f"{'ModernBERT' if a.arch == 'modernbert' else 'GTE'}-base-shaped, {config['num_hidden_layers']} layers",
                        "config": {k: config.get(k) for k in ("model_type", "hidden_size", "num_hidden_layers",
                                                              "num_attention_heads", "intermediate_size", "vocab_size",
                                                              "type_vocab_size", "max_position_embeddings",
                                                              "rope_parameters", "hidden_act")},
                        "parameters": info.get("parameters")},
              "settings": {"engines": engines, "lengths": lengths, "batches": batches, "sequences": sequences,
                           "repeats": a.repeats, "threads": a.threads, "skip": a.skip,
                           "max_tokens_per_pass": a.max_tokens_per_pass, "memory_lengths": memory_lengths},
              "checks_reference": "pytorch eager fp32 (transformers, eager attention), pooled as bertkit pools",
              "checks": [], "cells": [], "memory": [], "engine_setup": {}, "notes": notes}

    def save():
        with open(os.path.join(a.out, "long.json"), "w") as f:
            json.dump(report, f, indent=1)
        with open(os.path.join(a.out, "long.md"), "w") as f:
            f.write(markdown(report))

    # Memory first, each engine in a fresh process, before the workers hold theirs.
    for length in memory_lengths:
        for engine in engines:
            entry = memory_run(engine, a, folder, onnx_path, a.threads, normalize, inputs[length], length)
            report["memory"].append(entry)
            print(f"memory {engine:12} len {length:5}: " + (f"peak {entry['peak_rss_kib'] / 1024:.0f} MiB (VmHWM "
                  f"{entry['vmhwm_kib'] / 1024:.0f})" if "error" not in entry else entry["error"]), flush=True)
            save()

    workers = {e: Worker(e, onnx_path, a.threads, normalize) for e in engines if e in PEERS}
    try:
        for engine, worker in workers.items():
            worker.start()
            report["engine_setup"][engine] = {k: v for k, v in worker.info.items() if k not in ("ready", "VmRSS", "VmHWM")}
            print(f"{engine}: {report['engine_setup'][engine]}", flush=True)
        for length in lengths:
            for engine in engines:
                rows, batch = rows_of(length), batch_of(length)
                if engine == "bertkit":
                    got = bertkit_check(a.bertkit, folder, inputs[length]["text" if rows > 1 else "first"], length,
                                        batch, a.threads)
                else:
                    try:
                        answer = workers[engine].call(op="check", ids=inputs[length]["ids_path"], rows=rows, batch=batch)
                    except EngineDied as error:
                        save()
                        sys.exit(f"check of {engine} at {length} tokens: {error}")
                    got = np.array(answer["pooled"], dtype=np.float32)
                diff, cosine = compare(got, expected[length])
                report["checks"].append({"engine": engine, "length": length, "inputs": rows, "batch_size": batch,
                                         "max_abs_diff": diff, "cosine_min": cosine})
                print(f"check {engine:12} len {length:5} ({rows} input(s), batch {batch}): max abs diff {diff:.3g}, "
                      f"cosine {cosine:.7f}", flush=True)
                if diff > FP32_TOLERANCE:
                    save()
                    sys.exit(f"{engine} differs from pytorch eager fp32 by {diff:.3g} at {length} tokens "
                             f"(more than {FP32_TOLERANCE})")
        save()

        for length in lengths:
            item = inputs[length]
            for batch in batches:
                flops = gflop_per_sequence(config, length)
                cell = {"length": length, "batch_size": batch, "sequences": sequences, "gflop_per_sequence": flops}
                live, runs = [], {}
                for engine in engines:
                    reason = None
                    if (None, length, batch) in skips or (engine, length, batch) in skips:
                        reason = "skipped (--skip)"
                    elif a.max_tokens_per_pass and batch * length > a.max_tokens_per_pass:
                        reason = f"skipped (batch x length > {a.max_tokens_per_pass})"
                    if reason:
                        report["cells"].append({**cell, "engine": engine, "skipped": reason})
                        continue
                    live.append(engine)
                passes = {e: [] for e in live}
                extra = {e: [] for e in live}
                failed = {}
                for r in range(a.repeats):
                    for engine in live:
                        if engine in failed:
                            continue
                        try:
                            if engine == "bertkit":
                                timing = bertkit_pass(a.bertkit, folder, item["text"], length, batch, a.threads, sequences)
                                passes[engine].append(timing["model_ms"] / sequences)
                                extra[engine].append({"peak_rss_kib": timing["peak_rss_kb"],
                                                      "tokenize_ms": timing["tokenize_ms"]})
                            else:
                                answer = workers[engine].call(op="pass", ids=item["ids_path"], batch=batch, warmup=r == 0)
                                passes[engine].append(answer["ms"] / answer["sequences"])
                                extra[engine].append({"process_vmhwm_kib": answer["VmHWM"]})
                        except EngineDied as error:
                            failed[engine] = str(error)
                            print(f"{engine} len {length} batch {batch}: {error}", flush=True)
                for engine in live:
                    row = {**cell, "engine": engine, "threads": a.threads, "passes_ms_per_sequence": passes[engine],
                           "pass_details": extra[engine]}
                    if engine in failed:
                        row["error"] = failed[engine]
                    else:
                        ms = statistics.median(passes[engine])
                        row.update(ms_per_sequence=ms, tokens_per_second=length / ms * 1e3,
                                   gflops=flops / ms * 1e3)
                    report["cells"].append(row)
                base = next((c.get("ms_per_sequence") for c in report["cells"] if c["engine"] == "bertkit" and
                             c["length"] == length and c["batch_size"] == batch), None)
                for engine in live:
                    c = next(c for c in reversed(report["cells"]) if c["engine"] == engine)
                    if "ms_per_sequence" in c:
                        if base and engine != "bertkit":
                            c["ratio_to_bertkit"] = c["ms_per_sequence"] / base
                        print(f"len {length:5} batch {batch:2} {engine:12} {c['ms_per_sequence']:10.2f} ms/seq "
                              f"{c['tokens_per_second']:9.0f} tok/s" + (f"  x{c['ratio_to_bertkit']:.2f} of bertkit"
                                                                         if "ratio_to_bertkit" in c else ""), flush=True)
                save()
        report["engine_setup"].update({e: {**report["engine_setup"].get(e, {}), "worker_starts": w.starts}
                                       for e, w in workers.items()})
    finally:
        for worker in workers.values():
            worker.close()
    report["complete"] = True
    save()
    print(f"wrote {a.out}/long.json and {a.out}/long.md")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker_main(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "_memory":
        memory_main(sys.argv[2:])
    else:
        main()
