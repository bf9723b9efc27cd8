#!/usr/bin/env python3
"""Fixtures for folders without tokenizer.json: what transformers' converters (AutoTokenizer on the slow tokenizer's
files) give, for BertKit's SlowTokenizerFiles to match.

    .venv/bin/python tools/make_slow_tokenizer_fixtures.py      # (make tokenizer-fixtures runs it)
    .venv/bin/python tools/make_slow_tokenizer_fixtures.py deberta   # one step: wordpiece, roberta, sentencepiece, deberta

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
- DeBERTa-v2/v3 from `spm.model`: Tests/Fixtures/tokenizer/slow/deberta/ — an spm.model laid out as DeBERTa-v3's
  ([PAD] 0, [CLS] 1, [SEP] 2 as control pieces, [UNK] 3; trained here like the XLM-R one, 3,000 pieces, nmt_nfkc) and
  v3's tokenizer_config.json (DebertaV2Tokenizer, do_lower_case and split_by_punct false); slow/deberta-punct/ — a
  2,000-piece model without a charsmap (identity normalization, so transformers' other normalizer: Replace of
  whitespace runs, NFC, Strip) with do_lower_case and split_by_punct true; and deberta-expected.jsonl.gz: the
  `xlmr-unigram` case strings plus 600 strings with DeBERTa's special tokens in them, each row with AutoTokenizer's
  ids, tokens and type ids for both folders (keys `v3` and `punct`). The script checks that transformers builds the
  pipeline SlowTokenizerFiles assumes (printed).
"""
import gzip
import json
import os
import random
import shutil
import sys
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


def deberta():
    """DeBERTa-v2/v3 folders with only spm.model: transformers 5's DebertaV2Tokenizer on two trained models."""
    import sentencepiece as spm
    import transformers

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from tokenizer_strings import random_string

    cases = [json.loads(line) for line in gzip.open("Tests/Fixtures/tokenizer/cases/xlmr-unigram.jsonl.gz", "rt")]
    work = tempfile.mkdtemp()
    training = os.path.join(work, "train.txt")
    prose = []
    with open(training, "w", encoding="utf-8") as f:
        for line in open("data/corpus.txt", encoding="utf-8"):
            if line.strip():
                f.write(line.strip() + "\n")
                prose.append(line.strip())
        for c in cases:
            for text in [c.get("text"), c.get("pair")]:
                if isinstance(text, str) and text.strip() and "\n" not in text:
                    f.write(text.strip() + "\n")
    # DeBERTa-v3's layout: [PAD] [CLS] [SEP] control pieces 0-2, [UNK] 3 (trainer_spec pad/bos/eos/unk ids and pieces).
    layout = dict(pad_id=0, bos_id=1, eos_id=2, unk_id=3, pad_piece="[PAD]", bos_piece="[CLS]", eos_piece="[SEP]",
                  unk_piece="[UNK]")
    variants = [("v3", "deberta", 3000, "nmt_nfkc", {"do_lower_case": False, "split_by_punct": False}),
                ("punct", "deberta-punct", 2000, "identity", {"do_lower_case": True, "split_by_punct": True})]
    rng = random.Random(11)
    specials = ["[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]", "[mask]", "[CLS][SEP]", " [MASK] "]
    strings = [(c["text"], c.get("pair")) for c in cases if "text" in c and not c.get("batch") and c.get("pair") != ""]
    for _ in range(600):
        text = random_string(rng, specials, prose)
        pair = random_string(rng, specials, prose) if rng.random() < 0.4 else None
        strings.append((text, pair or None))  # transformers' __call__ reads an empty second text as none
    rows = [{"text": text, "pair": pair} for text, pair in strings]
    for key, name, size, rule, options in variants:
        spm.SentencePieceTrainer.train(input=training, model_prefix=os.path.join(work, name), vocab_size=size,
                                       model_type="unigram", character_coverage=0.9995, normalization_rule_name=rule,
                                       num_threads=1, minloglevel=2, **layout)
        folder = os.path.join(OUT, name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        shutil.copy(os.path.join(work, name + ".model"), os.path.join(folder, "spm.model"))
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": "DebertaV2Tokenizer", **options, "vocab_type": "spm", "bos_token": "[CLS]",
                       "eos_token": "[SEP]", "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                       "cls_token": "[CLS]", "mask_token": "[MASK]", "model_max_length": 512}, f)
        tokenizer = AutoTokenizer.from_pretrained(folder)
        assert type(tokenizer).__name__ == "DebertaV2Tokenizer", type(tokenizer)
        pipeline = json.loads(tokenizer.backend_tokenizer.to_str())
        normalizers = [n["type"] for n in pipeline["normalizer"]["normalizers"]]
        expected = (["Lowercase"] if options["do_lower_case"] else []) + (
            ["Precompiled", "Strip", "Replace"] if rule != "identity" else ["Replace", "NFC", "Strip"])
        assert normalizers == expected, normalizers
        pretokenizers = [p["type"] for p in pipeline["pre_tokenizer"]["pretokenizers"]]
        assert pretokenizers == (["Punctuation"] if options["split_by_punct"] else []) + ["Metaspace"], pretokenizers
        assert [t["content"] for t in pipeline["added_tokens"]] == ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"]
        assert pipeline["added_tokens"][-1]["id"] == size and pipeline["model"]["unk_id"] == 3
        print(f"DebertaV2Tokenizer ({name}): normalizer {normalizers}, pre-tokenizer {pretokenizers}, "
              f"added {[(t['content'], t['id']) for t in pipeline['added_tokens']]}, "
              f"post-processor {pipeline['post_processor']['type']}")
        for row, (text, pair) in zip(rows, strings):
            encoding = tokenizer(text, pair) if pair is not None else tokenizer(text)
            row[key] = {"ids": encoding["input_ids"], "tokens": encoding.tokens(),
                        "type_ids": encoding.get("token_type_ids") or [0] * len(encoding["input_ids"])}
    with gzip.open(os.path.join(OUT, "deberta-expected.jsonl.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"SentencePiece (DebertaV2Tokenizer): {len(rows)} strings encoded by transformers {transformers.__version__}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    steps = {"wordpiece": check_wordpiece, "roberta": roberta, "sentencepiece": sentencepiece, "deberta": deberta}
    for step in sys.argv[1:] or list(steps):  # e.g. `... make_slow_tokenizer_fixtures.py deberta` for one of them
        steps[step]()
