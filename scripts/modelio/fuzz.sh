#!/usr/bin/env bash
# libFuzzer over the model-file readers: builds BertModelIO with -sanitize=fuzzer,address and runs each target for
# SECONDS (default 60), seeded with real files (the fixture checkpoints and configs). A crashing input is kept in
# .build-fuzz-modelio/ (crash-*); the committed ones live in Tests/Fixtures/fuzz/ and are regression tests.
# Usage: scripts/modelio/fuzz.sh [SECONDS] [TARGET...]   (targets: safetensors pytorch config)
set -euo pipefail
seconds=${1:-60}
shift || true
targets=${*:-safetensors pytorch config}
out=.build-fuzz-modelio
mkdir -p "$out"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name BertModelIO \
  $(find Sources/BertModelIO -name '*.swift' | sort) scripts/modelio/FuzzModelIO.swift -o "$out/fuzz-modelio" 2>&1 \
  | { grep -v "Cannot export local symbol" || true; }
for target in $targets; do
  corpus="$out/corpus-$target"
  mkdir -p "$corpus"
  case $target in
    safetensors) for f in Tests/Fixtures/models/*/model.safetensors; do cp "$f" "$corpus/$(basename "$(dirname "$f")").safetensors"; done ;;
    pytorch) cp Tests/Fixtures/pytorch/*.bin Tests/Fixtures/pytorch/*.pt "$corpus/" ;;
    config) for f in Tests/Fixtures/models/*/config.json Tests/Fixtures/st/*/1_Pooling/config.json Tests/Fixtures/st/*/modules.json; do
              cp "$f" "$corpus/$(echo "$f" | tr / _)"; done ;;
  esac
  echo "fuzzing $target for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=0 BERTKIT_FUZZ_TARGET="$target" "$out/fuzz-modelio" -max_total_time="$seconds" \
      -max_len=300000 -print_final_stats=1 -artifact_prefix="$out/$target-" "$corpus" > "$out/log-$target.txt" 2>&1; then
    tail -40 "$out/log-$target.txt"
    echo "fuzz.sh: $target crashed; the input is in $out ($target-crash-*)" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added|stat::average_exec_per_sec" "$out/log-$target.txt" || true
done
