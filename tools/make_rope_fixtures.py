#!/usr/bin/env python3
"""Fixtures of Alibaba's GTE encoders (BERT + RoPE + GLU, post-LayerNorm: gte-base/large-en-v1.5, gte-multilingual),
with realistic magnitudes (as tools/make_sharp_fixtures.py) and inputs past 512, 1024 and 2048 tokens:

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

Every input runs alone (batch 1, attention mask of ones), in float32: the short inputs of the other fixtures, three
texts of 600, 1100 and 2100 tokens and a pair of 600, so positions pass 512, 1024 and 2048. expected.json has inputs,
ids, token_type_ids, `mean` (the mean over tokens of the base model's last hidden state), for tiny-gte-cls `logits`,
`rope_theta`, and `sensitivity`: the largest change transformers shows (of logits and mean; tiny-gte-new: of mean) under
a LayerNorm epsilon of 1e-5, gelu_new in place of exact GELU, a RoPE base of 10000 (NewConfig's default, what a reader
that misses `rope_theta` gets) or 160000 (GteConfig's default), the other GLU half activated (act(up) * gate), no RoPE
(cos 1, sin 0), and RoPE rotating interleaved pairs (GPT-J's rotate-every-two) in place of halves (NeoX's rotate_half).
The script asserts each change of tiny-gte-cls's logits (recorded alone as `sensitivity_logits`) and of the mean is
over 1e-3, ten times the tests' tolerance, except gelu_new on the mean: the two GELUs are at most 5e-4 apart, and after
the last LayerNorm and the average over tokens they move the mean by ~4e-4 (asserted over 3e-4), so tiny-gte-new
tells them apart by four times the tolerance, and tiny-gte-cls's logits by more than ten.
Deterministic: fixed seeds.
"""
import copy
import json
import math
import os
import random
import shutil
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here is downloaded (the AutoModel check below stays local)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import GteConfig, GteForSequenceClassification, GteModel  # noqa: E402
from transformers.models.gte import modeling_gte  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from make_arch_fixtures import bert_tokenizer, fresh, kwargs_of, long_text, max_delta  # noqa: E402
from make_sharp_fixtures import INPUTS as SHORT_INPUTS, LABELS  # noqa: E402

OUT_ROOT = "Tests/Fixtures/models"
ROPE_THETA = 20000.0
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


def outputs(model, encodings, head=None):
    """Logits of each input alone, the mean of the base model's last hidden state, and (with `head`) logits
    recomputed by hand from the base model's first token."""
    logits, means, manual = [], [], []
    for enc in encodings:
        kwargs = kwargs_of(enc, True)
        with torch.no_grad():
            logits.append(model(**kwargs).logits[0])
            hidden = model.gte(**kwargs).last_hidden_state
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
        for layer in other.gte.layers:
            gate = layer.mlp.gate_proj.weight.clone()
            layer.mlp.gate_proj.weight.copy_(layer.mlp.up_proj.weight)
            layer.mlp.up_proj.weight.copy_(gate)
    return other.eval()


def without_rope(model):
    """Every rotation angle zero: cos 1, sin 0."""
    other = copy.deepcopy(model)
    with torch.no_grad():
        other.gte.rotary_emb.inv_freq.zero_()
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
    saved = modeling_gte.apply_rotary_pos_emb
    modeling_gte.apply_rotary_pos_emb = rotate_every_two
    try:
        return outputs(model, encodings)
    finally:
        modeling_gte.apply_rotary_pos_emb = saved


def attention_logit_std(model, enc):
    """The standard deviation of the first layer's attention logits (after RoPE, scaled) on one input."""
    kwargs = kwargs_of(enc, True)
    captured = []
    layer = model.gte.layers[0].self_attn
    hook = layer.register_forward_hook(lambda m, args, kw, out: captured.append(kw), with_kwargs=True)
    try:
        with torch.no_grad():
            hidden = model.gte.embeddings(input_ids=kwargs["input_ids"], token_type_ids=kwargs["token_type_ids"])
            model.gte(**kwargs)
            cos, sin = captured[0]["position_embeddings"]
            shape = (*hidden.shape[:-1], -1, layer.head_dim)
            q = layer.q_proj(hidden).view(shape).transpose(1, 2)
            k = layer.k_proj(hidden).view(shape).transpose(1, 2)
            q, k = modeling_gte.apply_rotary_pos_emb(q, k, cos, sin)
    finally:
        hook.remove()
    return float((q @ k.transpose(2, 3) * layer.scaling).std().detach())


def classifier_head(m, first):
    return m.classifier(torch.tanh(m.gte.pooler.dense(first)))


def fold(keys):
    return sorted({k.replace(".layer.0.", ".layer.N.").replace(".layer.1.", ".layer.N.") for k in keys})


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
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, d, 2).float() / d))
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


def main():
    vocab, tok = bert_tokenizer()
    encodings = encode_all(tok)
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
    write_expected(new_folder, encodings, {
        "mean": rows(base_means), "dtype": "float32", "rope_theta": ROPE_THETA, "sensitivity": sensitivity_mean})

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
    print(f"  {new_name} model.safetensors: {len(new_keys)} tensors: {fold(new_keys)}")
    print(f"  folder sizes: {sizes}")


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
