#!/usr/bin/env python3
"""The plain embedding server teams write themselves, as a peer for `bertkit serve` benchmarks:
FastAPI + uvicorn + sentence-transformers in one process, no batching across requests.

    HF_HUB_OFFLINE=1 .venv-infinity/bin/python scripts/serve/fastapi_server.py \
        --model models/all-MiniLM-L6-v2 --port 8090 --threads 2

Routes (TEI's request body for /embed):
  POST /embed   {"inputs": "text" | ["text", ...], "normalize": true}  ->  [[float, ...], ...]
                (always a list of vectors, one per input, even for a single string)
  GET  /health  200 {"status": "ok"} once the model is loaded (uvicorn only listens after that)

The endpoint is a plain `def`, so FastAPI runs each request's encode in its threadpool: concurrent
requests are encoded side by side, each with its own inputs, sharing torch's intra-op threads (--threads).
"""
import argparse
from typing import List, Union

import torch
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sentence_transformers import SentenceTransformer
from sentence_transformers.models import Normalize


class EmbedRequest(BaseModel):
    inputs: Union[str, List[str]]
    normalize: bool = True


def build_app(model_path: str) -> FastAPI:
    loaded = SentenceTransformer(model_path, device="cpu")
    # TEI's `normalize` decides: run the folder's modules without its Normalize (if any) and let
    # encode(normalize_embeddings=...) do it, so normalize=false gives the raw pooled vectors as TEI does.
    # The modules are shared, not copied.
    model = SentenceTransformer(modules=[m for m in loaded if not isinstance(m, Normalize)], device="cpu")
    model.max_seq_length = loaded.max_seq_length
    model.eval()
    app = FastAPI(title="sentence-transformers embedding server")

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.post("/embed")
    def embed(req: EmbedRequest) -> List[List[float]]:
        texts = [req.inputs] if isinstance(req.inputs, str) else req.inputs
        vectors = model.encode(
            texts,
            batch_size=32,
            normalize_embeddings=req.normalize,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    return app


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="sentence-transformers model folder (or hub id)")
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (torch.set_num_threads)")
    ap.add_argument("--log-level", default="info", help="uvicorn log level; 'warning' also silences the access log")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    app = build_app(args.model)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, workers=1)


if __name__ == "__main__":
    main()
