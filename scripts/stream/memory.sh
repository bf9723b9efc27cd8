#!/usr/bin/env bash
# Peak memory of streaming `bertkit embed` against input size: generated lines at 10k, 100k and 1M, each through
# the default window, then the 1M input in one window (as before streaming); checks the two 1M outputs are identical.
# Usage: scripts/stream/memory.sh [BIN] [MODEL] [SIZES]   (defaults: .build/release/bertkit, the tiny fixture, "10000 100000 1000000")
set -euo pipefail
bin=${1:-.build/release/bertkit}
model=${2:-Tests/Fixtures/models/tiny-bert-cls}
sizes=${3:-10000 100000 1000000}
out=bench-out/stream
mkdir -p "$out"
largest=0
for n in $sizes; do [ "$n" -gt "$largest" ] && largest=$n; done
python3 - "$largest" "$out/lines.txt" <<'PY'
import sys
words = "the cat sat on a mat while one quick brown fox runs over the lazy dog".split()
with open(sys.argv[2], "w") as f:
    for i in range(int(sys.argv[1])):
        f.write(f"line {i}: " + " ".join(words[:1 + i % 8]) + "\n")
PY
grep -o -w 'avx2\|avx512f\|avx512_vnni\|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' '; echo
for n in $sizes; do
  head -n "$n" "$out/lines.txt" > "$out/in-$n.txt"
  /usr/bin/time -f "$n lines: wall %e s, peak resident %M kB" "$bin" embed --model "$model" --input "$out/in-$n.txt" \
    --output "$out/out-$n.jsonl"
done
/usr/bin/time -f "$largest lines in one window: wall %e s, peak resident %M kB" "$bin" embed --model "$model" \
  --input "$out/in-$largest.txt" --output "$out/out-$largest-one-window.jsonl" --window "$largest"
cmp "$out/out-$largest.jsonl" "$out/out-$largest-one-window.jsonl" && echo "streamed and one-window outputs are identical"
