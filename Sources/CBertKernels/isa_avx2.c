// AVX2 + FMA kernels: 6 × 16 micro-tiles (12 ymm accumulators of 16 registers); int8 on vpmaddubsw.
#if defined(__x86_64__)
#include <immintrin.h>
#define ISA_SUFFIX avx2
#define ISA_ATTR __attribute__((target("avx2,fma,f16c")))
#define VL 8
#define MR 6
#define NV 2
#define HAS_F16C
#define I8_MADDUBS
#define I8_WEIGHT_LEVELS 63
#include "kernels_template.h"
#endif
