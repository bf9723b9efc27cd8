#!/usr/bin/env python3
"""TorchScript fixtures: the tiny classifiers traced exactly as the study does, and Python torch's outputs on them.

    make torchscript-fixtures     # or: .venv-torch/bin/python tools/make_torchscript_fixtures.py

Runs on Debian's python3-torch, the same libtorch (1.13) that the tests link (`.venv-torch` is a venv over the system
site packages with transformers 4.40, the last line whose `torchscript=True` config flag the study used). Writes
Tests/Fixtures/torchscript/:
  tiny-{bert,roberta,distilbert}-cls.pt   AutoModelForSequenceClassification(torchscript=True), torch.jit.trace on a
  (+ mpnet, electra, deberta-v3, -v2)     sample batch (input_ids, attention_mask) of shape [2, 5], torch.jit.save
  tiny-bert-encoder.pt                    AutoModel(torchscript=True) traced on (input_ids, attention_mask,
                                          token_type_ids): outputs (last_hidden_state, pooler_output)
  baked-shape.pt                          a module whose trace baked in the sample's shape ([2, 5])
  unexpected-input.pt                     forward(input_ids, pixel_values)
  expected.json                           batches of ids (right-padded with the config's pad id) and Python torch's
                                          output on each (logits, or mean-pooled last_hidden_state), int64 inputs and,
                                          for one file, int32
Deterministic (weights: Tests/Fixtures/models). The other architectures: tools/torchscript_{arch,rope}_fixtures.py.
"""
import json
import os

import torch
from tokenizers import Tokenizer
from transformers import AutoModel, AutoModelForSequenceClassification

MODELS = "Tests/Fixtures/models"
OUT = "Tests/Fixtures/torchscript"
# Batches of fixture inputs (indices into the model's expected.json inputs): sizes 1, 3, 5 and 1, lengths 3 to 20,
# none of them the trace sample's [2, 5].
BATCHES = [[0], [6, 1, 7], [2, 3, 4, 8, 9], [10]]


def batches(name):
    with open(f"{MODELS}/{name}/expected.json", encoding="utf-8") as f:
        inputs = json.load(f)["inputs"]
    with open(f"{MODELS}/{name}/config.json", encoding="utf-8") as f:
        pad = json.load(f).get("pad_token_id", 0)
    tok = Tokenizer.from_file(f"{MODELS}/{name}/tokenizer.json")
    out = []
    for batch in BATCHES:
        encs = [tok.encode(inputs[i]["text"], inputs[i]["text_pair"]) if inputs[i]["text_pair"] else tok.encode(inputs[i]["text"])
                for i in batch]
        out.append({"ids": [e.ids for e in encs], "type_ids": [e.type_ids for e in encs], "pad": pad})
    return out


def run(path, cases, names, dtype=torch.int64):
    module = torch.jit.load(path)
    module.eval()
    for batch in cases:
        width = max(len(r) for r in batch["ids"])
        def rect(rows, fill):
            return torch.tensor([r + [fill] * (width - len(r)) for r in rows], dtype=dtype)
        values = {"input_ids": rect(batch["ids"], batch["pad"]), "attention_mask": rect([[1] * len(r) for r in batch["ids"]], 0),
                  "token_type_ids": rect(batch["type_ids"], 0)}
        with torch.inference_mode():
            out = module(*[values[n] for n in names])[0]
        if out.dim() == 3:  # mean pooling over the real tokens, as BertKit pools hidden states
            m = values["attention_mask"].to(torch.float32).unsqueeze(-1)
            out = (out * m).sum(1) / m.sum(1)
        batch["output"] = out.to(torch.float64).tolist()
    return cases


class Baked(torch.nn.Module):
    def forward(self, input_ids, attention_mask):
        return ((input_ids * attention_mask).to(torch.float32).reshape(2, 5).sum(1, keepdim=True),)


class Unexpected(torch.nn.Module):
    def forward(self, input_ids, pixel_values):
        return (input_ids.to(torch.float32) + pixel_values,)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    sample_mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    for arch in ["bert", "roberta", "distilbert"]:
        name = f"tiny-{arch}-cls"
        model = AutoModelForSequenceClassification.from_pretrained(f"{MODELS}/{name}", torchscript=True).eval()
        sample = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 9, 3, 0]]) + (1 if arch == "roberta" else 0)
        with torch.no_grad():
            traced = torch.jit.trace(model, (sample, sample_mask))
        torch.jit.save(traced, f"{OUT}/{name}.pt")
        names = ["input_ids", "attention_mask"]
        expected[f"{name}.pt"] = {"model": name, "inputs": "int64", "batches": run(f"{OUT}/{name}.pt", batches(name), names)}
        if arch == "bert":
            expected[f"{name}.pt int32"] = {"model": name, "file": f"{name}.pt", "inputs": "int32",
                                            "batches": run(f"{OUT}/{name}.pt", batches(name), names, torch.int32)}
    encoder = AutoModel.from_pretrained(f"{MODELS}/tiny-bert-cls", torchscript=True).eval()
    sample = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 9, 3, 0]])
    with torch.no_grad():
        traced = torch.jit.trace(encoder, (sample, sample_mask, torch.zeros_like(sample)))
    torch.jit.save(traced, f"{OUT}/tiny-bert-encoder.pt")
    expected["tiny-bert-encoder.pt"] = {"model": "tiny-bert-cls", "inputs": "int64",
                                        "batches": run(f"{OUT}/tiny-bert-encoder.pt", batches("tiny-bert-cls"),
                                                       ["input_ids", "attention_mask", "token_type_ids"])}
    torch.jit.save(torch.jit.trace(Baked(), (sample, sample_mask)), f"{OUT}/baked-shape.pt")
    torch.jit.save(torch.jit.trace(Unexpected(), (sample, sample.to(torch.float32))), f"{OUT}/unexpected-input.pt")
    from torchscript_arch_fixtures import trace_newer_classifiers  # in its own file: see its docstring for why
    expected.update(trace_newer_classifiers(MODELS, OUT, sample_mask, batches, run))
    from torchscript_rope_fixtures import rope_entries  # traced beforehand by transformers 5: see its docstring
    expected.update(rope_entries(run))
    with open(f"{OUT}/expected.json", "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "files": expected}, f, indent=1)
    print("\n".join(f"{key}: {len(entry['batches'])} batches" for key, entry in expected.items()))

if __name__ == "__main__":
    main()
