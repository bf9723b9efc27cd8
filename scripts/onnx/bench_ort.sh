#!/usr/bin/env bash
# docs/BENCHMARKS.md, ONNX Runtime from Swift vs from Python: the same torch.onnx.export file (the study's export, made
# by the peers script), the same cells, the same library version; runs alternate Python, Swift, Python, Swift so that
# drift on a noisy machine hits both. Then our `--optimize` export against ONNX Runtime's own transformer optimizer.
#   scripts/onnx/bench_ort.sh .build/release/bertkit models/all-MiniLM-L6-v2 data/corpus.txt bench-out/ort
set -euo pipefail
bertkit=$1 model=$2 data=$3 out=$4
py=.venv/bin/python
grid=(--batch-sizes 1,8,32 --orderings unsorted,sorted --lengths 32,128 --length-batch-sizes 1,8 --repeats 3 --threads 2 --limit 300)
mkdir -p "$out"
# The study's export: torch.onnx.export of the model, inputs input_ids and attention_mask, dynamic axes.
$py scripts/peers/bench_peers.py --model "$model" --data "$data" --out "$out/export" --backends onnxruntime-python \
  --batch-sizes 1 --orderings unsorted --lengths none --repeats 1 --limit 8 --quiet
onnx=$out/export/work/model.onnx
# Swift and Python must load the same library.
export ORT_DYLIB_PATH
ORT_DYLIB_PATH=$($py -c "import glob,os,onnxruntime as o;print(sorted(glob.glob(os.path.join(os.path.dirname(o.__file__),'capi','libonnxruntime.so*')))[-1])")
for round in 1 2 3; do
  $py scripts/peers/bench_peers.py --model "$model" --data "$data" --out "$out/python-$round" --backends onnxruntime-python \
    --onnx "$onnx" "${grid[@]}" --quiet
  "$bertkit" bench --model "$model" --data "$data" --out "$out/swift-$round" --backends onnxruntime --onnx "$onnx" \
    "${grid[@]}" --quiet
done
$py scripts/peers/ratio.py "$out"/python-{1,2,3} -- "$out"/swift-{1,2,3} > "$out/swift-vs-python.md"
cat "$out/swift-vs-python.md"
# Our fused export vs ONNX Runtime's optimizer (onnxruntime.transformers.optimizer) applied to our plain export.
"$bertkit" export --model "$model" --format onnx --output "$out/bertkit-plain.onnx" > /dev/null
"$bertkit" export --model "$model" --format onnx --output "$out/bertkit-optimized.onnx" --optimize > /dev/null
$py scripts/onnx/bench_optimizers.py --model "$model" --data "$data" --plain "$out/bertkit-plain.onnx" \
  --ours "$out/bertkit-optimized.onnx" --torch "$onnx" --out "$out" | tee "$out/optimizers.md"
