#!/usr/bin/env python3
"""sentence-transformers fixtures: tiny models saved by sentence-transformers itself, and its embeddings of inputs
with leading and trailing whitespace, for BertKit's parity tests (Tests/BertKitTests/SentenceTransformersParityTests).

    .venv/bin/python tools/make_st_fixtures.py      # (make fixtures runs it)

Writes Tests/Fixtures/st/:
  bert-all-pooling/  BERT (Tests/Fixtures/models/tiny-bert-cls's encoder, WordPiece) with every pooling mode at once
                     (cls, max, mean, mean_sqrt_len, weightedmean, lasttoken, concatenated), no normalization
  bert-dense/        the same encoder, mean pooling, Dense 48->16 (Tanh), Dense 16->8 (Identity, no bias), Normalize;
                     prompts {query, passage} with default_prompt_name query; do_lower_case
  metaspace-strip/   a random 2-layer XLM-R over a Metaspace Unigram tokenizer (Tests/Fixtures/tokenizer/trained/
                     french-unigram), mean pooling, Normalize: where stripping the input changes the tokens
  each with expected.json: the inputs and SentenceTransformer.encode's outputs (and, for bert-dense, with the
  passage prompt and with no prompt).
Deterministic (fixed seeds).
"""
import json
import os
import shutil

import torch
from sentence_transformers import SentenceTransformer, models
from transformers import XLMRobertaConfig, XLMRobertaModel

OUT = "Tests/Fixtures/st"
TINY_BERT = "Tests/Fixtures/models/tiny-bert-cls"
UNIGRAM = "Tests/Fixtures/tokenizer/trained/french-unigram/tokenizer.json"

INPUTS = ["the cat sat on the mat", "  leading and trailing  ", "ends with a space ", "\ttabs and newlines\n",
          " Bonjour le monde ", "UPPER Case Words", "a", "  x", "naïve café  ", "\u3000ideographic space\u3000",
          "information separator\x1f", "the quick brown fox jumps over the lazy dog again and again and again"]


def encoder_folder(path):
    """tiny-bert-cls's files, which sentence-transformers' Transformer module loads as a BertModel (head dropped)."""
    os.makedirs(path, exist_ok=True)
    for name in ["config.json", "model.safetensors", "tokenizer.json"]:
        shutil.copy(os.path.join(TINY_BERT, name), os.path.join(path, name))
    return path


def save(model, name, extra=None):
    folder = os.path.join(OUT, name)
    model.save(folder)
    # Only what BertKit and sentence-transformers read; the README sentence-transformers writes is not needed.
    readme = os.path.join(folder, "README.md")
    if os.path.exists(readme):
        os.remove(readme)
    reloaded = SentenceTransformer(folder, device="cpu")
    expected = {"inputs": INPUTS,
                "embeddings": reloaded.encode(INPUTS, convert_to_numpy=True).astype(float).tolist()}
    for key, kwargs in (extra or {}).items():
        expected[key] = reloaded.encode(INPUTS, convert_to_numpy=True, **kwargs).astype(float).tolist()
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(f"wrote {folder}: {len(INPUTS)} inputs, dimension {len(expected['embeddings'][0])}")


def main():
    torch.manual_seed(0)
    shutil.rmtree(OUT, ignore_errors=True)
    work = os.path.join(OUT, ".work")

    transformer = models.Transformer(encoder_folder(os.path.join(work, "bert")), max_seq_length=64)
    dim = transformer.get_word_embedding_dimension()
    pooling = models.Pooling(dim, pooling_mode_cls_token=True, pooling_mode_max_tokens=True,
                             pooling_mode_mean_tokens=True, pooling_mode_mean_sqrt_len_tokens=True,
                             pooling_mode_weightedmean_tokens=True, pooling_mode_lasttoken=True)
    save(SentenceTransformer(modules=[transformer, pooling], device="cpu"), "bert-all-pooling")

    transformer = models.Transformer(encoder_folder(os.path.join(work, "bert")), max_seq_length=64, do_lower_case=True)
    pooling = models.Pooling(dim, pooling_mode="mean")
    first = models.Dense(dim, 16, activation_function=torch.nn.Tanh())
    second = models.Dense(16, 8, bias=False, activation_function=torch.nn.Identity())
    with torch.no_grad():
        first.linear.weight.normal_(0, 1 / dim ** 0.5)
        first.linear.bias.normal_(0, 0.3)
        second.linear.weight.normal_(0, 0.5)
    model = SentenceTransformer(modules=[transformer, pooling, first, second, models.Normalize()], device="cpu",
                                prompts={"query": "query: ", "passage": "passage: "}, default_prompt_name="query")
    save(model, "bert-dense", {"embeddings_passage": {"prompt_name": "passage"}, "embeddings_no_prompt": {"prompt": ""}})

    xlmr = os.path.join(work, "xlmr")
    config = XLMRobertaConfig(vocab_size=4000, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=66, pad_token_id=1, bos_token_id=0,
                              eos_token_id=2, type_vocab_size=1)
    XLMRobertaModel(config, add_pooling_layer=False).save_pretrained(xlmr)
    shutil.copy(UNIGRAM, os.path.join(xlmr, "tokenizer.json"))
    transformer = models.Transformer(xlmr, max_seq_length=64)
    model = SentenceTransformer(modules=[transformer, models.Pooling(32, pooling_mode="mean"), models.Normalize()],
                                device="cpu")
    save(model, "metaspace-strip")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
