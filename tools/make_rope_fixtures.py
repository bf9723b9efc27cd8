#!/usr/bin/env python3
"""Fixtures of the RoPE + GLU, post-LayerNorm BERTs: Alibaba's GTE (gte-base/large-en-v1.5, gte-multilingual) and
NomicBERT (nomic-embed-text-v1/v1.5 and the checkpoints on nomic-ai/nomic-bert-2048's code), with realistic magnitudes
(as tools/make_sharp_fixtures.py) and inputs past 512, 1024 and 2048 tokens:

    .venv/bin/python tools/make_rope_fixtures.py      # from the repository root, after make venv

- Tests/Fixtures/models/tiny-gte-cls: transformers 5's GteForSequenceClassification written by its save_pretrained, so
  the tensors have the published names (transformers renames them on save and back on load):
  `gte.embeddings.{word_embeddings,token_type_embeddings,LayerNorm}`, `gte.encoder.layer.N.attention.qkv_proj` (q, k, v
  stacked on the output axis, with bias), `...attention.o_proj`, `...attn_ln`, `...mlp.up_gate_proj` (no bias; the up
  half first, then the gate: act(gate) * up), `...mlp.down_proj`, `...mlp_ln`, `gte.pooler.dense` (tanh, first
  token) and `classifier`. Hidden 64, 4 heads of 16, 2 layers, intermediate 96, two token types, exact GELU, LayerNorm
  epsilon 1e-12, 8192 positions, and a RoPE base of 20000 (`rope_parameters: {"rope_type": "default",
  "rope_theta": 20000.0}`: neither GteConfig's default 160000 nor the usual 10000, so a reader that ignores the field
  fails); BERT's tiny WordPiece tokenizer (tools/make_fixtures.py).
- Tests/Fixtures/models/tiny-gte-new: the same encoder (no pooler, no classifier) in the layout Alibaba publishes
  on the Hub for gte-base-en-v1.5 and its siblings: custom code `NewModel` (Alibaba-NLP/new-impl), `model_type: "new"`,
  tensor names without a prefix (`embeddings.word_embeddings.weight`, `encoder.layer.N.attention.qkv_proj.weight`, ...),
  and their config keys: a top-level `rope_theta`, `rope_scaling: null`, `position_embedding_type: "rope"`,
  `layer_norm_type`, `pack_qkv`, `unpad_inputs`, `use_memory_efficient_attention`, `logn_attention_scale`,
  `logn_attention_clip1`, `auto_map`. Its expected means come from transformers' GteModel on the same weights, and the
  script checks them against a transcription of new-impl's forward on the written file (packed qkv split in thirds,
  rotate_half RoPE from `rope_theta`, up/gate split in halves, attn_ln/mlp_ln after each residual), and against
  transformers' GteModel.from_pretrained of the folder with `model_type` rewritten to "gte" (transformers converts the
  published tensor names only for that model type; AutoModel refuses `new` without trust_remote_code).
  Its expected.json also has `ntk`: the means under the static NTK scaling of the Hub's `rope_scaling: {"type":
  "ntk", "factor": 4}` (θ·4, every inverse frequency divided by 4^(2/16)), from GteModel with the equivalent
  linear `rope_parameters` (also recorded), checked against the Hub code's formula.
- Tests/Fixtures/models/tiny-nomic-cls: transformers 5's NomicBertForSequenceClassification written by its
  save_pretrained, which writes nomic-bert-2048's names (conversion_mapping.py's "nomic_bert" entries, reversed) under
  `nomic_bert.`: `nomic_bert.embeddings.{word_embeddings,token_type_embeddings}`, `nomic_bert.emb_ln`,
  `nomic_bert.encoder.layers.N.attn.Wqkv` (q, k, v stacked on the output axis, heads in order inside each),
  `...attn.out_proj`, `...mlp.fc11` (up_proj, the multiplied half), `...mlp.fc12` (gate_proj, the half that gets the
  activation: fc11(x) * silu(fc12(x))), `...mlp.fc2`, `...norm1` (after attention), `...norm2` (after the MLP), none
  of the five linears with a bias; `nomic_bert.pooler.dense` (tanh, first token) and `classifier`. Hidden 64,
  4 heads of 16, 2 layers, intermediate 96, two token types, SiLU, LayerNorm epsilon 1e-12, 8192 positions, 192
  embedding rows for the tokenizer's 189 ids (padded to a multiple of 64 as nomic-embed-text-v1.5's 30528 for
  30522), and a RoPE base of 3000 (`rope_parameters: {"rope_type": "default", "rope_theta": 3000.0}`: neither
  NomicBertConfig's default 1000 nor the usual 10000).
- Tests/Fixtures/models/tiny-nomic-hub: the same encoder (no pooler, no classifier) in the layout nomic-ai publishes
  for nomic-embed-text-v1.5: custom code (nomic-ai/nomic-bert-2048, `model_type: "nomic_bert"`,
  `architectures: ["NomicBertModel"]`), the names above without a prefix, and the config.json its GPT2Config-based
  NomicBertConfig writes: `n_embd`, `n_layer`, `n_head`, `n_inner`, `n_positions`, `layer_norm_epsilon`,
  `activation_function: "swiglu"`, `rotary_emb_base` (3000, an integer as the Hub's 1000), `rotary_emb_fraction: 1.0`,
  `rotary_emb_interleaved: false`, `rotary_emb_scale_base`/`rotary_scaling_factor: null`, `max_trained_positions`,
  `prenorm`, `qkv_proj_bias`, `mlp_fc1_bias`, `mlp_fc2_bias`, `use_rms_norm`, `causal`, `pad_vocab_size_multiple: 64`,
  `auto_map`..., and none of transformers' keys (hidden_size, rope_parameters, hidden_act, layer_norm_eps: the Hub's
  copy gained some in 2026). Its expected means come from transformers' NomicBertModel on the same weights; the
  script checks them against a transcription of nomic-bert-2048's forward on the written file, and loads the folder
  through transformers 5: as written, NomicBertConfig reads none of the GPT-2 keys (hidden 768 by default: the load
  fails on the shapes); with hidden_size etc. added it loads and renames the tensors, but takes RoPE base 1000 unless
  rope_parameters is added too (it ignores rotary_emb_base); with both, the same means.

Every input runs alone (batch 1, attention mask of ones), in float32: the short inputs of the other fixtures, three
texts of 600, 1100 and 2100 tokens and a pair of 600, so positions pass 512, 1024 and 2048. expected.json has inputs,
ids, token_type_ids, `mean` (the mean over tokens of the base model's last hidden state), for the -cls fixtures
`logits`, `rope_theta`, and `sensitivity`: the largest change transformers shows (of logits and mean; tiny-gte-new
and tiny-nomic-hub: of mean) under each of a few misreadings. GTE's rows: a LayerNorm epsilon of 1e-5, gelu_new in
place of exact GELU, a RoPE base of 10000 (NewConfig's default, what a reader that misses `rope_theta` gets) or 160000
(GteConfig's default), the other GLU half activated (act(up) * gate), no RoPE (cos 1, sin 0), and RoPE rotating
interleaved pairs (GPT-J's rotate-every-two) in place of halves (NeoX's rotate_half).
The script asserts each change of tiny-gte-cls's logits (recorded alone as `sensitivity_logits`) and of the mean is
over 1e-3, ten times the tests' tolerance, except gelu_new on the mean: the two GELUs are at most 5e-4 apart, and after
the last LayerNorm and the average over tokens they move the mean by ~4e-4 (asserted over 3e-4), so tiny-gte-new
tells them apart by four times the tolerance, and tiny-gte-cls's logits by more than ten. NomicBERT's rows: a
LayerNorm epsilon of 1e-5, exact GELU in place of SiLU (`gelu`), a RoPE base of 1000 (NomicBertConfig's default, what
transformers takes from the Hub's config without rope_parameters) or 10000, the other GLU half activated
(fc12(x) * silu(fc11(x))), no RoPE, and interleaved RoPE; each moves tiny-nomic-cls's logits and the mean by over 1e-3
(asserted).
Deterministic: fixed seeds.
"""
import copy
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here is downloaded (the AutoModel check below stays local)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import (  # noqa: E402
    GteConfig, GteForSequenceClassification, GteModel,
    NomicBertConfig, NomicBertForSequenceClassification, NomicBertModel,
)

sys.path.insert(0, os.path.dirname(__file__))
from make_arch_fixtures import bert_tokenizer, fresh, kwargs_of, long_text, max_delta  # noqa: E402
from make_sharp_fixtures import INPUTS as SHORT_INPUTS, LABELS  # noqa: E402

OUT_ROOT = "Tests/Fixtures/models"
ROPE_THETA = 20000.0
NTK_FACTOR = 4.0  # static NTK scaling of the tiny-gte-new reference (gte-multilingual-base publishes 8, gte-base-en-v1.5 2)
# (tokens of the text, tokens of the pair or None): with BERT's specials, 600, 1100 and 2100 ids, and a pair of 600.
LONG_SIZES = [(598, None), (1098, None), (2098, None), (300, 297)]


def make_inputs():
    rng = random.Random(17)
    return SHORT_INPUTS + [(long_text(rng, a), long_text(rng, b) if b else None) for a, b in LONG_SIZES]


INPUTS = make_inputs()


def encode_all(tok):
    encodings = []
    for text, pair in INPUTS:
        enc = tok.encode(text, pair) if pair is not None else tok.encode(text)
        encodings.append({"input_ids": enc.ids, "token_type_ids": enc.type_ids})
    for (a, b), enc in zip(LONG_SIZES, encodings[len(SHORT_INPUTS):]):
        want = a + (b or 0) + tok.num_special_tokens_to_add(b is not None)
        assert len(enc["input_ids"]) == want, f"a long input has {len(enc['input_ids'])} tokens, not {want}"
    assert max(len(e["input_ids"]) for e in encodings) > 2048
    return encodings


def gte_config(vocab, **changes):
    settings = dict(vocab_size=len(vocab), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=96, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12,
                    max_position_embeddings=8192, pad_token_id=0,
                    rope_parameters={"rope_type": "default", "rope_theta": ROPE_THETA},
                    id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
    settings.update(changes)
    return GteConfig(**settings)


def sharpen(model, seed):
    """Trained-encoder magnitudes (tools/make_sharp_fixtures.py's rules) under transformers' GTE module names:
    embeddings std 0.05 (the embedding LayerNorm's epsilon then matters), LayerNorms 1 +- 0.1, biases 0.1, the GLU
    gate 2/sqrt(in) (GELU inputs reaching |x| ~ 3, where exact and tanh GELU differ) and its up half 1/sqrt(in),
    queries and keys 1.7/sqrt(in) (entries of std ~1.7 after a LayerNorm, so attention logits q.k/sqrt(16) of std ~3:
    RoPE's rotation then moves the attention weights), the pooler and classifier 3/sqrt(in) (logits of a few units)."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name or "layernorm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + torch.randn_like(p) * 0.1)
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p) * 0.05)
            elif name.endswith("bias"):
                p.copy_(torch.randn_like(p) * 0.1)
            elif "gate_proj" in name:
                p.copy_(torch.randn_like(p) * (2.0 / p.shape[1] ** 0.5))
            elif "q_proj" in name or "k_proj" in name:
                p.copy_(torch.randn_like(p) * (1.7 / p.shape[1] ** 0.5))
            elif "classifier" in name or "pooler" in name:
                p.copy_(torch.randn_like(p) * (3.0 / p.shape[1] ** 0.5))
            else:
                p.copy_(torch.randn_like(p) * (1.0 / p.shape[1] ** 0.5))
    model.eval()


def base(model):
    """The encoder inside a head model: `model.gte`, `model.nomic_bert`."""
    return getattr(model, model.base_model_prefix)


def modeling(model):
    """The transformers module that defines the model (its apply_rotary_pos_emb is what the attention calls)."""
    return sys.modules[type(model).__module__]


def outputs(model, encodings, head=None):
    """Logits of each input alone, the mean of the base model's last hidden state, and (with `head`) logits
    recomputed by hand from the base model's first token."""
    logits, means, manual = [], [], []
    for enc in encodings:
        kwargs = kwargs_of(enc, True)
        with torch.no_grad():
            logits.append(model(**kwargs).logits[0])
            hidden = base(model)(**kwargs).last_hidden_state
            means.append(hidden.mean(1)[0])
            if head is not None:
                manual.append(head(model, hidden[:, 0])[0])
    return logits, means, manual


def variant(model, config, **changes):
    """The same weights under a changed config (RoPE's inverse frequencies are buffers the config rebuilds)."""
    changed = copy.deepcopy(config)
    for k, v in changes.items():
        setattr(changed, k, v)
    other = type(model)(changed)
    other.load_state_dict(model.state_dict())
    return other.eval()


def swapped_glu(model):
    """act(up) * gate: the GLU halves exchanged."""
    other = copy.deepcopy(model)
    with torch.no_grad():
        for layer in base(other).layers:
            gate = layer.mlp.gate_proj.weight.clone()
            layer.mlp.gate_proj.weight.copy_(layer.mlp.up_proj.weight)
            layer.mlp.up_proj.weight.copy_(gate)
    return other.eval()


def without_rope(model):
    """Every rotation angle zero: cos 1, sin 0."""
    other = copy.deepcopy(model)
    with torch.no_grad():
        base(other).rotary_emb.inv_freq.zero_()
    return other.eval()


def rotate_every_two(q, k, cos, sin, unsqueeze_dim=1):
    """GPT-J's layout: frequency i rotates the pair (2i, 2i+1), not (i, i + d/2)."""
    half = cos.shape[-1] // 2
    cos = cos[..., :half].repeat_interleave(2, dim=-1).unsqueeze(unsqueeze_dim)
    sin = sin[..., :half].repeat_interleave(2, dim=-1).unsqueeze(unsqueeze_dim)

    def rotate(x):
        return torch.stack((-x[..., 1::2], x[..., 0::2]), dim=-1).flatten(-2)

    return q * cos + rotate(q) * sin, k * cos + rotate(k) * sin


def interleaved_outputs(model, encodings):
    module = modeling(model)
    saved = module.apply_rotary_pos_emb
    module.apply_rotary_pos_emb = rotate_every_two
    try:
        return outputs(model, encodings)
    finally:
        module.apply_rotary_pos_emb = saved


def attention_logit_std(model, enc):
    """The standard deviation of the first layer's attention logits (after RoPE, scaled) on one input."""
    kwargs = kwargs_of(enc, True)
    captured = []
    encoder, module = base(model), modeling(model)
    layer = encoder.layers[0].self_attn
    hook = layer.register_forward_hook(lambda m, args, kw, out: captured.append(kw), with_kwargs=True)
    try:
        with torch.no_grad():
            hidden = encoder.embeddings(input_ids=kwargs["input_ids"], token_type_ids=kwargs["token_type_ids"])
            encoder(**kwargs)
            cos, sin = captured[0]["position_embeddings"]
            shape = (*hidden.shape[:-1], -1, layer.head_dim)
            q = layer.q_proj(hidden).view(shape).transpose(1, 2)
            k = layer.k_proj(hidden).view(shape).transpose(1, 2)
            q, k = module.apply_rotary_pos_emb(q, k, cos, sin)
    finally:
        hook.remove()
    return float((q @ k.transpose(2, 3) * layer.scaling).std().detach())


def classifier_head(m, first):
    return m.classifier(torch.tanh(base(m).pooler.dense(first)))


def fold(keys):
    return sorted({re.sub(r"\.(layers?)\.\d+\.", r".\1.N.", k) for k in keys})


# The published layout (Alibaba-NLP/new-impl) -----------------------------------------------------------------------

# auto_map as the gte-v1.5 and gte-multilingual checkpoints publish it (the remote code of Alibaba-NLP/new-impl).
NEW_AUTO_MAP = {
    "AutoConfig": "Alibaba-NLP/new-impl--configuration.NewConfig",
    "AutoModel": "Alibaba-NLP/new-impl--modeling.NewModel",
    "AutoModelForMaskedLM": "Alibaba-NLP/new-impl--modeling.NewForMaskedLM",
    "AutoModelForMultipleChoice": "Alibaba-NLP/new-impl--modeling.NewForMultipleChoice",
    "AutoModelForQuestionAnswering": "Alibaba-NLP/new-impl--modeling.NewForQuestionAnswering",
    "AutoModelForSequenceClassification": "Alibaba-NLP/new-impl--modeling.NewForSequenceClassification",
    "AutoModelForTokenClassification": "Alibaba-NLP/new-impl--modeling.NewForTokenClassification",
}


def new_config(config):
    """config.json as NewConfig writes it (new-impl's configuration.py fields; rope_theta top-level, no scaling)."""
    return {
        "architectures": ["NewModel"],
        "attention_probs_dropout_prob": 0.0,
        "auto_map": NEW_AUTO_MAP,
        "classifier_dropout": None,
        "hidden_act": config.hidden_act,
        "hidden_dropout_prob": 0.1,
        "hidden_size": config.hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": config.intermediate_size,
        "layer_norm_eps": config.layer_norm_eps,
        "layer_norm_type": "layer_norm",
        "logn_attention_clip1": False,
        "logn_attention_scale": False,
        "max_position_embeddings": config.max_position_embeddings,
        "model_type": "new",
        "num_attention_heads": config.num_attention_heads,
        "num_hidden_layers": config.num_hidden_layers,
        "pack_qkv": True,
        "pad_token_id": config.pad_token_id,
        "position_embedding_type": "rope",
        "rope_scaling": None,
        "rope_theta": config.rope_parameters["rope_theta"],
        "torch_dtype": "float32",
        "type_vocab_size": config.type_vocab_size,
        "unpad_inputs": False,
        "use_memory_efficient_attention": False,
        "vocab_size": config.vocab_size,
    }


def published_mean(state, cfg, enc):
    """new-impl's NewModel forward (eager attention, no unpadding, no logn scale), transcribed on the raw tensors."""
    ids = torch.tensor(enc["input_ids"])
    types = torch.tensor(enc["token_type_ids"])
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d, eps, inter = hidden // heads, cfg["layer_norm_eps"], cfg["intermediate_size"]

    def ln(x, prefix):
        return F.layer_norm(x, (hidden,), state[prefix + ".weight"], state[prefix + ".bias"], eps)

    def rotate_half(x):
        return torch.cat((-x[..., d // 2:], x[..., :d // 2]), dim=-1)

    x = state["embeddings.word_embeddings.weight"][ids] + state["embeddings.token_type_embeddings.weight"][types]
    x = ln(x, "embeddings.LayerNorm")
    scaling = cfg.get("rope_scaling")
    if scaling is None:
        inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, d, 2).float() / d))
    else:  # NTKScalingRotaryEmbedding, fixed NTK (no mixed_b): base · factor, every frequency / factor^(2/d)
        assert scaling["type"] == "ntk" and scaling.get("mixed_b") is None
        base = cfg["rope_theta"] * scaling["factor"]
        inv_freq = 1.0 / (base ** (torch.arange(0, d, 2).float() / d))
        inv_freq = inv_freq / scaling["factor"] ** (2 / d)
    freqs = torch.einsum("i,j->ij", torch.arange(len(ids), dtype=torch.float32), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None, :], emb.sin()[:, None, :]
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        qkv = x @ state[f"{p}.attention.qkv_proj.weight"].T + state[f"{p}.attention.qkv_proj.bias"]
        q, k, v = (t.view(len(ids), heads, d) for t in qkv.split(hidden, dim=-1))
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(d)
        context = torch.einsum("hqk,khd->qhd", scores.softmax(-1), v).reshape(len(ids), hidden)
        attn = context @ state[f"{p}.attention.o_proj.weight"].T + state[f"{p}.attention.o_proj.bias"]
        x = ln(x + attn, f"{p}.attn_ln")
        up, gate = (x @ state[f"{p}.mlp.up_gate_proj.weight"].T).split(inter, dim=-1)
        mlp = (F.gelu(gate) * up) @ state[f"{p}.mlp.down_proj.weight"].T + state[f"{p}.mlp.down_proj.bias"]
        x = ln(x + mlp, f"{p}.mlp_ln")
    return x.mean(0)


def check_auto_model(folder):
    """Whether transformers reads the published layout without remote code (offline: nothing is downloaded)."""
    from transformers import AutoModel
    try:
        AutoModel.from_pretrained(folder, trust_remote_code=False)
        return "loaded"
    except Exception as e:  # noqa: BLE001 - the message is the finding
        return f"{type(e).__name__}: {' '.join(str(e).split())[:240]}"


def write_expected(folder, encodings, payload):
    expected = {"inputs": [{"text": t, "text_pair": p} for t, p in INPUTS],
                "ids": [e["input_ids"] for e in encodings],
                "token_type_ids": [e["token_type_ids"] for e in encodings]}
    expected.update(payload)
    with open(f"{folder}/expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


def rows(tensors):
    return [[float(x) for x in row] for row in tensors]


def gte(vocab, tok, encodings):
    config = gte_config(vocab)
    model = GteForSequenceClassification(config)
    sharpen(model, 41)
    assert math.isclose(float(model.gte.rotary_emb.inv_freq[1]), ROPE_THETA ** (-2 / 16), rel_tol=1e-6), "rope_theta"
    logits, means, manual = outputs(model, encodings, classifier_head)
    drift = max_delta(logits, manual)
    assert drift < 1e-5, f"the pooler (tanh) and classifier by hand differ from transformers' by {drift}"

    variants = {
        "layer_norm_eps": outputs(variant(model, config, layer_norm_eps=1e-5), encodings),
        "gelu_new": outputs(variant(model, config, hidden_act="gelu_new"), encodings),
        "rope_theta_10000": outputs(variant(model, config, rope_parameters={"rope_type": "default",
                                                                             "rope_theta": 10000.0}), encodings),
        "rope_theta_160000": outputs(variant(model, config, rope_parameters={"rope_type": "default",
                                                                              "rope_theta": 160000.0}), encodings),
        "glu_swapped": outputs(swapped_glu(model), encodings),
        "no_rope": outputs(without_rope(model), encodings),
        "rope_interleaved": interleaved_outputs(model, encodings),
    }
    restored = max_delta(logits, outputs(model, encodings)[0])
    assert restored == 0.0, f"rotate_half is not restored ({restored})"
    sensitivity_logits = {k: max_delta(logits, v[0]) for k, v in variants.items()}
    sensitivity_mean = {k: max_delta(means, v[1]) for k, v in variants.items()}
    sensitivity = {k: max(sensitivity_logits[k], sensitivity_mean[k]) for k in variants}
    for key in variants:
        assert sensitivity_logits[key] > 1e-3, f"tiny-gte-cls: {key} moves the logits by only {sensitivity_logits[key]}"
        # The mean (tiny-gte-new's only output) sits after a LayerNorm and averages over tokens: exact against tanh
        # GELU (at most 5e-4 apart anywhere) moves it by ~4e-4 only, four times the tolerance, not ten.
        floor = 3e-4 if key == "gelu_new" else 1e-3
        assert sensitivity_mean[key] > floor, f"tiny-gte-new: {key} moves the mean by only {sensitivity_mean[key]}"
    # Past 2048 alone (the last text): the RoPE base and the layout still show there.
    longest = max(range(len(encodings)), key=lambda i: len(encodings[i]["input_ids"]))
    past_2048 = {k: float((means[longest] - v[1][longest]).abs().max()) for k, v in variants.items()}

    # tiny-gte-cls: transformers' own save_pretrained, then its own load gives the same logits.
    name = "tiny-gte-cls"
    folder = fresh(name)
    model.save_pretrained(folder)
    tok.save(f"{folder}/tokenizer.json")
    with open(f"{folder}/config.json") as f:
        saved_config = json.load(f)
    assert saved_config["rope_parameters"] == {"rope_type": "default", "rope_theta": ROPE_THETA}, saved_config
    assert saved_config["model_type"] == "gte" and saved_config["architectures"] == ["GteForSequenceClassification"]
    written = load_file(f"{folder}/model.safetensors")
    with safe_open(f"{folder}/model.safetensors", "pt") as f:
        metadata = f.metadata()
    for i, layer in enumerate(model.gte.layers):
        p = f"gte.encoder.layer.{i}"
        attention, mlp = layer.self_attn, layer.mlp
        assert torch.equal(written[f"{p}.attention.qkv_proj.weight"], torch.cat(
            [attention.q_proj.weight, attention.k_proj.weight, attention.v_proj.weight]))
        assert torch.equal(written[f"{p}.attention.qkv_proj.bias"], torch.cat(
            [attention.q_proj.bias, attention.k_proj.bias, attention.v_proj.bias]))
        up_gate = torch.cat([mlp.up_proj.weight, mlp.gate_proj.weight])  # the up half first
        assert torch.equal(written[f"{p}.mlp.up_gate_proj.weight"], up_gate)
        assert f"{p}.mlp.up_gate_proj.bias" not in written
        assert torch.equal(written[f"{p}.attn_ln.weight"], layer.post_attention_layernorm.weight)
        assert torch.equal(written[f"{p}.mlp_ln.weight"], layer.post_mlp_layernorm.weight)
    loaded = GteForSequenceClassification.from_pretrained(folder).eval()
    drift = max_delta(logits, outputs(loaded, encodings)[0])
    assert drift < 1e-6, f"{name}: transformers' own load of the folder differs by {drift}"
    write_expected(folder, encodings, {
        "logits": rows(logits), "mean": rows(means), "dtype": "float32", "rope_theta": ROPE_THETA,
        "sensitivity": sensitivity, "sensitivity_logits": sensitivity_logits})

    # tiny-gte-new: the encoder's tensors without the `gte.` prefix (the pooler and classifier left out), NewConfig's
    # config.json; the means of transformers' GteModel on those weights, checked against new-impl's forward.
    new_name = "tiny-gte-new"
    new_folder = fresh(new_name)
    encoder = {k[len("gte."):]: v.contiguous() for k, v in written.items()
               if k.startswith("gte.") and not k.startswith("gte.pooler.")}
    save_file(encoder, f"{new_folder}/model.safetensors", metadata={"format": "pt"})
    cfg = new_config(config)
    with open(f"{new_folder}/config.json", "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    tok.save(f"{new_folder}/tokenizer.json")
    base = GteModel(config).eval()
    missing = base.load_state_dict({k[len("gte."):]: v for k, v in model.state_dict().items()
                                    if k.startswith("gte.") and not k.startswith("gte.pooler.")})
    assert not missing.missing_keys and not missing.unexpected_keys, missing
    base_means = []
    for enc in encodings:
        with torch.no_grad():
            base_means.append(base(**kwargs_of(enc, True)).last_hidden_state.mean(1)[0])
    same = max_delta(means, base_means)
    assert same == 0.0, f"GteModel alone differs from the classifier's encoder by {same}"
    published = [published_mean(encoder, cfg, enc) for enc in encodings]
    transcription = max_delta(base_means, published)
    assert transcription < 1e-5, f"{new_name}: new-impl's forward on the written file differs by {transcription}"
    # transformers' own GTE conversion (qkv_proj and up_gate_proj chunked, encoder.layer -> layers, a `new.` prefix
    # dropped) reads the published tensors once config.json says `gte`, as alibaba-nlp-community's copies do; under
    # `model_type: "new"` it is not applied (only the embeddings load).
    with tempfile.TemporaryDirectory() as tmp:
        for file in ("model.safetensors", "tokenizer.json"):
            shutil.copy(f"{new_folder}/{file}", tmp)
        with open(f"{tmp}/config.json", "w") as f:
            json.dump({**cfg, "model_type": "gte"}, f)
        direct = GteModel.from_pretrained(tmp).eval()
    assert direct.config.rope_parameters["rope_theta"] == ROPE_THETA, direct.config.rope_parameters
    direct_means = []
    for enc in encodings:
        with torch.no_grad():
            direct_means.append(direct(**kwargs_of(enc, True)).last_hidden_state.mean(1)[0])
    direct_drift = max_delta(base_means, direct_means)
    assert direct_drift < 1e-6, f"{new_name}: GteModel.from_pretrained (model_type gte) differs by {direct_drift}"

    # GTE's static NTK scaling (gte-base-en-v1.5: factor 2, gte-multilingual-base: 8), as the Hub code computes it:
    # θ·factor, then every inverse frequency divided by factor^(2/head size). transformers 5.25's GteConfig passes
    # `rope_scaling: {type: ntk}` through as an unknown rope_type; later versions convert it to exactly this linear
    # scaling, which 5.25 runs: the reference is GteModel with those rope_parameters, checked against the Hub
    # code's transcription.
    head = config.hidden_size // config.num_attention_heads
    ntk_scaling = {"type": "ntk", "factor": NTK_FACTOR}
    ntk_parameters = {"rope_type": "linear", "factor": NTK_FACTOR ** (2 / head), "rope_theta": ROPE_THETA * NTK_FACTOR}
    scaled = GteModel(gte_config(vocab, rope_parameters=dict(ntk_parameters))).eval()
    scaled.load_state_dict(base.state_dict())
    assert scaled.config.rope_parameters["rope_type"] == "linear", scaled.config.rope_parameters
    ntk_means = []
    for enc in encodings:
        with torch.no_grad():
            ntk_means.append(scaled(**kwargs_of(enc, True)).last_hidden_state.mean(1)[0])
    ntk_published = [published_mean(encoder, {**cfg, "rope_scaling": ntk_scaling}, enc) for enc in encodings]
    ntk_transcription = max_delta(ntk_means, ntk_published)
    assert ntk_transcription < 1e-5, f"{new_name}: NTK by the Hub code's formula differs by {ntk_transcription}"
    ntk_change = max_delta(base_means, ntk_means)
    assert ntk_change > 1e-3, f"{new_name}: NTK scaling moves the mean by only {ntk_change}"
    write_expected(new_folder, encodings, {
        "mean": rows(base_means), "dtype": "float32", "rope_theta": ROPE_THETA, "sensitivity": sensitivity_mean,
        "ntk": {"rope_scaling": ntk_scaling, "rope_parameters": ntk_parameters, "mean": rows(ntk_means),
                "change": ntk_change}})

    with safe_open(f"{new_folder}/model.safetensors", "pt") as f:
        new_keys = sorted(f.keys())
    sizes = {n: sum(os.path.getsize(f"{OUT_ROOT}/{n}/{x}") for x in os.listdir(f"{OUT_ROOT}/{n}"))
             for n in (name, new_name)}
    lengths = sorted({len(e["input_ids"]) for e in encodings})
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, {len(encodings)} inputs (longest "
          f"{lengths[-4:]}), largest |logit| {max(float(r.abs().max()) for r in logits):.2f}, first-layer attention "
          f"logits std {attention_logit_std(model, encodings[longest]):.2f}; transformers' load agrees to {drift:.1e}; "
          f"safetensors metadata {metadata}")
    print("  sensitivity (max of logits and mean): " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity.items()))
    print("  logits alone: " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity_logits.items()))
    print("  mean alone: " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity_mean.items()))
    print(f"  mean of the {len(encodings[longest]['input_ids'])}-token input alone: "
          + ", ".join(f"{k} {v:.2e}" for k, v in past_2048.items()))
    print(f"  {name} model.safetensors: {len(written)} tensors: {fold(written)}")
    print(f"  config.json rope_parameters {saved_config['rope_parameters']}")
    print(f"{new_name}: new-impl's forward on the file agrees to {transcription:.1e}; GteModel.from_pretrained of the "
          f"folder with model_type gte: {direct_drift:.1e}; AutoModel.from_pretrained(trust_remote_code=False): "
          f"{check_auto_model(new_folder)}")
    print(f"  NTK factor {NTK_FACTOR}: GteModel with rope_parameters {ntk_parameters} agrees with the Hub code's "
          f"NTKScalingRotaryEmbedding to {ntk_transcription:.1e}; it moves the mean by {ntk_change:.2e}")
    print(f"  {new_name} model.safetensors: {len(new_keys)} tensors: {fold(new_keys)}")
    print(f"  folder sizes: {sizes}")



# NomicBERT (nomic-embed-text-v1/v1.5, CodeRankEmbed, snowflake-arctic-embed-m-long, ...) ------------------------------

NOMIC_THETA = 3000.0
NOMIC_DEFAULT_THETA = 1000.0  # NomicBertConfig.default_theta: what transformers takes without rope_parameters
PAD_VOCAB_MULTIPLE = 64  # nomic-embed-text-v1.5's pad_vocab_size_multiple: 30522 WordPiece ids, 30528 rows


def padded_vocab(n, multiple=PAD_VOCAB_MULTIPLE):
    return -(-n // multiple) * multiple


def nomic_config(vocab, **changes):
    settings = dict(vocab_size=padded_vocab(len(vocab)), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=96, type_vocab_size=2, hidden_act="silu", layer_norm_eps=1e-12,
                    max_position_embeddings=8192, pad_token_id=0,
                    rope_parameters={"rope_type": "default", "rope_theta": NOMIC_THETA},
                    id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
    settings.update(changes)
    return NomicBertConfig(**settings)


# auto_map as nomic-embed-text-v1.5 publishes it (the remote code of nomic-ai/nomic-bert-2048).
NOMIC_AUTO_MAP = {
    "AutoConfig": "nomic-ai/nomic-bert-2048--configuration_hf_nomic_bert.NomicBertConfig",
    "AutoModel": "nomic-ai/nomic-bert-2048--modeling_hf_nomic_bert.NomicBertModel",
    "AutoModelForMaskedLM": "nomic-ai/nomic-bert-2048--modeling_hf_nomic_bert.NomicBertForPreTraining",
}


def nomic_hub_config(config):
    """config.json as nomic-bert-2048's NomicBertConfig (a GPT2Config: GPT-2's key names) wrote it for
    nomic-embed-text-v1.5, at this fixture's sizes. No hidden_size, num_hidden_layers, intermediate_size,
    rope_parameters, hidden_act or layer_norm_eps: those were added to the Hub's copy only in 2026, for transformers 5."""
    theta = config.rope_parameters["rope_theta"]
    return {
        "activation_function": "swiglu",
        "architectures": ["NomicBertModel"],
        "attn_pdrop": 0.0,
        "auto_map": NOMIC_AUTO_MAP,
        "bos_token_id": None,
        "causal": False,
        "dense_seq_output": True,
        "embd_pdrop": 0.0,
        "eos_token_id": None,
        "fused_bias_fc": True,
        "fused_dropout_add_ln": True,
        "initializer_range": 0.02,
        "layer_norm_epsilon": config.layer_norm_eps,
        "max_trained_positions": 2048,
        "mlp_fc1_bias": False,
        "mlp_fc2_bias": False,
        "model_type": "nomic_bert",
        "n_embd": config.hidden_size,
        "n_head": config.num_attention_heads,
        "n_inner": config.intermediate_size,
        "n_layer": config.num_hidden_layers,
        "n_positions": config.max_position_embeddings,
        "pad_vocab_size_multiple": PAD_VOCAB_MULTIPLE,
        "parallel_block": False,
        "parallel_block_tied_norm": False,
        "prenorm": False,
        "qkv_proj_bias": False,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "rotary_emb_base": int(theta) if theta == int(theta) else theta,  # an integer, as the Hub's 1000
        "rotary_emb_fraction": 1.0,
        "rotary_emb_interleaved": False,
        "rotary_emb_scale_base": None,
        "rotary_scaling_factor": None,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.0,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "torch_dtype": "float32",
        "type_vocab_size": config.type_vocab_size,
        "use_cache": True,
        "use_flash_attn": True,
        "use_rms_norm": False,
        "use_xentropy": True,
        "vocab_size": config.vocab_size,
    }


def nomic_published_mean(state, cfg, enc):
    """nomic-bert-2048's NomicBertModel forward (modeling_hf_nomic_bert.py; post-norm, no rotary scaling),
    transcribed on the raw tensors: Wqkv read as `(three h d)`, rotate_half RoPE on the full head from
    `rotary_emb_base`, `fc11(x) * silu(fc12(x))`, norm1/norm2 after each residual."""
    ids = torch.tensor(enc["input_ids"])
    types = torch.tensor(enc["token_type_ids"])
    hidden, heads, eps, n = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"], len(enc["input_ids"])
    d = hidden // heads
    rotary_dim = int(d * cfg["rotary_emb_fraction"])
    assert rotary_dim == d and not cfg["rotary_emb_interleaved"] and cfg["rotary_scaling_factor"] is None

    def ln(x, prefix):
        return F.layer_norm(x, (hidden,), state[prefix + ".weight"], state[prefix + ".bias"], eps)

    inv_freq = 1.0 / (cfg["rotary_emb_base"] ** (torch.arange(0, rotary_dim, 2, dtype=torch.float32) / rotary_dim))
    freqs = torch.outer(torch.arange(n, dtype=torch.float32), inv_freq)
    cos = torch.cat((freqs.cos(), freqs.cos()), dim=-1)[:, None, :]
    sin = torch.cat((freqs.sin(), freqs.sin()), dim=-1)[:, None, :]

    def rotary(x):
        x1, x2 = x.chunk(2, dim=-1)
        return x * cos + torch.cat((-x2, x1), dim=-1) * sin

    x = state["embeddings.word_embeddings.weight"][ids] + state["embeddings.token_type_embeddings.weight"][types]
    x = ln(x, "emb_ln")
    for i in range(cfg["n_layer"]):
        p = f"encoder.layers.{i}"
        q, k, v = (x @ state[f"{p}.attn.Wqkv.weight"].T).view(n, 3, heads, d).unbind(1)
        q, k = rotary(q), rotary(k)
        scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(d)
        context = torch.einsum("hqk,khd->qhd", scores.softmax(-1), v).reshape(n, hidden)
        x = ln(context @ state[f"{p}.attn.out_proj.weight"].T + x, f"{p}.norm1")
        y, gate = x @ state[f"{p}.mlp.fc11.weight"].T, x @ state[f"{p}.mlp.fc12.weight"].T
        x = ln((y * F.silu(gate)) @ state[f"{p}.mlp.fc2.weight"].T + x, f"{p}.norm2")
    return x.mean(0)


def encoder_means(model, encodings):
    means = []
    for enc in encodings:
        with torch.no_grad():
            means.append(model(**kwargs_of(enc, True)).last_hidden_state.mean(1)[0])
    return means


def transformers_load(folder, encodings, reference, cls=None, **kwargs):
    """What transformers 5 makes of a folder (offline, no remote code): the model's max |mean - reference|, or the
    error it raises; and the RoPE base it took."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the load report's table of mismatched shapes: the exception says enough
    try:
        model = (cls or AutoModel).from_pretrained(folder, **kwargs).eval()
    except Exception as e:  # noqa: BLE001 - the message is the finding
        return f"{type(e).__name__}: {' '.join(str(e).split())[:300]}", None
    finally:
        hf_logging.set_verbosity(verbosity)
    try:
        got = encoder_means(model, encodings)
    except Exception as e:  # noqa: BLE001
        return f"loaded as {type(model).__name__} (hidden {model.config.hidden_size}), forward fails: " \
               f"{type(e).__name__}: {' '.join(str(e).split())[:200]}", None
    return max_delta(reference, got), model.config.rope_parameters["rope_theta"]


def nomic(vocab, tok, encodings):
    config = nomic_config(vocab)
    model = NomicBertForSequenceClassification(config)
    sharpen(model, 43)
    encoder = base(model)
    assert math.isclose(float(encoder.rotary_emb.inv_freq[1]), NOMIC_THETA ** (-2 / 16), rel_tol=1e-6), "rope_theta"
    logits, means, manual = outputs(model, encodings, classifier_head)
    drift = max_delta(logits, manual)
    assert drift < 1e-5, f"the pooler (tanh) and classifier by hand differ from transformers' by {drift}"

    def theta(value):
        return {"rope_type": "default", "rope_theta": value}

    variants = {
        "layer_norm_eps": outputs(variant(model, config, layer_norm_eps=1e-5), encodings),
        "gelu": outputs(variant(model, config, hidden_act="gelu"), encodings),
        "rope_theta_1000": outputs(variant(model, config, rope_parameters=theta(NOMIC_DEFAULT_THETA)), encodings),
        "rope_theta_10000": outputs(variant(model, config, rope_parameters=theta(10000.0)), encodings),
        "glu_swapped": outputs(swapped_glu(model), encodings),
        "no_rope": outputs(without_rope(model), encodings),
        "rope_interleaved": interleaved_outputs(model, encodings),
    }
    restored = max_delta(logits, outputs(model, encodings)[0])
    assert restored == 0.0, f"rotate_half is not restored ({restored})"
    sensitivity_logits = {k: max_delta(logits, v[0]) for k, v in variants.items()}
    sensitivity_mean = {k: max_delta(means, v[1]) for k, v in variants.items()}
    sensitivity = {k: max(sensitivity_logits[k], sensitivity_mean[k]) for k in variants}
    for key in variants:
        assert sensitivity_logits[key] > 1e-3, f"tiny-nomic-cls: {key} moves the logits by only {sensitivity_logits[key]}"
        assert sensitivity_mean[key] > 1e-3, f"tiny-nomic-hub: {key} moves the mean by only {sensitivity_mean[key]}"
    longest = max(range(len(encodings)), key=lambda i: len(encodings[i]["input_ids"]))
    past_2048 = {k: float((means[longest] - v[1][longest]).abs().max()) for k, v in variants.items()}

    # tiny-nomic-cls: transformers' own save_pretrained (it writes nomic-bert-2048's names under `nomic_bert.`), then
    # its own load gives the same logits.
    name = "tiny-nomic-cls"
    folder = fresh(name)
    model.save_pretrained(folder)
    tok.save(f"{folder}/tokenizer.json")
    with open(f"{folder}/config.json") as f:
        saved_config = json.load(f)
    assert saved_config["rope_parameters"] == theta(NOMIC_THETA), saved_config
    assert saved_config["model_type"] == "nomic_bert"
    assert saved_config["architectures"] == ["NomicBertForSequenceClassification"]
    assert saved_config["hidden_act"] == "silu" and saved_config["vocab_size"] == padded_vocab(len(vocab))
    written = load_file(f"{folder}/model.safetensors")
    with safe_open(f"{folder}/model.safetensors", "pt") as f:
        metadata = f.metadata()
    assert torch.equal(written["nomic_bert.emb_ln.weight"], encoder.embeddings.LayerNorm.weight)
    for i, layer in enumerate(encoder.layers):
        p = f"nomic_bert.encoder.layers.{i}"
        attention, mlp = layer.self_attn, layer.mlp
        assert torch.equal(written[f"{p}.attn.Wqkv.weight"], torch.cat(
            [attention.q_proj.weight, attention.k_proj.weight, attention.v_proj.weight]))  # q, k, v on the output axis
        assert torch.equal(written[f"{p}.attn.out_proj.weight"], attention.o_proj.weight)
        assert torch.equal(written[f"{p}.mlp.fc11.weight"], mlp.up_proj.weight)  # the multiplied half
        assert torch.equal(written[f"{p}.mlp.fc12.weight"], mlp.gate_proj.weight)  # the half that gets SiLU
        assert torch.equal(written[f"{p}.mlp.fc2.weight"], mlp.down_proj.weight)
        assert torch.equal(written[f"{p}.norm1.weight"], layer.post_attention_layernorm.weight)
        assert torch.equal(written[f"{p}.norm2.weight"], layer.post_mlp_layernorm.weight)
        for linear in ("attn.Wqkv", "attn.out_proj", "mlp.fc11", "mlp.fc12", "mlp.fc2"):
            assert f"{p}.{linear}.bias" not in written
    loaded = NomicBertForSequenceClassification.from_pretrained(folder).eval()
    reload_drift = max_delta(logits, outputs(loaded, encodings)[0])
    assert reload_drift < 1e-6, f"{name}: transformers' own load of the folder differs by {reload_drift}"
    write_expected(folder, encodings, {
        "logits": rows(logits), "mean": rows(means), "dtype": "float32", "rope_theta": NOMIC_THETA,
        "sensitivity": sensitivity, "sensitivity_logits": sensitivity_logits})

    # tiny-nomic-hub: the encoder's tensors without the `nomic_bert.` prefix (the pooler and classifier left out),
    # nomic-bert-2048's config.json; the means of transformers' NomicBertModel on those weights, checked against
    # nomic-bert-2048's forward on the written file.
    hub_name = "tiny-nomic-hub"
    hub_folder = fresh(hub_name)
    prefix = "nomic_bert."
    hub = {k[len(prefix):]: v.contiguous() for k, v in written.items()
           if k.startswith(prefix) and not k.startswith(prefix + "pooler.")}
    save_file(hub, f"{hub_folder}/model.safetensors", metadata={"format": "pt"})
    cfg = nomic_hub_config(config)
    with open(f"{hub_folder}/config.json", "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    tok.save(f"{hub_folder}/tokenizer.json")
    plain = NomicBertModel(config).eval()
    missing = plain.load_state_dict({k[len(prefix):]: v for k, v in model.state_dict().items()
                                     if k.startswith(prefix) and not k.startswith(prefix + "pooler.")})
    assert not missing.missing_keys and not missing.unexpected_keys, missing
    hub_means = encoder_means(plain, encodings)
    same = max_delta(means, hub_means)
    assert same == 0.0, f"NomicBertModel alone differs from the classifier's encoder by {same}"
    published = [nomic_published_mean(hub, cfg, enc) for enc in encodings]
    transcription = max_delta(hub_means, published)
    assert transcription < 1e-5, f"{hub_name}: nomic-bert-2048's forward on the written file differs by {transcription}"

    # transformers 5 on the published layout: the folder as written, then with the keys its NomicBertConfig reads
    # (it reads none of n_embd, n_layer, n_head, n_inner, n_positions, rotary_emb_base, layer_norm_epsilon).
    from transformers import AutoConfig
    read = AutoConfig.from_pretrained(hub_folder, trust_remote_code=False)
    read_config = (f"{type(read).__name__}: hidden_size {read.hidden_size}, num_hidden_layers {read.num_hidden_layers}, "
                   f"intermediate_size {read.intermediate_size}, rope_parameters {read.rope_parameters}, "
                   f"layer_norm_eps {read.layer_norm_eps}, max_position_embeddings {read.max_position_embeddings}")
    as_published = transformers_load(hub_folder, encodings, hub_means, cls=NomicBertModel)
    auto = transformers_load(hub_folder, encodings, hub_means, trust_remote_code=False)
    native_keys = {"hidden_size": cfg["n_embd"], "num_hidden_layers": cfg["n_layer"],
                   "num_attention_heads": cfg["n_head"], "intermediate_size": cfg["n_inner"],
                   "max_position_embeddings": cfg["n_positions"], "layer_norm_eps": cfg["layer_norm_epsilon"],
                   "hidden_act": "silu"}
    with_keys = {}
    for label, extra in (("sizes only", native_keys),
                         ("sizes and rope_parameters", {**native_keys, "rope_parameters": theta(NOMIC_THETA)}),
                         ("the same, max_position_embeddings 2048 as the Hub's v1.5 now says",
                          {**native_keys, "rope_parameters": theta(NOMIC_THETA), "max_position_embeddings": 2048})):
        with tempfile.TemporaryDirectory() as tmp:
            for file in ("model.safetensors", "tokenizer.json"):
                shutil.copy(f"{hub_folder}/{file}", tmp)
            with open(f"{tmp}/config.json", "w") as f:
                json.dump({**cfg, **extra}, f)
            with_keys[label] = transformers_load(tmp, encodings, hub_means, cls=NomicBertModel)
    for label in list(with_keys)[1:]:
        direct_drift, direct_theta = with_keys[label]
        assert isinstance(direct_drift, float) and direct_drift < 1e-6 and direct_theta == NOMIC_THETA, with_keys
    write_expected(hub_folder, encodings, {
        "mean": rows(hub_means), "dtype": "float32", "rope_theta": NOMIC_THETA, "sensitivity": sensitivity_mean})

    with safe_open(f"{hub_folder}/model.safetensors", "pt") as f:
        hub_keys = sorted(f.keys())
    sizes = {n: sum(os.path.getsize(f"{OUT_ROOT}/{n}/{x}") for x in os.listdir(f"{OUT_ROOT}/{n}"))
             for n in (name, hub_name)}
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, largest |logit| "
          f"{max(float(r.abs().max()) for r in logits):.2f}, first-layer attention logits std "
          f"{attention_logit_std(model, encodings[longest]):.2f}; transformers' load agrees to {reload_drift:.1e}; "
          f"safetensors metadata {metadata}")
    print("  sensitivity (max of logits and mean): " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity.items()))
    print("  logits alone: " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity_logits.items()))
    print("  mean alone: " + ", ".join(f"{k} {v:.2e}" for k, v in sensitivity_mean.items()))
    print(f"  mean of the {len(encodings[longest]['input_ids'])}-token input alone: "
          + ", ".join(f"{k} {v:.2e}" for k, v in past_2048.items()))
    print(f"  {name} model.safetensors: {len(written)} tensors: {fold(written)}")
    print(f"  config.json: {json.dumps(saved_config, sort_keys=True)}")
    print(f"{hub_name}: nomic-bert-2048's forward on the file agrees to {transcription:.1e}")
    print(f"  AutoConfig.from_pretrained of the folder: {read_config}")
    print(f"  NomicBertModel.from_pretrained of the folder as written: {as_published}")
    print(f"  AutoModel.from_pretrained(trust_remote_code=False): {auto}")
    for label, result in with_keys.items():
        print(f"  NomicBertModel.from_pretrained with transformers' keys added ({label}): {result}")
    print(f"  {hub_name} model.safetensors: {len(hub_keys)} tensors: {fold(hub_keys)}")
    print(f"  folder sizes: {sizes}")


def main():
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
    gte(vocab, tok, encodings)
    nomic(vocab, tok, encodings)


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
