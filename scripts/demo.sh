#!/usr/bin/env bash
# The main job on the default model and corpus: embeddings of a few sentences (cosine similarities), then a short
# `bertkit bench` (a few minutes on 2 cores) of the native engine beside ONNX Runtime (BertKit's own ONNX export of
# the model, run by the onnxruntime wheel's library from ORT_VENV), whose report it points to.
set -euo pipefail
bin=${1:-.build/release/bertkit}
model=${2:-models/all-MiniLM-L6-v2}
corpus=${3:-data/corpus.txt}
out=${4:-bench-out/demo}
ort_venv=${5:-.venv-onnx}
sentences=(
  "A man is playing a guitar."
  "Someone plays an acoustic guitar on stage."
  "The cat sleeps on the warm windowsill."
  "A kitten is napping in the sun."
  "Stock markets fell sharply on Monday."
  "Shares dropped as investors panicked."
)
echo "== bertkit info"
"$bin" info --model "$model"
echo
echo "== embedding ${#sentences[@]} sentences with $model"
printf '%s\n' "${sentences[@]}" | "$bin" embed --model "$model" > /tmp/bertkit-demo.jsonl
python3 - /tmp/bertkit-demo.jsonl "${sentences[@]}" <<'PY'
import json, sys
vectors = [json.loads(line)["embedding"] for line in open(sys.argv[1])]
names = sys.argv[2:]
print("cosine similarity (embeddings are L2-normalized, so this is the dot product):\n")
print(" " * 46 + "".join(f"{'s' + str(j + 1):>6} " for j in range(len(names))))
for i, a in enumerate(vectors):
    row = "".join(f" {sum(x * y for x, y in zip(a, b)):5.2f} " for b in vectors)
    print(f"s{i + 1} {names[i][:42]:<42} {row}")
print("\nRelated pairs (s1/s2, s3/s4, s5/s6) score high; unrelated ones near zero.")
PY
echo
mkdir -p "$out"
echo "== bertkit export: $model as ONNX with ONNX Runtime's fused operators, for the onnxruntime backend"
"$bin" export --model "$model" --format onnx --optimize --output "$out/model.onnx"
echo
echo "== bertkit bench: $model on $corpus, native beside ONNX Runtime (short grid; 'make bench' runs the full one)"
VIRTUAL_ENV="$(cd "$ort_venv" && pwd)" "$bin" bench --model "$model" --data "$corpus" --out "$out" --limit 300 \
  --backends native-packed,onnxruntime --onnx "$out/model.onnx" --batch-sizes 1,8,32 --lengths 32,128 \
  --sweep-size 32 --repeats 2
python3 - "$out/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cells = [c for c in r["cells"] if c["spec"].get("length") is None]
backends = sorted({c["spec"]["backend"] for c in cells})
print(f"\nnative kernels: {r['versions'].get('kernels', '?')}; ms per sequence (median), by ordering and batch size:\n")
ratio = "native-packed" in backends and "onnxruntime" in backends
print(f"{'ordering':<10}{'batch':>6}" + "".join(f"{b:>16}" for b in backends) + (f"{'onnxruntime/native':>20}" if ratio else ""))
for o in ["unsorted", "sorted", "tokens"]:
    for size in sorted({c["spec"]["batchSize"] for c in cells}):
        row = {c["spec"]["backend"]: c["msPerSequence"]["median"] for c in cells
               if c["spec"]["ordering"] == o and c["spec"]["batchSize"] == size}
        if row:
            line = f"{o:<10}{size:>6}" + "".join(f"{row.get(b, float('nan')):>16.3f}" for b in backends)
            if ratio and "native-packed" in row and "onnxruntime" in row:
                line += f"{row['onnxruntime'] / row['native-packed']:>19.2f}x"
            print(line)
if ratio:
    print("\nonnxruntime/native above 1: the native engine is that many times faster on this machine.")
PY
