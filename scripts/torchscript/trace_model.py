#!/usr/bin/env python3
"""Traces a Hugging Face model folder exactly as the study does: the model loaded with the `torchscript=True` config
flag (AutoModelForSequenceClassification when the config names a classifier, else AutoModel), `torch.jit.trace` on a
sample batch of (input_ids, attention_mask) made by the folder's tokenizer, `torch.jit.save`. The file runs in
`bertkit ... --backend torchscript --torchscript FILE` (a libtorch of the same version as this torch).

    trace_model.py --model DIR --output FILE.pt
"""
import argparse
import json
import os

import torch
from tokenizers import Tokenizer
from transformers import AutoModel, AutoModelForSequenceClassification


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--output", required=True)
    a = p.parse_args()
    config = json.load(open(os.path.join(a.model, "config.json")))
    classify = any(arch.endswith("ForSequenceClassification") for arch in config.get("architectures") or [])
    loader = AutoModelForSequenceClassification if classify else AutoModel
    model = loader.from_pretrained(a.model, torchscript=True).eval()
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tok.enable_padding(pad_id=config.get("pad_token_id", 0) or 0)
    sample = tok.encode_batch(["A sample sentence to trace the model with.", "Another one."])
    ids = torch.tensor([e.ids for e in sample])
    mask = torch.tensor([e.attention_mask for e in sample])
    with torch.no_grad():
        traced = torch.jit.trace(model, (ids, mask))
    torch.jit.save(traced, a.output)
    print(f"traced {a.model} ({'classifier' if classify else 'encoder'}) on a sample of shape {list(ids.shape)} "
          f"with torch {torch.__version__}: {a.output}")


if __name__ == "__main__":
    main()
