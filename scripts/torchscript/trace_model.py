#!/usr/bin/env python3
"""Traces a Hugging Face model folder exactly as the study does: the model loaded with the `torchscript=True` config
flag (AutoModelForSequenceClassification when the config names a classifier, else AutoModel), `torch.jit.trace` on a
sample batch of (input_ids, attention_mask) made by the folder's tokenizer, `torch.jit.save`. The file runs in
`bertkit ... --backend torchscript --torchscript FILE` (a libtorch of the same version as this torch, or newer).

transformers 5 dropped the `torchscript=True` flag (and is the only line with ModernBERT, GTE and NomicBERT): there the
model is loaded with eager attention and wrapped in `TupleOutputs`, whose forward takes the inputs by their names
(input_ids, attention_mask and, for a model that embeds segments, token_type_ids) and returns (logits,) or
(last_hidden_state,). Debian's libtorch 1.13 runs such traces made by torch 2.15 (checked on the rotary fixtures).

    trace_model.py --model DIR --output FILE.pt
"""
import argparse
import json
import os

import torch
from tokenizers import Tokenizer
from transformers import AutoModel, AutoModelForSequenceClassification


class TupleOutputs(torch.nn.Module):
    """A transformers 5 model as the study's traces see it: forward(input_ids, attention_mask) -> (first output,),
    logits for a classifier, last_hidden_state for an encoder."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def first(self, output):
        return (output.logits if hasattr(output, "logits") else output.last_hidden_state,)

    def forward(self, input_ids, attention_mask):
        return self.first(self.model(input_ids=input_ids, attention_mask=attention_mask))


class TupleOutputsWithTypes(TupleOutputs):
    """TupleOutputs taking token_type_ids as well, for models with segment embeddings."""

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.first(self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids))


def traceable(loader, folder):
    """The model of `folder` as `loader` loads it, returning tuples; and whether its forward takes token_type_ids."""
    try:
        return loader.from_pretrained(folder, torchscript=True).eval(), False
    except TypeError as error:  # transformers 5: "... got an unexpected keyword argument 'torchscript'"
        if "torchscript" not in str(error):
            raise
    model = loader.from_pretrained(folder, attn_implementation="eager").eval()
    types = (getattr(model.config, "type_vocab_size", 0) or 0) > 0
    return (TupleOutputsWithTypes if types else TupleOutputs)(model).eval(), types


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--output", required=True)
    a = p.parse_args()
    config = json.load(open(os.path.join(a.model, "config.json")))
    classify = any(arch.endswith("ForSequenceClassification") for arch in config.get("architectures") or [])
    model, types = traceable(AutoModelForSequenceClassification if classify else AutoModel, a.model)
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    tok.enable_padding(pad_id=config.get("pad_token_id", 0) or 0)
    sample = tok.encode_batch(["A sample sentence to trace the model with.", "Another one."])
    inputs = [torch.tensor([e.ids for e in sample]), torch.tensor([e.attention_mask for e in sample])]
    if types:
        inputs.append(torch.tensor([e.type_ids for e in sample]))
    with torch.no_grad():
        traced = torch.jit.trace(model, tuple(inputs), check_trace=not isinstance(model, TupleOutputs))
    torch.jit.save(traced, a.output)
    print(f"traced {a.model} ({'classifier' if classify else 'encoder'}) on a sample of shape {list(inputs[0].shape)} "
          f"with torch {torch.__version__}: {a.output}")


if __name__ == "__main__":
    main()
