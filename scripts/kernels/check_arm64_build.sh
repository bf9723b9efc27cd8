#!/usr/bin/env bash
# The arm64 (NEON) kernels build: cross-compiles the instruction-set files of Sources/CBertKernels for
# aarch64-linux-gnu with the toolchain's clang (freestanding: these files need no C library headers), so a change that
# breaks the NEON path fails here on an x86-64 machine too. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for file in isa_neon.c isa_portable.c pack.c cpu.c; do
  clang --target=aarch64-linux-gnu -ffreestanding -O2 -Wall -Wextra -Werror -ISources/CBertKernels/include \
    -c "Sources/CBertKernels/$file" -o "$out/${file%.c}.o"
done
# The NEON micro-kernel must be there, and must use the vector FMA.
clang --target=aarch64-linux-gnu -ffreestanding -O2 -ISources/CBertKernels/include -S Sources/CBertKernels/isa_neon.c \
  -o "$out/isa_neon.s"
grep -q 'gemm_task_neon' "$out/isa_neon.s" || { echo "arm64: gemm_task_neon missing" >&2; exit 1; }
grep -q 'fmla' "$out/isa_neon.s" || { echo "arm64: no fmla in the NEON kernels" >&2; exit 1; }
echo "arm64 kernels build: isa_neon.o, isa_portable.o, pack.o, cpu.o (NEON FMA present)"
