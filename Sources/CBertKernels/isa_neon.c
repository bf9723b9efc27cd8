// arm64 Advanced SIMD kernels: 6 × 16 micro-tiles (24 of the 32 q registers hold accumulators).
#if defined(__aarch64__)
#define ISA_SUFFIX neon
#define ISA_ATTR
#define VL 4
#define MR 6
#define NV 4
#define I8_WEIGHT_LEVELS 127
#include "kernels_template.h"
#endif
