#!/usr/bin/env python3
"""Fixtures for folders without tokenizer.json: what transformers' converters (AutoTokenizer on the slow tokenizer's
files) give, for BertKit's SlowTokenizerFiles to match.

    .venv/bin/python tools/make_slow_tokenizer_fixtures.py      # (make tokenizer-fixtures runs it)

- WordPiece: all-MiniLM-L6-v2's vocab.txt, tokenizer_config.json and special_tokens_map.json. transformers converts
  them to exactly the folder's tokenizer.json (checked here: every component equal), so the Swift test runs the
  existing `wordpiece` cases (HF tokenizers on that tokenizer.json) on the tokenizer BertKit builds from vocab.txt.
- Byte-level BPE: Tests/Fixtures/tokenizer/slow/roberta/ — vocab.json and merges.txt of the trained `roberta-bpe`
  fixture (its added tokens dropped, `<mask>` appended to the vocabulary), tokenizer_config.json; and
  roberta-expected.jsonl.gz: AutoTokenizer's ids, tokens and type ids on the `roberta-bpe` case strings (single and
  paired, with special tokens).
- Unigram from a SentencePiece model: Tests/Fixtures/tokenizer/slow/xlmr/ — a sentencepiece.bpe.model (trained here with sentencepiece on the `xlmr-unigram` case strings and the default corpus:
  unigram, 4,000 pieces, nmt_nfkc normalization with its precompiled charsmap, XLM-R's ids <unk> 0, <s> 1, </s> 2)
  and a tokenizer_config.json naming XLMRobertaTokenizer; slow/camembert/ — the tokenizer_config.json naming
  CamembertTokenizer (their id offsets differ; the tests pair it with the same model file, kept once); and
  xlmr-expected.jsonl.gz / camembert-expected.jsonl.gz: AutoTokenizer's ids, tokens (as HF tokenizers gives them:
  an unknown piece keeps its text) and type ids on the
  `xlmr-unigram` case strings. The reference is transformers 5's conversion (the tokenizer classes build it from the
  model's pieces, scores and charsmap), recorded with its version.
"""
import gzip
import json
import os
import shutil
import tempfile

from transformers import AutoTokenizer

MINILM = "models/all-MiniLM-L6-v2"
OUT = "Tests/Fixtures/tokenizer/slow"


def check_wordpiece():
    folder = tempfile.mkdtemp()
    for name in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "config.json"]:
        shutil.copy(os.path.join(MINILM, name), folder)
    converted = json.loads(AutoTokenizer.from_pretrained(folder).backend_tokenizer.to_str())
    original = json.load(open(os.path.join(MINILM, "tokenizer.json")))
    for key in ["normalizer", "pre_tokenizer", "post_processor", "decoder", "model", "added_tokens"]:
        assert converted.get(key) == original.get(key), f"converted WordPiece differs from tokenizer.json at {key}"
    print("WordPiece: transformers' conversion of vocab.txt equals all-MiniLM-L6-v2's tokenizer.json")


def roberta():
    folder = os.path.join(OUT, "roberta")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    trained = json.load(open("Tests/Fixtures/tokenizer/trained/roberta-bpe/tokenizer.json"))
    vocab = dict(trained["model"]["vocab"])
    vocab["<mask>"] = len(vocab)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for merge in trained["model"]["merges"]:
            f.write((merge if isinstance(merge, str) else " ".join(merge)) + "\n")
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "RobertaTokenizer", "add_prefix_space": False, "model_max_length": 512,
                   "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
                   "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}, f)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": "roberta"}, f)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    os.remove(os.path.join(folder, "config.json"))
    cases = [json.loads(line) for line in gzip.open("Tests/Fixtures/tokenizer/cases/roberta-bpe.jsonl.gz", "rt")]
    out = []
    for c in cases:
        if "text" not in c or c.get("batch"):
            continue
        text, pair = c["text"], c.get("pair")
        encoding = tokenizer(text, pair) if pair is not None else tokenizer(text)
        out.append({"text": text, "pair": pair, "ids": encoding["input_ids"],
                    "tokens": tokenizer.convert_ids_to_tokens(encoding["input_ids"]),
                    "type_ids": encoding.get("token_type_ids") or [0] * len(encoding["input_ids"])})
    with gzip.open(os.path.join(OUT, "roberta-expected.jsonl.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"Byte-level BPE: {len(out)} strings encoded by transformers' conversion of vocab.json + merges.txt")


def sentencepiece():
    import sentencepiece as spm
    import transformers

    cases = [json.loads(line) for line in gzip.open("Tests/Fixtures/tokenizer/cases/xlmr-unigram.jsonl.gz", "rt")]
    work = tempfile.mkdtemp()
    training = os.path.join(work, "train.txt")
    with open(training, "w", encoding="utf-8") as f:
        for line in open("data/corpus.txt", encoding="utf-8"):
            if line.strip():
                f.write(line.strip() + "\n")
        for c in cases:
            for text in [c.get("text"), c.get("pair")]:
                if isinstance(text, str) and text.strip() and "\n" not in text:
                    f.write(text.strip() + "\n")
    spm.SentencePieceTrainer.train(input=training, model_prefix=os.path.join(work, "sp"), vocab_size=4000,
                                   model_type="unigram", character_coverage=0.9995, unk_id=0, bos_id=1, eos_id=2,
                                   pad_id=-1, normalization_rule_name="nmt_nfkc", num_threads=1,
                                   minloglevel=2)
    for name, cls in [("xlmr", "XLMRobertaTokenizer"), ("camembert", "CamembertTokenizer")]:
        folder = os.path.join(OUT, name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        shutil.copy(os.path.join(work, "sp.model"), os.path.join(folder, "sentencepiece.bpe.model"))
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": cls, "model_max_length": 512}, f)
        tokenizer = AutoTokenizer.from_pretrained(folder)
        if name != "xlmr":
            os.remove(os.path.join(folder, "sentencepiece.bpe.model"))  # the same file as slow/xlmr's
        out = []
        for c in cases:
            if "text" not in c or c.get("batch"):
                continue
            text, pair = c["text"], c.get("pair")
            if pair == "":
                continue  # transformers' __call__ reads an empty second text as none
            encoding = tokenizer(text, pair) if pair is not None else tokenizer(text)
            out.append({"text": text, "pair": pair, "ids": encoding["input_ids"],
                        "tokens": encoding.tokens(),  # the matched text: an unknown piece or a stripped space kept
                        "type_ids": encoding.get("token_type_ids") or [0] * len(encoding["input_ids"])})
        with gzip.open(os.path.join(OUT, f"{name}-expected.jsonl.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
            for row in out:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"SentencePiece ({cls}): {len(out)} strings encoded by transformers {transformers.__version__}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    check_wordpiece()
    roberta()
    sentencepiece()
