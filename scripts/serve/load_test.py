#!/usr/bin/env python3
"""Load test of `bertkit serve` beside Infinity and a plain FastAPI + sentence-transformers server, alternated cell
by cell in one run, with `bertkit bench`'s offline numbers for the same model and threads as the yardstick.

    make bench-serve          # or:
    .venv-clients/bin/python scripts/serve/load_test.py --bin .build/release/bertkit --model models/all-MiniLM-L6-v2 \
        --corpus data/corpus.txt --out docs/bench-serve

Load: wrk (Debian's) with scripts/serve/load.lua, one sentence of the corpus per request, in order, at each
--connections count, --duration seconds per cell; servers take turns within each count (the order rotates).
Then, on bertkit alone: resident memory sampled over --memory-requests requests at 64 connections, and a SIGTERM
in the middle of a 64-connection load (the server's own count of accepted and answered requests, and wrk's 200s).
Writes results.json and report.md to --out; prints the report.
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "load.lua")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, process, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.25)
    raise RuntimeError(f"not ready after {seconds} s: {url}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tree_rss_kib(pid):
    """RSS of a process and its children (uvicorn and Infinity may fork)."""
    total = rss_kib(pid)
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except Exception:
        children = []
    return total + sum(tree_rss_kib(int(c)) for c in children)


class Peer:
    def __init__(self, name, command, ready, route, body_format, env=None, model_name="model", cwd=None):
        self.name, self.command, self.ready_path, self.route, self.format = name, command, ready, route, body_format
        self.env, self.model_name, self.cwd = env or {}, model_name, cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log = None

    def start(self, out):
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        self.log = open(os.path.join(out, f"{self.name}.log"), "w")
        self.process = subprocess.Popen(command, env=dict(os.environ, **self.env), stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=self.cwd)
        wait_ready(self.url + self.ready_path, self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log:
            self.log.close()


def cpu_seconds(pid):
    """User + system CPU time of a process and its children so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return total + sum(cpu_seconds(int(c)) for c in children)


def wait_idle(peers, limit=120):
    """Waits until no server uses CPU: when wrk stops, a server without cancellation still computes the requests its
    connections left in flight, and that work would land in the next cell."""
    deadline = time.time() + limit
    before = sum(cpu_seconds(p.process.pid) for p in peers if p.process)
    while time.time() < deadline:
        time.sleep(0.5)
        now = sum(cpu_seconds(p.process.pid) for p in peers if p.process)
        if now - before < 0.05:
            return
        before = now


def wrk(peer, connections, seconds, corpus):
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", LUA, peer.url, "--",
            peer.format, peer.route, corpus, peer.model_name]
    out = subprocess.run(args, capture_output=True, text=True)
    match = re.search(r"^RESULT (\{.*\})$", out.stdout, re.M)
    if not match:
        raise RuntimeError(f"wrk gave no result for {peer.name}: {out.stdout}\n{out.stderr}")
    return json.loads(match.group(1))


def batch_counters(url):
    with urllib.request.urlopen(url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    def value(name):
        m = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
        return float(m.group(1)) if m else 0.0
    return {"size_sum": value("te_batch_next_size_sum"), "count": value("te_batch_next_size_count"),
            "tokens_sum": value("te_batch_next_tokens_sum")}


def offline_bench(binary, model, corpus, threads, out):
    """`bertkit bench` of the same model and threads: the best cell's sequences per second, and batch 1's median."""
    folder = os.path.join(out, "offline")
    subprocess.run([binary, "bench", "--model", model, "--data", corpus, "--out", folder, "--backends", "native-packed",
                    "--batch-sizes", "1,8,16,32,64", "--orderings", "sorted,tokens", "--lengths", "none", "--repeats", "3",
                    "--threads", str(threads)], check=True, capture_output=True)
    with open(os.path.join(folder, "results.json")) as f:
        cells = json.load(f)["cells"]
    best = max(cells, key=lambda c: c["sequencesPerSecond"])
    one = [c for c in cells if c["spec"]["batchSize"] == 1]
    return {"best_cell": best["key"], "best_sequences_per_second": best["sequencesPerSecond"],
            "batch1_median_ms": min(c["batchMs"]["median"] for c in one), "batch1_mean_ms": min(c["batchMs"]["mean"] for c in one),
            "machine": json.load(open(os.path.join(folder, "results.json")))["machine"]}


def config_bench(binary, model, corpus, config, out, index):
    """`bertkit bench --config`: the tuned setup's offline throughput now (the machine drifts, so it is measured in the
    same run as the serving cells, before and after them)."""
    folder = os.path.join(out, f"config-bench-{index}")
    subprocess.run([binary, "bench", "--model", model, "--data", corpus, "--out", folder, "--config", config, "--limit", "512",
                    "--repeats", "3", "--quiet"], check=True, capture_output=True)
    with open(os.path.join(folder, "results.json")) as f:
        return json.load(f)["cells"][0]["sequencesPerSecond"]


def memory_run(peer, corpus, requests, slices=10):
    """RSS after each tenth of `requests` requests at 64 connections."""
    samples, done = [], 0
    rate = wrk(peer, 64, 3, corpus)["rps"]
    slice_seconds = max(2, int(requests / slices / max(rate, 1)) + 1)
    while done < requests:
        result = wrk(peer, 64, slice_seconds, corpus)
        done += result["requests"]
        samples.append({"requests": done, "rss_kib": rss_kib(peer.process.pid), "errors": result["other"] + result["socket_errors"]})
    return samples


def shutdown_under_load(binary, model, threads, corpus, out):
    """SIGTERM to `bertkit serve` in the middle of a 64-connection load."""
    peer = Peer("bertkit-shutdown", [binary, "serve", "--model", model, "--hostname", "127.0.0.1", "--port", "{port}",
                                     "--threads", str(threads)], "/health", "/embed", "tei", env={"LOG_LEVEL": "notice"})
    peer.start(out)
    load = subprocess.Popen(["wrk", "-t1", "-c64", "-d8s", "--timeout", "30s", "-s", LUA, peer.url, "--", "tei", "/embed", corpus],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    peer.process.send_signal(signal.SIGTERM)
    code = peer.process.wait(timeout=60)
    stdout, _ = load.communicate(timeout=60)
    peer.log.close()
    log = open(os.path.join(out, "bertkit-shutdown.log")).read()
    m = re.search(r"accepted=(\d+) answered=(\d+)", log)
    result = json.loads(re.search(r"^RESULT (\{.*\})$", stdout, re.M).group(1))
    return {"exit_status": code, "accepted": int(m.group(1)) if m else None, "answered": int(m.group(2)) if m else None,
            "client_ok": result["ok"], "client_other_status": result["other"], "client_socket_errors": result["socket_errors"]}


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        text = f.read()
    model = re.search(r"model name\s*:\s*(.*)", text).group(1)
    flags = re.search(r"flags\s*:\s*(.*)", text).group(1).split()
    keep = [f for f in flags if f.startswith("avx") or f in ("fma", "f16c", "amx_tile", "amx_bf16", "amx_int8")]
    return {"cpu": model, "flags": sorted(set(keep)), "cores": os.cpu_count()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/bertkit")
    parser.add_argument("--model", default="models/all-MiniLM-L6-v2")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="bench-out/serve")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", default="1,8,64,256")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--infinity-python", default=".venv-infinity/bin/python")
    parser.add_argument("--infinity-engines", default="torch,optimum")
    parser.add_argument("--onnx-model", default="models/all-MiniLM-L6-v2-onnx", help="optimum-cli export of --model (for Infinity's optimum engine)")
    parser.add_argument("--memory-requests", type=int, default=100000)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--config", help="a tune.json: bertkit serve runs its setup, and the report sets the throughput it promised beside the measured one")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-shutdown", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model = os.path.abspath(args.model)
    corpus = os.path.abspath(args.corpus)

    results = {"command": " ".join(sys.argv), "machine": cpu_flags(), "threads": args.threads, "duration_s": args.duration}
    print("offline bertkit bench ...", flush=True)
    results["offline"] = offline_bench(args.bin, model, corpus, args.threads, args.out)

    engine = ["--config", os.path.abspath(args.config)] if args.config else ["--threads", str(args.threads)]
    peers = [Peer("bertkit", [args.bin, "serve", "--model", model, "--hostname", "127.0.0.1", "--port", "{port}"] + engine,
                  "/health", "/embed", "tei", env={"LOG_LEVEL": "notice"})]
    if args.config:
        with open(args.config) as f:
            results["config"] = {"file": args.config, "setup": json.load(f)["setup"]}
        print("offline bench of the tuned setup ...", flush=True)
        results["config"]["offline_before"] = config_bench(args.bin, model, corpus, os.path.abspath(args.config), args.out, 0)
    if not args.skip_peers:
        # Infinity as its README runs it (see tools/requirements-infinity.txt): torch engine on the folder; optimum
        # (ONNX Runtime) on an optimum-cli export of it, started from inside that folder (Infinity 0.0.78 with
        # optimum 2.x finds the file only by a bare name), with mean pooling (its default there is CLS).
        infinity = os.path.join(os.path.dirname(os.path.abspath(args.infinity_python)), "infinity_emb")
        env = {"HF_HUB_OFFLINE": "1", "DO_NOT_TRACK": "1", "INFINITY_HOME": os.path.join(os.path.abspath(args.out), "infinity-home")}
        common = ["--served-model-name", "model", "--device", "cpu", "--batch-size", "32", "--host", "127.0.0.1", "--port", "{port}",
                  "--no-vector-disk-cache", "--log-level", "warning"]
        for engine in args.infinity_engines.split(","):
            if engine == "optimum":
                peers.append(Peer("infinity-optimum", [infinity, "v2", "--model-id", ".", "--engine", "optimum", "--pooling-method", "mean",
                                                       "--onnx-disable-optimize"] + common, "/health", "/embeddings", "openai", env=env,
                                  cwd=os.path.abspath(args.onnx_model)))
            else:
                peers.append(Peer(f"infinity-{engine}", [infinity, "v2", "--model-id", model, "--engine", engine, "--no-compile",
                                                         "--no-bettertransformer"] + common, "/health", "/embeddings", "openai", env=env))
        peers.append(Peer("fastapi", [args.infinity_python, os.path.join(HERE, "fastapi_server.py"), "--model", model,
                                      "--port", "{port}", "--threads", str(args.threads), "--log-level", "warning"], "/health", "/embed", "tei",
                          env={"HF_HUB_OFFLINE": "1"}))
    try:
        for peer in peers:
            print(f"starting {peer.name} ...", flush=True)
            peer.start(args.out)
            wrk(peer, 4, 3, corpus)  # warm-up
            wait_idle([peer])
        cells = []
        connections = [int(c) for c in args.connections.split(",")]
        for round_index, c in enumerate(connections):
            order = peers[round_index % len(peers):] + peers[:round_index % len(peers)]
            for peer in order:
                wait_idle(peers)
                before = batch_counters(peer.url) if peer.name == "bertkit" else None
                result = wrk(peer, c, args.duration, corpus)
                result.update({"server": peer.name, "connections": c, "rss_kib": tree_rss_kib(peer.process.pid)})
                if before:
                    after = batch_counters(peer.url)
                    batches = after["count"] - before["count"]
                    result["mean_batch_size"] = (after["size_sum"] - before["size_sum"]) / batches if batches else 0
                    result["mean_batch_tokens"] = (after["tokens_sum"] - before["tokens_sum"]) / batches if batches else 0
                cells.append(result)
                print(f"  c={c:<4} {peer.name:<18} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:8.2f} ms  p99 {result['p99_ms']:8.2f} ms"
                      f"  non-200 {result['other'] + result['socket_errors']}" + (f"  batch {result['mean_batch_size']:.1f}" if before else ""), flush=True)
        results["cells"] = cells
        wait_idle(peers)
        if args.config:
            peers[0].stop()
            results["config"]["offline_after"] = config_bench(args.bin, model, corpus, os.path.abspath(args.config), args.out, 1)
        if not args.skip_memory:
            print("memory over requests ...", flush=True)
            results["memory"] = memory_run(peers[0], corpus, args.memory_requests)
    finally:
        for peer in peers:
            peer.stop()
    if not args.skip_shutdown:
        print("graceful shutdown under load ...", flush=True)
        results["shutdown"] = shutdown_under_load(args.bin, model, args.threads, corpus, args.out)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    report = render(results)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(report)
    print(report)


def render(r):
    lines = []
    m = r["machine"]
    lines.append(f"CPU: {m['cpu']}, {m['cores']} cores; flags: {' '.join(m['flags'])}; engine threads {r['threads']}; "
                 f"{r['duration_s']} s per cell.\n")
    off = r["offline"]
    lines.append(f"Offline `bertkit bench`: best cell {off['best_cell']} = {off['best_sequences_per_second']:.1f} sequences/s; "
                 f"batch 1 median {off['batch1_median_ms']:.2f} ms.\n")
    lines.append("| connections | server | req/s | p50 ms | p90 ms | p99 ms | non-200 | mean batch | RSS MiB |")
    lines.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in r["cells"]:
        batch = f"{c['mean_batch_size']:.1f} ({c['mean_batch_tokens']:.0f} tok)" if "mean_batch_size" in c else ""
        lines.append(f"| {c['connections']} | {c['server']} | {c['rps']:.1f} | {c['p50_ms']:.2f} | {c['p90_ms']:.2f} | "
                     f"{c['p99_ms']:.2f} | {c['other'] + c['socket_errors']} (429: {c['rejected']}) | {batch} | {c['rss_kib'] / 1024:.0f} |")
    lines.append("")
    by = {(c["connections"], c["server"]): c for c in r["cells"]}
    for c in sorted({c["connections"] for c in r["cells"]}):
        ours = by.get((c, "bertkit"))
        if not ours:
            continue
        ratios = [f"{ours['rps'] / by[(c, s)]['rps']:.2f}x {s}" for (cc, s) in by if cc == c and s != "bertkit" and by[(cc, s)]["rps"] > 0]
        lines.append(f"- {c} connections: bertkit {ours['rps']:.1f} req/s = {ours['rps'] / off['best_sequences_per_second'] * 100:.0f}% of the "
                     f"best offline cell" + (f"; {', '.join(ratios)}" if ratios else ""))
    config = r.get("config")
    if config:
        promised = config["setup"]["sequencesPerSecond"]
        served = (config["setup"].get("served") or {}).get("requestsPerSecond")
        now = [v for v in (config.get("offline_before"), config.get("offline_after")) if v]
        offline = sum(now) / len(now) if now else None
        for c in sorted({c["connections"] for c in r["cells"]}):
            ours = by.get((c, "bertkit"))
            if ours:
                lines.append(f"- --config {config['file']}: {c} connections, {ours['rps']:.1f} req/s"
                             + (f" against the {served:.1f} req/s tune.json promised served at {config['setup']['served']['connections']} connections "
                                f"({ours['rps'] / served * 100:.0f}%);" if served else "")
                             + f" against its engine-only {promised:.1f} sequences/s ({ours['rps'] / promised * 100:.0f}%)"
                             + (f" and the {offline:.1f} `bench --config` measured in this run before and after ({', '.join(f'{v:.1f}' for v in now)}): "
                                f"{ours['rps'] / offline * 100:.0f}%" if offline else ""))
    one = by.get((1, "bertkit"))
    if one:
        lines.append(f"- 1 connection: p50 {one['p50_ms']:.2f} ms vs offline batch-1 median {off['batch1_median_ms']:.2f} ms "
                     f"(+{one['p50_ms'] - off['batch1_median_ms']:.2f} ms)")
    mem = r.get("memory") or []
    if mem:
        first, last = mem[0], mem[-1]
        lines.append(f"- memory: RSS {first['rss_kib'] / 1024:.1f} MiB after {first['requests']} requests, {last['rss_kib'] / 1024:.1f} MiB "
                     f"after {last['requests']} ({(last['rss_kib'] / first['rss_kib'] - 1) * 100:+.1f}%), non-200 {sum(s['errors'] for s in mem)}")
    s = r.get("shutdown")
    if s:
        lines.append(f"- SIGTERM under 64-connection load: exit {s['exit_status']}, accepted {s['accepted']}, answered {s['answered']}, "
                     f"client 200s {s['client_ok']}, other statuses {s['client_other_status']}, socket errors {s['client_socket_errors']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
