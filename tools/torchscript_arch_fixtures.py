"""The newer classifiers' TorchScript fixtures, traced for make_torchscript_fixtures.py exactly as it traces the first
three: AutoModelForSequenceClassification(torchscript=True), torch.jit.trace on a [2, 5] sample batch (input_ids,
attention_mask), torch.jit.save. Writes Tests/Fixtures/torchscript/:
  tiny-mpnet-cls.pt        MPNet (no token types)
  tiny-electra-cls.pt      ELECTRA (token types: the trace takes none, so a pair's second segment is refused)
  tiny-deberta-v3-cls.pt   DeBERTa-v2 class, v3 config (log-bucketed relative positions, no token types)
  tiny-deberta-v2-cls.pt   DeBERTa-v2 class, v2 config (max_relative_positions 64, token types: as ELECTRA)
The fixture folders' config.json files were written by transformers 5; transformers 4.40 loads them as they are.

DeBERTa-v2's masked softmax (XSoftmax) is a torch.autograd.Function, which torch.jit.trace records as a Python call
that torch.jit.save refuses ("Could not export Python function call 'XSoftmax'"), so transformers 4.40 cannot save a
trace of DeBERTa. While tracing, XSoftmax.apply is replaced by XSoftmax.forward's own three tensor ops
(`plain_xsoftmax`); the check below holds the saved file to eager 4.40, with the real XSoftmax.

Every file is checked against eager transformers at other batch sizes and lengths (2 to 512 tokens, right-padded), as
saved and frozen + optimized for inference as BertKit loads it, int64 and int32: a trace that baked in its sample's
shape or a Python value stops the run.

Lives apart from make_torchscript_fixtures.py because a trace records the Python call stack's line numbers: code added
above that script's trace calls would change the first files' bytes at every rerun.
"""
import contextlib

import torch
from transformers import AutoModelForSequenceClassification

NEWER_CLASSIFIERS = ["tiny-mpnet-cls", "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-deberta-v2-cls"]
# Rows' lengths of the batches each trace must generalize to: batch sizes 1 to 4, lengths from 2 tokens (BertKit's load
# probe) to 512.
CHECK_SHAPES = [[2], [3], [3, 2], [20], [20, 3, 17, 9], [300], [300, 5, 120], [512], [512, 40]]


@contextlib.contextmanager
def plain_xsoftmax(model):
    """For DeBERTa-v2, XSoftmax.apply replaced by XSoftmax.forward's tensor ops while the block runs; other models as
    they are."""
    if model.config.model_type != "deberta-v2":
        yield
        return
    from transformers.models.deberta_v2 import modeling_deberta_v2 as deberta

    class XSoftmax:
        @staticmethod
        def apply(input, mask, dim):
            rmask = ~(mask.to(torch.bool))
            output = input.masked_fill(rmask, torch.tensor(torch.finfo(input.dtype).min))
            return torch.softmax(output, dim).masked_fill(rmask, 0)

    original = deberta.XSoftmax
    deberta.XSoftmax = XSoftmax
    try:
        yield
    finally:
        deberta.XSoftmax = original


def random_batch(lengths, pad, vocab, generator, types=False):
    """Right-padded random ids (3 to vocab) of rows of `lengths`, their mask and, with `types`, segment ids alternating
    0/1 on the real tokens: the tensors a trace takes, in its forward's order."""
    ids = torch.full((len(lengths), max(lengths)), pad, dtype=torch.int64)
    mask = torch.zeros_like(ids)
    for row, length in enumerate(lengths):
        ids[row, :length] = torch.randint(3, vocab, (length,), generator=generator)
        mask[row, :length] = 1
    if not types:
        return (ids, mask)
    segments = torch.zeros_like(ids)
    segments[:, 1::2] = 1
    return (ids, mask, segments * mask)


def check_generalizes(eager, path, pad, vocab, shapes=CHECK_SHAPES, types=False):
    """The largest difference between the saved trace (as loaded, and frozen + optimized) and `eager` (called with the
    tensors of `random_batch`) at `shapes`, int64 and int32; stops the run above 1e-5."""
    loaded = torch.jit.load(path).eval()
    frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.load(path).eval()))
    generator = torch.Generator().manual_seed(1)
    worst = 0.0
    for lengths in shapes:
        args = random_batch(lengths, pad, vocab, generator, types)
        with torch.no_grad():
            want = eager(*args)[0]
        for module in (loaded, frozen):
            for dtype in (torch.int64, torch.int32):
                with torch.inference_mode():
                    got = module(*[a.to(dtype) for a in args])[0]
                if got.shape != want.shape:
                    raise SystemExit(f"{path}: output {list(got.shape)} on lengths {lengths}, eager {list(want.shape)}")
                worst = max(worst, (got - want).abs().max().item())
    if worst > 1e-5:
        raise SystemExit(f"{path}: {worst} from eager transformers at other shapes: the trace does not generalize")
    return worst


def trace_newer_classifiers(models, out, sample_mask, batches, run):
    """Traces NEWER_CLASSIFIERS from `models` into `out`; returns their expected.json entries (`batches` and `run`:
    make_torchscript_fixtures.py's)."""
    expected = {}
    for name in NEWER_CLASSIFIERS:
        model = AutoModelForSequenceClassification.from_pretrained(f"{models}/{name}", torchscript=True).eval()
        pad = model.config.pad_token_id
        sample = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 9, 3, 0]]) + pad  # the second row's last id: the pad id
        with torch.no_grad(), plain_xsoftmax(model):
            traced = torch.jit.trace(model, (sample, sample_mask))
        path = f"{out}/{name}.pt"
        torch.jit.save(traced, path)
        eager = lambda ids, mask: model(input_ids=ids, attention_mask=mask)  # noqa: E731
        worst = check_generalizes(eager, path, pad, model.config.vocab_size)
        expected[f"{name}.pt"] = {"model": name, "inputs": "int64",
                                  "batches": run(path, batches(name), ["input_ids", "attention_mask"])}
        print(f"{name}.pt: traced within {worst:.2g} of eager transformers at lengths 2 to 512")
    return expected
