// Which instruction sets this CPU runs: cpuid for the features, xgetbv for the operating system's register state.
#include "internal.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long xcr0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static int has_avx2(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx || !fma) return 0;
    if ((xcr0() & 0x6) != 0x6) return 0;  // XMM and YMM state saved by the OS
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;
}

static int has_avx512(void) {
    if (!has_avx2()) return 0;
    unsigned int a, b, c, d;
    if ((xcr0() & 0xE6) != 0xE6) return 0;  // opmask, ZMM0-15 upper halves, ZMM16-31 saved by the OS
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int f = (b >> 16) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    return f && bw && vl;
}

static int has_avx512_vnni(void) {
    unsigned int a, b, c, d;
    if (!has_avx512() || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (c >> 11) & 1;
}

// EAX of cpuid leaf 7 sub-leaf 1 (0 where the CPU has no such sub-leaf).
static unsigned int leaf7_1_eax(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || a < 1) return 0;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    return a;
}

static int has_avx_vnni(void) { return has_avx2() && ((leaf7_1_eax() >> 4) & 1); }

static int has_avx512_bf16(void) { return has_avx512_vnni() && ((leaf7_1_eax() >> 5) & 1); }
#endif

// cpuid is slow where a hypervisor traps it (thousands of cycles): ask once, keep the answers.
static int detect(bk_isa isa) {
    switch (isa) {
    case BK_ISA_PORTABLE: return 1;
#if defined(__x86_64__)
    case BK_ISA_AVX2: return has_avx2();
    case BK_ISA_AVX512: return has_avx512();
    case BK_ISA_AVX512_VNNI: return has_avx512_vnni();
    case BK_ISA_AVX512_BF16: return has_avx512_bf16();
    case BK_ISA_AVX_VNNI: return has_avx_vnni();
#endif
#if defined(__aarch64__)
    case BK_ISA_NEON: return 1;
#endif
    default: return 0;
    }
}

static _Atomic int cached[BK_ISA_COUNT];  // 0: not asked yet, 1: unsupported, 2: supported

int bk_isa_supported(bk_isa isa) {
    if ((unsigned)isa >= BK_ISA_COUNT) return 0;
    int known = atomic_load_explicit(&cached[isa], memory_order_relaxed);
    if (!known) {
        known = detect(isa) ? 2 : 1;
        atomic_store_explicit(&cached[isa], known, memory_order_relaxed);
    }
    return known == 2;
}

bk_isa bk_isa_best(void) {
    if (bk_isa_supported(BK_ISA_AVX512_BF16)) return BK_ISA_AVX512_BF16;
    if (bk_isa_supported(BK_ISA_AVX512_VNNI)) return BK_ISA_AVX512_VNNI;
    if (bk_isa_supported(BK_ISA_AVX512)) return BK_ISA_AVX512;
    if (bk_isa_supported(BK_ISA_AVX_VNNI)) return BK_ISA_AVX_VNNI;
    if (bk_isa_supported(BK_ISA_AVX2)) return BK_ISA_AVX2;
    if (bk_isa_supported(BK_ISA_NEON)) return BK_ISA_NEON;
    return BK_ISA_PORTABLE;
}

const bk_isa_ops *bk_ops(bk_isa isa) {
    if (!bk_isa_supported(isa)) return 0;
    switch (isa) {
    case BK_ISA_PORTABLE: return &bk_ops_portable;
#if defined(__x86_64__)
    case BK_ISA_AVX2: return &bk_ops_avx2;
    case BK_ISA_AVX512: return &bk_ops_avx512;
    case BK_ISA_AVX512_VNNI: return &bk_ops_avx512_vnni;
    case BK_ISA_AVX512_BF16: return &bk_ops_avx512_bf16;
    case BK_ISA_AVX_VNNI: return &bk_ops_avx_vnni;
#endif
#if defined(__aarch64__)
    case BK_ISA_NEON: return &bk_ops_neon;
#endif
    default: return 0;
    }
}
