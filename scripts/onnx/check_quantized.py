#!/usr/bin/env python3
"""Checks BertKit's int8 ONNX export against ONNX Runtime's own quantizer: runs
`onnxruntime.quantization.quantize_dynamic` (per_channel=True, weight_type=QInt8, op_types_to_quantize=["MatMul"],
the quantization BertKit writes) on BertKit's fp32 export of the same model, then both int8 files in Python ONNX
Runtime on batches of token ids, with graph optimizations off (so each file runs as written) and on (as deployed).
Prints JSON: the op counts of each file, whether every quantized weight and scale is identical, and per batch the
outputs of both files at both optimization levels. Used by Tests/BertONNXTests/QuantizedExportTests.swift.

    check_quantized.py FP32.onnx INT8.onnx BATCHES.json OUTPUT_NAME

BATCHES.json: [{"ids": [[...], ...], "type_ids": [[...], ...], "pad": 0}, ...]; rows are right-padded with `pad`.
"""
import collections
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic

from check_export import feeds


def run(path, batches, output, level):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = level
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    inputs = [i.name for i in session.get_inputs()]
    return [session.run([output], feeds(batch, inputs))[0].astype(np.float64).tolist() for batch in batches]


def main():
    fp32, ours, batches_path, output = sys.argv[1:5]
    onnx.checker.check_model(ours, full_check=True)
    with open(batches_path, encoding="utf-8") as f:
        batches = json.load(f)
    reference = os.path.join(tempfile.mkdtemp(), "quantize_dynamic.onnx")
    quantize_dynamic(fp32, reference, per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
    theirs_model, ours_model = onnx.load(reference), onnx.load(ours)
    theirs_init = {t.name: numpy_helper.to_array(t) for t in theirs_model.graph.initializer}
    ours_init = {t.name: numpy_helper.to_array(t) for t in ours_model.graph.initializer}
    quantized = [n for n in theirs_init if n.endswith(("_quantized", "_scale", "_zero_point")) and n in ours_init]
    identical = all(theirs_init[n].dtype == ours_init[n].dtype and np.array_equal(theirs_init[n], ours_init[n])
                    for n in quantized)
    levels = {"plain": ort.GraphOptimizationLevel.ORT_DISABLE_ALL, "optimized": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}
    json.dump({
        "ops": {"bertkit": collections.Counter(n.op_type for n in ours_model.graph.node),
                "quantize_dynamic": collections.Counter(n.op_type for n in theirs_model.graph.node)},
        "weights_compared": len(quantized), "weights_identical": identical,
        "bertkit": {name: run(ours, batches, output, level) for name, level in levels.items()},
        "quantize_dynamic": {name: run(reference, batches, output, level) for name, level in levels.items()},
        "onnxruntime": ort.__version__,
    }, sys.stdout)


if __name__ == "__main__":
    main()
