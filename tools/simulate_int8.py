#!/usr/bin/env python3
"""Where int8's accuracy goes: all-MiniLM-L6-v2 (sentence-transformers, max_seq_length 256) on the default corpus
with BertKit's int8 scheme simulated in PyTorch on every encoder Linear layer: weights symmetric per output channel
(max |w| / 127, or a least-squares choice of clipping), activations asymmetric per token on 0...255. Prints, for
weights only, activations only and both, the lowest and mean cosine to fp32 and the top-1 neighbour agreement, and how
many sentences have a near-tied nearest neighbour (the agreement metric's sensitivity).

    .venv/bin/python tools/simulate_int8.py [MODEL_DIR] [CORPUS]
"""
import sys

import torch
from sentence_transformers import SentenceTransformer


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else "models/all-MiniLM-L6-v2"
    corpus = sys.argv[2] if len(sys.argv) > 2 else "data/corpus.txt"
    torch.set_num_threads(2)
    lines = [line.rstrip("\n") for line in open(corpus, encoding="utf-8")]
    model = SentenceTransformer(model_dir, device="cpu")
    model.max_seq_length = 256
    reference = model.encode(lines, batch_size=32, convert_to_tensor=True, normalize_embeddings=True)

    def top1(e):
        s = e @ e.T
        s.fill_diagonal_(-9)
        return s.argmax(1)
    neighbours = top1(reference)
    s = reference @ reference.T
    s.fill_diagonal_(-9)
    best, _ = s.topk(2, 1)
    gap = best[:, 0] - best[:, 1]
    print(f"runner-up within 0.002 of the nearest neighbour: {(gap < 0.002).float().mean():.3f}; within 0.005: "
          f"{(gap < 0.005).float().mean():.3f}")
    linears = {n: (m, m.weight.data.clone()) for n, m in model.named_modules()
               if isinstance(m, torch.nn.Linear) and "encoder" in n}

    def weights(w, clip=1.0):
        scale = w.abs().amax(1, keepdim=True) * clip / 127
        return (w / scale).round().clamp(-127, 127) * scale

    def weights_least_squares(w):
        best, error = None, None
        for clip in (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7):
            q = weights(w, clip)
            e = ((q - w) ** 2).sum(1, keepdim=True)
            if best is None:
                best, error = q, e
            else:
                better = e < error
                best, error = torch.where(better, q, best), torch.where(better, e, error)
        return best

    def activations(x):
        lo, hi = x.amin(-1, keepdim=True).clamp(max=0), x.amax(-1, keepdim=True).clamp(min=0)
        scale = ((hi - lo) / 255).clamp(min=1e-12)
        zero = (-lo / scale).round()
        return ((x / scale).round() + zero).clamp(0, 255).sub(zero) * scale

    def run(name, quantize_weights, quantize_activations):
        hooks = []
        for module, w in linears.values():
            module.weight.data = quantize_weights(w) if quantize_weights else w.clone()
            if quantize_activations:
                hooks.append(module.register_forward_pre_hook(lambda m, inputs: (activations(inputs[0]),)))
        e = model.encode(lines, batch_size=32, convert_to_tensor=True, normalize_embeddings=True)
        for hook in hooks:
            hook.remove()
        cosines = (e * reference).sum(1)
        print(f"{name:28} cosine min {cosines.min():.5f} mean {cosines.mean():.6f} "
              f"top-1 agreement {(top1(e) == neighbours).float().mean():.3f}")

    run("int8 weights and activations", weights, True)
    run("int8 weights only", weights, None)
    run("int8 activations only", None, True)
    run("least-squares weights + act.", weights_least_squares, True)


if __name__ == "__main__":
    main()
