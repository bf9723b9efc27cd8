#!/usr/bin/env python3
"""int8 schemes for retrieval, simulated in PyTorch before any kernel is written (issue "Fastest against every CPU
engine", item 3). all-MiniLM-L6-v2 (max_seq_length 256) embeds the default corpus in fp32 and under each candidate,
fake-quantized on every encoder Linear; prints the lowest and mean cosine to fp32 and the top-1 neighbour agreement.
Calibration statistics (smoothing) come from other fortunes than the corpus's (make_corpus.py's sample, corpus lines
removed).

    .venv/bin/python tools/int8_candidates.py [--only NAME,...] [--sensitivity] [--calibration COUNT|random]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import torch
from sentence_transformers import SentenceTransformer

PRODUCTS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


def product_of(name):
    """The product kind of an encoder Linear's module name."""
    if name.endswith("attention.output.dense"):
        return "attention.output.dense"
    for kind in ("query", "key", "value", "intermediate.dense", "output.dense"):
        if name.endswith(kind):
            return kind
    raise ValueError(name)


def layer_of(name):
    return int(name.split("layer.")[1].split(".")[0])


def weights(w, levels=127, group=None):
    """Symmetric per output channel (or per channel and group of `group` inputs), max |w| / levels."""
    if group:
        n, k = w.shape
        g = w.reshape(n, k // group, group)
        scale = (g.abs().amax(2, keepdim=True) / levels).clamp(min=1e-12)
        return ((g / scale).round().clamp(-levels, levels) * scale).reshape(n, k)
    scale = (w.abs().amax(1, keepdim=True) / levels).clamp(min=1e-12)
    return (w / scale).round().clamp(-levels, levels) * scale


def activations(x, levels=255):
    """Asymmetric per token on 0...levels (BertKit's scheme)."""
    lo, hi = x.amin(-1, keepdim=True).clamp(max=0), x.amax(-1, keepdim=True).clamp(min=0)
    scale = ((hi - lo) / levels).clamp(min=1e-12)
    zero = (-lo / scale).round()
    return ((x / scale).round() + zero).clamp(0, levels).sub(zero) * scale


def activations_symmetric(x, levels=127):
    scale = (x.abs().amax(-1, keepdim=True) / levels).clamp(min=1e-12)
    return (x / scale).round().clamp(-levels, levels) * scale


def calibration_lines(corpus, count=300):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "more.txt")
        subprocess.run([sys.executable, "tools/make_corpus.py", path, "3000"], check=True)
        measured = set(open(corpus, encoding="utf-8").read().split("\n"))
        return [line for line in open(path, encoding="utf-8").read().split("\n") if line and line not in measured][:count]


class Simulator:
    def __init__(self, model_dir, corpus):
        torch.set_num_threads(2)
        self.lines = [line.rstrip("\n") for line in open(corpus, encoding="utf-8")]
        self.model = SentenceTransformer(model_dir, device="cpu")
        self.model.max_seq_length = 256
        self.linears = {n: (m, m.weight.data.clone()) for n, m in self.model.named_modules()
                        if isinstance(m, torch.nn.Linear) and "encoder" in n}
        self.reference = self.encode(self.lines)
        self.neighbours = self.top1(self.reference)
        self.channel_max = None

    def encode(self, lines):
        return self.model.encode(lines, batch_size=32, convert_to_tensor=True, normalize_embeddings=True)

    @staticmethod
    def top1(e):
        s = e @ e.T
        s.fill_diagonal_(-9)
        return s.argmax(1)

    def maxima_over(self, forward):
        """Per input channel max |x| of every Linear while `forward()` runs (fp32)."""
        stats, hooks = {}, []
        for name, (module, _) in self.linears.items():
            def hook(m, inputs, name=name):
                x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0)
                stats[name] = torch.maximum(stats[name], x) if name in stats else x
            hooks.append(module.register_forward_pre_hook(hook))
        forward()
        for h in hooks:
            h.remove()
        return stats

    def calibrate(self, lines):
        """Channel maxima over `lines`."""
        self.channel_max = self.maxima_over(lambda: self.encode(lines))

    def calibrate_random(self, rows=8, length=128, seed=0):
        """Per input channel max |x| over `rows` sequences of random vocabulary ids between [CLS] and [SEP]."""
        tokenizer = self.model.tokenizer
        generator = torch.Generator().manual_seed(seed)
        special = set(tokenizer.all_special_ids)
        ids = torch.randint(0, tokenizer.vocab_size, (rows, length - 2), generator=generator)
        ids = ids.masked_fill(torch.isin(ids, torch.tensor(sorted(special))), tokenizer.unk_token_id or 0)
        ids = torch.cat([torch.full((rows, 1), tokenizer.cls_token_id), ids, torch.full((rows, 1), tokenizer.sep_token_id)], 1)
        def forward():
            with torch.no_grad():
                self.model[0].auto_model(input_ids=ids, attention_mask=torch.ones_like(ids))
        self.channel_max = self.maxima_over(forward)

    def run(self, label, scheme):
        """`scheme(name, w)` -> (quantized weight, activation quantizer or None, input scale or None)."""
        hooks = []
        for name, (module, w) in self.linears.items():
            qw, qa, smooth = scheme(name, w)
            module.weight.data = qw
            if qa is not None:
                if smooth is None:
                    hooks.append(module.register_forward_pre_hook(lambda m, inputs, qa=qa: (qa(inputs[0]),)))
                else:
                    hooks.append(module.register_forward_pre_hook(
                        lambda m, inputs, qa=qa, s=smooth: (qa(inputs[0] / s) * s,)))
        e = self.encode(self.lines)
        for h in hooks:
            h.remove()
        for module, w in self.linears.values():
            module.weight.data = w.clone()
        cosines = (e * self.reference).sum(1)
        agreement = (self.top1(e) == self.neighbours).float().mean()
        print(f"{label:58} cosine min {cosines.min():.5f} mean {cosines.mean():.6f} top-1 {agreement:.3f}", flush=True)


def int8(w_levels=127, group=None, a_levels=255, symmetric=False, keep=lambda name: False, alpha=None, sim=None):
    def scheme(name, w):
        if keep(name):
            return w.clone(), None, None
        smooth = None
        if alpha is not None:
            wmax = w.abs().amax(0).clamp(min=1e-5)
            smooth = (sim.channel_max[name].clamp(min=1e-5) ** alpha / wmax ** (1 - alpha)).clamp(min=1e-5)
            w = w * smooth
        qa = (lambda x: activations_symmetric(x, a_levels)) if symmetric else (lambda x: activations(x, a_levels))
        qw = weights(w, w_levels, group)
        return (qw / smooth if smooth is not None else qw), qa, smooth
    return scheme


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--only", default="")
    parser.add_argument("--sensitivity", action="store_true")
    parser.add_argument("--calibration", default="300",
                        help="how many other fortunes calibrate the smoothing, or 'random': random token ids")
    args = parser.parse_args()
    sim = Simulator(args.model, args.corpus)
    candidates = {
        "vnni": ("8-bit weights, u8 activations (VNNI today)", int8()),
        "avx2": ("7-bit weights (63), u8 activations (AVX2 today)", int8(w_levels=63)),
        "avx2-sym": ("8-bit weights, s8 symmetric activations (maddubs+sign)", int8(a_levels=127, symmetric=True)),
        "w-group64": ("8-bit weights per 64 inputs, u8 activations", int8(group=64)),
        "w-group32": ("8-bit weights per 32 inputs, u8 activations", int8(group=32)),
        "smooth.5": ("smoothed (alpha 0.5), 8-bit weights, u8 activations", int8(alpha=0.5, sim=sim)),
        "smooth.3": ("smoothed (alpha 0.3), 8-bit weights, u8 activations", int8(alpha=0.3, sim=sim)),
        "keep-ffn2": ("FFN output product fp32, rest as VNNI", int8(keep=lambda n: product_of(n) == "output.dense")),
        "smooth.6": ("smoothed (alpha 0.6)", int8(alpha=0.6, sim=sim)),
        "smooth.7": ("smoothed (alpha 0.7)", int8(alpha=0.7, sim=sim)),
        "smooth.8": ("smoothed (alpha 0.8)", int8(alpha=0.8, sim=sim)),
        "smooth.5-g64": ("smoothed (alpha 0.5), weights per 64 inputs", int8(alpha=0.5, group=64, sim=sim)),
        "smooth.5-avx2": ("smoothed (alpha 0.5), 7-bit weights (63)", int8(alpha=0.5, w_levels=63, sim=sim)),
        "smooth.5-keepv": ("smoothed (alpha 0.5), value fp32",
                           int8(alpha=0.5, sim=sim, keep=lambda n: product_of(n) == "value")),
    }
    if args.calibration == "random":
        sim.calibrate_random()
    elif args.calibration.isdigit():
        sim.calibrate(calibration_lines(args.corpus, int(args.calibration)))
    only = [c for c in args.only.split(",") if c]
    for key, (label, scheme) in candidates.items():
        if not only or key in only:
            sim.run(label, scheme)
    if args.sensitivity:
        for kind in PRODUCTS:
            sim.run(f"all int8 but {kind} (fp32)", int8(keep=lambda n, kind=kind: product_of(n) == kind))
        for layer in range(len({layer_of(n) for n in sim.linears})):
            sim.run(f"all int8 but layer {layer} (fp32)", int8(keep=lambda n, layer=layer: layer_of(n) == layer))


if __name__ == "__main__":
    main()
