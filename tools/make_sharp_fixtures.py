#!/usr/bin/env python3
"""Classifier fixtures with realistic magnitudes, so a wrong LayerNorm epsilon or the tanh GELU in place of erf's
fails the 1e-4 logit tolerance (the older tiny-* fixtures have logits near 0.1, where neither shows):

    .venv/bin/python tools/make_sharp_fixtures.py      # (make fixtures runs it)

- Tests/Fixtures/models/tiny-bert-cls-sharp: BERT with the tiny WordPiece vocabulary of tools/make_fixtures.py.
- Tests/Fixtures/models/tiny-xlmr-spm: XLM-RoBERTa whose folder has no tokenizer.json, only sentencepiece.bpe.model
  (the one of Tests/Fixtures/tokenizer/slow/xlmr) and a tokenizer_config.json: ids come from transformers'
  AutoTokenizer converting it, logits from transformers, so the folder's whole path (conversion, then model) is
  checked against transformers.

Weights: random, then scaled as trained encoders are: embeddings with std 0.05 (so the embedding LayerNorm's
variance is small and its epsilon matters), feed-forward inputs reaching |x| ~ 3 (where the two GELUs differ), and a
classifier head giving logits of a few units. expected.json has, beside inputs, ids and logits, `sensitivity`: the
largest logit change transformers shows when the config's layer_norm_eps is replaced or hidden_act is gelu_new; the
script asserts each is over 1e-3 (ten times the tests' tolerance), and the Swift tests check that BertKit fails the
fixture under each change.
"""
import copy
import json
import os
import shutil
import sys

import torch
from safetensors.torch import save_file
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, BertConfig,
                          BertForSequenceClassification, XLMRobertaConfig, XLMRobertaForSequenceClassification)

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import processors, tiny_tokenizer, tiny_vocab  # noqa: E402

OUT = "Tests/Fixtures/models"
LABELS = {0: "negative", 1: "neutral", 2: "positive"}
INPUTS = [
    ("the cat sat on the mat", None), ("A quick brown fox runs!", None), ("I love this movie.", None),
    ("terrible film, bad music", None), ("Paris is a city in France", None), ("", None), ("tea", None),
    ("what a great game we play", "we win, you lose"), ("  leading and trailing  ", None), ("naïve café", None),
    ("Москва — столица России.", None), ("東京 is a city", None), ("مرحبا بالعالم", "hello world"),
    ("C'est la vie, n'est-ce pas ?", None), ("the " * 12, None), ("one more time", "one more time"),
]


def sharpen(model, arch):
    """Scales random weights to trained-encoder magnitudes (see the module docstring)."""
    torch.manual_seed(21)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + torch.randn_like(p) * 0.1)
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p) * 0.05)
            elif name.endswith("bias"):
                p.copy_(torch.randn_like(p) * 0.1)
            elif "intermediate.dense" in name:
                p.copy_(torch.randn_like(p) * (2.0 / p.shape[1] ** 0.5))
            elif "classifier" in name or "pooler" in name:
                p.copy_(torch.randn_like(p) * (3.0 / p.shape[1] ** 0.5))
            else:
                p.copy_(torch.randn_like(p) * (1.0 / p.shape[1] ** 0.5))
    model.eval()


def logits_of(model, encodings, arch):
    out = []
    for enc in encodings:
        ids = torch.tensor([enc["input_ids"]])
        kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
        if arch == "bert":
            kwargs["token_type_ids"] = torch.tensor([enc["token_type_ids"]])
        with torch.no_grad():
            out.append([float(x) for x in model(**kwargs).logits[0]])
    return out


def variant(model, config, arch, **changes):
    """The same weights under a changed config."""
    changed = copy.deepcopy(config)
    for k, v in changes.items():
        setattr(changed, k, v)
    cls = BertForSequenceClassification if arch == "bert" else XLMRobertaForSequenceClassification
    other = cls(changed)
    other.load_state_dict(model.state_dict())
    return other.eval()


def write(name, arch, model, config, encodings, folder):
    logits = logits_of(model, encodings, arch)
    eps_other = 1e-5 if config.layer_norm_eps < 1e-6 else 1e-12
    sensitivity = {}
    for key, changes in [("layer_norm_eps", {"layer_norm_eps": eps_other}), ("gelu_new", {"hidden_act": "gelu_new"})]:
        other = logits_of(variant(model, config, arch, **changes), encodings, arch)
        delta = max(abs(a - b) for x, y in zip(logits, other) for a, b in zip(x, y))
        assert delta > 1e-3, f"{name}: {key} moves the logits by only {delta}"
        sensitivity[key] = delta
    config.save_pretrained(folder)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items() if "position_ids" not in k}
    save_file(state, f"{folder}/model.safetensors", metadata={"format": "pt"})
    with open(f"{folder}/expected.json", "w", encoding="utf-8") as f:
        json.dump({"inputs": [{"text": t, "text_pair": p} for t, p in INPUTS],
                   "ids": [e["input_ids"] for e in encodings], "logits": logits, "dtype": "float32",
                   "sensitivity": sensitivity}, f, ensure_ascii=False)
    peak = max(abs(x) for row in logits for x in row)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, largest |logit| {peak:.2f}, "
          f"eps change {sensitivity['layer_norm_eps']:.2e}, gelu_new {sensitivity['gelu_new']:.2e}")


def bert():
    folder = f"{OUT}/tiny-bert-cls-sharp"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    vocab = tiny_vocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    tok = tiny_tokenizer(vocab, "[UNK]", processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2)))
    tok.save(f"{folder}/tokenizer.json")
    config = BertConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                        intermediate_size=96, max_position_embeddings=64, type_vocab_size=2, pad_token_id=0,
                        hidden_act="gelu", id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
    model = BertForSequenceClassification(config)
    sharpen(model, "bert")
    encodings = []
    for text, pair in INPUTS:
        enc = tok.encode(text, pair) if pair is not None else tok.encode(text)
        encodings.append({"input_ids": enc.ids, "token_type_ids": enc.type_ids})
    write("tiny-bert-cls-sharp", "bert", model, config, encodings, folder)


def xlmr():
    folder = f"{OUT}/tiny-xlmr-spm"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    shutil.copy("Tests/Fixtures/tokenizer/slow/xlmr/sentencepiece.bpe.model", folder)
    with open(f"{folder}/tokenizer_config.json", "w") as f:
        json.dump({"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 128}, f)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = XLMRobertaConfig(vocab_size=len(tokenizer), hidden_size=24, num_hidden_layers=2, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=130, type_vocab_size=1, pad_token_id=1,
                              bos_token_id=0, eos_token_id=2, hidden_act="gelu", layer_norm_eps=1e-5,
                              id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
    model = XLMRobertaForSequenceClassification(config)
    sharpen(model, "xlm-roberta")
    encodings = [dict(tokenizer(t, p) if p is not None else tokenizer(t)) for t, p in INPUTS]
    write("tiny-xlmr-spm", "xlm-roberta", model, config, encodings, folder)
    # The folder as transformers loads it gives the same logits (the config and weights round-trip).
    loaded = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    again = logits_of(loaded, encodings, "xlm-roberta")
    drift = max(abs(a - b) for x, y in zip(again, logits_of(model, encodings, "xlm-roberta")) for a, b in zip(x, y))
    assert drift < 1e-5, f"tiny-xlmr-spm: transformers' own load of the folder differs by {drift}"


if __name__ == "__main__":
    torch.set_num_threads(2)
    bert()
    xlmr()
