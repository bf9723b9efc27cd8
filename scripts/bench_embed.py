#!/usr/bin/env python3
"""ms per sequence of `bertkit embed` vs sentence-transformers (PyTorch eager) on the same corpus, same run.

Usage (from `make bench-embed`): .venv/bin/python scripts/bench_embed.py BERTKIT_BIN MODEL_DIR CORPUS [REPEATS]
Both sides use every core (OpenBLAS's default / torch.set_num_threads(os.cpu_count())) and truncate at the
model's max_seq_length. Cells are interleaved (bertkit, then PyTorch, per batch size) so drift hits both alike.
bertkit is timed as a whole process (start, load, tokenize, run, print JSON); PyTorch as `model.encode` only.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

binary, model_dir, corpus_path = sys.argv[1:4]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
sentences = [line.rstrip("\n") for line in open(corpus_path, encoding="utf-8")]
torch.set_num_threads(os.cpu_count())
st = SentenceTransformer(model_dir, device="cpu")


def time_bertkit(batch, lines):
    data = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    out = subprocess.run([binary, "embed", "--model", model_dir, "--batch-size", str(batch), "--truncate"],
                         input=data, capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    assert out.stdout.count(b"\n") == len(lines)
    return elapsed


def time_torch(batch, lines):
    start = time.perf_counter()
    st.encode(lines, batch_size=batch, convert_to_numpy=True)
    return time.perf_counter() - start


# Warm-up: page cache, torch kernels.
time_bertkit(32, sentences[:64])
time_torch(32, sentences[:64])
startup = statistics.median(time_bertkit(1, sentences[:1]) for _ in range(5))

rows = []
for batch in (1, 8, 32):
    bk = [time_bertkit(batch, sentences) for _ in range(repeats)]
    pt = [time_torch(batch, sentences) for _ in range(repeats)]
    rows.append((batch, statistics.median(bk), min(bk), max(bk), statistics.median(pt), min(pt), max(pt)))
    print(f"batch {batch}: bertkit {rows[-1][1]:.2f}s  torch {rows[-1][4]:.2f}s", file=sys.stderr)

n = len(sentences)
print(f"corpus: {n} sentences ({corpus_path}); repeats: {repeats} (median, [min, max]); threads: {os.cpu_count()}; "
      f"torch {torch.__version__}")
print()
print("| batch size | bertkit embed (ms/seq) | sentence-transformers (ms/seq) | bertkit / PyTorch |")
print("| ---: | ---: | ---: | ---: |")
for batch, bk, bkmin, bkmax, pt, ptmin, ptmax in rows:
    print(f"| {batch} | {1000 * bk / n:.2f} [{1000 * bkmin / n:.2f}, {1000 * bkmax / n:.2f}] "
          f"| {1000 * pt / n:.2f} [{1000 * ptmin / n:.2f}, {1000 * ptmax / n:.2f}] | {bk / pt:.2f}x |")
print()
print(f"`bertkit embed` on one sentence, whole process (start, load, tokenize, run, print): "
      f"{1000 * startup:.0f} ms (median of 5)")
