#!/usr/bin/env bash
# Runs the bench grid on the Python peers (PyTorch eager, TorchScript, ONNX Runtime, OpenVINO, CTranslate2), after
# installing them into the project's .venv (make venv). Same flags as `bertkit bench` (plus --calibration FILE for
# OpenVINO's int8); writes results.json in BertKit's schema.
#   scripts/peers/run.sh --model models/all-MiniLM-L6-v2 --data data/corpus.txt --out bench-out/peers
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
make -C "$root" --no-print-directory venv >&2
exec "$root/.venv/bin/python" "$root/scripts/peers/bench_peers.py" "$@"
