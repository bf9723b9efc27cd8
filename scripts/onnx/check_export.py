#!/usr/bin/env python3
"""Checks an ONNX file the way the ONNX ecosystem would: onnx.checker (full check, with shape inference), then
Python ONNX Runtime on batches of token ids. Prints JSON: the graph's inputs and outputs, and for each batch the
`logits` and/or `sentence_embedding` outputs. The Swift tests (Tests/BertONNXTests/ExportParityTests.swift) compare
these with BertKit's native engine.

    check_export.py MODEL.onnx BATCHES.json

BATCHES.json: [{"ids": [[...], ...], "type_ids": [[...], ...], "pad": 0}, ...]; rows are right-padded with `pad`.
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort


def feeds(batch, inputs):
    """The graph's `inputs` for one batch: ids right-padded with the batch's pad id, the attention mask, type ids."""
    width = max(len(r) for r in batch["ids"])

    def rect(rows, fill):
        return np.array([r + [fill] * (width - len(r)) for r in rows], dtype=np.int64)
    values = {"input_ids": rect(batch["ids"], batch["pad"]),
              "attention_mask": rect([[1] * len(r) for r in batch["ids"]], 0),
              "token_type_ids": rect(batch["type_ids"], 0)}
    return {name: values[name] for name in inputs}


def main():
    path, batches_path = sys.argv[1], sys.argv[2]
    onnx.checker.check_model(path, full_check=True)  # raises on any violation
    with open(batches_path, encoding="utf-8") as f:
        batches = json.load(f)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    inputs = [i.name for i in session.get_inputs()]
    wanted = [o.name for o in session.get_outputs() if o.name in ("logits", "sentence_embedding")]
    results = []
    for batch in batches:
        outputs = session.run(wanted, feeds(batch, inputs))
        results.append({name: out.astype(np.float64).tolist() for name, out in zip(wanted, outputs)})
    json.dump({"checker": "passed", "onnxruntime": ort.__version__, "inputs": inputs,
               "outputs": [o.name for o in session.get_outputs()], "batches": results}, sys.stdout)


if __name__ == "__main__":
    main()
