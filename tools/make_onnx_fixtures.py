#!/usr/bin/env python3
"""ONNX fixtures: the tiny classifiers exported by PyTorch exactly as the study does, and Python ONNX Runtime's outputs.

    make onnx-fixtures        # or: .venv/bin/python tools/make_onnx_fixtures.py

Writes Tests/Fixtures/onnx/:
  torch-tiny-{bert,roberta,distilbert}-cls.onnx  torch.onnx.export (TorchScript exporter): inputs input_ids and
                                                 attention_mask (int64), dynamic batch and sequence axes, output logits
  torch-tiny-bert-cls-int32.onnx                 the same model taking int32 ids and mask
  optimum-tiny-bert/                             Optimum's layout: model.onnx (feature extraction: input_ids,
                                                 attention_mask, token_type_ids -> last_hidden_state) beside
                                                 config.json and tokenizer.json
  unexpected-input.onnx                          a graph with an input BertKit cannot feed (pixel_values)
  expected.json                                  for each file, batches of ids (right-padded by the backend with the
                                                 config's pad id) and Python ONNX Runtime's outputs on them
Built from Tests/Fixtures/models/tiny-*-cls (make fixtures); deterministic.
"""
import json
import os
import shutil

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper
from transformers import AutoModel, AutoModelForSequenceClassification

MODELS = "Tests/Fixtures/models"
OUT = "Tests/Fixtures/onnx"
# Batches of fixture inputs (indices into expected.json's inputs): batch sizes 1, 3 and 5, lengths from 3 to 20.
BATCHES = [[0], [6, 1, 7], [2, 3, 4, 8, 9], [10]]


class Int32Inputs(torch.nn.Module):
    """The classifier behind int32 inputs, as some deployments export it."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids.long(), attention_mask=attention_mask.long())[0]


class KeywordInputs(torch.nn.Module):
    """Calls the model with keyword inputs (the positional order of forward differs across transformers versions)."""

    def __init__(self, model, names):
        super().__init__()
        self.model, self.names = model, names

    def forward(self, *args):
        return self.model(**dict(zip(self.names, args)))[0]


def export(model, args, path, inputs, outputs):
    axes = {name: {0: "batch", 1: "sequence"} for name in inputs}
    axes.update({name: {0: "batch"} if name == "logits" else {0: "batch", 1: "sequence"} for name in outputs})
    torch.onnx.export(model, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=17, dynamo=False, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path), full_check=True)


def batches(name):
    with open(f"{MODELS}/{name}/expected.json", encoding="utf-8") as f:
        expected = json.load(f)
    with open(f"{MODELS}/{name}/config.json", encoding="utf-8") as f:
        pad = json.load(f).get("pad_token_id", 0)
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(f"{MODELS}/{name}/tokenizer.json")
    result = []
    for batch in BATCHES:
        encs = [tok.encode(expected["inputs"][i]["text"], expected["inputs"][i]["text_pair"])
                if expected["inputs"][i]["text_pair"] else tok.encode(expected["inputs"][i]["text"]) for i in batch]
        result.append({"ids": [e.ids for e in encs], "type_ids": [e.type_ids for e in encs], "pad": pad})
    return result


def feed(session, batch, dtype):
    width = max(len(i) for i in batch["ids"])
    def rect(rows, fill):
        return np.array([r + [fill] * (width - len(r)) for r in rows], dtype=dtype)
    values = {"input_ids": rect(batch["ids"], batch["pad"]),
              "attention_mask": rect([[1] * len(r) for r in batch["ids"]], 0),
              "token_type_ids": rect(batch["type_ids"], 0)}
    names = [i.name for i in session.get_inputs()]
    return {n: values[n] for n in names}, values["attention_mask"]


def run(path, cases, dtype=np.int64):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    for batch in cases:
        inputs, mask = feed(session, batch, dtype)
        out = session.run(None, inputs)[0]
        if out.ndim == 3:  # mean pooling over the real tokens, as BertKit pools last_hidden_state
            m = mask.astype(np.float32)[:, :, None]
            out = (out * m).sum(1) / m.sum(1)
        batch["output"] = out.astype(np.float64).tolist()
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    expected = {}
    for arch in ["bert", "roberta", "distilbert"]:
        name = f"tiny-{arch}-cls"
        model = AutoModelForSequenceClassification.from_pretrained(f"{MODELS}/{name}", return_dict=False).eval()
        sample = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 9, 3, 0]]) + (1 if arch == "roberta" else 0)
        mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
        path = f"{OUT}/torch-{name}.onnx"
        export(KeywordInputs(model, ["input_ids", "attention_mask"]), (sample, mask), path,
               ["input_ids", "attention_mask"], ["logits"])
        expected[os.path.basename(path)] = {"model": name, "output": "logits", "batches": run(path, batches(name))}
        if arch == "bert":
            path = f"{OUT}/torch-{name}-int32.onnx"
            export(Int32Inputs(model), (sample.int(), mask.int()), path, ["input_ids", "attention_mask"], ["logits"])
            expected[os.path.basename(path)] = {"model": name, "output": "logits",
                                                "batches": run(path, batches(name), np.int32)}
    # Optimum's feature-extraction layout: the encoder alone, all three inputs, last_hidden_state.
    folder = f"{OUT}/optimum-tiny-bert"
    os.makedirs(folder, exist_ok=True)
    for file in ["config.json", "tokenizer.json"]:
        shutil.copy(f"{MODELS}/tiny-bert-cls/{file}", f"{folder}/{file}")
    encoder = AutoModel.from_pretrained(f"{MODELS}/tiny-bert-cls", return_dict=False, add_pooling_layer=False).eval()
    sample = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 9, 3, 0]])
    args = (sample, torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]]), torch.zeros_like(sample))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    export(KeywordInputs(encoder, names), args, f"{folder}/model.onnx", ["input_ids", "attention_mask", "token_type_ids"], ["last_hidden_state"])
    expected["optimum-tiny-bert/model.onnx"] = {"model": "tiny-bert-cls", "output": "mean-pooled last_hidden_state",
                                                "batches": run(f"{folder}/model.onnx", batches("tiny-bert-cls"))}
    # A graph with an input BertKit does not know.
    graph = helper.make_graph(
        [helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["ids_f", "pixel_values"], ["logits"])],
        "unexpected",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "sequence"])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, f"{OUT}/unexpected-input.onnx")
    with open(f"{OUT}/expected.json", "w", encoding="utf-8") as f:
        json.dump({"onnxruntime": ort.__version__, "torch": torch.__version__, "files": expected}, f, indent=1)
    for file, entry in expected.items():
        print(f"{file}: {len(entry['batches'])} batches, {os.path.getsize(f'{OUT}/{file}')} bytes")


if __name__ == "__main__":
    main()
