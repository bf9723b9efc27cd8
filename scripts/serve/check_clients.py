#!/usr/bin/env python3
"""`bertkit serve` against the clients teams use with Text Embeddings Inference, each talking to a running server
process, with outputs compared to `bertkit embed` / `bertkit classify` of the same binary:

  huggingface_hub.InferenceClient(model=URL): feature_extraction, sentence_similarity (embedding model),
                                              text_classification (classifier)
  openai.OpenAI(base_url=URL/v1).embeddings.create (its default base64 encoding, and float)
  tei_client.HttpClient(URL): info, embed, tokenize, decode, classify, rerank

    .venv-clients/bin/python scripts/serve/check_clients.py --bin .build/release/bertkit \
        --embedder models/all-MiniLM-L6-v2 --classifier Tests/Fixtures/models/tiny-bert-cls \
        --reranker Tests/Fixtures/models/tiny-bert-reranker --corpus data/corpus.txt

Exit status 0 when every check passes; one line per check on standard output.
"""
import argparse
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request

EMBED_TOLERANCE = 1e-6    # vectors: the server's floats against `bertkit embed`'s
SCORE_TOLERANCE = 1e-5    # cosines and probabilities computed from them
failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        failures.append(name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`bertkit serve --model DIR` on a free port, until the block ends (then SIGTERM, expecting exit 0)."""

    def __init__(self, binary, model):
        self.binary, self.model, self.port = binary, model, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        env = dict(os.environ, LOG_LEVEL="warning")
        self.process = subprocess.Popen([self.binary, "serve", "--model", self.model, "--hostname", "127.0.0.1",
                                         "--port", str(self.port), "--threads", "2"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError(f"bertkit serve exited: {self.process.stderr.read().decode()}")
                time.sleep(0.1)
        raise RuntimeError("bertkit serve did not become healthy in 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        code = self.process.wait(timeout=30)
        check(f"serve {os.path.basename(self.model)}: SIGTERM exits 0", code == 0, f"exit {code}")


def run_bertkit(binary, command, model, texts):
    """`bertkit embed|classify` of `texts` (JSON Lines in), one parsed object per line."""
    lines = "\n".join(json.dumps({"text": t}) for t in texts) + "\n"
    out = subprocess.run([binary, command, "--model", model, "--threads", "2"], input=lines.encode(),
                         capture_output=True, check=True)
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def max_diff(a, b):
    return max((abs(float(x) - float(y)) for u, v in zip(a, b) for x, y in zip(u, v)), default=math.inf)


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def check_embedder(binary, model, corpus):
    from huggingface_hub import InferenceClient
    from openai import OpenAI
    from tei_client import HttpClient

    texts = corpus[:24]
    expected = [r["embedding"] for r in run_bertkit(binary, "embed", model, texts)]
    with Server(binary, model) as server:
        hub = InferenceClient(model=server.url)
        got = [hub.feature_extraction(t)[0].tolist() for t in texts[:8]]
        check("huggingface_hub feature_extraction (one text per call)", max_diff(got, expected[:8]) <= EMBED_TOLERANCE,
              f"max |diff| {max_diff(got, expected[:8]):.2e}")
        got = hub.feature_extraction(texts).tolist()
        check("huggingface_hub feature_extraction (a list)", len(got) == len(texts) and max_diff(got, expected) <= EMBED_TOLERANCE,
              f"max |diff| {max_diff(got, expected):.2e}")
        sims = hub.sentence_similarity(texts[0], other_sentences=texts[1:6])
        want = [cosine(expected[0], e) for e in expected[1:6]]
        diff = max(abs(a - b) for a, b in zip(sims, want))
        check("huggingface_hub sentence_similarity", len(sims) == 5 and diff <= SCORE_TOLERANCE, f"max |diff| {diff:.2e}")

        client = OpenAI(base_url=server.url + "/v1", api_key="unused")
        response = client.embeddings.create(input=texts, model="all-MiniLM-L6-v2")
        got = [d.embedding for d in sorted(response.data, key=lambda d: d.index)]
        check("openai embeddings.create (default encoding: base64)", max_diff(got, expected) <= EMBED_TOLERANCE,
              f"max |diff| {max_diff(got, expected):.2e}, {response.usage.prompt_tokens} tokens")
        response = client.embeddings.create(input=texts[0], model="all-MiniLM-L6-v2", encoding_format="float")
        check("openai embeddings.create (float, one string)", max_diff([response.data[0].embedding], expected[:1]) <= EMBED_TOLERANCE)

        tei = HttpClient(server.url)
        info = tei.info()
        check("tei-client info", info.server_model_type.value == "embedding" and info.max_input_length == 256,
              f"{info.server_model_type.value}, max_input_length {info.max_input_length}")
        got = tei.embed(texts)
        check("tei-client embed", max_diff(got, expected) <= EMBED_TOLERANCE, f"max |diff| {max_diff(got, expected):.2e}")
        tokens = tei.tokenize(texts[0])
        ids = tokens[0].get_ids() if isinstance(tokens, list) else tokens.get_ids()
        decoded = tei.decode(ids)
        check("tei-client tokenize + decode", ids[0] == 101 and ids[-1] == 102 and len(decoded) == 1 and decoded[0].strip() != "",
              f"{len(ids)} tokens -> {decoded[0][:40]!r}")


def softmax(logits):
    top = max(logits)
    e = [math.exp(x - top) for x in logits]
    return [x / sum(e) for x in e]


def check_classifier(binary, model):
    from huggingface_hub import InferenceClient
    from tei_client import HttpClient

    texts = ["the cat sat on the mat", "I love this movie.", "terrible film, bad music", "Paris is a city in France"]
    expected = run_bertkit(binary, "classify", model, texts)
    with Server(binary, model) as server:
        hub = InferenceClient(model=server.url)
        ok, worst = True, 0.0
        for text, want in zip(texts, expected):
            result = hub.text_classification(text)
            top = result[0] if isinstance(result, list) else result
            worst = max(worst, abs(top.score - want["score"]))
            ok = ok and top.label == want["label"]
        check("huggingface_hub text_classification (top label and score)", ok and worst <= SCORE_TOLERANCE, f"max |diff| {worst:.2e}")

        tei = HttpClient(server.url)
        results = tei.classify(texts)
        worst, ok = 0.0, len(results) == len(texts)
        labels = {0: "negative", 1: "neutral", 2: "positive"}
        for result, want in zip(results, expected):
            probabilities = softmax(want["logits"])
            got = {s.label: s.score for s in result.scores}
            worst = max(worst, max(abs(got[labels[i]] - p) for i, p in enumerate(probabilities)))
            ok = ok and result.scores[0].label == want["label"]
        check("tei-client classify (every label)", ok and worst <= SCORE_TOLERANCE, f"max |diff| {worst:.2e}")


def check_reranker(binary, model):
    from tei_client import HttpClient

    with open(os.path.join(model, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    pairs = [{"text": expected["query"], "text_pair": t} for t in expected["texts"]]
    lines = "\n".join(json.dumps(p) for p in pairs) + "\n"
    out = subprocess.run([binary, "classify", "--model", model, "--threads", "2"], input=lines.encode(), capture_output=True, check=True)
    logits = [json.loads(line)["logits"][0] for line in out.stdout.decode().splitlines()]
    with Server(binary, model) as server:
        tei = HttpClient(server.url)
        ranked = tei.rerank(expected["query"], expected["texts"], return_text=True)
        scores = [r.score for r in ranked.ranks]
        diff = max(abs(r.score - 1 / (1 + math.exp(-logits[r.index]))) for r in ranked.ranks)
        check("tei-client rerank (sigmoid of bertkit classify's logit, best first)",
              scores == sorted(scores, reverse=True) and diff <= SCORE_TOLERANCE and all(r.text == expected["texts"][r.index] for r in ranked.ranks),
              f"max |diff| {diff:.2e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--embedder", required=True)
    parser.add_argument("--classifier", required=True)
    parser.add_argument("--reranker", required=True)
    parser.add_argument("--corpus", required=True)
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as f:
        corpus = [line.rstrip("\n") for line in f if line.strip()]
    check_embedder(args.bin, args.embedder, corpus)
    check_classifier(args.bin, args.classifier)
    check_reranker(args.bin, args.reranker)
    print(f"{'all checks passed' if not failures else str(len(failures)) + ' failed: ' + ', '.join(failures)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
