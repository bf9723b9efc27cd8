#!/usr/bin/env bash
# Embeds a handful of sentences with BertKit and prints their cosine-similarity matrix.
set -euo pipefail
bin=${1:-.build/release/bertkit}
model=${2:-models/all-MiniLM-L6-v2}
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
