#!/usr/bin/env python3
"""Spark's overhead made visible: sentences per second of `bertkit embed` alone (1 and 2 threads) against the same
sentences through Spark local[1] and local[2] (python/bertkit_spark.py, mapInPandas, 4 partitions, one bertkit
process per task with the task's one CPU), alternated round by round, then what N executors would take for 100
million sentences.

    .venv-spark/bin/python scripts/spark/bench_spark.py --bin .build/release/bertkit --model models/all-MiniLM-L6-v2 \\
        --corpus data/corpus.txt --out bench-out/spark      # (make bench-spark)

Spark's job time runs from the DataFrame's creation to the end of a `noop` write (every row embedded, nothing
collected); the session's start-up is reported apart.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
import bertkit_spark  # noqa: E402


def cpu_flags():
    flags = set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
            break
    return sorted(f for f in flags if f in {"avx2", "avx512f", "avx512_vnni", "avx512_bf16", "fma"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--repeat", type=int, default=10, help="corpus copies (default 10: 10,000 sentences)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="bench-out/spark")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    binary, model = os.path.abspath(args.bin), os.path.abspath(args.model)
    base = [line.rstrip("\n") for line in open(args.corpus, encoding="utf-8") if line.strip()]
    lines = base * args.repeat
    data = os.path.join(args.out, "sentences.txt")
    with open(data, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    def direct(threads):
        start = time.perf_counter()
        subprocess.run([binary, "embed", "--model", model, "--input", data, "--output", os.devnull, "--truncate",
                        "--threads", str(threads)], check=True)
        return time.perf_counter() - start

    startup = {}

    def spark(master):
        start = time.perf_counter()
        session = (SparkSession.builder.master(master).appName("bertkit-bench").config("spark.ui.enabled", "false")
                   .getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        session.sparkContext.addPyFile(bertkit_spark.__file__)
        startup.setdefault(master, []).append(time.perf_counter() - start)
        try:
            start = time.perf_counter()
            df = session.createDataFrame([(i, t) for i, t in enumerate(lines)], "row long, text string").repartition(4)
            bertkit_spark.embed(df, "text", model=model, bertkit=binary, args=["--truncate"]).write.format("noop").mode("overwrite").save()
            return time.perf_counter() - start
        finally:
            session.stop()

    conditions = {"bertkit embed, 1 thread": lambda: direct(1), "bertkit embed, 2 threads": lambda: direct(2),
                  "Spark local[1]": lambda: spark("local[1]"), "Spark local[2]": lambda: spark("local[2]")}
    names = list(conditions)
    times = {name: [] for name in names}
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            seconds = conditions[name]()
            times[name].append(seconds)
            print(f"round {r + 1}: {name}: {seconds:.2f} s, {len(lines) / seconds:.1f} sentences/s", flush=True)
    rates = {name: len(lines) / min(t) for name, t in times.items()}
    result = {"sentences": len(lines), "rounds": args.rounds, "seconds": times, "best_rate": rates,
              "spark_session_startup_s": startup, "cpu": platform.processor() or "", "cpu_flags": cpu_flags(),
              "cores": os.cpu_count(), "model": args.model, "date": time.strftime("%Y-%m-%d")}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(result, f, indent=1)
    one, two = rates["bertkit embed, 2 threads"], rates["Spark local[2]"]
    report = [f"{len(lines)} sentences ({args.repeat} x {args.corpus}), {args.model}, {args.rounds} alternated rounds, "
              f"{os.cpu_count()} cores ({' '.join(cpu_flags())})", "",
              "| run | best s | median s | sentences/s (best) | vs bertkit 2 threads |", "| --- | ---: | ---: | ---: | ---: |"]
    for name in names:
        report.append(f"| {name} | {min(times[name]):.2f} | {statistics.median(times[name]):.2f} | {rates[name]:.1f} | "
                      f"{rates[name] / one:.2f} |")
    starts = sum(startup.values(), [])
    report += ["", f"Spark session start-up (not in the job times): {max(starts):.1f} s for the first (the JVM), "
               f"{statistics.median(starts):.2f} s median for later ones (the JVM is kept).", "",
               "100 million sentences on N executors of this machine's size (2 cores each), at Spark local[2]'s rate "
               f"({two:.0f}/s per executor), assuming linear scaling and no shuffle:", "",
               "| executors | hours |", "| ---: | ---: |"]
    for n in [1, 10, 50, 100, 500]:
        report.append(f"| {n} | {100e6 / (two * n) / 3600:.2f} |")
    text = "\n".join(report) + "\n"
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
