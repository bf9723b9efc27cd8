#!/usr/bin/env python3
"""huggingface_hub's side of BertKit's cache interoperability test.

  hf_interop.py download --endpoint URL --cache DIR --repo ORG/NAME FILE...
      hf_hub_download of each file from the Hub at URL into the cache DIR (as a team's Python would fill it);
  hf_interop.py read --cache DIR --repo ORG/NAME FILE...
      hf_hub_download(..., local_files_only=True) with HF_HUB_OFFLINE=1 from the cache DIR (as Python reads what
      BertKit downloaded).
Prints {"files": {FILE: sha256 of the bytes read}, "paths": {FILE: path returned}} as JSON.
"""
import argparse
import hashlib
import json
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["download", "read"])
    parser.add_argument("--endpoint", default="http://127.0.0.1:9")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--revision", default="main")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    # huggingface_hub reads its settings from the environment when it is imported.
    os.environ["HF_ENDPOINT"] = args.endpoint
    os.environ["HF_HUB_CACHE"] = args.cache
    os.environ["HF_HUB_DISABLE_XET"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    if args.mode == "read":
        os.environ["HF_HUB_OFFLINE"] = "1"
    from huggingface_hub import hf_hub_download

    files, paths = {}, {}
    for name in args.files:
        path = hf_hub_download(args.repo, name, revision=args.revision, cache_dir=args.cache,
                               local_files_only=args.mode == "read")
        with open(path, "rb") as f:
            files[name] = hashlib.sha256(f.read()).hexdigest()
        paths[name] = path
    print(json.dumps({"files": files, "paths": paths}))


if __name__ == "__main__":
    main()
