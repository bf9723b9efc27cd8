"""BertKit under Apache Spark: embed or classify a DataFrame's text column with `bertkit`, run by Spark itself.

    spark.sparkContext.addPyFile("python/bertkit_spark.py")                   # this module, to every worker
    from bertkit_spark import embed, classify
    spark.sparkContext.addFile("models/all-MiniLM-L6-v2", recursive=True)     # or a path every worker can read
    out = embed(df, "text", model="all-MiniLM-L6-v2", bertkit="/opt/bertkit/bertkit")
    out.select("id", "embedding")                                             # embedding: array<float>

Each task (one partition at a time per executor slot) runs one `bertkit embed` (or `classify`) process and streams its
rows through it: the partition's Arrow batches are written to the process's standard input as JSON Lines (a running
`id` per row) on a writer thread while the task reads the outputs back as `bertkit` writes them window by window, so a
partition of any size flows through bounded memory on both sides. Outputs are checked against the ids, so a row can
never be paired with another row's result.

- `model`: a folder path that exists on the workers (shared storage), or the name of a folder shipped with
  `SparkContext.addFile(path, recursive=True)` (resolved with `SparkFiles.get` on the worker).
- `bertkit`: the executable's path on the workers, or the name of one shipped with `addFile`.
- Threads per process: the task's CPUs (`spark.task.cpus`, 1 by default), so the processes of an executor share its
  cores as Spark schedules them; `threads=` overrides.
- Extra `bertkit` options (`--precision int8`, `--config tune.json`, `--truncate`, ...) go in `args`.

Embeddings come back as `array<float>` (the float32 values `bertkit` prints, exactly); classifier outputs as a `label`
string and a `score` float column (and `logits` as `array<float>` when asked for).
"""
import json
import os
import queue
import shutil
import subprocess
import threading

__all__ = ["embed", "classify"]


def _resolve(path_or_name, kind):
    """A path on this worker, or the local copy of a file shipped with SparkContext.addFile."""
    if os.path.isabs(path_or_name) and os.path.exists(path_or_name):
        return path_or_name
    if os.path.exists(path_or_name):
        return os.path.abspath(path_or_name)
    from pyspark import SparkFiles

    shipped = SparkFiles.get(path_or_name)
    if os.path.exists(shipped):
        return shipped
    found = shutil.which(path_or_name) if kind == "bertkit" else None
    if found:
        return found
    raise FileNotFoundError(f"bertkit_spark: {kind} '{path_or_name}' is neither a path on this worker nor a file shipped with addFile")


def _task_threads(threads):
    if threads:
        return threads
    from pyspark import TaskContext

    context = TaskContext.get()
    return max(1, int(context.cpus())) if context is not None else 1


def _stream(batches, column, command, convert):
    """Runs `command` over the rows of `batches` (pandas DataFrames), yielding each batch with converted outputs."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pending = queue.Queue()
    failure = []

    def feed():
        row = 0
        try:
            for frame in batches:
                pending.put(frame)
                lines = []
                for text in frame[column]:
                    if text is None:
                        raise ValueError(f"bertkit_spark: column '{column}' has a null at row {row}")
                    lines.append(json.dumps({"text": str(text), "id": row}, ensure_ascii=False))
                    row += 1
                if lines:
                    process.stdin.write(("\n".join(lines) + "\n").encode("utf-8"))
        except BrokenPipeError:
            pass  # bertkit stopped; its error is read below
        except BaseException as error:  # noqa: BLE001 (re-raised in the task)
            failure.append(error)
        finally:
            pending.put(None)
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    expected = 0
    while True:
        frame = pending.get()
        if frame is None:
            break
        results = []
        for _ in range(len(frame)):
            line = process.stdout.readline()
            if not line:
                break
            result = json.loads(line)
            if result.pop("id") != expected:
                raise RuntimeError(f"bertkit_spark: output {expected} out of order")
            expected += 1
            results.append(result)
        if len(results) != len(frame):
            process.wait()
            message = process.stderr.read().decode("utf-8", "replace").strip()
            raise RuntimeError(f"bertkit_spark: {' '.join(command[:2])} stopped: {message or 'no output'}")
        yield convert(frame, results)
    writer.join()
    if failure:
        process.kill()
        raise failure[0]
    if process.wait() != 0:
        raise RuntimeError(f"bertkit_spark: bertkit exited with {process.returncode}: {process.stderr.read().decode('utf-8', 'replace').strip()}")


def _command(verb, bertkit, model, threads, window, args):
    return [_resolve(bertkit, "bertkit"), verb, "--model", _resolve(model, "model"), "--threads", str(_task_threads(threads)),
            "--window", str(window)] + list(args)


def embed(df, column, model, *, output="embedding", bertkit="bertkit", threads=None, window=1024, args=()):
    """`df` with `output` (array<float>): the sentence embedding of each row's `column` text."""
    from pyspark.sql.types import ArrayType, FloatType, StructField, StructType

    schema = StructType(df.schema.fields + [StructField(output, ArrayType(FloatType()), False)])

    def convert(frame, results):
        frame = frame.copy()
        frame[output] = [r["embedding"] for r in results]
        return frame

    def run(batches):
        yield from _stream(batches, column, _command("embed", bertkit, model, threads, window, args), convert)

    return df.mapInPandas(run, schema)


def classify(df, column, model, *, label="label", score="score", logits=None, bertkit="bertkit", threads=None, window=1024,
             args=()):
    """`df` with `label` (string) and `score` (float) of each row's `column` text, and `logits` (array<float>) if named."""
    from pyspark.sql.types import ArrayType, FloatType, StringType, StructField, StructType

    fields = [StructField(label, StringType(), False), StructField(score, FloatType(), False)]
    if logits:
        fields.append(StructField(logits, ArrayType(FloatType()), False))
    schema = StructType(df.schema.fields + fields)

    def convert(frame, results):
        frame = frame.copy()
        frame[label] = [r["label"] for r in results]
        frame[score] = [r["score"] for r in results]
        if logits:
            frame[logits] = [r["logits"] for r in results]
        return frame

    def run(batches):
        yield from _stream(batches, column, _command("classify", bertkit, model, threads, window, args), convert)

    return df.mapInPandas(run, schema)
