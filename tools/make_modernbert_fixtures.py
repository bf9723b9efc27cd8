#!/usr/bin/env python3
"""Fixtures of ModernBERT (answerdotai/ModernBERT-base/large, gte-modernbert-base, modernbert-embed-base,
gte-reranker-modernbert-base), made by transformers 5 itself, with trained magnitudes and inputs past 512, 1024 and
2048 tokens:

    .venv/bin/python tools/make_modernbert_fixtures.py      # from the repository root, after make venv

- Tests/Fixtures/models/tiny-modernbert-cls: transformers 5's ModernBertForSequenceClassification written by its
  save_pretrained: `model.embeddings.{tok_embeddings,norm}`, `model.layers.N.{attn_norm (not on layer 0), attn.Wqkv,
  attn.Wo, mlp_norm, mlp.Wi, mlp.Wo}`, `model.final_norm`, `head.{dense,norm}`, `classifier` (with bias); no bias on
  any other product or norm. Hidden 64, 4 heads of 16, 4 layers (0 and 3 global, 1 and 2 local: the default
  `global_attn_every_n_layers` 3), intermediate 96 (Wi `[192, 64]`, its first half activated), exact GELU, norm
  epsilon 1e-5, 8192 positions, local_attention 128 (a window of 64 keys each side), RoPE bases 20000 (global) and
  5000 (local) in `rope_parameters` (neither default: 160000 and 10000), `classifier_pooling` mean; BERT's tiny
  WordPiece tokenizer (tools/make_fixtures.py), the ids being all the encoder sees.
- Tests/Fixtures/models/tiny-modernbert-hub: the same encoder (ModernBertModel: no head) in the layout of the Hub's
  checkpoints (config.json as transformers 4.48 wrote ModernBERT-base's: `global_rope_theta`, `local_rope_theta`,
  `global_attn_every_n_layers`, `local_attention`, no `layer_types` or `rope_parameters`; tensors without a prefix).

expected.json: inputs, ids, `mean` (the mean over tokens of the base model's last hidden state, after final_norm),
for -cls `logits` (mean pooling) and `logits_cls` (the same weights with `classifier_pooling` cls), and `sensitivity`:
the largest change transformers shows (logits and mean) under each misreading: the global or local θ at its default,
local layers unwindowed, the other GLU half activated, a norm epsilon of 1e-12, layer 0 given an attention norm (its
mlp_norm's weights), and tanh GELU. Each is asserted over 1e-3 (ten times the tests' tolerance), except tanh GELU
on the mean (over 3e-4; on the logits over 1e-3).
Every input runs alone (batch 1, attention mask of ones), in float32. Deterministic: fixed seeds.
"""
import copy
import json
import os
import random
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import ModernBertConfig, ModernBertForSequenceClassification, ModernBertModel  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from make_arch_fixtures import bert_tokenizer, fresh, long_text, max_delta  # noqa: E402
from make_sharp_fixtures import INPUTS as SHORT_INPUTS, LABELS  # noqa: E402
from make_rope_fixtures import rows, variant  # noqa: E402

GLOBAL_THETA, LOCAL_THETA = 20000.0, 5000.0
LONG_SIZES = [(598, None), (1098, None), (2098, None), (300, 297)]


def make_inputs():
    rng = random.Random(19)
    return SHORT_INPUTS + [(long_text(rng, a), long_text(rng, b) if b else None) for a, b in LONG_SIZES]


INPUTS = make_inputs()


def config_of(vocab, **changes):
    settings = dict(vocab_size=len(vocab), hidden_size=64, num_hidden_layers=4, num_attention_heads=4,
                    intermediate_size=96, hidden_activation="gelu", norm_eps=1e-5, max_position_embeddings=8192,
                    pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3,
                    local_attention=128, classifier_pooling="mean",
                    rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": GLOBAL_THETA},
                                     "sliding_attention": {"rope_type": "default", "rope_theta": LOCAL_THETA}},
                    id2label=LABELS, label2id={v: k for k, v in LABELS.items()}, attn_implementation="eager")
    settings.update(changes)
    return ModernBertConfig(**settings)


def sharpen(model, seed):
    """Trained magnitudes (tools/make_sharp_fixtures.py's rules) under ModernBERT's names: embeddings std 0.05 (the
    embedding norm's epsilon matters), norms 1 +- 0.1, Wqkv 1.7/sqrt(in) (attention logits of std ~3, so RoPE and
    the window move the weights), Wi 2/sqrt(in) (GELU inputs to |x| ~ 3), the head 3/sqrt(in), biases 0.1."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + torch.randn_like(p) * 0.1)
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p) * 0.05)
            elif name.endswith("bias"):
                p.copy_(torch.randn_like(p) * 0.1)
            elif "Wqkv" in name:
                p.copy_(torch.randn_like(p) * (1.7 / p.shape[1] ** 0.5))
            elif "Wi" in name:
                p.copy_(torch.randn_like(p) * (2.0 / p.shape[1] ** 0.5))
            elif "head" in name or "classifier" in name:
                p.copy_(torch.randn_like(p) * (3.0 / p.shape[1] ** 0.5))
            else:
                p.copy_(torch.randn_like(p) * (1.0 / p.shape[1] ** 0.5))
    model.eval()


def encode_all(tok):
    encodings = []
    for text, pair in INPUTS:
        enc = tok.encode(text, pair) if pair is not None else tok.encode(text)
        encodings.append({"input_ids": enc.ids, "token_type_ids": enc.type_ids})
    assert max(len(e["input_ids"]) for e in encodings) > 2048
    return encodings


def run(model, encodings):
    """Logits (when the model has a head) and the mean of the base model's last hidden state, each input alone."""
    logits, means = [], []
    encoder = model.model if hasattr(model, "classifier") else model
    for enc in encodings:
        ids = torch.tensor([enc["input_ids"]])
        kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
        with torch.no_grad():
            if encoder is not model:
                logits.append(model(**kwargs).logits[0])
            means.append(encoder(**kwargs).last_hidden_state.mean(1)[0])
    return logits, means


def swapped_glu(model):
    """The second half of Wi activated instead of the first."""
    other = copy.deepcopy(model)
    with torch.no_grad():
        for layer in other.model.layers:
            w = layer.mlp.Wi.weight
            half = w.shape[0] // 2
            w.copy_(torch.cat([w[half:], w[:half]]))
    return other.eval()


def normed_first_layer(model):
    """Layer 0 with an attention LayerNorm (its mlp_norm's weights) in place of the identity."""
    other = copy.deepcopy(model)
    first = other.model.layers[0]
    norm = torch.nn.LayerNorm(other.config.hidden_size, eps=other.config.norm_eps, bias=False)
    with torch.no_grad():
        norm.weight.copy_(first.mlp_norm.weight)
    first.attn_norm = norm
    return other.eval()


def write_expected(folder, encodings, payload):
    expected = {"inputs": [{"text": t, "text_pair": p} for t, p in INPUTS],
                "ids": [e["input_ids"] for e in encodings],
                "token_type_ids": [e["token_type_ids"] for e in encodings]}
    expected.update(payload)
    with open(f"{folder}/expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


def hub_config(config):
    """config.json as transformers 4.48 wrote answerdotai/ModernBERT-base's, at this fixture's sizes."""
    return {
        "architectures": ["ModernBertModel"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": config.bos_token_id, "classifier_activation": "gelu", "classifier_bias": False,
        "classifier_dropout": 0.0, "classifier_pooling": "mean", "cls_token_id": config.cls_token_id,
        "decoder_bias": True, "deterministic_flash_attn": False, "embedding_dropout": 0.0,
        "eos_token_id": config.eos_token_id, "global_attn_every_n_layers": 3, "global_rope_theta": GLOBAL_THETA,
        "gradient_checkpointing": False, "hidden_activation": "gelu", "hidden_size": config.hidden_size,
        "initializer_cutoff_factor": 2.0, "initializer_range": 0.02, "intermediate_size": config.intermediate_size,
        "layer_norm_eps": 1e-05, "local_attention": config.local_attention, "local_rope_theta": LOCAL_THETA,
        "max_position_embeddings": config.max_position_embeddings, "mlp_bias": False, "mlp_dropout": 0.0,
        "model_type": "modernbert", "norm_bias": False, "norm_eps": config.norm_eps,
        "num_attention_heads": config.num_attention_heads, "num_hidden_layers": config.num_hidden_layers,
        "pad_token_id": config.pad_token_id, "position_embedding_type": "absolute", "sep_token_id": config.sep_token_id,
        "tie_word_embeddings": True, "torch_dtype": "float32", "transformers_version": "4.48.0.dev0",
        "vocab_size": config.vocab_size,
    }


def main():
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    config = config_of(vocab)
    model = ModernBertForSequenceClassification(config)
    sharpen(model, 47)
    assert [layer.attention_type for layer in model.model.layers] == \
        ["full_attention", "sliding_attention", "sliding_attention", "full_attention"], \
        [layer.attention_type for layer in model.model.layers]
    logits, means = run(model, encodings)
    logits_cls, _ = run(variant(model, config, classifier_pooling="cls"), encodings)

    def theta(full, sliding):
        return {"full_attention": {"rope_type": "default", "rope_theta": full},
                "sliding_attention": {"rope_type": "default", "rope_theta": sliding}}

    variants = {
        "global_theta_default": run(variant(model, config, rope_parameters=theta(160000.0, LOCAL_THETA)), encodings),
        "local_theta_default": run(variant(model, config, rope_parameters=theta(GLOBAL_THETA, 10000.0)), encodings),
        "unwindowed": run(variant(model, config, layer_types=["full_attention"] * 4), encodings),
        "glu_swapped": run(swapped_glu(model), encodings),
        "norm_eps": run(variant(model, config, norm_eps=1e-12), encodings),
        "first_layer_normed": run(normed_first_layer(model), encodings),
        "gelu_tanh": run(variant(model, config, hidden_activation="gelu_pytorch_tanh"), encodings),
        "cls_pooling": (logits_cls, means),
    }
    sensitivity_logits = {k: max_delta(logits, v[0]) for k, v in variants.items()}
    sensitivity_mean = {k: max_delta(means, v[1]) for k, v in variants.items() if k != "cls_pooling"}
    for key, change in sensitivity_logits.items():
        assert change > 1e-3, f"{key} moves the logits by only {change}"
    for key, change in sensitivity_mean.items():
        # The two GELUs are at most 5e-4 apart: after the final norm and the average over tokens they move the mean
        # by ~5e-4 only (five times the tolerance; the logits tell them apart by more than ten).
        floor = 3e-4 if key == "gelu_tanh" else 1e-3
        assert change > floor, f"{key} moves the mean by only {change}"

    name = "tiny-modernbert-cls"
    folder = fresh(name)
    model.save_pretrained(folder)
    tok.save(f"{folder}/tokenizer.json")
    with open(f"{folder}/config.json") as f:
        saved = json.load(f)
    written = load_file(f"{folder}/model.safetensors")
    assert "model.layers.0.attn_norm.weight" not in written and "model.layers.1.attn_norm.weight" in written
    assert not any(k.endswith(".bias") for k in written if k != "classifier.bias"), sorted(written)
    loaded = ModernBertForSequenceClassification.from_pretrained(folder, attn_implementation="eager").eval()
    drift = max_delta(logits, run(loaded, encodings)[0])
    assert drift < 1e-5, f"{name}: transformers' own load differs by {drift}"  # float noise on logits of ~5
    write_expected(folder, encodings, {
        "logits": rows(logits), "logits_cls": rows(logits_cls), "mean": rows(means), "dtype": "float32",
        "sensitivity": {k: max(sensitivity_logits[k], sensitivity_mean.get(k, 0)) for k in variants}})

    hub_name = "tiny-modernbert-hub"
    hub_folder = fresh(hub_name)
    encoder = {k[len("model."):]: v.contiguous() for k, v in written.items() if k.startswith("model.")}
    save_file(encoder, f"{hub_folder}/model.safetensors", metadata={"format": "pt"})
    with open(f"{hub_folder}/config.json", "w") as f:
        json.dump(hub_config(config), f, indent=2, sort_keys=True)
        f.write("\n")
    tok.save(f"{hub_folder}/tokenizer.json")
    hub = ModernBertModel.from_pretrained(hub_folder, attn_implementation="eager").eval()
    assert hub.config.layer_types == config.layer_types, hub.config.layer_types
    hub_means = run(hub, encodings)[1]
    hub_drift = max_delta(means, hub_means)
    assert hub_drift < 1e-5, f"{hub_name}: transformers' load of the Hub layout differs by {hub_drift}"
    write_expected(hub_folder, encodings, {"mean": rows(hub_means), "dtype": "float32",
                                           "sensitivity": sensitivity_mean})

    lengths = sorted(len(e["input_ids"]) for e in encodings)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, inputs of {lengths[0]} to "
          f"{lengths[-1]} tokens, largest |logit| {max(float(r.abs().max()) for r in logits):.2f}; "
          f"its own load agrees to {drift:.1e}; the Hub layout's to {hub_drift:.1e}")
    print(f"  saved config: layer_types {saved.get('layer_types')}, rope_parameters {saved.get('rope_parameters')}, "
          f"local_attention {saved.get('local_attention')}, sliding_window {config.sliding_window}")
    print("  sensitivity of the logits: " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity_logits.items()))
    print("  sensitivity of the mean: " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity_mean.items()))
    print(f"  tensors: {sorted(written)[:8]} ... ({len(written)})")


if __name__ == "__main__":
    main()
