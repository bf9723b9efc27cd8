// The arm64 kernels, run: every bk_* entry point of Sources/CBertKernels built for aarch64 (under qemu-aarch64 on an
// x86-64 machine, natively on an arm64 one) against the scalar references bk_ref_*, for the NEON path and the
// portable one, with the shapes, formats, epilogues and tolerances of Tests/BertKitTests/KernelConformanceTests.swift
// and LowPrecisionKernelTests.swift (smaller where those are large: qemu is slow). Built and run by
// scripts/kernels/check_arm64_run.sh (`make test`). Prints one line per group of checks, the first mismatches of a
// failing check with their indices and values, and last `arm64 kernels: N passed, M failed`; exits 1 on a failure.
#include "bertkernels.h"
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// The names the Swift side uses (KernelISA), for the labels.
static const char *isa_name(bk_isa isa) {
    switch (isa) {
    case BK_ISA_PORTABLE: return "portable";
    case BK_ISA_AVX2: return "avx2";
    case BK_ISA_AVX512: return "avx512";
    case BK_ISA_NEON: return "neon";
    case BK_ISA_AVX512_VNNI: return "avx512_vnni";
    case BK_ISA_AVX512_BF16: return "avx512_bf16";
    case BK_ISA_AVX_VNNI: return "avx_vnni";
    }
    return "unknown";
}

static long passed, failed;
// Lines of detail printed so far (FAIL lines and mismatches): a broken kernel prints its first ones, not thousands.
static long details;
#define MAX_DETAILS 60
#define DETAIL(...) (details++ < MAX_DETAILS ? (void)printf(__VA_ARGS__) : (void)0)

// One check: counted, and on failure printed with its label.
static int check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int check(int ok, const char *fmt, ...) {
    if (ok) {
        passed++;
        return 1;
    }
    failed++;
    if (details++ >= MAX_DETAILS) return 0;
    va_list args;
    va_start(args, fmt);
    printf("FAIL: ");
    vprintf(fmt, args);
    printf("\n");
    va_end(args);
    return 0;
}

// A kernel call that must return BK_OK.
#define CALL_OK(call)                                                                                                \
    do {                                                                                                             \
        const bk_status status_ = (call);                                                                            \
        if (status_ != BK_OK) check(0, "%s returned status %d", #call, (int)status_);                               \
    } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// ---- inputs ---------------------------------------------------------------------------------------------------

// The Swift tests' generator (KernelConformanceTests.Values): an LCG, normal-ish values as a sum of four uniforms.
typedef struct {
    uint64_t state;
} values;
static float uniform(values *v) {
    v->state = v->state * 6364136223846793005ull + 1442695040888963407ull;
    return (float)(v->state >> 40) / (float)(1 << 24);
}
static float normal(values *v, float scale) {
    float s = uniform(v);
    s += uniform(v);
    s += uniform(v);
    s += uniform(v);
    return (s - 2) * 1.7f * scale;
}
static float *array(values *v, ptrdiff_t count, float scale, float offset) {
    float *x = malloc(sizeof(float) * (size_t)(count > 0 ? count : 1));
    for (ptrdiff_t i = 0; i < count; i++) x[i] = normal(v, scale) + offset;
    return x;
}

// What the kernels must leave alone (columns past n of a strided output, floats past its end): a NaN payload no
// kernel computes.
static const uint32_t SENTINEL_BITS = 0x7fc0deadu;
static float sentinel(void) {
    float f;
    memcpy(&f, &SENTINEL_BITS, 4);
    return f;
}
static int is_sentinel(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    return b == SENTINEL_BITS;
}
#define GUARD 32

static void *aligned(size_t bytes) {
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
    return p;
}

// ---- comparison -----------------------------------------------------------------------------------------------

// got against want over rows × cols (row stride ld), |got − want| ≤ tol (relative: / (1 + |want|)); the columns
// past `cols` and the GUARD floats past the last row must still hold the sentinel. Prints the first mismatches.
// Returns the worst difference (infinity when something is not finite or a sentinel was overwritten).
static double compare(const char *label, const float *got, const float *want, ptrdiff_t rows, ptrdiff_t cols,
                      ptrdiff_t ld, double tol, int relative, int check_padding) {
    double worst = 0;
    int shown = 0;
    long bad = 0;
    for (ptrdiff_t i = 0; i < rows; i++) {
        for (ptrdiff_t j = 0; j < ld; j++) {
            const float g = got[i * ld + j], w = want[i * ld + j];
            if (is_sentinel(w) && is_sentinel(g)) continue;  // neither the kernel nor the reference wrote here
            if (j >= cols) {
                if (check_padding && !is_sentinel(g)) {
                    if (shown++ < 5) DETAIL("  %s: [%td, %td] (padding) overwritten with %.9g\n", label, i, j, g);
                    bad++;
                    worst = INFINITY;
                }
                continue;
            }
            double diff = fabs((double)g - (double)w);
            if (relative) diff /= 1 + fabs((double)w);
            if (!isfinite(g) || !(diff <= tol)) {
                if (shown++ < 5) DETAIL("  %s: [%td, %td] got %.9g want %.9g (diff %.3g, tol %.3g)\n", label, i, j, g, w, diff, tol);
                bad++;
                if (!isfinite(g)) diff = INFINITY;
            }
            if (!(diff <= worst)) worst = isnan(diff) ? INFINITY : diff;
        }
    }
    if (check_padding) {
        const float *tail = got + rows * ld;
        for (ptrdiff_t j = 0; j < GUARD; j++) {
            if (!is_sentinel(tail[j])) {
                if (shown++ < 5) DETAIL("  %s: guard float %td past the end overwritten with %.9g\n", label, j, tail[j]);
                bad++;
                worst = INFINITY;
            }
        }
    }
    if (bad > 5) DETAIL("  %s: %ld mismatches in all\n", label, bad);
    return worst;
}

// A group of checks, summarized on one line.
typedef struct {
    long passed0, failed0;
    double worst, tol, start;
} group;
static group group_start(void) { return (group){passed, failed, 0, 0, now()}; }
static void group_worst(group *g, double worst, double tol) {
    if (worst / (tol > 0 ? tol : 1) >= g->worst / (g->tol > 0 ? g->tol : 1) || g->tol == 0) {
        g->worst = worst;
        g->tol = tol;
    }
}
static void group_end(const group *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void group_end(const group *g, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const long p = passed - g->passed0, f = failed - g->failed0;
    printf("%s ", f ? "FAIL" : "ok  ");
    vprintf(fmt, args);
    va_end(args);
    printf(": %ld checks, %ld failed", p + f, f);
    if (g->tol > 0) printf(", worst %.3g (tolerance %.3g)", g->worst, g->tol);
    printf(" [%.1fs]\n", now() - g->start);
    fflush(stdout);
}

// ---- the paths under test -------------------------------------------------------------------------------------

static const bk_isa ISAS[] = {BK_ISA_NEON, BK_ISA_PORTABLE};
#define NISAS (int)(sizeof ISAS / sizeof ISAS[0])
static const bk_format FORMATS[] = {BK_FORMAT_F32, BK_FORMAT_BF16, BK_FORMAT_F16, BK_FORMAT_I8};
static const char *FORMAT_NAMES[] = {"f32", "bf16", "f16", "i8"};
static const bk_epilogue EPILOGUES[] = {
    BK_EPILOGUE_NONE,      BK_EPILOGUE_BIAS,      BK_EPILOGUE_BIAS_GELU, BK_EPILOGUE_BIAS_GELU_TANH,
    BK_EPILOGUE_BIAS_RELU, BK_EPILOGUE_BIAS_TANH, BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM, BK_EPILOGUE_BIAS_SILU,
    BK_EPILOGUE_BIAS_RESIDUAL,
};
#define NEPILOGUES (int)(sizeof EPILOGUES / sizeof EPILOGUES[0])
// One thread, and four: the pool's threads (two on a 2-core machine), with more column chunks than threads (the
// LayerNorm epilogue's pending counters, tasks handed out dynamically).
static const int WORKERS[] = {1, 4};
#define NWORKERS (int)(sizeof WORKERS / sizeof WORKERS[0])

static double gemm_tolerance(ptrdiff_t k) { return 2e-6 * sqrt((double)(k > 1 ? k : 1)) + 1e-6; }
// LowPrecisionKernelTests.formatBound: |format − fp32| after the epilogue, on unit-scale outputs.
static double format_bound(bk_isa isa, bk_format format) {
    switch (format) {
    case BK_FORMAT_F16: return 2e-3;
    case BK_FORMAT_BF16: return bk_bf16_rounds_activations(isa) ? 4e-2 : 2e-2;
    case BK_FORMAT_I8: return bk_i8_weight_levels(isa) < 127 ? 0.12 : 0.08;
    default: return 0;
    }
}

// ---- instruction sets -----------------------------------------------------------------------------------------

static void check_isas(void) {
    group g = group_start();
    check(bk_isa_supported(BK_ISA_NEON), "bk_isa_supported(NEON) is 0 on arm64");
    check(bk_isa_supported(BK_ISA_PORTABLE), "bk_isa_supported(PORTABLE) is 0");
    const bk_isa x86[] = {BK_ISA_AVX2, BK_ISA_AVX512, BK_ISA_AVX512_VNNI, BK_ISA_AVX512_BF16, BK_ISA_AVX_VNNI};
    for (unsigned i = 0; i < sizeof x86 / sizeof x86[0]; i++) {
        check(!bk_isa_supported(x86[i]), "bk_isa_supported(%s) is 1 on arm64", isa_name(x86[i]));
        check(bk_packed_bytes(x86[i], BK_FORMAT_F32, 16, 16) == 0, "%s has packed bytes on arm64", isa_name(x86[i]));
    }
    check(!bk_isa_supported((bk_isa)BK_ISA_COUNT), "bk_isa_supported(BK_ISA_COUNT) is 1");
    check(bk_isa_best() == BK_ISA_NEON, "bk_isa_best() is %s, not neon", isa_name(bk_isa_best()));
    check(bk_panel_width(BK_ISA_NEON) == 16, "NEON panel width %td, not 16 (6 x 16 tiles)", bk_panel_width(BK_ISA_NEON));
    check(bk_panel_width(BK_ISA_PORTABLE) == 8, "portable panel width %td, not 8", bk_panel_width(BK_ISA_PORTABLE));
    for (int s = 0; s < NISAS; s++) {
        const bk_isa isa = ISAS[s];
        const ptrdiff_t width = bk_panel_width(isa);
        check(width >= 4 && width % 4 == 0, "%s panel width %td", isa_name(isa), width);
        check(bk_packed_floats(isa, width + 1, 3) == 2 * width * 3, "%s packed floats", isa_name(isa));
        check(bk_i8_weight_levels(isa) == 127, "%s int8 weight levels %d, not 127", isa_name(isa), bk_i8_weight_levels(isa));
        check(bk_bf16_rounds_activations(isa) == 0, "%s rounds bf16 activations", isa_name(isa));
        // LowPrecisionKernelTests.packedSizes.
        const ptrdiff_t n = 1536, k = 384, fp32 = bk_packed_bytes(isa, BK_FORMAT_F32, n, k);
        check(fp32 == n * k * 4, "%s fp32 packed bytes %td", isa_name(isa), fp32);
        check(bk_packed_bytes(isa, BK_FORMAT_BF16, n, k) * 2 == fp32, "%s bf16 packed bytes", isa_name(isa));
        check(bk_packed_bytes(isa, BK_FORMAT_F16, n, k) * 2 == fp32, "%s fp16 packed bytes", isa_name(isa));
        check(bk_packed_bytes(isa, BK_FORMAT_I8, n, k) == n * k + 8 * n, "%s int8 packed bytes", isa_name(isa));
    }
    check(bk_pool_shared() != 0, "no shared pool");
    group_end(&g, "isa: best %s (neon and portable supported, no x86 set), %ld cores", isa_name(bk_isa_best()),
              sysconf(_SC_NPROCESSORS_ONLN));
}

// ---- the checker itself ---------------------------------------------------------------------------------------

// compare() must see a perturbation of a few ulps past the tolerance, a NaN, and a write into the padding.
static void check_checker(void) {
    group g = group_start();
    float want[2 * 4 + GUARD], got[2 * 4 + GUARD];
    for (int i = 0; i < 2 * 4 + GUARD; i++) want[i] = got[i] = sentinel();
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++) want[i * 4 + j] = got[i * 4 + j] = 0.5f + (float)(i * 3 + j);
    printf("  (the checker's own test: the next three mismatches are expected)\n");
    got[4 + 1] += 1e-5f;
    check(compare("perturbed", got, want, 2, 3, 4, 1e-6, 0, 1) > 1e-6, "a perturbation of 1e-5 passed a 1e-6 tolerance");
    got[4 + 1] = NAN;
    check(isinf(compare("nan", got, want, 2, 3, 4, 1e-6, 0, 1)), "a NaN passed");
    got[4 + 1] = want[4 + 1];
    got[3] = 0;
    check(isinf(compare("padding", got, want, 2, 3, 4, 1e-6, 0, 1)), "a write into the padding passed");
    got[3] = sentinel();
    check(compare("equal", got, want, 2, 3, 4, 0, 0, 1) == 0, "equal arrays differ");
    details = 0;  // the expected mismatches above take none of the budget of real ones
    group_end(&g, "checker: perturbations, NaN and padding writes are caught");
}

// ---- GEMM -----------------------------------------------------------------------------------------------------

typedef struct {
    ptrdiff_t m, n, k;
} shape;

// The Swift suites' shapes (the fp32 and the low-precision lists merged), the largest cut down for qemu: m = 1 and 2
// (int8's one- and two-row tiles), m past whole micro-tiles, n past whole panels and under one vector, k odd and not a
// multiple of 4 (bf16 pairs, int8 quads), many panels (n = 1152), several row blocks (k = 2500: 24-row blocks), an
// empty product; plus exact micro-tiles of both paths (NEON 6 x 16, portable 4 x 8) and a tile and a row more.
static const shape SHAPES[] = {
    {1, 1, 1},     {1, 384, 384}, {3, 17, 1},   {7, 33, 5},    {13, 100, 37},  {2, 3, 2},     {5, 9, 3},
    {65, 130, 70}, {27, 47, 301}, {40, 5, 2500}, {0, 16, 16},  {17, 1152, 19}, {1, 40, 27},  {2, 40, 23},
    {8, 40, 23},   {6, 16, 8},    {12, 32, 4},  {7, 17, 9},    {40, 200, 64},  {1, 1152, 384}, {4, 8, 6},
};
#define NSHAPES (int)(sizeof SHAPES / sizeof SHAPES[0])

typedef struct {
    bk_isa isa;
    shape s;
    ptrdiff_t lda, ldc;
    const float *a, *w, *bias, *gamma, *beta, *residual;
} gemm_case;

static bk_gemm_desc desc_of(const gemm_case *c, bk_format format, bk_epilogue epilogue, const void *packed, float *out) {
    bk_gemm_desc d = {.isa = c->isa, .m = c->s.m, .n = c->s.n, .k = c->s.k, .a = c->a, .lda = c->lda,
                      .packed = packed, .format = format, .c = out, .ldc = c->ldc, .epilogue = epilogue,
                      .bias = c->bias, .gamma = c->gamma, .beta = c->beta, .eps = 1e-12f};
    return d;
}

static size_t out_floats(const gemm_case *c) { return (size_t)(c->s.m * c->ldc + GUARD); }

static void *pack(bk_isa isa, bk_format format, const float *w, ptrdiff_t n, ptrdiff_t k) {
    const ptrdiff_t bytes = bk_packed_bytes(isa, format, n, k);
    void *packed = aligned((size_t)(bytes > 0 ? bytes : 1));
    memset(packed, 0xA5, (size_t)(bytes > 0 ? bytes : 1));
    if (bytes > 0) CALL_OK(bk_pack_format(isa, format, w, n, k, packed));
    return packed;
}

// The references of one shape, each format × epilogue. bk_ref_gemm reads `desc->isa` only for the int8 weight levels
// and whether bf16 rounds the activations, so paths that agree on both share them.
typedef struct {
    bk_isa isa;
    float *out[4][NEPILOGUES];
} references;

static void compute_references(references *r, const gemm_case *c, size_t bytes) {
    r->isa = c->isa;
    for (int f = 0; f < 4; f++) {
        for (int e = 0; e < NEPILOGUES; e++) {
            r->out[f][e] = malloc(bytes);
            memcpy(r->out[f][e], c->residual, bytes);
            bk_gemm_desc d = desc_of(c, FORMATS[f], EPILOGUES[e], 0, r->out[f][e]);
            bk_ref_gemm(&d, c->w);
        }
    }
}

static int same_reference(bk_isa a, bk_isa b) {
    return bk_i8_weight_levels(a) == bk_i8_weight_levels(b) &&
           bk_bf16_rounds_activations(a) == bk_bf16_rounds_activations(b);
}

static void free_references(references *r) {
    for (int f = 0; f < 4; f++)
        for (int e = 0; e < NEPILOGUES; e++) free(r->out[f][e]);
}

static void check_gemm(void) {
    group groups[NISAS][4];
    double drifts[NISAS][4] = {{0}}, elapsed[NISAS][4] = {{0}};
    long passed_at[NISAS][4] = {{0}}, failed_at[NISAS][4] = {{0}};
    for (int s = 0; s < NISAS; s++)
        for (int f = 0; f < 4; f++) groups[s][f] = (group){0};
    values v = {1234};
    for (int si = 0; si < NSHAPES; si++) {
        const shape sh = SHAPES[si];
        // Some products read strided activations and write strided outputs (whose padding must stay untouched).
        const ptrdiff_t lda = sh.k + (si % 3 == 2 ? 3 : 0), ldc = sh.n + (si % 2 ? 5 : 0);
        // Inputs ~N(0, 1), weights ~N(0, 1/k): outputs of unit scale, as in a real layer, so GELU and tanh see
        // their whole curved range.
        float *a = array(&v, sh.m * lda, 1, 0);
        float *w = array(&v, sh.n * sh.k, 1 / sqrtf((float)sh.k), 0);
        float *bias = array(&v, sh.n, 0.5f, 0), *gamma = array(&v, sh.n, 0.3f, 1), *beta = array(&v, sh.n, 0.1f, 0);
        gemm_case c = {ISAS[0], sh, lda, ldc, a, w, bias, gamma, beta, 0};
        const size_t bytes = sizeof(float) * out_floats(&c);
        float *residual = malloc(bytes), *got = malloc(bytes);
        for (size_t i = 0; i < out_floats(&c); i++) residual[i] = sentinel();
        for (ptrdiff_t i = 0; i < sh.m; i++)
            for (ptrdiff_t j = 0; j < sh.n; j++) residual[i * ldc + j] = normal(&v, 1);
        c.residual = residual;
        references refs[NISAS];
        int owner[NISAS];  // which entry of refs holds path s's references
        for (int s = 0; s < NISAS; s++) {
            owner[s] = s;
            for (int t = 0; t < s; t++)
                if (owner[t] == t && same_reference(ISAS[s], ISAS[t])) owner[s] = t;
            if (owner[s] == s) {
                c.isa = ISAS[s];
                compute_references(&refs[s], &c, bytes);
            }
        }
        for (int s = 0; s < NISAS; s++) {
            c.isa = ISAS[s];
            const references *r = &refs[owner[s]];
            for (int f = 0; f < 4; f++) {
                const double t0 = now();
                const long p0 = passed, f0 = failed;
                const bk_format format = FORMATS[f];
                void *packed = pack(c.isa, format, w, sh.n, sh.k);
                if (format == BK_FORMAT_F32 && sh.n > 0 && sh.k > 0) {  // bk_pack is bk_pack_format's fp32
                    const size_t fp32 = (size_t)bk_packed_floats(c.isa, sh.n, sh.k) * 4;
                    float *plain = aligned(fp32);
                    bk_pack(c.isa, w, sh.n, sh.k, plain);
                    check(fp32 == (size_t)bk_packed_bytes(c.isa, format, sh.n, sh.k) && !memcmp(plain, packed, fp32),
                          "%s bk_pack and bk_pack_format(F32) differ, n=%td k=%td", isa_name(c.isa), sh.n, sh.k);
                    free(plain);
                }
                const double tol = gemm_tolerance(sh.k), bound = format_bound(c.isa, format);
                for (int e = 0; e < NEPILOGUES; e++) {
                    const bk_epilogue epilogue = EPILOGUES[e];
                    for (int wi = 0; wi < NWORKERS; wi++) {
                        memcpy(got, residual, bytes);
                        bk_gemm_desc d = desc_of(&c, format, epilogue, packed, got);
                        CALL_OK(bk_gemm(bk_pool_shared(), WORKERS[wi], &d));
                        char label[160];
                        snprintf(label, sizeof label, "%s %s m=%td n=%td k=%td lda=%td ldc=%td epilogue %d workers %d",
                                 isa_name(c.isa), FORMAT_NAMES[f], sh.m, sh.n, sh.k, lda, ldc, (int)epilogue,
                                 WORKERS[wi]);
                        const double worst = compare(label, got, r->out[f][e], sh.m, sh.n, ldc, tol, 0, 1);
                        check(worst <= tol, "%s: %.3g from its reference (tolerance %.3g)", label, worst, tol);
                        group_worst(&groups[s][f], worst, tol);
                        // Against the fp32 reference, within the format's own error bound: catches a quantization
                        // rule that is wrong in the kernels and the reference alike.
                        if (format != BK_FORMAT_F32 && wi == 0) {
                            char drift_label[200];
                            snprintf(drift_label, sizeof drift_label, "%s (from fp32)", label);
                            const double drift = compare(drift_label, got, r->out[0][e], sh.m, sh.n, ldc, bound, 0, 0);
                            check(drift <= bound, "%s: %.3g from fp32 (bound %.3g)", label, drift, bound);
                            if (!(drift <= drifts[s][f])) drifts[s][f] = drift;
                        }
                    }
                }
                free(packed);
                elapsed[s][f] += now() - t0;
                passed_at[s][f] += passed - p0;
                failed_at[s][f] += failed - f0;
            }
        }
        for (int s = 0; s < NISAS; s++)
            if (owner[s] == s) free_references(&refs[s]);
        free(a), free(w), free(bias), free(gamma), free(beta), free(residual), free(got);
    }
    for (int s = 0; s < NISAS; s++) {
        for (int f = 0; f < 4; f++) {
            const long p = passed_at[s][f], fl = failed_at[s][f];
            printf("%s gemm %s %s: %d shapes x %d epilogues x workers 1/4: %ld checks, %ld failed, worst %.3g "
                   "(tolerance %.3g)",
                   fl ? "FAIL" : "ok  ", isa_name(ISAS[s]), FORMAT_NAMES[f], NSHAPES, NEPILOGUES, p + fl, fl,
                   groups[s][f].worst, groups[s][f].tol);
            if (f) printf(", %.3g from fp32 (bound %.3g)", drifts[s][f], format_bound(ISAS[s], FORMATS[f]));
            printf(" [%.1fs]\n", elapsed[s][f]);
        }
    }
    fflush(stdout);
}

// The activations point by point over [-10, 10] (k = 1, input 1, weights x: the epilogue sees x itself) against
// libm's double erf and tanh (KernelConformanceTests.activationsMatchFoundation).
static double ref_gelu(double x) { return 0.5 * x * (1 + erf(x / sqrt(2.0))); }
static double ref_gelu_tanh(double x) { return 0.5 * x * (1 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x))); }
static double ref_relu(double x) { return x > 0 ? x : 0; }

static void check_activations(void) {
    for (int s = 0; s < NISAS; s++) {
        group g = group_start();
        const bk_isa isa = ISAS[s];
        const ptrdiff_t n = 20001;
        float *x = malloc(sizeof(float) * n), *zero = calloc((size_t)n, sizeof(float)), *out = malloc(sizeof(float) * n);
        for (ptrdiff_t i = 0; i < n; i++) x[i] = (float)(i - 10000) / 1000;
        float *packed = aligned((size_t)bk_packed_floats(isa, n, 1) * 4);
        bk_pack(isa, x, n, 1, packed);
        const float one[1] = {1};
        const struct {
            bk_epilogue epilogue;
            double (*reference)(double);
        } cases[] = {{BK_EPILOGUE_BIAS_GELU, ref_gelu}, {BK_EPILOGUE_BIAS_GELU_TANH, ref_gelu_tanh},
                     {BK_EPILOGUE_BIAS_TANH, tanh}, {BK_EPILOGUE_BIAS_RELU, ref_relu}};
        for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            bk_gemm_desc d = {.isa = isa, .m = 1, .n = n, .k = 1, .a = one, .lda = 1, .packed = packed,
                              .c = out, .ldc = n, .epilogue = cases[c].epilogue, .bias = zero};
            CALL_OK(bk_gemm(bk_pool_shared(), 1, &d));
            double worst = 0;
            int shown = 0;
            for (ptrdiff_t i = 0; i < n; i++) {
                const double want = cases[c].reference((double)x[i]), diff = fabs((double)out[i] - want);
                if (!(diff < 1e-6) && shown++ < 5)
                    DETAIL("  %s epilogue %d: x=%.9g got %.9g want %.9g\n", isa_name(isa), (int)cases[c].epilogue,
                           x[i], out[i], want);
                if (!(diff <= worst)) worst = isnan(diff) ? INFINITY : diff;
            }
            check(worst < 1e-6, "%s epilogue %d over [-10, 10]: %.3g from libm", isa_name(isa),
                  (int)cases[c].epilogue, worst);
            group_worst(&g, worst, 1e-6);
        }
        free(x), free(zero), free(out), free(packed);
        group_end(&g, "activations %s: gelu, gelu_tanh, tanh, relu over [-10, 10] against libm", isa_name(isa));
    }
}

// fp16 weights widened inside the kernels (subnormals, zeros, the largest half, infinity): with a = [1] and k = 1 the
// product is the stored weight itself, which must be the hardware's _Float16 of it (and the packer's bk_to_f16).
static void check_half_weights(void) {
    group g = group_start();
    const float w[] = {0,     -0.0f, 1,      -2.5f,   65504, 1e-7f, -3e-6f, 6.1e-5f, 5.96e-8f, 0.1f,
                       70000, -1e-3f, 3.14159f, 2e-5f, -65519, 1e-30f, 0.33333334f, -6.0e-8f, 65520, -1e-5f};
    const ptrdiff_t n = sizeof w / sizeof w[0];
    for (int s = 0; s < NISAS; s++) {
        const bk_isa isa = ISAS[s];
        void *packed = pack(isa, BK_FORMAT_F16, w, n, 1);
        float out[sizeof w / sizeof w[0]];
        const float one[1] = {1};
        bk_gemm_desc d = {.isa = isa, .m = 1, .n = n, .k = 1, .a = one, .lda = 1, .packed = packed,
                          .format = BK_FORMAT_F16, .c = out, .ldc = n};
        CALL_OK(bk_gemm(bk_pool_shared(), 1, &d));
        for (ptrdiff_t i = 0; i < n; i++) {
            const float hardware = (float)(_Float16)w[i];
            // == rather than bits: the accumulator starts at +0, and +0 + 1·(−0) is +0.
            check(out[i] == hardware && out[i] == bk_from_f16(bk_to_f16(w[i])),
                  "%s: fp16 of %.9g read back as %.9g (hardware %.9g)", isa_name(isa), w[i], out[i], hardware);
        }
        free(packed);
    }
    group_end(&g, "fp16 weights widen exactly (neon, portable)");
}

// The scalar conversions (formats.c, built for arm64) against the hardware's fp16 and the bf16 definition, over
// bit patterns of every exponent.
static void check_conversions(void) {
    group g = group_start();
    long bad16 = 0, badbf = 0, badback = 0, count = 0;
    for (uint64_t bits = 1; bits < 0x7f800000u; bits += 0x3ff1) {
        for (int sign = 0; sign < 2; sign++) {
            const uint32_t b = (uint32_t)bits | (sign ? 0x80000000u : 0);
            float x;
            memcpy(&x, &b, 4);
            const _Float16 h = (_Float16)x;
            uint16_t hb;
            memcpy(&hb, &h, 2);
            count++;
            if (bk_to_f16(x) != hb && bad16++ < 5) DETAIL("  bk_to_f16(%.9g) = 0x%04x, hardware 0x%04x\n", x, bk_to_f16(x), hb);
            if (bk_from_f16(hb) != (float)h && badback++ < 5) DETAIL("  bk_from_f16(0x%04x) = %.9g\n", hb, bk_from_f16(hb));
            const uint32_t upper = b >> 16, lower = b & 0xffff;
            const int up = lower > 0x8000 || (lower == 0x8000 && (upper & 1));
            if (bk_to_bf16(x) != (uint16_t)(up ? upper + 1 : upper) && badbf++ < 5)
                DETAIL("  bk_to_bf16(%.9g) = 0x%04x\n", x, bk_to_bf16(x));
        }
    }
    check(bad16 == 0, "bk_to_f16: %ld of %ld differ from the hardware", bad16, count);
    check(badback == 0, "bk_from_f16: %ld of %ld differ from the hardware", badback, count);
    check(badbf == 0, "bk_to_bf16: %ld of %ld not rounded to nearest even", badbf, count);
    check((bk_to_bf16(NAN) & 0x7fc0) == 0x7fc0, "bk_to_bf16(NaN) not a quiet NaN");
    check(isnan(bk_from_f16(bk_to_f16(NAN))), "fp16 of NaN not NaN");
    check(bk_from_f16(bk_to_f16(INFINITY)) == INFINITY, "fp16 of infinity not infinity");
    group_end(&g, "conversions: fp16 and bf16 of %ld floats against the hardware's fp16", count);
}

// Products started from several threads at once: the pool runs one, the others run on their callers, and every
// result is the same as alone (KernelConformanceTests.concurrentProductsAgree), in each format.
typedef struct {
    bk_gemm_desc d;
    int rounds, status;
} concurrent_job;

static void *concurrent_main(void *raw) {
    concurrent_job *j = raw;
    for (int r = 0; r < j->rounds; r++) j->status |= (int)bk_gemm(bk_pool_shared(), 8, &j->d);
    return 0;
}

static void check_concurrent(void) {
    group g = group_start();
    values v = {3};
    const ptrdiff_t m = 30, n = 300, k = 200;
    float *a = array(&v, m * k, 1, 0), *w = array(&v, n * k, 0.07f, 0), *bias = array(&v, n, 1, 0);
    for (int f = 0; f < 4; f++) {
        void *packed = pack(BK_ISA_NEON, FORMATS[f], w, n, k);
        float *alone = malloc(sizeof(float) * m * n);
        bk_gemm_desc d = {.isa = BK_ISA_NEON, .m = m, .n = n, .k = k, .a = a, .lda = k, .packed = packed,
                          .format = FORMATS[f], .c = alone, .ldc = n, .epilogue = BK_EPILOGUE_BIAS_GELU, .bias = bias};
        CALL_OK(bk_gemm(bk_pool_shared(), 8, &d));
        enum { THREADS = 4 };
        concurrent_job jobs[THREADS];
        pthread_t threads[THREADS];
        for (int t = 0; t < THREADS; t++) {
            jobs[t].d = d;
            jobs[t].d.c = malloc(sizeof(float) * m * n);
            jobs[t].rounds = 2;
            jobs[t].status = BK_OK;
            check(pthread_create(&threads[t], 0, concurrent_main, &jobs[t]) == 0, "pthread_create failed");
        }
        for (int t = 0; t < THREADS; t++) {
            pthread_join(threads[t], 0);
            check(jobs[t].status == BK_OK, "neon %s: thread %d's products returned %d", FORMAT_NAMES[f], t, jobs[t].status);
            check(!memcmp(jobs[t].d.c, alone, sizeof(float) * m * n), "neon %s: thread %d's product differs from alone",
                  FORMAT_NAMES[f], t);
            free(jobs[t].d.c);
        }
        free(alone);
        free(packed);
    }
    free(a), free(w), free(bias);
    group_end(&g, "concurrent products: 4 threads x 2 rounds, each format, bitwise the same as alone");
}

// ---- LayerNorm ------------------------------------------------------------------------------------------------

static void check_layernorm(void) {
    const ptrdiff_t cases[][2] = {{1, 1}, {5, 7}, {33, 384}, {2, 385}, {0, 16}, {40, 768}, {17, 3}, {3, 1023}};
    for (int s = 0; s < NISAS; s++) {
        group g = group_start();
        const bk_isa isa = ISAS[s];
        values v = {7};
        for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const ptrdiff_t rows = cases[c][0], width = cases[c][1];
            float *x = array(&v, rows * width, 3, 0.5f), *gamma = array(&v, width, 1, 1), *beta = array(&v, width, 1, 0);
            const size_t bytes = sizeof(float) * (size_t)(rows * width + GUARD);
            float *got = malloc(bytes), *want = malloc(bytes);
            for (ptrdiff_t i = 0; i < rows * width + GUARD; i++) got[i] = i < rows * width ? x[i] : sentinel();
            for (int workers = 1; workers <= 2; workers++) {
                memcpy(want, got, bytes);
                float *run = malloc(bytes);
                memcpy(run, got, bytes);
                CALL_OK(bk_layernorm(bk_pool_shared(), workers, isa, run, rows, width, gamma, beta, 1e-12f));
                bk_ref_layernorm(want, rows, width, gamma, beta, 1e-12f);
                char label[96];
                snprintf(label, sizeof label, "%s layernorm %tdx%td workers %d", isa_name(isa), rows, width, workers);
                const double worst = compare(label, run, want, rows, width, width, 1e-5, 0, 1);
                check(worst <= 1e-5, "%s: %.3g", label, worst);
                group_worst(&g, worst, 1e-5);
                free(run);
            }
            free(x), free(gamma), free(beta), free(got), free(want);
        }
        group_end(&g, "layernorm %s: %u shapes x workers 1/2", isa_name(isa), (unsigned)(sizeof cases / sizeof cases[0]));
    }
}

// ---- attention ------------------------------------------------------------------------------------------------

typedef struct {
    ptrdiff_t heads, head_dim, count;
    ptrdiff_t lengths[4], rows[4], starts[4];  // starts[0] < 0: sequences back to back from row 0
    ptrdiff_t qkv_pad, out_pad;                // floats past 3·hidden and hidden in each row
    ptrdiff_t rel_span;                        // > 0: a relative-position bias table of 2·span + 1 per head
    ptrdiff_t pos_width;                       // > 0: DeBERTa's c2p (and p2c) tables of this many positions per head
    int p2c;
    ptrdiff_t window;                          // > 0: keys each side a query sees (ModernBERT's local layers)
} attention_case;

static void check_attention(void) {
    const attention_case cases[] = {
        {1, 8, 1, {1}, {1}, {-1}, 0, 0, 0, 0, 0, 0},
        {2, 32, 3, {5, 17, 1}, {5, 17, 1}, {-1}, 0, 0, 0, 0, 0, 0},
        {3, 7, 3, {0, 4, 9}, {9, 9, 9}, {-1}, 0, 0, 0, 0, 0, 0},      // padded layout: rows past a length are padding queries
        {12, 64, 2, {60, 3}, {60, 3}, {-1}, 0, 0, 0, 0, 0, 0},
        {2, 24, 2, {300, 257}, {300, 257}, {-1}, 0, 0, 0, 0, 0, 0},   // two key blocks
        {1, 32, 1, {600}, {600}, {-1}, 0, 0, 0, 0, 0, 0},             // three key blocks
        {2, 13, 2, {290, 40}, {300, 41}, {-1}, 0, 0, 0, 0, 0, 0},     // two key blocks, head width 8 + 4 + 1, padding keys
        {4, 16, 3, {5, 270, 0}, {5, 270, 3}, {3, 12, 290}, 8, 4, 0, 0, 0, 0},  // gaps between sequences, strided rows
        {2, 4, 2, {256, 257}, {256, 257}, {-1}, 0, 0, 0, 0, 0, 0},    // one block exactly, one key past it
        {3, 16, 2, {20, 7}, {20, 7}, {-1}, 0, 0, 128, 0, 0, 0},    // MPNet's relative bias: distances inside the table
        {2, 8, 2, {600, 30}, {600, 31}, {-1}, 0, 0, 128, 0, 0, 0}, // ...and past it on both sides, across key blocks
        {2, 8, 1, {40}, {40}, {-1}, 0, 0, 3, 0, 0, 0},             // a narrow table: most keys clamp to its ends
        {3, 16, 2, {20, 7}, {20, 8}, {-1}, 0, 0, 0, 24, 1, 0},   // DeBERTa: c2p and p2c, a padded query
        {2, 8, 2, {520, 30}, {520, 31}, {-1}, 0, 0, 0, 64, 1, 0}, // ...across key blocks, rows clamped at both ends
        {2, 8, 1, {90}, {90}, {-1}, 0, 0, 0, 16, 0, 0},          // c2p alone
        {2, 16, 2, {700, 30}, {700, 33}, {-1}, 0, 0, 0, 0, 0, 64},  // a sliding window: key blocks skipped
        {1, 8, 1, {5}, {20}, {-1}, 0, 0, 0, 0, 0, 2},         // padding queries past every key's window: zeros
        {2, 8, 1, {600}, {600}, {-1}, 0, 0, 0, 0, 0, 300},    // a window wider than a key block
    };
    const unsigned ncases = sizeof cases / sizeof cases[0];
    group groups[NISAS];
    double elapsed[NISAS] = {0};
    long passed_at[NISAS] = {0}, failed_at[NISAS] = {0};
    for (int s = 0; s < NISAS; s++) groups[s] = (group){0};
    values v = {99};
    for (unsigned ci = 0; ci < ncases; ci++) {
        const attention_case *c = &cases[ci];
        const ptrdiff_t hidden = c->heads * c->head_dim, ld_qkv = 3 * hidden + c->qkv_pad, ld_out = hidden + c->out_pad;
        ptrdiff_t starts[4], total = 0, longest = 0;
        for (ptrdiff_t b = 0; b < c->count; b++) {
            starts[b] = c->starts[0] < 0 ? total : c->starts[b];
            total = starts[b] + c->rows[b] > total ? starts[b] + c->rows[b] : total;
            longest = c->rows[b] > longest ? c->rows[b] : longest;
        }
        // Scores of a realistic spread (logits of several units), so the softmax is neither flat nor one-hot.
        float *qkv = array(&v, total * ld_qkv, 1.5f, 0);
        float *bias = c->rel_span > 0 ? array(&v, c->heads * (2 * c->rel_span + 1), 2.0f, 0) : NULL;
        // DeBERTa: per-row tables and the row of each distance (compressed and clamped, so rows repeat and both ends
        // of the table are reached).
        const ptrdiff_t ld_pos = c->heads * c->pos_width, center = longest > 0 ? longest - 1 : 0;
        float *c2p = c->pos_width > 0 ? array(&v, total * ld_pos, 1.5f, 0) : NULL;
        float *p2c = c->pos_width > 0 && c->p2c ? array(&v, total * ld_pos, 1.5f, 0) : NULL;
        int *pos_index = c->pos_width > 0 ? malloc(sizeof(int) * (size_t)(2 * center + 1)) : NULL;
        for (ptrdiff_t dd = -center; pos_index && dd <= center; dd++) {
            ptrdiff_t row = dd / 3 + c->pos_width / 2;
            pos_index[dd + center] = (int)(row < 0 ? 0 : row > c->pos_width - 1 ? c->pos_width - 1 : row);
        }
        const ptrdiff_t floats = total * ld_out + GUARD;
        float *want = malloc(sizeof(float) * (size_t)floats), *got = malloc(sizeof(float) * (size_t)floats);
        for (ptrdiff_t i = 0; i < floats; i++) want[i] = sentinel();
        bk_attention_desc d = {.isa = ISAS[0], .qkv = qkv, .ld_qkv = ld_qkv, .hidden = hidden, .heads = c->heads,
                               .head_dim = c->head_dim, .scale = 1 / sqrtf((float)c->head_dim), .out = want,
                               .ld_out = ld_out, .count = c->count, .row_start = starts, .rows = c->rows,
                               .lengths = c->lengths, .rel_bias = bias, .rel_span = c->rel_span, .c2p = c2p,
                               .p2c = p2c, .ld_pos = ld_pos, .pos_width = c->pos_width, .pos_index = pos_index,
                               .pos_center = center, .window = c->window};
        bk_ref_attention(&d);  // the same for every path (it reads no isa)
        for (int s = 0; s < NISAS; s++) {
            const double t0 = now();
            const long p0 = passed, f0 = failed;
            d.isa = ISAS[s];
            for (int workers = 1; workers <= 2; workers++) {
                for (ptrdiff_t i = 0; i < floats; i++) got[i] = sentinel();
                const ptrdiff_t per_worker = bk_attention_scratch_floats(c->head_dim, longest);
                float *scratch = malloc(sizeof(float) * (size_t)(per_worker * workers));
                for (ptrdiff_t i = 0; i < per_worker * workers; i++) scratch[i] = NAN;
                d.out = got;
                d.scratch = scratch;
                CALL_OK(bk_attention(bk_pool_shared(), workers, &d));
                char label[160];
                snprintf(label, sizeof label, "%s attention heads %td x %td lengths %td,%td,%td rows %td,%td,%td workers %d",
                         isa_name(d.isa), c->heads, c->head_dim, c->lengths[0], c->count > 1 ? c->lengths[1] : 0,
                         c->count > 2 ? c->lengths[2] : 0, c->rows[0], c->count > 1 ? c->rows[1] : 0,
                         c->count > 2 ? c->rows[2] : 0, workers);
                // Rows outside every sequence and the columns past hidden keep the sentinel (the reference leaves
                // them too), and every other float is written.
                int ok = 1;
                for (ptrdiff_t i = 0; i < floats; i++) {
                    if (is_sentinel(want[i]) != is_sentinel(got[i])) {
                        if (ok) DETAIL("  %s: float %td (row %td, column %td) %s\n", label, i, i / ld_out, i % ld_out,
                                       is_sentinel(want[i]) ? "overwritten" : "not written");
                        ok = 0;
                    }
                }
                // Relative to the output's scale: softmax-weighted means of values of unit scale.
                double worst = compare(label, got, want, total, hidden, ld_out, 2e-6, 1, 0);
                if (!ok) worst = INFINITY;
                check(worst <= 2e-6, "%s: %.3g", label, worst);
                group_worst(&groups[s], worst, 2e-6);
                d.out = want;
                free(scratch);
            }
            elapsed[s] += now() - t0;
            passed_at[s] += passed - p0;
            failed_at[s] += failed - f0;
        }
        free(qkv), free(want), free(got), free(bias), free(c2p), free(p2c), free(pos_index);
    }
    for (int s = 0; s < NISAS; s++)
        printf("%s attention %s: %u cases (up to 600 keys: online softmax; padding keys and queries, gaps, relative "
               "bias, disentangled) x workers "
               "1/2: %ld checks, %ld failed, worst %.3g (tolerance %.3g) [%.1fs]\n",
               failed_at[s] ? "FAIL" : "ok  ", isa_name(ISAS[s]), ncases, passed_at[s] + failed_at[s], failed_at[s],
               groups[s].worst, groups[s].tol, elapsed[s]);
}

// ---- statuses -------------------------------------------------------------------------------------------------

// What the calls report besides BK_OK: an instruction set without kernels in this build (every x86 one), a missing
// pointer, and scratch over bk_set_scratch_limit on the NEON path (int8 products quantize their activations into
// per-thread scratch; bk_pack_format's int8 packing takes a row of it). Last: it changes the process-wide limit.
static void check_statuses(void) {
    group g = group_start();
    values v = {5};
    const ptrdiff_t m = 13, n = 100, k = 37;
    float *a = array(&v, m * k, 1, 0), *w = array(&v, n * k, 1 / sqrtf((float)k), 0), *bias = array(&v, n, 0.5f, 0);
    float *gamma = array(&v, n, 0.3f, 1), *beta = array(&v, n, 0.1f, 0);
    float *got = malloc(sizeof(float) * m * n), *want = malloc(sizeof(float) * m * n);
    float *wpacked = malloc((size_t)bk_packed_bytes(BK_ISA_NEON, BK_FORMAT_F32, n, k));
    const bk_isa x86[] = {BK_ISA_AVX2, BK_ISA_AVX512, BK_ISA_AVX512_VNNI, BK_ISA_AVX512_BF16, BK_ISA_AVX_VNNI};
    for (unsigned i = 0; i < sizeof x86 / sizeof x86[0]; i++) {
        bk_gemm_desc d = {.isa = x86[i], .m = m, .n = n, .k = k, .a = a, .lda = k, .packed = wpacked, .c = got, .ldc = n};
        check(bk_gemm(bk_pool_shared(), 1, &d) == BK_ERROR_ISA, "bk_gemm on %s: not BK_ERROR_ISA", isa_name(x86[i]));
        check(bk_pack_format(x86[i], BK_FORMAT_F32, w, n, k, wpacked) == BK_ERROR_ISA,
              "bk_pack_format on %s: not BK_ERROR_ISA", isa_name(x86[i]));
        check(bk_layernorm(bk_pool_shared(), 1, x86[i], got, m, n, gamma, beta, 1e-12f) == BK_ERROR_ISA,
              "bk_layernorm on %s: not BK_ERROR_ISA", isa_name(x86[i]));
    }
    free(wpacked);
    void *packed[4];
    for (int f = 0; f < 4; f++) packed[f] = pack(BK_ISA_NEON, FORMATS[f], w, n, k);
    bk_gemm_desc d = {.isa = BK_ISA_NEON, .m = m, .n = n, .k = k, .a = a, .lda = k, .packed = packed[0], .c = got,
                      .ldc = n, .epilogue = BK_EPILOGUE_BIAS};
    check(bk_gemm(bk_pool_shared(), 1, &d) == BK_ERROR_ARGUMENT, "a biased epilogue without bias: not BK_ERROR_ARGUMENT");
    d.bias = bias;
    d.epilogue = BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM;
    check(bk_gemm(bk_pool_shared(), 1, &d) == BK_ERROR_ARGUMENT, "LayerNorm epilogue without gamma: not BK_ERROR_ARGUMENT");
    check(bk_layernorm(bk_pool_shared(), 1, BK_ISA_NEON, got, m, n, 0, beta, 1e-12f) == BK_ERROR_ARGUMENT,
          "bk_layernorm without gamma: not BK_ERROR_ARGUMENT");
    const ptrdiff_t start = 0, rows = 4, length = 4;
    float qkv[4 * 3 * 8] = {0}, out[4 * 8];
    bk_attention_desc ad = {.isa = BK_ISA_NEON, .qkv = qkv, .ld_qkv = 24, .hidden = 8, .heads = 2, .head_dim = 4,
                            .scale = 0.5f, .out = out, .ld_out = 8, .count = 1, .row_start = &start, .rows = &rows,
                            .lengths = &length};
    check(bk_attention(bk_pool_shared(), 1, &ad) == BK_ERROR_ARGUMENT, "attention without scratch: not BK_ERROR_ARGUMENT");
    ad.isa = BK_ISA_AVX2;
    check(bk_attention(bk_pool_shared(), 1, &ad) == BK_ERROR_ISA, "attention on avx2: not BK_ERROR_ISA");
    d.epilogue = BK_EPILOGUE_BIAS;
    d.m = 0;
    check(bk_gemm(bk_pool_shared(), 1, &d) == BK_OK, "an empty product: not BK_OK");
    d.m = m;
    // Under a limit of 32 bytes: int8 fails (its activations need more), the other formats need no scratch on NEON.
    bk_set_scratch_limit(32);
    void *spare = aligned((size_t)bk_packed_bytes(BK_ISA_NEON, BK_FORMAT_I8, n, k));
    check(bk_pack_format(BK_ISA_NEON, BK_FORMAT_I8, w, n, k, spare) == BK_ERROR_SCRATCH,
          "int8 packing of k=%td under a 32-byte scratch limit: not BK_ERROR_SCRATCH", k);
    free(spare);
    for (int f = 0; f < 4; f++) {
        for (int workers = 1; workers <= 4; workers += 3) {
            d.format = FORMATS[f];
            d.packed = packed[f];
            const bk_status status = bk_gemm(bk_pool_shared(), workers, &d);
            if (FORMATS[f] == BK_FORMAT_I8) {
                check(status == BK_ERROR_SCRATCH, "neon i8 under a 32-byte scratch limit, workers %d: status %d, not "
                      "BK_ERROR_SCRATCH", workers, (int)status);
                continue;
            }
            check(status == BK_OK, "neon %s under a 32-byte scratch limit, workers %d: status %d", FORMAT_NAMES[f],
                  workers, (int)status);
            bk_gemm_desc r = d;
            r.c = want;
            bk_ref_gemm(&r, w);
            check(compare("under the limit", got, want, m, n, n, gemm_tolerance(k), 0, 0) <= gemm_tolerance(k),
                  "neon %s under a 32-byte scratch limit, workers %d: wrong product", FORMAT_NAMES[f], workers);
        }
    }
    // No limit again: int8 runs, and right.
    bk_set_scratch_limit(0);
    d.format = BK_FORMAT_I8;
    d.packed = packed[3];
    check(bk_gemm(bk_pool_shared(), 4, &d) == BK_OK, "neon i8 after the limit is lifted: not BK_OK");
    bk_gemm_desc r = d;
    r.c = want;
    bk_ref_gemm(&r, w);
    check(compare("limit lifted", got, want, m, n, n, gemm_tolerance(k), 0, 0) <= gemm_tolerance(k),
          "neon i8 after the limit is lifted: wrong product");
    for (int f = 0; f < 4; f++) free(packed[f]);
    free(a), free(w), free(bias), free(gamma), free(beta), free(got), free(want);
    group_end(&g, "statuses: BK_ERROR_ISA for x86 sets, BK_ERROR_ARGUMENT, BK_ERROR_SCRATCH under bk_set_scratch_limit");
}

// int8 with smoothing (`a_scale`): the activations' columns scaled before the rows are quantized. Each path against
// the reference of the same rule (strided rows, 1 and 4 workers, every tile size), and a_scale refused on fp32.
static void check_smoothed_int8(void) {
    group g = group_start();
    values v = {77};
    const shape shapes[] = {{1, 40, 27}, {2, 40, 23}, {13, 100, 37}, {65, 130, 70}, {7, 17, 9}, {9, 31, 384}};
    for (int si = 0; si < (int)(sizeof shapes / sizeof shapes[0]); si++) {
        const shape sh = shapes[si];
        const ptrdiff_t lda = sh.k + 3;
        float *a = array(&v, sh.m * lda, 1, 0), *w = array(&v, sh.n * sh.k, 1 / sqrtf((float)sh.k), 0);
        float *scale = array(&v, sh.k, 0, 0);
        for (ptrdiff_t j = 0; j < sh.k; j++) scale[j] = exp2f(4 * uniform(&v) - 2);  // 1/4 ... 4
        const size_t bytes = sizeof(float) * (size_t)(sh.m * sh.n + GUARD);
        float *got = malloc(bytes), *want = malloc(bytes);
        for (int s = 0; s < NISAS; s++) {
            void *packed = pack(ISAS[s], BK_FORMAT_I8, w, sh.n, sh.k);
            bk_gemm_desc d = {.isa = ISAS[s], .m = sh.m, .n = sh.n, .k = sh.k, .a = a, .lda = lda, .packed = packed,
                              .format = BK_FORMAT_I8, .c = want, .ldc = sh.n, .a_scale = scale};
            for (size_t i = 0; i < bytes / sizeof(float); i++) want[i] = sentinel();
            bk_ref_gemm(&d, w);
            for (int wi = 0; wi < NWORKERS; wi++) {
                for (size_t i = 0; i < bytes / sizeof(float); i++) got[i] = sentinel();
                d.c = got;
                CALL_OK(bk_gemm(bk_pool_shared(), WORKERS[wi], &d));
                char label[160];
                snprintf(label, sizeof label, "%s i8 smoothed m=%td n=%td k=%td workers %d", isa_name(ISAS[s]), sh.m,
                         sh.n, sh.k, WORKERS[wi]);
                const double tol = 4 * gemm_tolerance(sh.k);
                const double worst = compare(label, got, want, sh.m, sh.n, sh.n, tol, 0, 1);
                check(worst <= tol, "%s: %.3g from its reference (tolerance %.3g)", label, worst, tol);
                group_worst(&g, worst, tol);
            }
            d.format = BK_FORMAT_F32;
            check(bk_gemm(bk_pool_shared(), 1, &d) == BK_ERROR_ARGUMENT, "%s: a_scale on fp32 weights accepted",
                  isa_name(ISAS[s]));
            free(packed);
        }
        free(a), free(w), free(scale), free(got), free(want);
    }
    group_end(&g, "int8 with smoothing (a_scale) against its reference, a_scale refused on fp32");
}

int main(void) {
    setvbuf(stdout, 0, _IOLBF, 0);
#if !defined(__aarch64__)
    printf("arm64 kernels: built for another architecture; this program checks the aarch64 build\n");
    return 1;
#endif
    const double start = now();
    check_isas();
    check_checker();
    check_gemm();
    check_activations();
    check_half_weights();
    check_conversions();
    check_concurrent();
    check_layernorm();
    check_attention();
    check_statuses();
    check_smoothed_int8();
    printf("(%.1fs in all)\n", now() - start);
    printf("arm64-kernels: %ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
