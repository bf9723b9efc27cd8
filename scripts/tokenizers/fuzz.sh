#!/usr/bin/env bash
# libFuzzer over each tokenizer kind: builds BertTokenizers with -sanitize=fuzzer,address and runs every tokenizer
# for SECONDS (default 60) each. Usage: scripts/tokenizers/fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/corpus"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name BertTokenizers \
  $(find Sources/BertTokenizers -name '*.swift' | sort) scripts/tokenizers/FuzzTokenizer.swift -o "$out/fuzz-tokenizer" 2>&1 \
  | { grep -v "Cannot export local symbol" || true; }
for file in models/all-MiniLM-L6-v2/tokenizer.json models/multilingual-e5-small/tokenizer.json \
            Tests/Fixtures/tokenizer/trained/*/tokenizer.json; do
  echo "fuzzing $file for ${seconds}s"
  # ICU keeps caches for the regular expressions alive until exit: not leaks of ours.
  if ! ASAN_OPTIONS=detect_leaks=0 BERTKIT_FUZZ_TOKENIZER="$file" "$out/fuzz-tokenizer" -max_total_time="$seconds" \
      -max_len=512 -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" > "$out/log.txt" 2>&1; then
    tail -40 "$out/log.txt"
    echo "fuzz.sh: $file crashed; the input is in $out (crash-*)" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$out/log.txt" || true
done
