// AVX-512 F/BW/VL kernels: 8 × 32 micro-tiles (16 zmm accumulators), attention scored 8 query rows at a time;
// int8 on vpmaddubsw, bf16 weights widened to fp32.
#if defined(__x86_64__)
#include <immintrin.h>
#define ISA_SUFFIX avx512
#define ISA_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define VL 16
#define MR 8
#define NV 2
#define QG 8  // 8 query rows × 2 key vectors: 16 of the 32 zmm registers accumulate
#define HAS_F16C
#define I8_MADDUBS
#define I8_WEIGHT_LEVELS 63
#include "kernels_template.h"
#endif
