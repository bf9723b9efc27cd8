#!/usr/bin/env python3
"""A real fine-tuned classifier built here, for the quantization accuracy check: all-MiniLM-L6-v2 (the PyPI wheel's
weights) fine-tuned as BertForSequenceClassification on the topic of Debian's fortunes (computers, politics, science,
startrek, law, food; one fortune per example, 80% to train, 20% held out). No PyPI package ships a fine-tuned
BERT-family classifier (their wheels download weights at run time, or hold other model kinds), so this one is trained:
its weights are trained, not random, and its labels are real.

    make classifier      # or: .venv/bin/python tools/make_fortune_classifier.py models/fortune-topics data/fortune-topics-test.txt

Writes the model folder (config.json with id2label, model.safetensors, tokenizer.json) and the held-out texts, one per
line; prints the held-out accuracy. Deterministic (fixed seeds, one thread order); about two minutes on two cores.
"""
import os
import random
import shutil
import sys

import torch
from transformers import BertForSequenceClassification

FORTUNES = "/usr/share/games/fortunes"
TOPICS = ["computers", "politics", "science", "startrek", "law", "food"]
PER_TOPIC = 198  # the smallest topic's size: balanced classes


def fortunes(topic):
    with open(os.path.join(FORTUNES, topic), encoding="utf-8", errors="replace") as f:
        texts = [" ".join(block.split()) for block in f.read().split("\n%\n")]
    return [t for t in texts if 20 <= len(t) <= 600]


def main():
    out, test_path = sys.argv[1], sys.argv[2]
    minilm = sys.argv[3] if len(sys.argv) > 3 else "models/all-MiniLM-L6-v2"
    random.seed(0)
    torch.manual_seed(0)
    train, test = [], []
    for label, topic in enumerate(TOPICS):
        texts = fortunes(topic)
        random.shuffle(texts)
        texts = texts[:PER_TOPIC]
        cut = int(len(texts) * 0.8)
        train += [(t, label) for t in texts[:cut]]
        test += [(t, label) for t in texts[cut:]]
    random.shuffle(train)
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(f"{minilm}/tokenizer.json")
    tokenizer.enable_truncation(128)
    tokenizer.enable_padding(pad_id=0)
    model = BertForSequenceClassification.from_pretrained(
        minilm, num_labels=len(TOPICS), id2label=dict(enumerate(TOPICS)), label2id={t: i for i, t in enumerate(TOPICS)})
    optimizer = torch.optim.AdamW(model.parameters(), lr=8e-5, weight_decay=0.01)

    def batch(rows):
        encodings = tokenizer.encode_batch([t for t, _ in rows])
        ids = torch.tensor([e.ids for e in encodings])
        mask = torch.tensor([e.attention_mask for e in encodings])
        return ids, mask, torch.tensor([label for _, label in rows])

    model.train()
    for epoch in range(4):
        for start in range(0, len(train), 16):
            ids, mask, labels = batch(train[start:start + 16])
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch + 1}: last loss {loss.item():.3f}", flush=True)
    model.eval()
    correct = 0
    with torch.inference_mode():
        for start in range(0, len(test), 32):
            ids, mask, labels = batch(test[start:start + 32])
            correct += (model(input_ids=ids, attention_mask=mask).logits.argmax(1) == labels).sum().item()
    print(f"held-out accuracy: {correct / len(test):.3f} on {len(test)} fortunes of {len(TOPICS)} topics")
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    shutil.copy(f"{minilm}/tokenizer.json", f"{out}/tokenizer.json")
    with open(test_path, "w", encoding="utf-8") as f:
        f.write("\n".join(t for t, _ in test) + "\n")


if __name__ == "__main__":
    main()
