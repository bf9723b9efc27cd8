#!/usr/bin/env python3
"""Spark in local mode against `bertkit` alone: embeds the corpus through the DataFrame API (bertkit_spark.embed, the
model folder shipped with addFile, four partitions, small Arrow batches) and classifies it with the tiny classifier,
then compares every row with `bertkit embed` / `bertkit classify` run directly on the same lines.

    .venv-spark/bin/python scripts/spark/check_spark.py --bin .build/release/bertkit --model models/all-MiniLM-L6-v2 \\
        --classifier Tests/Fixtures/models/tiny-bert-cls --corpus data/corpus.txt

Prints `ok ...` per check and exits 1 on any difference over 1e-6.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
import bertkit_spark  # noqa: E402


def direct(binary, verb, model, lines, extra=()):
    out = subprocess.run([binary, verb, "--model", model, *extra], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--classifier", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    lines = [line.rstrip("\n") for line in open(args.corpus, encoding="utf-8") if line.strip()]

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers use this venv's pandas and pyarrow

    spark = (SparkSession.builder.master(args.master).appName("bertkit-check")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "128")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    failures = 0
    try:
        spark.sparkContext.addPyFile(bertkit_spark.__file__)
        spark.sparkContext.addFile(os.path.abspath(args.model), recursive=True)
        df = spark.createDataFrame([(i, text) for i, text in enumerate(lines)], "row long, text string").repartition(4)
        rows = bertkit_spark.embed(df, "text", model=os.path.basename(os.path.abspath(args.model)), bertkit=binary,
                                   args=["--truncate"]).orderBy("row").collect()
        want = direct(binary, "embed", args.model, lines, ["--truncate"])
        worst = max(abs(a - b) for row, w in zip(rows, want) for a, b in zip(row["embedding"], w["embedding"]))
        same = len(rows) == len(lines) and all(row["text"] == text for row, text in zip(rows, lines))
        if same and worst <= 1e-6:
            print(f"ok embed: {len(rows)} rows through {args.master}, 4 partitions, max |difference| {worst:.1e} from bertkit embed")
        else:
            print(f"FAIL embed: {len(rows)} rows, texts aligned: {same}, max |difference| {worst}")
            failures += 1

        small = df.where("row < 300")
        rows = bertkit_spark.classify(small, "text", model=os.path.abspath(args.classifier), bertkit=binary, logits="logits",
                                      args=["--truncate"]).orderBy("row").collect()
        want = direct(binary, "classify", args.classifier, lines[:300], ["--truncate"])
        labels = all(row["label"] == w["label"] for row, w in zip(rows, want))
        worst = max(max(abs(row["score"] - w["score"]), *(abs(a - b) for a, b in zip(row["logits"], w["logits"])))
                    for row, w in zip(rows, want))
        if len(rows) == 300 and labels and worst <= 1e-6:
            print(f"ok classify: {len(rows)} rows, labels equal, max |difference| {worst:.1e} from bertkit classify")
        else:
            print(f"FAIL classify: {len(rows)} rows, labels equal: {labels}, max |difference| {worst}")
            failures += 1

        # A row bertkit refuses fails the job with bertkit's own message.
        bad = spark.createDataFrame([(0, "fine"), (1, "")], "row long, text string")
        try:
            bertkit_spark.embed(bad, "text", model=os.path.abspath(args.classifier), bertkit=binary).collect()
            print("FAIL error: an empty text was embedded")
            failures += 1
        except Exception as error:  # noqa: BLE001
            if "the text is empty" in str(error):
                print("ok error: bertkit's message reaches the driver")
            else:
                print(f"FAIL error: {str(error)[:300]}")
                failures += 1
    finally:
        spark.stop()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
