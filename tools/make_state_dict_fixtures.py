"""PyTorch state_dict fixtures for BertKit's unpickler (Tests/Fixtures/pytorch), from the committed tiny models.

Good files: the tiny BERT classifier saved by torch.save as pytorch_model.bin (float32, plus an int64
position_ids buffer and a tensor that is a view at an offset into a shared storage, as older checkpoints have)
and as model.pt in float16. Bad files: each must be refused with a clear error, never executed.
Deterministic: run it again and the files are identical. Usage: .venv/bin/python tools/make_state_dict_fixtures.py
"""
import collections
import os
import pickle
import zipfile

import torch
from safetensors.torch import load_file

SRC = "Tests/Fixtures/models"
OUT = "Tests/Fixtures/pytorch"


class RunsACommand:
    """What a malicious checkpoint holds: unpickling it would call os.system."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def save(obj, name, **kwargs):
    torch.save(obj, f"{OUT}/{name}", **kwargs)


def rewrite(name, source, change):
    """Copies the zip `source` member by member (stored, as torch writes), letting `change(name, bytes)` edit each."""
    with zipfile.ZipFile(f"{OUT}/{source}") as zin, zipfile.ZipFile(f"{OUT}/{name}", "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data)


def main():
    os.makedirs(OUT, exist_ok=True)
    state = load_file(f"{SRC}/tiny-bert-cls/model.safetensors")
    good = dict(state)
    good["bert.embeddings.position_ids"] = torch.arange(40).unsqueeze(0)
    shared = torch.zeros(64)
    good["extra.shared_storage_view"] = shared[8:24].view(4, 4)
    # An OrderedDict with _metadata, as nn.Module.state_dict() returns (pickled with a BUILD of its __dict__).
    good = collections.OrderedDict(good)
    good._metadata = collections.OrderedDict({"": {"version": 1}})
    save(good, "tiny-bert-cls.bin")
    half = load_file(f"{SRC}/tiny-bert-cls-f16/model.safetensors")
    save(half, "tiny-bert-cls-f16.pt")

    save({"bert.embeddings.word_embeddings.weight": RunsACommand()}, "unsafe-global.bin")
    missing = {k: v for k, v in state.items() if k != "bert.encoder.layer.0.attention.self.query.weight"}
    save(missing, "missing-key.bin")
    save({"bert.embeddings.word_embeddings.weight": torch.zeros(8, 6).t()}, "noncontiguous.bin")
    # The legacy (pre-1.6) format opens with a protocol-2 pickle of its magic number and version; torch's own
    # legacy writer names storages by object id, so only the header is written, to stay deterministic.
    with open(f"{OUT}/legacy.bin", "wb") as f:
        f.write(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(1001, protocol=2))
    # data.pkl in pickle protocol 0 (text opcodes no state_dict uses).
    rewrite("protocol-0.bin", "tiny-bert-cls.bin",
            lambda n, b: pickle.dumps({"a": 1}, protocol=0) if n.endswith("data.pkl") else b)
    # The first storage one element short.
    rewrite("short-storage.bin", "tiny-bert-cls.bin", lambda n, b: b[:-4] if n.endswith("/data/0") else b)
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(f"{OUT}/{name}"))


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
