#!/usr/bin/env bash
# Runs the baseline benchmark of docs/BENCHMARKS.md. Usage: scripts/bench_embed.sh BIN MODEL CORPUS
set -euo pipefail
.venv/bin/python scripts/bench_embed.py "$@"
