#!/usr/bin/env bash
# The arm64 (NEON) kernels, run: builds scripts/kernels/arm64_conformance.c with every file of Sources/CBertKernels
# for aarch64 (the toolchain's clang, -O2, warnings as errors) and runs it: under qemu-aarch64 on an x86-64 machine
# (cross-built, linked static against Debian's arm64 cross libc), natively on an arm64 Linux one. It holds the NEON
# and portable paths to the scalar references as the Swift conformance tests hold the x86-64 ones. Run by
# `make test`, after check_arm64_build.sh. On x86-64 it needs the Debian packages qemu-user, gcc-aarch64-linux-gnu
# (binutils, libgcc and crt files) and libc6-dev-arm64-cross (the Makefile's TEST_APT_PACKAGES).
# KERNELS=DIR checks the kernel sources in DIR instead of Sources/CBertKernels (e.g. a deliberately broken copy).
set -euo pipefail
cd "$(dirname "$0")/../.."
kernels=${KERNELS:-Sources/CBertKernels}
cc=${CC_ARM64:-clang}
missing=()
command -v "$cc" >/dev/null || missing+=("$cc (the Swift toolchain's clang)")
if [ "$(uname -m)" = aarch64 ]; then
  target=() link=() runner=()
else
  target=(--target=aarch64-linux-gnu) link=(-static)
  [ -e /usr/aarch64-linux-gnu/lib/libc.a ] ||
    missing+=("/usr/aarch64-linux-gnu/lib/libc.a (apt-get install libc6-dev-arm64-cross)")
  compgen -G '/usr/lib/gcc-cross/aarch64-linux-gnu/*/libgcc.a' >/dev/null ||
    missing+=("the aarch64 libgcc and crt files (apt-get install gcc-aarch64-linux-gnu)")
  command -v aarch64-linux-gnu-ld >/dev/null || missing+=("aarch64-linux-gnu-ld (apt-get install gcc-aarch64-linux-gnu)")
  qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
  [ -n "$qemu" ] || missing+=("qemu-aarch64 (apt-get install qemu-user)")
  runner=("$qemu")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "check_arm64_run.sh: cannot build and run the arm64 kernels, missing:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "(make test-deps installs them)" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$cc" "${target[@]}" -O2 -Wall -Wextra -Werror "-I$kernels/include" "${link[@]}" "$kernels"/*.c \
  scripts/kernels/arm64_conformance.c -o "$out/arm64_conformance" -lm -lpthread
start=$(date +%s)
status=0
"${runner[@]}" "$out/arm64_conformance" || status=$?
echo "check_arm64_run.sh: ran in $(( $(date +%s) - start ))s (${runner[*]:-native arm64})"
exit "$status"
