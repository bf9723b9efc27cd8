// AVX2 + FMA kernels: 6 × 16 micro-tiles (12 ymm accumulators of 16 registers).
#if defined(__x86_64__)
#define ISA_SUFFIX avx2
#define ISA_ATTR __attribute__((target("avx2,fma,f16c")))
#define VL 8
#define MR 6
#define NV 2
#include "kernels_template.h"
#endif
