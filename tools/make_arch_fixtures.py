#!/usr/bin/env python3
"""Fixtures of the architectures beyond BERT/RoBERTa/DistilBERT classifiers: MPNet and ELECTRA classifiers, and
SPLADE sparse vectors from BERT and DistilBERT masked-LM heads, all with realistic magnitudes (as
tools/make_sharp_fixtures.py) and inputs up to 512 tokens:

    .venv/bin/python tools/make_arch_fixtures.py      # from the repository root, after make venv

- Tests/Fixtures/models/tiny-mpnet-cls: MPNetForSequenceClassification with a tiny WordPiece vocabulary whose
  specials are MPNet's (<s> <pad> </s> <unk> <mask> at 0..4, padding id 1) and RoBERTa's template
  (`<s> A </s>`, `<s> A </s> </s> B </s>`), as MPNet's real tokenizer.json; 514 positions (they start at
  padding_idx + 1 = 2, so 512 tokens fit); a relative-position bias table of std 1 (32 buckets, distances to 128:
  the long inputs cross 128).
- Tests/Fixtures/models/tiny-electra-cls: ElectraForSequenceClassification, embeddings of width 32 projected to the
  hidden 48 (`electra.embeddings_project`), BERT's tokenizer; its head is dense, exact GELU, out_proj.
- Tests/Fixtures/models/tiny-deberta-v3-cls: DebertaV2ForSequenceClassification configured as DeBERTa-v3 (relative
  attention with log buckets: position_buckets 256, max_relative_positions -1, so 512; c2p and p2c sharing the content
  key/query projections; the relative table through a LayerNorm; no absolute positions, no token types; LayerNorm
  epsilon 1e-7), BERT's tokenizer; its ContextPooler is dense + GELU on the first token, then the classifier.
  expected.json also records `buckets`, transformers' log bucket of each relative distance (query minus key) in
  `bucket_distances`.
- Tests/Fixtures/models/tiny-deberta-v2-cls: the same classifier configured as DeBERTa-v2 (no log buckets, relative
  distances clamped at max_relative_positions 64, which the long inputs cross; separate pos_key_proj/pos_query_proj;
  the relative table used raw; absolute positions and two token types added to the embeddings).
- Tests/Fixtures/models/tiny-splade-bert, tiny-splade-distilbert: BertForMaskedLM and DistilBertForMaskedLM written
  by transformers' save_pretrained (so the decoder tied to the word embeddings is not in the file), with the
  SPLADE vector of each input: max over every token (specials included) of log1p(relu(MLM logits)), as Text
  Embeddings Inference and sentence-transformers' SpladePooling compute it; sentence-transformers' own sparse encoder
  is checked to agree.

Every input runs alone (batch 1, attention mask of ones). expected.json has inputs, ids, the outputs (`logits` and
`mean`, the mean over tokens of the base model's last hidden state, for the classifiers; `sparse`, each vector's
nonzero entries with ascending indices, for SPLADE), and `sensitivity`: the largest change transformers shows under
a wrong LayerNorm epsilon, gelu_new in place of exact GELU, and per architecture: MPNet without its relative bias or
with bucket distances clamped at 256 instead of 128 (only the inputs past 128 tokens show that), ELECTRA's head with
tanh or ReLU in place of GELU, DeBERTa with c2p or p2c alone (the scale then sqrt(2d), not sqrt(3d)), DeBERTa-v3
without relative attention, without log buckets (plain distances, clamped at the span 256) or with a tanh pooler,
DeBERTa-v2 with its position projections replaced by the content ones (share_att_key). The script asserts each is over
1e-3, ten times the tests' tolerance. Deterministic: fixed seeds.
"""
import copy
import json
import os
import random
import shutil
import sys

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import (BertConfig, BertForMaskedLM, DebertaV2Config, DebertaV2ForSequenceClassification,
                          DistilBertConfig, DistilBertForMaskedLM, ElectraConfig, ElectraForSequenceClassification,
                          MPNetConfig, MPNetForSequenceClassification)
from transformers.models.deberta_v2 import modeling_deberta_v2

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import WORDS, processors, tiny_tokenizer, tiny_vocab  # noqa: E402
from make_sharp_fixtures import INPUTS as SHORT_INPUTS, LABELS  # noqa: E402

OUT = "Tests/Fixtures/models"
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MPNET_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
# (tokens of the text, tokens of the pair or None): with the specials, 200, 400, 512 ids and a pair of 299 (BERT's
# three specials) or 300 (MPNet's four).
LONG_SIZES = [(198, None), (398, None), (510, None), (250, 46)]


def long_text(rng, n):
    """n one-token pieces: sentences of vocabulary words, each ending in a period (a token of its own)."""
    pieces, sentence = [], 0
    while len(pieces) < n:
        if sentence and (sentence >= 12 or rng.random() < 0.12):
            pieces.append(".")
            sentence = 0
        else:
            word = rng.choice(WORDS)
            pieces.append(word.capitalize() if sentence == 0 else word)
            sentence += 1
    text = ""
    for p in pieces[:n]:
        text += p if p == "." or not text else " " + p
    return text


def make_inputs():
    rng = random.Random(7)
    longs = [(long_text(rng, a), long_text(rng, b) if b else None) for a, b in LONG_SIZES]
    return SHORT_INPUTS + longs


INPUTS = make_inputs()


def encode_all(tok):
    encodings = []
    for text, pair in INPUTS:
        enc = tok.encode(text, pair) if pair is not None else tok.encode(text)
        encodings.append({"input_ids": enc.ids, "token_type_ids": enc.type_ids})
    for (a, b), enc in zip(LONG_SIZES, encodings[len(SHORT_INPUTS):]):
        want = a + (b or 0) + tok.num_special_tokens_to_add(b is not None)
        assert len(enc["input_ids"]) == want, f"a long input has {len(enc['input_ids'])} tokens, not {want}"
    assert max(len(e["input_ids"]) for e in encodings) == 512
    return encodings


def sharpen(model, seed, mlm_bias=None):
    """Scales random weights to trained-encoder magnitudes (tools/make_sharp_fixtures.py's rules), with the names
    of every architecture here: MPNet's relative bias table gets std 1 (trained tables reach a few units), DeBERTa's
    relative embeddings std 0.5 (so the position terms weigh as much as the content ones), ELECTRA's
    embedding projection keeps unit variance, and a masked-LM head gets a transform LayerNorm of gain ~6 (logits of a
    few units, as trained heads give) and output biases `mlm_bias(n)`, mostly negative, so only part of the
    vocabulary is ever positive."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "relative_attention_bias" in name:
                p.copy_(torch.randn_like(p))
            elif "rel_embeddings" in name:
                p.copy_(torch.randn_like(p) * 0.5)
            elif name in ("cls.predictions.transform.LayerNorm.weight", "vocab_layer_norm.weight"):
                p.copy_(6.0 + torch.randn_like(p) * 0.5)
            elif "LayerNorm" in name or "layer_norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + torch.randn_like(p) * 0.1)
            elif "embeddings_project.weight" in name:
                p.copy_(torch.randn_like(p) * (1.0 / p.shape[1] ** 0.5))
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p) * 0.05)
            elif name in ("cls.predictions.bias", "vocab_projector.bias"):
                p.copy_(mlm_bias(p))
            elif name.endswith("bias"):
                p.copy_(torch.randn_like(p) * 0.1)
            elif any(k in name for k in ("intermediate.dense", "ffn.lin1", "transform.dense", "vocab_transform")):
                p.copy_(torch.randn_like(p) * (2.0 / p.shape[1] ** 0.5))
            elif "classifier" in name or "pooler" in name:
                p.copy_(torch.randn_like(p) * (3.0 / p.shape[1] ** 0.5))
            else:
                p.copy_(torch.randn_like(p) * (1.0 / p.shape[1] ** 0.5))
    model.eval()


def mlm_bias(p):
    """SPLADE heads: a fifth of the vocabulary never fires (as trained models' many never-used entries), the rest
    fires where a token's logit rises above a negative bias."""
    never = torch.rand(p.shape) < 0.2
    return torch.where(never, torch.full_like(p, -30.0), -2.5 + torch.randn_like(p) * 0.5)


def variant(model, config, **changes):
    """The same weights under a changed config."""
    changed = copy.deepcopy(config)
    for k, v in changes.items():
        setattr(changed, k, v)
    other = type(model)(changed)
    other.load_state_dict(model.state_dict())
    return other.eval()


def with_eps(model, eps):
    """The same model with every LayerNorm's epsilon replaced (DistilBERT fixes 1e-12 in code, not in its config)."""
    other = copy.deepcopy(model)
    for m in other.modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.eps = eps
    return other.eval()


def kwargs_of(enc, token_types):
    ids = torch.tensor([enc["input_ids"]])
    kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
    if token_types:
        kwargs["token_type_ids"] = torch.tensor([enc["token_type_ids"]])
    return kwargs


def max_delta(a, b):
    return max(float((x - y).abs().max()) for x, y in zip(a, b))


def save_weights(model, folder):
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items() if "position_ids" not in k}
    save_file(state, f"{folder}/model.safetensors", metadata={"format": "pt"})


def fresh(name):
    folder = f"{OUT}/{name}"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


def bert_tokenizer():
    vocab = tiny_vocab(BERT_SPECIALS)
    return vocab, tiny_tokenizer(vocab, "[UNK]", processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2)))


# Classifiers ----------------------------------------------------------------------------------------------------

def classifier_outputs(model, encodings, token_types, base, head=None):
    """Logits of each input alone, the mean of the base model's last hidden state, and (with `head`, a function of
    the first token's hidden state) logits recomputed from the base model."""
    logits, means, manual = [], [], []
    for enc in encodings:
        kwargs = kwargs_of(enc, token_types)
        with torch.no_grad():
            logits.append(model(**kwargs).logits[0])
            hidden = base(model)(**kwargs).last_hidden_state
            mask = kwargs["attention_mask"][..., None].to(hidden.dtype)
            means.append(((hidden * mask).sum(1) / mask.sum(1))[0])
            if head is not None:
                manual.append(head(model, hidden[:, 0])[0])
    return logits, means, manual


# Relative distances (key minus query) whose MPNet buckets expected.json records, as transformers computes them: every
# exact bucket's edge and the logarithmic buckets' edges, on both sides.
BUCKET_DISTANCES = [0, 1, -1, 7, -7, 8, -8, 11, 12, 15, 16, -16, 31, 32, 63, 64, 100, 127, 128, -128, 500, -500]


def write_classifier(name, folder, model, config, tok, encodings, token_types, sensitivity, logits, means, extra=None):
    for key, delta in sensitivity.items():
        assert delta > 1e-3, f"{name}: {key} moves the logits by only {delta}"
    config.save_pretrained(folder)
    save_weights(model, folder)
    tok.save(f"{folder}/tokenizer.json")
    expected = {"inputs": [{"text": t, "text_pair": p} for t, p in INPUTS],
                "ids": [e["input_ids"] for e in encodings]}
    if token_types:
        expected["token_type_ids"] = [e["token_type_ids"] for e in encodings]
    expected.update({"logits": [[float(x) for x in row] for row in logits],
                     "mean": [[float(x) for x in row] for row in means], "dtype": "float32",
                     "sensitivity": sensitivity})
    expected.update(extra or {})
    with open(f"{folder}/expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)
    peak = max(float(row.abs().max()) for row in logits)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, largest |logit| {peak:.2f}, "
          + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity.items()))


def mpnet():
    name = "tiny-mpnet-cls"
    folder = fresh(name)
    vocab = tiny_vocab(MPNET_SPECIALS)
    tok = tiny_tokenizer(vocab, "<unk>", processors.RobertaProcessing(("</s>", 2), ("<s>", 0),
                                                                       add_prefix_space=False))
    encodings = encode_all(tok)
    config = MPNetConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                         intermediate_size=96, max_position_embeddings=514, layer_norm_eps=1e-5,
                         relative_attention_num_buckets=32, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                         hidden_act="gelu", id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
    model = MPNetForSequenceClassification(config)
    sharpen(model, 31)
    base = lambda m: m.mpnet  # noqa: E731
    logits, means, _ = classifier_outputs(model, encodings, False, base)
    no_bias = copy.deepcopy(model)
    with torch.no_grad():
        no_bias.mpnet.encoder.relative_attention_bias.weight.zero_()
    # Buckets as if distances were clamped at 256, not 128: only the long inputs (past 128 tokens) can tell.
    far = copy.deepcopy(model)
    bucket = type(model.mpnet.encoder).relative_position_bucket

    def far_bucket(relative_position, num_buckets=32, max_distance=128):
        return bucket(relative_position, num_buckets, 256)

    far.mpnet.encoder.relative_position_bucket = far_bucket
    sensitivity = {}
    for key, other in [("layer_norm_eps", variant(model, config, layer_norm_eps=1e-12)),
                       ("gelu_new", variant(model, config, hidden_act="gelu_new")),
                       ("relative_attention_bias", no_bias), ("relative_max_distance_256", far)]:
        sensitivity[key] = max_delta(logits, classifier_outputs(other, encodings, False, base)[0])
    buckets = [int(bucket(torch.tensor([[d]]))[0, 0]) for d in BUCKET_DISTANCES]
    write_classifier(name, folder, model, config, tok, encodings, False, sensitivity, logits, means,
                     extra={"bucket_distances": BUCKET_DISTANCES, "buckets": buckets})


def electra():
    name = "tiny-electra-cls"
    folder = fresh(name)
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    config = ElectraConfig(vocab_size=len(vocab), embedding_size=32, hidden_size=48, num_hidden_layers=2,
                           num_attention_heads=3, intermediate_size=96, max_position_embeddings=512,
                           type_vocab_size=2, pad_token_id=0, hidden_act="gelu", id2label=LABELS,
                           label2id={v: k for k, v in LABELS.items()})
    model = ElectraForSequenceClassification(config)
    sharpen(model, 32)
    assert hasattr(model.electra, "embeddings_project"), "ELECTRA has no embedding projection"
    base = lambda m: m.electra  # noqa: E731

    def head(activation):
        return lambda m, first: m.classifier.out_proj(activation(m.classifier.dense(first)))

    logits, means, manual = classifier_outputs(model, encodings, True, base, head(F.gelu))
    drift = max_delta(logits, manual)
    assert drift < 1e-5, f"{name}: the head applied by hand (exact GELU) differs from transformers' by {drift}"
    sensitivity = {}
    for key, other in [("layer_norm_eps", variant(model, config, layer_norm_eps=1e-5)),
                       ("gelu_new", variant(model, config, hidden_act="gelu_new"))]:
        sensitivity[key] = max_delta(logits, classifier_outputs(other, encodings, True, base)[0])
    for key, activation in [("head_tanh", torch.tanh), ("head_relu", torch.relu)]:
        sensitivity[key] = max_delta(logits, classifier_outputs(model, encodings, True, base, head(activation))[2])
    write_classifier(name, folder, model, config, tok, encodings, True, sensitivity, logits, means)


# DeBERTa ----------------------------------------------------------------------------------------------------------

# Relative distances (query minus key, as build_relative_position makes them) whose DeBERTa-v3 log buckets (256
# buckets, max position 512) expected.json records: the exact range's edge (128) and the logarithmic buckets past it.
DEBERTA_BUCKET_DISTANCES = [0, 1, -1, 63, 64, 127, 128, -128, 129, -129, 130, 200, -200, 255, 256, 300, 400, 511, -511]


def deberta_variant(model, config, unused=(), **changes):
    """`variant` for a config with fewer modules: the weights it has no place for must be exactly `unused`."""
    changed = copy.deepcopy(config)
    for k, v in changes.items():
        setattr(changed, k, v)
    other = type(model)(changed)
    result = other.load_state_dict(model.state_dict(), strict=False)
    assert not result.missing_keys, f"the variant {changes} lacks {result.missing_keys}"
    assert sorted(result.unexpected_keys) == sorted(unused), f"{changes} leaves unused {result.unexpected_keys}"
    return other.eval()


def deberta_head(activation):
    """ContextPooler (dense, activation, on the first token) then the classifier, by hand."""
    return lambda m, first: m.classifier(activation(m.pooler.dense(first)))


def deberta_config(vocab, **changes):
    return DebertaV2Config(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                           intermediate_size=96, max_position_embeddings=512, relative_attention=True,
                           layer_norm_eps=1e-7, hidden_act="gelu", pooler_hidden_act="gelu", pooler_hidden_size=48,
                           pooler_dropout=0, pad_token_id=0, id2label=LABELS,
                           label2id={v: k for k, v in LABELS.items()}, **changes)


def deberta_common(name, model, config, encodings, token_types):
    """Logits and means, the head checked by hand, and the sensitivities every DeBERTa shares: a LayerNorm epsilon
    of 1e-12 (1e-5 where 1e-12 moves too little: the one used is returned) and gelu_new."""
    assert max(len(e["input_ids"]) for e in encodings) == 512, "no input reaches 512 tokens"
    base = lambda m: m.deberta  # noqa: E731
    logits, means, manual = classifier_outputs(model, encodings, token_types, base, deberta_head(F.gelu))
    drift = max_delta(logits, manual)
    assert drift < 1e-5, f"{name}: the pooler and classifier by hand (exact GELU) differ from transformers' by {drift}"
    assert all(isinstance(m, torch.nn.LayerNorm) for n, m in model.named_modules() if n.endswith("LayerNorm"))
    assert model.deberta.encoder.conv is None, "a ConvLayer"
    sensitivity = {}
    for eps in (1e-12, 1e-5):
        other = variant(model, config, layer_norm_eps=eps)
        sensitivity["layer_norm_eps"] = max_delta(logits, classifier_outputs(other, encodings, token_types, base)[0])
        if sensitivity["layer_norm_eps"] > 1e-3:
            break
    sensitivity["gelu_new"] = max_delta(logits, classifier_outputs(
        variant(model, config, hidden_act="gelu_new"), encodings, token_types, base)[0])
    return base, logits, means, sensitivity, eps


def deberta_finish(name, folder, model, encodings, token_types, logits):
    """The folder as transformers loads it gives the same logits (every config key survives config.json); prints
    the tensor names (layers folded into N) and the config."""
    loaded = DebertaV2ForSequenceClassification.from_pretrained(folder).eval()
    drift = max_delta(logits, classifier_outputs(loaded, encodings, token_types, lambda m: m.deberta)[0])
    assert drift < 1e-5, f"{name}: transformers' own load of the folder differs by {drift}"
    with safe_open(f"{folder}/model.safetensors", "pt") as f:
        keys = sorted(f.keys())
    folded = sorted({k.replace(".layer.0.", ".layer.N.").replace(".layer.1.", ".layer.N.") for k in keys})
    print(f"  {name} model.safetensors: {len(keys)} tensors (layer.N: 0 and 1): {folded}")


def deberta_v3():
    name = "tiny-deberta-v3-cls"
    folder = fresh(name)
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    config = deberta_config(vocab, position_buckets=256, max_relative_positions=-1, pos_att_type=["p2c", "c2p"],
                            share_att_key=True, norm_rel_ebd="layer_norm", position_biased_input=False,
                            type_vocab_size=0)
    model = DebertaV2ForSequenceClassification(config)
    sharpen(model, 35)
    attention = model.deberta.encoder.layer[0].attention.self
    assert attention.max_relative_positions == 512 and attention.pos_ebd_size == 256
    assert model.deberta.encoder.rel_embeddings.weight.shape[0] == 512
    base, logits, means, sensitivity, eps = deberta_common(name, model, config, encodings, False)
    rel = "deberta.encoder.rel_embeddings.weight"
    for key, other in [("c2p_only", deberta_variant(model, config, pos_att_type=["c2p"])),
                       ("p2c_only", deberta_variant(model, config, pos_att_type=["p2c"])),
                       ("no_relative_attention", deberta_variant(model, config, [rel], relative_attention=False)),
                       ("pooler_tanh", deberta_variant(model, config, pooler_hidden_act="tanh"))]:
        sensitivity[key] = max_delta(logits, classifier_outputs(other, encodings, False, base)[0])
    tanh = max_delta(classifier_outputs(model, encodings, False, base, deberta_head(torch.tanh))[2],
                     classifier_outputs(deberta_variant(model, config, pooler_hidden_act="tanh"), encodings, False,
                                        base)[0])
    assert tanh < 1e-5, f"{name}: ContextPooler does not follow pooler_hidden_act ({tanh})"
    # Without log buckets: build_relative_position looks make_log_bucket_position up in its module at each call, so
    # replacing it there by the identity leaves plain distances, which the span of 256 then clamps to -256...255.
    log_bucket = modeling_deberta_v2.make_log_bucket_position
    modeling_deberta_v2.make_log_bucket_position = lambda relative_pos, bucket_size, max_position: relative_pos
    try:
        sensitivity["no_log_buckets"] = max_delta(logits, classifier_outputs(model, encodings, False, base)[0])
    finally:
        modeling_deberta_v2.make_log_bucket_position = log_bucket
    restored = max_delta(logits, classifier_outputs(model, encodings, False, base)[0])
    assert restored == 0.0, f"{name}: the log buckets are not restored ({restored})"
    buckets = [int(log_bucket(torch.tensor(d), 256, 512)) for d in DEBERTA_BUCKET_DISTANCES]
    square = torch.zeros(1, 512, 1)
    matrix = modeling_deberta_v2.build_relative_position(square, square, bucket_size=256, max_position=512)[0]
    for d, b in zip(DEBERTA_BUCKET_DISTANCES, buckets):
        i, j = (d, 0) if d >= 0 else (0, -d)
        assert int(matrix[i, j]) == b, f"distance {d}: bucket {b}, but build_relative_position gives {matrix[i, j]}"
    write_classifier(name, folder, model, config, tok, encodings, False, sensitivity, logits, means,
                     extra={"bucket_distances": DEBERTA_BUCKET_DISTANCES, "buckets": buckets,
                            "sensitivity_layer_norm_eps": eps})
    deberta_finish(name, folder, model, encodings, False, logits)


def deberta_v2():
    name = "tiny-deberta-v2-cls"
    folder = fresh(name)
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    config = deberta_config(vocab, position_buckets=-1, max_relative_positions=64, pos_att_type=["c2p", "p2c"],
                            share_att_key=False, norm_rel_ebd="none", position_biased_input=True, type_vocab_size=2)
    model = DebertaV2ForSequenceClassification(config)
    sharpen(model, 36)
    attention = model.deberta.encoder.layer[0].attention.self
    assert attention.max_relative_positions == 64 and attention.pos_ebd_size == 64
    assert model.deberta.encoder.rel_embeddings.weight.shape[0] == 128
    assert not hasattr(model.deberta.encoder, "LayerNorm"), "a relative-embedding LayerNorm"
    base, logits, means, sensitivity, eps = deberta_common(name, model, config, encodings, True)
    layers = range(config.num_hidden_layers)
    pos_query = [f"deberta.encoder.layer.{i}.attention.self.pos_query_proj.{w}" for i in layers
                 for w in ("weight", "bias")]
    pos_key = [k.replace("pos_query_proj", "pos_key_proj") for k in pos_query]
    for key, other in [("c2p_only", deberta_variant(model, config, pos_query, pos_att_type=["c2p"])),
                       ("share_att_key", deberta_variant(model, config, pos_query + pos_key, share_att_key=True))]:
        sensitivity[key] = max_delta(logits, classifier_outputs(other, encodings, True, base)[0])
    write_classifier(name, folder, model, config, tok, encodings, True, sensitivity, logits, means,
                     extra={"sensitivity_layer_norm_eps": eps})
    deberta_finish(name, folder, model, encodings, True, logits)


# SPLADE -----------------------------------------------------------------------------------------------------------

def splade_vectors(model, encodings, token_types):
    """Each input's SPLADE vector (dense, vocabulary-sized): max over tokens of log1p(relu(logits)) x mask."""
    out = []
    for enc in encodings:
        kwargs = kwargs_of(enc, token_types)
        with torch.no_grad():
            logits = model(**kwargs).logits
            weights = torch.log1p(torch.relu(logits)) * kwargs["attention_mask"][..., None]
            out.append(torch.max(weights, dim=1).values[0])
    return out


def sentence_transformers_check(folder, encodings, vectors, token_types):
    """sentence-transformers' SparseEncoder (Transformer fill-mask + SpladePooling max) on the same folder: the
    texts through its own tokenizer, and every input's ids through its modules. Returns the largest difference."""
    from sentence_transformers import SparseEncoder
    from sentence_transformers.base.modules import Transformer
    from sentence_transformers.sparse_encoder.modules import SpladePooling
    # transformers 5 takes the tokenizer class from config.json's model_type (BertTokenizer over tokenizer.json).
    encoder = SparseEncoder(modules=[Transformer(folder, transformer_task="fill-mask", max_seq_length=512),
                                     SpladePooling(pooling_strategy="max")], device="cpu")
    encoder.eval()
    worst = 0.0
    singles = [(i, t) for i, (t, p) in enumerate(INPUTS) if p is None]
    dense = encoder.encode([t for _, t in singles], convert_to_tensor=True, convert_to_sparse_tensor=False,
                           batch_size=1)
    for (i, _), row in zip(singles, dense):
        worst = max(worst, float((row - vectors[i]).abs().max()))
    for enc, vector in zip(encodings, vectors):
        with torch.no_grad():
            row = encoder(kwargs_of(enc, token_types))["sentence_embedding"][0]
        worst = max(worst, float((row - vector).abs().max()))
    return worst


def splade(name, model, config, encodings, token_types, tok, eps_variant, reload_cls):
    folder = fresh(name)
    vectors = splade_vectors(model, encodings, token_types)
    sensitivity = {"layer_norm_eps": max_delta(vectors, splade_vectors(eps_variant, encodings, token_types))}
    act_key = "activation" if isinstance(config, DistilBertConfig) else "hidden_act"
    sensitivity["gelu_new"] = max_delta(vectors, splade_vectors(variant(model, config, **{act_key: "gelu_new"}),
                                                                encodings, token_types))
    for key, delta in sensitivity.items():
        assert delta > 1e-3, f"{name}: {key} moves the SPLADE values by only {delta}"
    model.save_pretrained(folder)
    tok.save(f"{folder}/tokenizer.json")
    # The folder as transformers loads it (the tied decoder restored from the word embeddings) gives the same vectors.
    loaded = reload_cls.from_pretrained(folder).eval()
    drift = max_delta(vectors, splade_vectors(loaded, encodings, token_types))
    assert drift < 1e-5, f"{name}: transformers' own load of the folder differs by {drift}"
    st_drift = sentence_transformers_check(folder, encodings, vectors, token_types)
    assert st_drift < 1e-4, f"{name}: sentence-transformers' SparseEncoder differs by {st_drift}"
    sparse = []
    for v in vectors:
        idx = torch.nonzero(v > 0).flatten()
        sparse.append({"indices": [int(i) for i in idx], "values": [float(v[i]) for i in idx]})
    expected = {"inputs": [{"text": t, "text_pair": p} for t, p in INPUTS],
                "ids": [e["input_ids"] for e in encodings]}
    if token_types:
        expected["token_type_ids"] = [e["token_type_ids"] for e in encodings]
    expected.update({"sparse": sparse, "pooling_strategy": "max", "activation_function": "relu", "dtype": "float32",
                     "sensitivity": sensitivity})
    with open(f"{folder}/expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)
    with safe_open(f"{folder}/model.safetensors", "pt") as f:
        keys = sorted(f.keys())
    counts = [len(s["indices"]) for s in sparse]
    peak = max(max(s["values"], default=0.0) for s in sparse)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, vocabulary {config.vocab_size}, "
          f"nonzero {min(counts)}..{max(counts)}, largest value {peak:.2f}, "
          + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity.items())
          + f", sentence-transformers agrees to {st_drift:.1e}; files {sorted(os.listdir(folder))}")
    decoder = [k for k in keys if "decoder" in k or "vocab_projector" in k or k.endswith("predictions.bias")]
    print(f"  {name} model.safetensors: {len(keys)} tensors; head/decoder keys {decoder}")


def splade_bert():
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    config = BertConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                        intermediate_size=96, max_position_embeddings=512, type_vocab_size=2, pad_token_id=0,
                        hidden_act="gelu")
    model = BertForMaskedLM(config)
    assert model.cls.predictions.decoder.weight is model.bert.embeddings.word_embeddings.weight, "decoder not tied"
    sharpen(model, 33, mlm_bias)
    splade("tiny-splade-bert", model, config, encodings, True, tok, variant(model, config, layer_norm_eps=1e-5),
           BertForMaskedLM)


def splade_distilbert():
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    config = DistilBertConfig(vocab_size=len(vocab), dim=48, n_layers=2, n_heads=3, hidden_dim=96,
                              max_position_embeddings=512, pad_token_id=0, activation="gelu")
    model = DistilBertForMaskedLM(config)
    assert model.vocab_projector.weight is model.distilbert.embeddings.word_embeddings.weight, "decoder not tied"
    sharpen(model, 34, mlm_bias)
    splade("tiny-splade-distilbert", model, config, encodings, False, tok, with_eps(model, 1e-5),
           DistilBertForMaskedLM)


if __name__ == "__main__":
    torch.set_num_threads(2)
    mpnet()
    electra()
    splade_bert()
    splade_distilbert()
    deberta_v3()
    deberta_v2()
