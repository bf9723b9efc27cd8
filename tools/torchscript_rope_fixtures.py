#!/usr/bin/env python3
"""TorchScript fixtures of the rotary encoders (GTE, NomicBERT, ModernBERT), traced by transformers 5.

    make torchscript-fixtures     # runs this first (.venv), then make_torchscript_fixtures.py (.venv-torch)

transformers 4.40 (the tracer of the other fixtures) has none of these models, so they are traced here, with
transformers 5 on PyPI's torch, and run by Debian's libtorch 1.13 afterwards: make_torchscript_fixtures.py records
Python torch 1.13's outputs on them in expected.json and checks those against the models' transformers-5 logits
(`rope_entries`). transformers 5 dropped the `torchscript=True` flag that made models return tuples: each model is
traced as scripts/torchscript/trace_model.py traces it for users (`traceable`: eager attention, forward taking
input_ids, attention_mask and, for models with token types, token_type_ids, returning (logits,)).

Writes Tests/Fixtures/torchscript/tiny-{gte,nomic,modernbert}-cls.pt, each checked against eager transformers 5 at
other batch sizes and lengths (2 to 1,100 tokens: past 512 and across ModernBERT's local window), as saved and frozen +
optimized for inference as BertKit loads it, int64 and int32: a trace that baked in its sample's shape stops the run.
"""
import json
import os
import sys

import torch
from transformers import AutoModelForSequenceClassification

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "torchscript"))
from trace_model import traceable  # noqa: E402  (the users' tracer: the fixtures are traced as users trace)
from torchscript_arch_fixtures import check_generalizes, random_batch  # noqa: E402

MODELS = "Tests/Fixtures/models"
OUT = "Tests/Fixtures/torchscript"
ROPE_CLASSIFIERS = ["tiny-gte-cls", "tiny-nomic-cls", "tiny-modernbert-cls"]
# Rows' lengths of the batches each trace must generalize to (batch sizes 1 to 4).
ROPE_SHAPES = [[2], [3, 2], [20, 3, 17, 9], [300, 5, 120], [700], [1100, 40]]
# Batches recorded in expected.json (indices into the model's expected.json inputs): sizes 1 to 5, pairs (7, 12, 15,
# 19), 2 to 2,100 tokens, padded rows of 600 and 1,100.
BATCHES = [[0], [6, 1, 7], [2, 3, 4, 8, 9], [12, 15], [16, 17, 19], [18]]


def rope_entries(run):
    """Run by make_torchscript_fixtures.py on Debian's torch 1.13: expected.json's entries for ROPE_CLASSIFIERS (`run`:
    that script's), each row checked against the model's transformers-5 logits (stops the run above 1e-4, the parity tests' bound)."""
    expected = {}
    for name in ROPE_CLASSIFIERS:
        with open(f"{MODELS}/{name}/expected.json", encoding="utf-8") as f:
            reference = json.load(f)
        with open(f"{MODELS}/{name}/config.json", encoding="utf-8") as f:
            config = json.load(f)
        types = (config.get("type_vocab_size") or 0) > 0
        cases = [{"ids": [reference["ids"][i] for i in batch], "type_ids": [reference["token_type_ids"][i] for i in batch],
                  "pad": config["pad_token_id"]} for batch in BATCHES]
        names = ["input_ids", "attention_mask"] + (["token_type_ids"] if types else [])
        cases = run(f"{OUT}/{name}.pt", cases, names)
        worst = 0.0
        for batch, case in zip(BATCHES, cases):
            for index, row in zip(batch, case["output"]):
                worst = max(worst, max(abs(a - b) for a, b in zip(row, reference["logits"][index])))
        if worst > 1e-4:
            sys.exit(f"{name}.pt on torch {torch.__version__}: {worst} from transformers 5's logits")
        print(f"{name}.pt on torch {torch.__version__}: within {worst:.2g} of transformers 5's logits, 2 to 2,100 tokens")
        expected[f"{name}.pt"] = {"model": name, "inputs": "int64", "batches": cases}
    return expected


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    for name in ROPE_CLASSIFIERS:
        wrapper, types = traceable(AutoModelForSequenceClassification, f"{MODELS}/{name}")
        config = wrapper.model.config
        sample = random_batch([5, 4], config.pad_token_id, config.vocab_size, torch.Generator().manual_seed(0), types)
        with torch.no_grad():
            traced = torch.jit.trace(wrapper, sample, check_trace=False)
        path = f"{OUT}/{name}.pt"
        torch.jit.save(traced, path)
        worst = check_generalizes(wrapper, path, config.pad_token_id, config.vocab_size, ROPE_SHAPES, types)
        print(f"{name}.pt: torch {torch.__version__}, transformers 5 traced, within {worst:.2g} of eager at 2 to 1,100 tokens")


if __name__ == "__main__":
    main()
