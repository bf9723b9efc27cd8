#!/usr/bin/env bash
# docs/BENCHMARKS.md, TorchScript from Swift vs from Python: MiniLM traced as the study does (trace_model.py, Debian's
# torch 1.13 in .venv-torch), then the same cells on that one file, alternating Python (the peers script with
# --torchscript FILE: torch.jit.load, freeze, optimize_for_inference, as BertKit does) and `bertkit bench --backends
# torchscript`, both on the same libtorch (Debian's 1.13). Needs `make torch-venv bertkit-torch`.
#   scripts/torchscript/bench_torchscript.sh .build/release/bertkit models/all-MiniLM-L6-v2 data/corpus.txt bench-out/ts
set -euo pipefail
bertkit=$1 model=$2 data=$3 out=$4
py=.venv-torch/bin/python
grid=(--batch-sizes 1,8,32 --orderings unsorted,sorted --lengths 32,128 --length-batch-sizes 1,8 --repeats 3 --threads 2 --limit 200)
mkdir -p "$out"
$py scripts/torchscript/trace_model.py --model "$model" --output "$out/model.pt"
for round in 1 2 3; do
  $py scripts/peers/bench_peers.py --model "$model" --data "$data" --out "$out/python-$round" --backends torchscript-python \
    --torchscript "$out/model.pt" "${grid[@]}" --quiet
  "$bertkit" bench --model "$model" --data "$data" --out "$out/swift-$round" --backends torchscript --torchscript "$out/model.pt" \
    "${grid[@]}" --quiet
done
python3 scripts/peers/ratio.py --engine torchscript "$out"/python-{1,2,3} -- "$out"/swift-{1,2,3} > "$out/swift-vs-python.md"
cat "$out/swift-vs-python.md"
