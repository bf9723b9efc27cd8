// AVX-512 with VNNI and BF16: the VNNI kernels, bf16 products on vdpbf16ps (activations rounded to bf16, fp32
// accumulation).
#if defined(__x86_64__)
#include <immintrin.h>
#define ISA_SUFFIX avx512_bf16
#define ISA_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512bf16,avx2,fma,f16c")))
#define VL 16
#define MR 8
#define NV 2
#define QG 8
#define HAS_F16C
#define I8_VNNI
#define BF16_DOT
#define I8_WEIGHT_LEVELS 127
#include "kernels_template.h"
#endif
