#!/usr/bin/env bash
# libFuzzer over each tokenizer kind: builds BertTokenizers with -sanitize=fuzzer,address and runs every tokenizer
# for SECONDS (default 60) each, then the tokenizer.json reader itself, then the SentencePiece model reader.
# Usage: scripts/tokenizers/fuzz.sh [SECONDS] [json|sentencepiece]
set -euo pipefail
seconds=${1:-60}
only=${2:-}   # "json": only the tokenizer.json reader; "sentencepiece": only the SentencePiece model reader
out=.build-fuzz
mkdir -p "$out/corpus"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name BertTokenizers \
  $(find Sources/BertTokenizers -name '*.swift' | sort) scripts/tokenizers/FuzzTokenizer.swift -o "$out/fuzz-tokenizer" 2>&1 \
  | { grep -v "Cannot export local symbol" || true; }
for file in $( [ -n "$only" ] || echo models/all-MiniLM-L6-v2/tokenizer.json models/multilingual-e5-small/tokenizer.json \
            Tests/Fixtures/tokenizer/trained/*/tokenizer.json ); do
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
# A reader harness: MODE (BERTKIT_FUZZ_TOKENIZER), what it reads (for messages), its corpus folder, the longest input.
fuzz_reader() {
  local mode=$1 what=$2 corpus=$3 max_len=$4
  echo "fuzzing the $what for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=0 BERTKIT_FUZZ_TOKENIZER="$mode" "$out/fuzz-tokenizer" -max_total_time="$seconds" \
      -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$out/$mode-" "$corpus" > "$out/log-$mode.txt" 2>&1; then
    tail -40 "$out/log-$mode.txt"
    echo "fuzz.sh: the $what crashed; the input is in $out ($mode-crash-*)" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added|stat::average_exec_per_sec" "$out/log-$mode.txt" || true
}
# The SentencePiece model reader and the XLM-R and DeBERTa-v2 conversions, seeded with the fixture models.
if [ "$only" != json ]; then
  mkdir -p "$out/corpus-spm"
  cp Tests/Fixtures/tokenizer/slow/xlmr/sentencepiece.bpe.model "$out/corpus-spm/xlmr.model"
  cp Tests/Fixtures/tokenizer/slow/deberta-punct/spm.model "$out/corpus-spm/deberta.model"
  fuzz_reader sentencepiece "SentencePiece model reader (XLM-R, DeBERTa-v2)" "$out/corpus-spm" 400000
  if [ "$only" = sentencepiece ]; then exit 0; fi
fi
# The tokenizer.json reader itself, seeded with the small trained tokenizers.
mkdir -p "$out/corpus-json"
for file in Tests/Fixtures/tokenizer/trained/*/tokenizer.json; do cp "$file" "$out/corpus-json/$(basename "$(dirname "$file")").json"; done
fuzz_reader json "tokenizer.json reader" "$out/corpus-json" 1000000
