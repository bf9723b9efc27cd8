#!/usr/bin/env python3
"""Expected outputs of the model fixtures in Tests/Fixtures (tokenizer parity cases: tools/make_tokenizer_fixtures.py). Run from the repository root with the reference venv:

    make fixtures        # or: .venv/bin/python tools/make_fixtures.py models/all-MiniLM-L6-v2 data/corpus.txt

Writes:
  Tests/Fixtures/minilm/                           sentence-transformers embeddings of >= 200 sentences (f32 LE)
  Tests/Fixtures/models/tiny-*/                    random-weight classifiers (BERT, RoBERTa, DistilBERT; f32/f16/bf16)
                                                   with transformers' logits
Deterministic: fixed seeds everywhere.
"""
import json
import os
import random
import struct
import sys

import torch
from safetensors.torch import save_file
from sentence_transformers import SentenceTransformer
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import (BertConfig, BertForSequenceClassification, DistilBertConfig,
                          DistilBertForSequenceClassification, RobertaConfig, RobertaForSequenceClassification)

OUT = "Tests/Fixtures"

# Pieces of text from many scripts and edge cases; strings are built from them with a fixed seed.
PIECES = [
    "hello", "world", "The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "don't", "U.S.A.", "e-mail",
    "naïve", "café", "résumé", "Ångström", "Øre", "straße", "İstanbul", "ΣΊΣΥΦΟΣ", "Ελληνικά", "Москва", "Привет",
    "مرحبا", "שלום", "नमस्ते", "हिन्दी", "ภาษาไทย", "中文", "東京タワー", "日本語のテキスト", "한국어", "안녕하세요",
    "漢字かなカナ", "ｆｕｌｌｗｉｄｔｈ", "①②③", "x²", "½", "ﬁ", "e\u0301", "a\u0308\u0323", "\u1e9b\u0323",
    "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🥰", "🧑🏿‍🚀", "©", "™", "€100", "$5.99", "3.14159", "1,000,000",
    "\t", "\n", "\r\n", "  ", "\u00a0", "\u2003", "\u3000", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\x00", "\x07", "\x1b", "\x7f", "\u0085", "\ufffd", "\ue000", "\U000e0001", "\u0378",
    "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[cls]", "##ing", "...", "!!!", "?!", "(parens)", "[brackets]",
    "{braces}", "<html>", "@user", "#hashtag", "http://example.com/a?b=c", "C++", "x86_64", "snake_case", "CamelCase",
    "—", "–", "«guillemets»", "„quotes“", "'single'", "\"double\"", "¿Qué?", "¡Hola!", "…", "·", "§", "¶",
    "antidisestablishmentarianism", "pneumonoultramicroscopicsilicovolcanoconiosis",
]
LONG_WORD = "a" * 99 + "b"


def random_string(rng):
    kind = rng.random()
    if kind < 0.03:
        return ""
    if kind < 0.06:
        return "".join(rng.choice([" ", "\t", "\n", "\u3000", "\u00a0"]) for _ in range(rng.randint(1, 6)))
    if kind < 0.09:
        return rng.choice([LONG_WORD, LONG_WORD + "c", "x" * 150, "é" * 101, "中" * 120])
    n = rng.randint(1, 12)
    parts = [rng.choice(PIECES) for _ in range(n)]
    seps = [rng.choice([" ", " ", " ", "", "  ", "\t", ", ", "\n"]) for _ in range(n)]
    return "".join(p + s for p, s in zip(parts, seps))


def minilm_embeddings(model_dir, corpus):
    model = SentenceTransformer(model_dir, device="cpu")
    rng = random.Random(2)
    extra = [random_string(rng) for _ in range(80)]
    extra = [s for s in extra if s.strip()][:56]
    sentences = corpus[:200] + extra
    emb = model.encode(sentences, batch_size=32, convert_to_numpy=True, normalize_embeddings=False)
    os.makedirs(f"{OUT}/minilm", exist_ok=True)
    with open(f"{OUT}/minilm/sentences.json", "w", encoding="utf-8") as f:
        json.dump({"sentences": sentences, "dimension": int(emb.shape[1]), "max_seq_length": model.max_seq_length},
                  f, indent=0)
    with open(f"{OUT}/minilm/embeddings.f32", "wb") as f:
        f.write(struct.pack(f"<{emb.size}f", *emb.astype("float32").ravel().tolist()))
    print(f"minilm: {len(sentences)} embeddings of dimension {emb.shape[1]}")


WORDS = ("the a an of to and in is it that for on with as was at by be this are from or have not but what all "
         "were when we there can you your one more time so no if out up about who get which go me my our new "
         "good cat dog sat mat fox runs quick slow happy sad movie film great bad terrible love hate book read "
         "paris france tokyo city river house car bread water tea coffee music play game win lose").split()


def tiny_vocab(specials):
    vocab = {}
    for t in specials + WORDS:
        vocab.setdefault(t, len(vocab))
    for c in "abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"-:;()":
        vocab.setdefault(c, len(vocab))
        vocab.setdefault("##" + c, len(vocab))
    for suffix in ["s", "ing", "ed", "er", "ly"]:
        vocab.setdefault("##" + suffix, len(vocab))
    return vocab


def tiny_tokenizer(vocab, unk, processor):
    tok = Tokenizer(models.WordPiece(vocab, unk_token=unk, max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processor
    return tok


CLASSIFIER_INPUTS = [
    ("the cat sat on the mat", None), ("A quick brown fox runs!", None), ("I love this movie.", None),
    ("terrible film, bad music", None), ("Paris is a city in France", None), ("", None), ("tea", None),
    ("what a great game we play", "we win, you lose"), ("The dog", "the cat"), ("naïve café", None),
    ("no", "yes it is good and happy and new"), ("東京 is a city", None), ("zzz qqq xyz", None),
    ("water, bread, coffee; tea!", "music"), ("the " * 15, None), ("one more time", "one more time"),
]


def classifier_fixture(name, arch, dtype=torch.float32):
    torch.manual_seed({"bert": 11, "roberta": 12, "distilbert": 13}[arch])
    labels = {0: "negative", 1: "neutral", 2: "positive"}
    if arch == "roberta":
        specials = ["<s>", "<pad>", "</s>", "<unk>"]
        vocab = tiny_vocab(specials)
        tok = tiny_tokenizer(vocab, "<unk>", processors.RobertaProcessing(("</s>", 2), ("<s>", 0)))
        config = RobertaConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                               intermediate_size=80, max_position_embeddings=42, type_vocab_size=1, pad_token_id=1,
                               bos_token_id=0, eos_token_id=2, hidden_act="gelu", id2label=labels,
                               label2id={v: k for k, v in labels.items()}, layer_norm_eps=1e-5)
        model = RobertaForSequenceClassification(config)
        pad = 1
    else:
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        vocab = tiny_vocab(specials)
        tok = tiny_tokenizer(vocab, "[UNK]", processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2)))
        pad = 0
        if arch == "bert":
            config = BertConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                                intermediate_size=80, max_position_embeddings=40, type_vocab_size=2, pad_token_id=0,
                                hidden_act="gelu", id2label=labels, label2id={v: k for k, v in labels.items()})
            model = BertForSequenceClassification(config)
        else:
            config = DistilBertConfig(vocab_size=len(vocab), dim=48, n_layers=2, n_heads=3, hidden_dim=80,
                                      max_position_embeddings=40, pad_token_id=0, activation="gelu",
                                      id2label=labels, label2id={v: k for k, v in labels.items()})
            model = DistilBertForSequenceClassification(config)
    # Random init leaves LayerNorm at 1/0 and biases at 0; perturb everything so each term is exercised.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    model.eval()
    d = f"{OUT}/models/{name}"
    os.makedirs(d, exist_ok=True)
    config.save_pretrained(d)
    tok.save(f"{d}/tokenizer.json")
    state = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items() if "position_ids" not in k}
    save_file(state, f"{d}/model.safetensors", metadata={"format": "pt"})
    if dtype != torch.float32:  # the reference sees exactly the rounded weights
        model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    ids_list, logits_list = [], []
    for text, pair in CLASSIFIER_INPUTS:
        enc = tok.encode(text, pair) if pair is not None else tok.encode(text)
        ids = torch.tensor([enc.ids])
        kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
        if arch == "bert":
            kwargs["token_type_ids"] = torch.tensor([enc.type_ids])
        with torch.no_grad():
            logits = model(**kwargs).logits[0]
        ids_list.append(enc.ids)
        logits_list.append([float(x) for x in logits])
    # A padded batch through transformers must give the same logits (checks the reference itself).
    longest = max(len(i) for i in ids_list)
    batch = torch.tensor([i + [pad] * (longest - len(i)) for i in ids_list])
    mask = torch.tensor([[1] * len(i) + [0] * (longest - len(i)) for i in ids_list])
    with torch.no_grad():
        batched = model(input_ids=batch, attention_mask=mask).logits if arch != "bert" else None
    if batched is not None:
        assert torch.allclose(batched, torch.tensor(logits_list), atol=1e-5), "padded reference differs"
    with open(f"{d}/expected.json", "w", encoding="utf-8") as f:
        json.dump({"inputs": [{"text": t, "text_pair": p} for t, p in CLASSIFIER_INPUTS],
                   "ids": ids_list, "logits": logits_list, "dtype": str(dtype).replace("torch.", "")},
                  f)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, {len(CLASSIFIER_INPUTS)} cases")


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else "models/all-MiniLM-L6-v2"
    corpus_path = sys.argv[2] if len(sys.argv) > 2 else "data/corpus.txt"
    torch.set_num_threads(2)
    with open(corpus_path, encoding="utf-8") as f:
        corpus = [line.rstrip("\n") for line in f]
    minilm_embeddings(model_dir, corpus)
    classifier_fixture("tiny-bert-cls", "bert")
    classifier_fixture("tiny-bert-cls-f16", "bert", torch.float16)
    classifier_fixture("tiny-bert-cls-bf16", "bert", torch.bfloat16)
    classifier_fixture("tiny-roberta-cls", "roberta")
    classifier_fixture("tiny-distilbert-cls", "distilbert")


if __name__ == "__main__":
    main()
