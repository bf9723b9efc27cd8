// AVX2 with AVX-VNNI (the 256-bit VEX form of vpdpbusd: Alder Lake and later, Zen 5): the AVX2 kernels, int8 products
// on vpdpbusd over full 8-bit weights, where AVX2 alone takes 7-bit weights (vpmaddubsw saturates).
#if defined(__x86_64__)
#include <immintrin.h>
#define ISA_SUFFIX avx_vnni
#define ISA_ATTR __attribute__((target("avx2,fma,f16c,avxvnni")))
#define VL 8
#define MR 6
#define NV 2
#define HAS_F16C
#define I8_VNNI
#define I8_WEIGHT_LEVELS 127
#include "kernels_template.h"
#endif
