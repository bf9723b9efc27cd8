// Portable kernels: 128-bit vectors of the baseline instruction set (SSE2 on x86-64, NEON on arm64), no FMA
// assumed; 4 × 8 micro-tiles.
#define ISA_SUFFIX portable
#define ISA_ATTR
#define VL 4
#define MR 4
#define NV 2
#define I8_WEIGHT_LEVELS 127
#include "kernels_template.h"
