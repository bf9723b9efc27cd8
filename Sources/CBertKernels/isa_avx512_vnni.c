// AVX-512 with VNNI: the AVX-512 kernels, int8 products on vpdpbusd over the full 0...255 activation range.
#if defined(__x86_64__)
#include <immintrin.h>
#define ISA_SUFFIX avx512_vnni
#define ISA_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))
#define VL 16
#define MR 8
#define NV 2
#define QG 8
#define HAS_F16C
#define I8_VNNI
#define I8_WEIGHT_LEVELS 127
#include "kernels_template.h"
#endif
