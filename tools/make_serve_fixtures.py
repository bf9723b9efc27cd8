#!/usr/bin/env python3
"""A tiny cross-encoder (one label) for `bertkit serve`'s /rerank, with transformers' scores. Run from the repository
root with the reference venv:

    .venv/bin/python tools/make_serve_fixtures.py

Writes Tests/Fixtures/models/tiny-bert-reranker/ (config.json, tokenizer.json, model.safetensors, expected.json:
the (query, text) pairs, their logits, and the sigmoid scores TEI's /rerank returns). The classifier weights are
scaled so the logits spread over several units, as a trained reranker's do (a wrong sigmoid or sign shows).
Deterministic: fixed seed.
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from tokenizers import processors
from transformers import BertConfig, BertForSequenceClassification

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import OUT, tiny_tokenizer, tiny_vocab  # noqa: E402

QUERY = "what does the cat love"
TEXTS = ["the cat sat on the mat", "I love this movie.", "Paris is a city in France", "the dog runs",
         "cat love cat love", "coffee and tea", "a quick brown fox", "terrible film, bad music"]


def pair_logits(model, tok):
    """transformers' logit of each (QUERY, text) pair, one pair at a time."""
    logits = []
    for text in TEXTS:
        enc = tok.encode(QUERY, text)
        ids = torch.tensor([enc.ids])
        with torch.no_grad():
            out = model(input_ids=ids, attention_mask=torch.ones_like(ids), token_type_ids=torch.tensor([enc.type_ids])).logits[0]
        logits.append(float(out[0]))
    return logits


def main():
    torch.manual_seed(21)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = tiny_vocab(specials)
    tok = tiny_tokenizer(vocab, "[UNK]", processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2)))
    labels = {0: "LABEL_0"}
    config = BertConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                        intermediate_size=80, max_position_embeddings=40, type_vocab_size=2, pad_token_id=0,
                        hidden_act="gelu", id2label=labels, label2id={"LABEL_0": 0}, num_labels=1,
                        architectures=["BertForSequenceClassification"])
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        model.bert.pooler.dense.weight.mul_(30.0)
        model.classifier.weight.mul_(60.0)
    model.eval()
    # Center the logits on 0 (a trained reranker scores relevant pairs above 0.5 and the rest below).
    with torch.no_grad():
        model.classifier.bias.sub_(sum(pair_logits(model, tok)) / len(TEXTS))
    d = f"{OUT}/models/tiny-bert-reranker"
    os.makedirs(d, exist_ok=True)
    config.save_pretrained(d)
    tok.save(f"{d}/tokenizer.json")
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items() if "position_ids" not in k}
    save_file(state, f"{d}/model.safetensors", metadata={"format": "pt"})
    logits = pair_logits(model, tok)
    scores = [float(torch.sigmoid(torch.tensor(x))) for x in logits]
    with open(f"{d}/expected.json", "w", encoding="utf-8") as f:
        json.dump({"query": QUERY, "texts": TEXTS, "logits": logits, "scores": scores}, f, indent=1)
    print(f"tiny-bert-reranker: logits {min(logits):.3f} .. {max(logits):.3f}")


if __name__ == "__main__":
    main()
