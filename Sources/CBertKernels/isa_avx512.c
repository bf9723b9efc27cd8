// AVX-512 F/BW/VL kernels: 8 × 32 micro-tiles (16 zmm accumulators).
#if defined(__x86_64__)
#define ISA_SUFFIX avx512
#define ISA_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define VL 16
#define MR 8
#define NV 2
#include "kernels_template.h"
#endif
