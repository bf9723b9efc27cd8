#!/usr/bin/env python3
"""Builds the default corpus: 1,000 real English sentences of varied length from Debian's `fortunes` package.

Deterministic: the fortune files are read in sorted order, split into sentences, de-duplicated, and a fixed-seed
sample is drawn so that lengths range from a few words to a few hundred tokens. Standard library only.
Usage: make_corpus.py OUT.txt [COUNT]
"""
import glob
import os
import random
import re
import sys

FORTUNE_DIR = "/usr/share/games/fortunes"


def fortunes():
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*"))):
        if path.endswith((".dat", ".u8")) or os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for block in f.read().split("\n%\n"):
                text = " ".join(block.split())
                if text:
                    yield text


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if not os.path.isdir(FORTUNE_DIR):
        sys.exit(f"make_corpus: {FORTUNE_DIR} not found; install Debian's 'fortunes' package")
    short, long = [], []
    seen = set()
    for text in fortunes():
        # Whole fortunes give the long tail; their sentences give the short and medium ones.
        if 200 <= len(text) <= 1500 and text not in seen:
            seen.add(text)
            long.append(text)
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if 12 <= len(sentence) <= 300 and sentence not in seen and "\t" not in sentence:
                seen.add(sentence)
                short.append(sentence)
    rng = random.Random(20261124)
    n_long = count // 5
    chosen = rng.sample(long, n_long) + rng.sample(short, count - n_long)
    rng.shuffle(chosen)
    with open(out, "w", encoding="utf-8") as f:
        for line in chosen:
            f.write(line + "\n")
    print(f"make_corpus: wrote {len(chosen)} sentences to {out}")


if __name__ == "__main__":
    main()
