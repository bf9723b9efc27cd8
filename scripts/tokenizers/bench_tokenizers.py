#!/usr/bin/env python3
"""Tokenizer throughput: BertKit's native tokenizers next to Hugging Face `tokenizers` (its Rust core through
Python's batch API), same tokenizer.json files, same corpus, same run, interleaved.

    .venv/bin/python scripts/tokenizers/bench_tokenizers.py --bertkit .build/release/bertkit --data data/corpus.txt \
        --out docs/bench-tokenizers          # `make bench-tokenizers`

For each tokenizer kind and round: `bertkit bench-tokenizer` with one thread (lines encoded one after another)
and with all cores (the parallel batch API); HF `encode_batch` with TOKENIZERS_PARALLELISM=false (one thread)
and with its default Rayon pool (all cores), each in a fresh process. Every measurement is the best of
`--repeats` passes; the table reports the median over `--rounds` rounds, tokens per second counting special
tokens, and the load time of tokenizer.json.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

KINDS = {
    "WordPiece (MiniLM)": "models/all-MiniLM-L6-v2/tokenizer.json",
    "Unigram (XLM-R, 250k)": "models/multilingual-e5-small/tokenizer.json",
    "byte-level BPE (RoBERTa-style)": "Tests/Fixtures/tokenizer/trained/roberta-bpe/tokenizer.json",
    "Unigram (French, CamemBERT-style)": "Tests/Fixtures/tokenizer/trained/french-unigram/tokenizer.json",
}

HF_SNIPPET = r"""
import json, sys, time
from tokenizers import Tokenizer
path, data, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
tok = Tokenizer.from_file(path)
load_ms = (time.perf_counter() - start) * 1000
tok.no_padding(); tok.no_truncation()
lines = open(data, encoding="utf-8").read().split("\n")
if lines and lines[-1] == "": lines.pop()
tokens = sum(len(e.ids) for e in tok.encode_batch(lines))
best = float("inf")
for _ in range(repeats):
    t = time.perf_counter(); tok.encode_batch(lines); best = min(best, time.perf_counter() - t)
print(json.dumps({"load_ms": load_ms, "tokens": tokens, "best_ms": best * 1000, "tokens_per_s": tokens / best}))
"""


def run_bertkit(binary, path, data, threads, repeats):
    out = subprocess.run([binary, "bench-tokenizer", "--tokenizer", path, "--data", data, "--threads", str(threads),
                          "--repeats", str(repeats)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_hf(python, path, data, parallel, repeats):
    env = dict(os.environ)
    env["TOKENIZERS_PARALLELISM"] = "true" if parallel else "false"
    out = subprocess.run([python, "-c", HF_SNIPPET, path, data, str(repeats)], check=True, capture_output=True,
                         text=True, env=env).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bertkit", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    samples = {kind: {"bertkit-1": [], "hf-1": [], "bertkit-all": [], "hf-all": []} for kind in KINDS}
    for r in range(args.rounds):
        for kind, path in KINDS.items():
            s = samples[kind]
            s["bertkit-1"].append(run_bertkit(args.bertkit, path, args.data, 1, args.repeats))
            s["hf-1"].append(run_hf(args.python, path, args.data, False, args.repeats))
            s["bertkit-all"].append(run_bertkit(args.bertkit, path, args.data, 0, args.repeats))
            s["hf-all"].append(run_hf(args.python, path, args.data, True, args.repeats))
            print(f"round {r + 1} {kind}: " + ", ".join(f"{k} {v[-1]['tokens_per_s']:,.0f}" for k, v in s.items()),
                  file=sys.stderr)
    rows = []
    for kind, s in samples.items():
        med = {k: statistics.median(x["tokens_per_s"] for x in v) for k, v in s.items()}
        load = {k: statistics.median(x["load_ms"] for x in v) for k, v in s.items()}
        tokens = {s["bertkit-1"][0]["tokens"], s["hf-1"][0]["tokens"]}
        rows.append(dict(kind=kind, tokens=sorted(tokens), median_tokens_per_s=med,
                         load_ms={"bertkit": load["bertkit-1"], "hf": load["hf-1"]},
                         ratio_1=med["bertkit-1"] / med["hf-1"], ratio_all=med["bertkit-all"] / med["hf-all"],
                         samples=s))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(dict(cores=os.cpu_count(), rounds=args.rounds, repeats=args.repeats, rows=rows), f, indent=1)
    lines = ["| tokenizer | tokens | BertKit 1 thread | HF 1 thread | ratio | BertKit all cores | HF all cores | ratio | load BertKit | load HF |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        m = row["median_tokens_per_s"]
        lines.append(f"| {row['kind']} | {row['tokens'][0]:,} | {m['bertkit-1']:,.0f}/s | {m['hf-1']:,.0f}/s | "
                     f"{row['ratio_1']:.2f} | {m['bertkit-all']:,.0f}/s | {m['hf-all']:,.0f}/s | {row['ratio_all']:.2f} | "
                     f"{row['load_ms']['bertkit']:.0f} ms | {row['load_ms']['hf']:.0f} ms |")
    table = "\n".join(lines)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
