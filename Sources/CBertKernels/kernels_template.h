// The kernels of one instruction set, written once over clang's vector extensions and compiled per set by the
// isa_*.c files, which define before including this file:
//   ISA_SUFFIX  name suffix (avx512, avx2, portable, neon)
//   ISA_ATTR    the function attribute that enables the set (empty for the baseline)
//   VL          float lanes per vector register;  MR  rows per micro-tile;  NV  vectors per micro-tile row
// The micro-kernel keeps an MR × (NV·VL) tile of C in registers, reads packed weight rows of NV vectors and
// broadcasts one A value per row and k; the epilogue runs on the tile before it is stored.
#include "internal.h"

#define BK_CAT_(a, b) a##_##b
#define BK_CAT(a, b) BK_CAT_(a, b)
#define FN(name) BK_CAT(name, ISA_SUFFIX)
#define NR (VL * NV)
#define KFN static inline __attribute__((always_inline)) ISA_ATTR
#define EFN static ISA_ATTR

#ifndef QG
#define QG 4  // query rows scored together (at most BK_QUERY_GROUP)
#endif

typedef float vf __attribute__((vector_size(VL * 4)));
typedef int vi __attribute__((vector_size(VL * 4)));

KFN vf splat(float s) {
    vf v;
    for (int i = 0; i < VL; i++) v[i] = s;
    return v;
}
KFN vf load(const float *p) { vf v; __builtin_memcpy(&v, p, sizeof v); return v; }
KFN void store(float *p, vf v) { __builtin_memcpy(p, &v, sizeof v); }
KFN vf load_part(const float *p, ptrdiff_t count) {
    float tmp[VL] = {0};
    for (ptrdiff_t i = 0; i < count; i++) tmp[i] = p[i];
    return load(tmp);
}
KFN void store_part(float *p, vf v, ptrdiff_t count) {
    for (ptrdiff_t i = 0; i < count; i++) p[i] = v[i];
}
KFN vf vmax(vf a, vf b) { return __builtin_elementwise_max(a, b); }
KFN vf vmin(vf a, vf b) { return __builtin_elementwise_min(a, b); }
// Horizontal sum and maximum as trees of half-width vectors (log2(VL) dependent steps, not VL).
typedef float vf4 __attribute__((vector_size(16)));
#if VL >= 8
typedef float vf8 __attribute__((vector_size(32)));
#endif
KFN vf4 fold4(vf v, int maximum) {
#if VL == 16
    const vf8 lo8 = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7);
    const vf8 hi8 = __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    const vf8 a = maximum ? __builtin_elementwise_max(lo8, hi8) : lo8 + hi8;
#elif VL == 8
    const vf8 a = v;
#endif
#if VL >= 8
    const vf4 lo = __builtin_shufflevector(a, a, 0, 1, 2, 3), hi = __builtin_shufflevector(a, a, 4, 5, 6, 7);
    return maximum ? __builtin_elementwise_max(lo, hi) : lo + hi;
#else
    (void)maximum;
    return v;
#endif
}
KFN float hsum(vf v) {
    const vf4 b = fold4(v, 0);
    return (b[0] + b[2]) + (b[1] + b[3]);
}
KFN float hmax(vf v) {
    const vf4 b = fold4(v, 1);
    const float x = b[0] > b[2] ? b[0] : b[2], y = b[1] > b[3] ? b[1] : b[3];
    return x > y ? x : y;
}

// exp(x): Cephes' expf (range reduction by ln 2 in two parts, degree-5 polynomial), relative error about 2e-7;
// inputs clamped to [-87.3, 88.7].
KFN vf vexp(vf x) {
    x = vmin(vmax(x, splat(-87.3f)), splat(88.7f));
    const vf shifted = x * 1.44269504088896341f + 12582912.0f;  // n = round(x / ln 2) in the low mantissa bits
    const vf n = shifted - 12582912.0f;
    const vf r = x - n * 0.693359375f - n * -2.12194440e-4f;
    vf p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const vf y = p * r * r + r + 1.0f;
    const vi bits = (((vi)shifted) - 0x4B400000 + 127) << 23;
    return y * (vf)bits;
}

// erf(x): Eigen's and XLA's rational approximation x·P(x²)/Q(x²) on [-4, 4]; absolute error under 5e-7.
KFN vf verf(vf x) {
    x = vmin(vmax(x, splat(-4.0f)), splat(4.0f));
    const vf x2 = x * x;
    vf p = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
    p = x2 * p + -2.10102402082508e-06f;
    p = x2 * p + -5.69250639462346e-05f;
    p = x2 * p + -7.34990630326855e-04f;
    p = x2 * p + -2.95459980854025e-03f;
    p = x2 * p + -1.60960333262415e-02f;
    vf q = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
    q = x2 * q + -1.68282697438203e-03f;
    q = x2 * q + -7.37332916720468e-03f;
    q = x2 * q + -1.42647390514189e-02f;
    return x * p / q;
}

KFN vf vtanh(vf x) { return 1.0f - 2.0f / (vexp(2.0f * x) + 1.0f); }
KFN vf vgelu(vf x) { return 0.5f * x * (1.0f + verf(x * 0.70710678118654752f)); }
KFN vf vsilu(vf x) { return x / (1.0f + vexp(-x)); }
KFN vf vgelu_tanh(vf x) { return 0.5f * x * (1.0f + vtanh(0.79788456080286536f * (x + 0.044715f * x * x * x))); }

// ---- LayerNorm ------------------------------------------------------------------------------------------------

// Two passes in float, as PyTorch: the mean, then the biased variance of the deviations.
KFN void layernorm_row(float *x, ptrdiff_t width, const float *gamma, const float *beta, float eps) {
    const ptrdiff_t body = width - width % VL;
    vf sum = {0};
    for (ptrdiff_t i = 0; i < body; i += VL) sum += load(x + i);
    float total = hsum(sum);
    for (ptrdiff_t i = body; i < width; i++) total += x[i];
    const float mean = total / (float)width;
    vf squares = {0};
    for (ptrdiff_t i = 0; i < body; i += VL) {
        const vf dv = load(x + i) - mean;
        squares += dv * dv;
    }
    float variance = hsum(squares);
    for (ptrdiff_t i = body; i < width; i++) variance += (x[i] - mean) * (x[i] - mean);
    const float scale = 1.0f / __builtin_sqrtf(variance / (float)width + eps);
    for (ptrdiff_t i = 0; i < body; i += VL) store(x + i, (load(x + i) - mean) * scale * load(gamma + i) + load(beta + i));
    for (ptrdiff_t i = body; i < width; i++) x[i] = (x[i] - mean) * scale * gamma[i] + beta[i];
}

EFN void FN(layernorm_rows)(float *x, ptrdiff_t rows, ptrdiff_t width, const float *gamma, const float *beta, float eps) {
    for (ptrdiff_t r = 0; r < rows; r++) layernorm_row(x + r * width, width, gamma, beta, eps);
}

// ---- GEMM -----------------------------------------------------------------------------------------------------

// The epilogue of one row of a micro-tile (NV vectors from column `col`, `valid` of them real), then the store.
KFN void finish_row(const bk_gemm_desc *d, ptrdiff_t row, ptrdiff_t col, ptrdiff_t valid, const vf *acc) {
    const bk_epilogue epilogue = d->epilogue;
    float *c = d->c + row * d->ldc + col;
    for (int j = 0; j < NV; j++) {
        const ptrdiff_t at = (ptrdiff_t)j * VL;
        if (at >= valid) break;
        const ptrdiff_t lanes = valid - at < VL ? valid - at : VL;
        vf v = acc[j];
        if (epilogue != BK_EPILOGUE_NONE) v += lanes == VL ? load(d->bias + col + at) : load_part(d->bias + col + at, lanes);
        switch (epilogue) {
        case BK_EPILOGUE_BIAS_GELU: v = vgelu(v); break;
        case BK_EPILOGUE_BIAS_GELU_TANH: v = vgelu_tanh(v); break;
        case BK_EPILOGUE_BIAS_SILU: v = vsilu(v); break;
        case BK_EPILOGUE_BIAS_RELU: v = vmax(v, splat(0)); break;
        case BK_EPILOGUE_BIAS_TANH: v = vtanh(v); break;
        case BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM:
        case BK_EPILOGUE_BIAS_RESIDUAL: v += lanes == VL ? load(c + at) : load_part(c + at, lanes); break;
        case BK_EPILOGUE_BIAS_MULTIPLY: v *= lanes == VL ? load(c + at) : load_part(c + at, lanes); break;
        default: break;
        }
        if (lanes == VL) store(c + at, v);
        else store_part(c + at, v, lanes);
    }
}

KFN ptrdiff_t valid_columns(const bk_gemm_desc *d, ptrdiff_t panel) {
    const ptrdiff_t col = panel * NR;
    return d->n - col < NR ? d->n - col : NR;
}

// One fp32 micro-tile: rows [row, row + mr) × panel `panel`, the whole k, epilogue fused.
KFN void gemm_tile(const ptrdiff_t mr, const bk_gemm_desc *d, ptrdiff_t row, ptrdiff_t panel) {
    const ptrdiff_t k = d->k, lda = d->lda;
    const float *a = d->a + row * lda;
    const float *b = (const float *)d->packed + panel * k * NR;
    vf acc[MR][NV];
    for (ptrdiff_t i = 0; i < mr; i++)
        for (int j = 0; j < NV; j++) acc[i][j] = (vf){0};
    for (ptrdiff_t p = 0; p < k; p++) {
        vf bv[NV];
        for (int j = 0; j < NV; j++) bv[j] = load(b + p * NR + j * VL);
        for (ptrdiff_t i = 0; i < mr; i++) {
            const vf av = splat(a[i * lda + p]);
            for (int j = 0; j < NV; j++) acc[i][j] += av * bv[j];
        }
    }
    for (ptrdiff_t i = 0; i < mr; i++) finish_row(d, row + i, panel * NR, valid_columns(d, panel), acc[i]);
}

#include "kernels_lowp.h"

// Each tail of a row block gets its own call with a constant row count, so its tile is unrolled.
#if MR > 7
#define TAIL7(T, ...) case 7: T(7, __VA_ARGS__); break;
#else
#define TAIL7(T, ...)
#endif
#if MR > 6
#define TAIL6(T, ...) case 6: T(6, __VA_ARGS__); break;
#else
#define TAIL6(T, ...)
#endif
#if MR > 5
#define TAIL5(T, ...) case 5: T(5, __VA_ARGS__); break;
#else
#define TAIL5(T, ...)
#endif
#if MR > 4
#define TAIL4(T, ...) case 4: T(4, __VA_ARGS__); break;
#else
#define TAIL4(T, ...)
#endif
#define FOR_TILES(T, ...)                                                                                             \
    for (ptrdiff_t p = p0; p < p1; p++) {                                                                             \
        ptrdiff_t row = row0;                                                                                         \
        for (; row + MR <= row1; row += MR) T(MR, __VA_ARGS__);                                                       \
        switch (row1 - row) {                                                                                         \
            TAIL7(T, __VA_ARGS__)                                                                                     \
            TAIL6(T, __VA_ARGS__)                                                                                     \
            TAIL5(T, __VA_ARGS__)                                                                                     \
            TAIL4(T, __VA_ARGS__)                                                                                     \
        case 3: T(3, __VA_ARGS__); break;                                                                             \
        case 2: T(2, __VA_ARGS__); break;                                                                             \
        case 1: T(1, __VA_ARGS__); break;                                                                             \
        default: break;                                                                                               \
        }                                                                                                             \
    }

EFN bk_status FN(gemm_task)(const bk_gemm_plan *plan, ptrdiff_t task) {
    const bk_gemm_desc *d = plan->d;
    const ptrdiff_t block = task / plan->col_chunks, chunk = task % plan->col_chunks;
    const ptrdiff_t row0 = block * plan->mc;
    const ptrdiff_t row1 = row0 + plan->mc < d->m ? row0 + plan->mc : d->m;
    const ptrdiff_t p0 = chunk * plan->panels / plan->col_chunks;
    const ptrdiff_t p1 = (chunk + 1) * plan->panels / plan->col_chunks;
    switch (d->format) {
    case BK_FORMAT_F32:
        FOR_TILES(gemm_tile, d, row, p)
        break;
    case BK_FORMAT_F16:
        FOR_TILES(gemm_tile_f16, d, row, p)
        break;
    case BK_FORMAT_BF16: {
#if defined(BF16_DOT)
        // The block's activations rounded to bf16 pairs once, then every panel reads them.
        const ptrdiff_t ld = (d->k + 1) / 2 * 2;
        unsigned short *pairs = bk_thread_scratch((size_t)((row1 - row0) * ld) * 2);
        if (!pairs) return BK_ERROR_SCRATCH;
        round_rows_bf16(d, row0, row1, pairs, ld);
        FOR_TILES(gemm_tile_bf16_dot, d, pairs + (row - row0) * ld, ld, row, p)
#else
        FOR_TILES(gemm_tile_bf16, d, row, p)
#endif
        break;
    }
    case BK_FORMAT_I8: {
        // The block's activations quantized once (levels, scale and zero point per row), then every panel reads them;
        // with `a_scale`, a row's smoothed copy lies after the zero points while it is quantized.
        const ptrdiff_t rows = row1 - row0, quads = (d->k + 3) / 4, tiles = (rows + MR - 1) / MR;
        const ptrdiff_t bytes = tiles * MR * quads * 4;
        int *levels = bk_thread_scratch((size_t)bytes + (size_t)rows * 8 + (d->a_scale ? (size_t)d->k * 4 : 0) + 64);
        if (!levels) return BK_ERROR_SCRATCH;
        float *scales = (float *)((unsigned char *)levels + (bytes + 63) / 64 * 64);
        int *zero_points = (int *)(scales + rows);
        quantize_rows(d, row0, row1, (unsigned char *)levels, quads, scales, zero_points, (float *)(zero_points + rows));
        FOR_TILES(gemm_tile_i8, d, levels + (row - row0) / MR * MR * quads, scales + (row - row0),
                  zero_points + (row - row0), row, p)
        break;
    }
    }
    if (d->epilogue != BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM) return BK_OK;
    // The rows are complete once every column chunk of this row block is done: the last chunk normalizes them.
    if (plan->pending && atomic_fetch_sub_explicit(&plan->pending[block], 1, memory_order_acq_rel) != 1) return BK_OK;
    for (ptrdiff_t r = row0; r < row1; r++) layernorm_row(d->c + r * d->ldc, d->n, d->gamma, d->beta, d->eps);
    return BK_OK;
}

// ---- Attention ------------------------------------------------------------------------------------------------

// scores[r][j] = scale · q[r] · kt[·][j] for r < group and j < padded (a multiple of VL): two key vectors at a time
// for every query row of the group, so eight independent accumulators hide the FMA latency.
KFN void attention_scores_rows(const ptrdiff_t group, const float *q, ptrdiff_t ld, const float *kt, ptrdiff_t padded,
                          ptrdiff_t dh, float scale, float *scores) {
    ptrdiff_t j = 0;
    for (; j + 2 * VL <= padded; j += 2 * VL) {
        vf acc0[QG] = {{0}}, acc1[QG] = {{0}};
        for (ptrdiff_t t = 0; t < dh; t++) {
            const vf k0 = load(kt + t * BK_KEY_BLOCK + j), k1 = load(kt + t * BK_KEY_BLOCK + j + VL);
            for (ptrdiff_t r = 0; r < QG; r++) {
                if (r < group) {
                    const vf qv = splat(q[r * ld + t]);
                    acc0[r] += qv * k0;
                    acc1[r] += qv * k1;
                }
            }
        }
        for (ptrdiff_t r = 0; r < group; r++) {
            store(scores + r * BK_KEY_BLOCK + j, acc0[r] * scale);
            store(scores + r * BK_KEY_BLOCK + j + VL, acc1[r] * scale);
        }
    }
    for (; j < padded; j += VL) {
        vf acc[QG] = {{0}};
        for (ptrdiff_t t = 0; t < dh; t++) {
            const vf key = load(kt + t * BK_KEY_BLOCK + j);
            for (ptrdiff_t r = 0; r < QG; r++)
                if (r < group) acc[r] += splat(q[r * ld + t]) * key;
        }
        for (ptrdiff_t r = 0; r < group; r++) store(scores + r * BK_KEY_BLOCK + j, acc[r] * scale);
    }
}

// o[r] += Σ_j p[r][j] · v[j] for the rows of a query group: each value row is loaded once for the whole group, and
// two vectors of the head's width per row give up to eight independent accumulators.
KFN void attention_values_rows(const ptrdiff_t group, const int accumulate, const float *p, ptrdiff_t nb, const float *v, ptrdiff_t ld, float *o,
                          ptrdiff_t ldo, ptrdiff_t dh) {
    ptrdiff_t t = 0;
    for (; t + 2 * VL <= dh; t += 2 * VL) {
        vf acc0[QG], acc1[QG];
        for (ptrdiff_t r = 0; r < QG; r++) {
            if (r < group) {
                acc0[r] = accumulate ? load(o + r * ldo + t) : (vf){0};
                acc1[r] = accumulate ? load(o + r * ldo + t + VL) : (vf){0};
            }
        }
        for (ptrdiff_t j = 0; j < nb; j++) {
            const vf v0 = load(v + j * ld + t), v1 = load(v + j * ld + t + VL);
            for (ptrdiff_t r = 0; r < QG; r++) {
                if (r < group) {
                    const vf pv = splat(p[r * BK_KEY_BLOCK + j]);
                    acc0[r] += pv * v0;
                    acc1[r] += pv * v1;
                }
            }
        }
        for (ptrdiff_t r = 0; r < group; r++) {
            store(o + r * ldo + t, acc0[r]);
            store(o + r * ldo + t + VL, acc1[r]);
        }
    }
    for (; t + VL <= dh; t += VL) {
        vf acc[QG];
        for (ptrdiff_t r = 0; r < QG; r++)
            if (r < group) acc[r] = accumulate ? load(o + r * ldo + t) : (vf){0};
        for (ptrdiff_t j = 0; j < nb; j++) {
            const vf v0 = load(v + j * ld + t);
            for (ptrdiff_t r = 0; r < QG; r++)
                if (r < group) acc[r] += splat(p[r * BK_KEY_BLOCK + j]) * v0;
        }
        for (ptrdiff_t r = 0; r < group; r++) store(o + r * ldo + t, acc[r]);
    }
    for (; t < dh; t++) {
        for (ptrdiff_t r = 0; r < group; r++) {
            float acc = accumulate ? o[r * ldo + t] : 0;
            for (ptrdiff_t j = 0; j < nb; j++) acc += p[r * BK_KEY_BLOCK + j] * v[j * ld + t];
            o[r * ldo + t] = acc;
        }
    }
}

// The group size as a constant in each call, so the accumulators stay in registers.
KFN void attention_scores(const float *q, ptrdiff_t ld, ptrdiff_t group, const float *kt, ptrdiff_t padded,
                          ptrdiff_t dh, float scale, float *scores) {
    switch (group) {
#if QG >= 8
    case 8: attention_scores_rows(8, q, ld, kt, padded, dh, scale, scores); break;
#endif
#if QG >= 7
    case 7: attention_scores_rows(7, q, ld, kt, padded, dh, scale, scores); break;
#endif
#if QG >= 6
    case 6: attention_scores_rows(6, q, ld, kt, padded, dh, scale, scores); break;
#endif
#if QG >= 5
    case 5: attention_scores_rows(5, q, ld, kt, padded, dh, scale, scores); break;
#endif
    case 4: attention_scores_rows(4, q, ld, kt, padded, dh, scale, scores); break;
    case 3: attention_scores_rows(3, q, ld, kt, padded, dh, scale, scores); break;
    case 2: attention_scores_rows(2, q, ld, kt, padded, dh, scale, scores); break;
    default: attention_scores_rows(1, q, ld, kt, padded, dh, scale, scores); break;
    }
}

// accumulate: o += P·V (later key blocks); else o = P·V (a single block, or the first).
KFN void attention_values(const int accumulate, const float *p, ptrdiff_t group, ptrdiff_t nb, const float *v,
                          ptrdiff_t ld, float *o, ptrdiff_t ldo, ptrdiff_t dh) {
    switch (group) {
#if QG >= 8
    case 8: attention_values_rows(8, accumulate, p, nb, v, ld, o, ldo, dh); break;
#endif
#if QG >= 7
    case 7: attention_values_rows(7, accumulate, p, nb, v, ld, o, ldo, dh); break;
#endif
#if QG >= 6
    case 6: attention_values_rows(6, accumulate, p, nb, v, ld, o, ldo, dh); break;
#endif
#if QG >= 5
    case 5: attention_values_rows(5, accumulate, p, nb, v, ld, o, ldo, dh); break;
#endif
    case 4: attention_values_rows(4, accumulate, p, nb, v, ld, o, ldo, dh); break;
    case 3: attention_values_rows(3, accumulate, p, nb, v, ld, o, ldo, dh); break;
    case 2: attention_values_rows(2, accumulate, p, nb, v, ld, o, ldo, dh); break;
    default: attention_values_rows(1, accumulate, p, nb, v, ld, o, ldo, dh); break;
    }
}

// Keys [k0, k0 + nb) of one head transposed into kt[dh][BK_KEY_BLOCK], zero-padded to a whole vector.
KFN ptrdiff_t transpose_keys(const float *k, ptrdiff_t ld, ptrdiff_t nb, ptrdiff_t dh, float *kt) {
    const ptrdiff_t padded = (nb + VL - 1) / VL * VL;
    for (ptrdiff_t t = 0; t < dh; t++) {
        float *row = kt + t * BK_KEY_BLOCK;
        const float *key = k + t;
        for (ptrdiff_t j = 0; j < nb; j++) row[j] = key[j * ld];
        for (ptrdiff_t j = nb; j < padded; j++) row[j] = 0;
    }
    return padded;
}

// RoPE: the partner of dimension t in its rotated pair and the angle index of the pair, for rotary width `rd`
// (NeoX: t and t ± rd/2, angle t mod rd/2; interleaved: t and t ^ 1, angle t/2). Dimensions from rd on are not rotated.
KFN float rope_rotated(const float *x, ptrdiff_t t, const float *cos_row, const float *sin_row, ptrdiff_t rd, int interleaved) {
    if (t >= rd) return x[t];
    const ptrdiff_t half = rd / 2;
    if (interleaved) {
        const ptrdiff_t pair = t / 2;
        return t % 2 == 0 ? x[t] * cos_row[pair] - x[t + 1] * sin_row[pair] : x[t] * cos_row[pair] + x[t - 1] * sin_row[pair];
    }
    return t < half ? x[t] * cos_row[t] - x[t + half] * sin_row[t] : x[t] * cos_row[t - half] + x[t - half] * sin_row[t - half];
}

// Keys [k0, k0 + nb) of one head, rotated by RoPE at positions k0 + j, transposed into kt[dh][BK_KEY_BLOCK].
KFN ptrdiff_t transpose_rotated_keys(const bk_attention_desc *d, const float *k, ptrdiff_t ld, ptrdiff_t k0, ptrdiff_t nb,
                                     ptrdiff_t dh, float *kt) {
    const ptrdiff_t padded = (nb + VL - 1) / VL * VL, half = d->rope_dim / 2;
    for (ptrdiff_t j = 0; j < nb; j++) {
        const float *key = k + j * ld;
        const float *c = d->rope_cos + (k0 + j) * half, *sn = d->rope_sin + (k0 + j) * half;
        for (ptrdiff_t t = 0; t < dh; t++) kt[t * BK_KEY_BLOCK + j] = rope_rotated(key, t, c, sn, d->rope_dim, d->rope_interleaved);
    }
    for (ptrdiff_t t = 0; t < dh; t++)
        for (ptrdiff_t j = nb; j < padded; j++) kt[t * BK_KEY_BLOCK + j] = 0;
    return padded;
}

// The m query rows of one head rotated by RoPE at their positions, into qr[m][dh].
KFN void rotate_queries(const bk_attention_desc *d, const float *q, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t dh, float *qr) {
    const ptrdiff_t half = d->rope_dim / 2;
    for (ptrdiff_t r = 0; r < m; r++) {
        const float *c = d->rope_cos + r * half, *sn = d->rope_sin + r * half;
        for (ptrdiff_t t = 0; t < dh; t++) qr[r * dh + t] = rope_rotated(q + r * ld, t, c, sn, d->rope_dim, d->rope_interleaved);
    }
}

// In place over one row of scores[padded]: exp(s - maximum) for the visible keys [lo, hi), 0 for the others (keys
// outside a sliding window, padding lanes); returns their sum. With `normalize`, the row is divided by that sum (a
// single key block: the softmax is final).
KFN float softmax_row(float *s, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t padded, float maximum, int normalize) {
    vf total = {0};
    for (ptrdiff_t j = 0; j < padded; j += VL) {
        vf e = vexp(load(s + j) - maximum);
        if (j < lo || j + VL > hi) {  // a vector holding keys out of sight
            for (ptrdiff_t l = 0; l < VL; l++)
                if (j + l < lo || j + l >= hi) e[l] = 0;
        }
        store(s + j, e);
        total += e;
    }
    const float sum = hsum(total);
    if (normalize) {
        const float inverse = 1.0f / sum;
        for (ptrdiff_t j = 0; j < padded; j += VL) store(s + j, load(s + j) * inverse);
    }
    return sum;
}

// s[j] += table[clamp(first + j, -span, span) + span] for j < nb: key j of the block sits at relative distance
// first + j from the query. Three runs (below, within and above the table) so the middle one vectorizes.
KFN void add_relative_bias(float *s, ptrdiff_t nb, ptrdiff_t first, const float *table, ptrdiff_t span) {
    ptrdiff_t j = 0;
    const float below = table[0], above = table[2 * span];
    for (; j < nb && first + j < -span; j++) s[j] += below;
    const ptrdiff_t end = span - first + 1 < nb ? span - first + 1 : nb;  // first + j <= span
    const float *within = table + span;
    for (; j < end; j++) s[j] += within[first + j];
    for (; j < nb; j++) s[j] += above;
}

// DeBERTa: s[j] += c2p_row[c] + p2c[(k0 + j)·ld + c] for the keys j < nb of a block starting at k0, where
// c = index[-j] (index points at the bucket of query i against key k0). Either table may be NULL.
KFN void add_disentangled(float *s, ptrdiff_t nb, const int *index, const float *c2p_row, const float *p2c, ptrdiff_t ld) {
    if (c2p_row)
        for (ptrdiff_t j = 0; j < nb; j++) s[j] += c2p_row[index[-j]];
    if (p2c)
        for (ptrdiff_t j = 0; j < nb; j++) s[j] += p2c[j * ld + index[-j]];
}

KFN float row_max(const float *s, ptrdiff_t nb) {
    vf mv = splat(-__builtin_inff());
    for (ptrdiff_t j = 0; j + VL <= nb; j += VL) mv = vmax(mv, load(s + j));
    float m = hmax(mv);
    for (ptrdiff_t j = nb / VL * VL; j < nb; j++) m = s[j] > m ? s[j] : m;
    return m;
}

// One (sequence, head): keys in blocks of BK_KEY_BLOCK, transposed into scratch so scores are vectorized over
// keys. A sequence of one block (up to BK_KEY_BLOCK tokens, nearly all of them) gets its softmax final before ·V,
// which writes the output rows directly. Longer ones take an online softmax (running maximum and sum per query row,
// the output rescaled when the maximum grows, divided by the sums at the end), so memory stays linear in the length.
EFN void FN(attention_task)(const bk_attention_desc *d, ptrdiff_t task, float *scratch) {
    const ptrdiff_t b = task / d->heads, head = task % d->heads;
    const ptrdiff_t m = d->rows[b], n = d->lengths[b], dh = d->head_dim, h = d->hidden, ld = d->ld_qkv;
    const ptrdiff_t ldo = d->ld_out;
    const float *q = d->qkv + d->row_start[b] * ld + head * dh;
    const float *k = q + h;
    const float *v = q + 2 * h;
    float *out = d->out + d->row_start[b] * ldo + head * dh;
    if (m <= 0) return;
    if (n <= 0) {  // no keys: nothing to attend to (the reference gives zeros)
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t t = 0; t < dh; t++) out[i * ldo + t] = 0;
        return;
    }
    float *kt = scratch;                           // [dh][BK_KEY_BLOCK]
    float *vb = kt + dh * BK_KEY_BLOCK;            // [BK_KEY_BLOCK][dh]: the block's values, contiguous
    float *scores = vb + BK_KEY_BLOCK * dh;        // [QG][BK_KEY_BLOCK]
    float *maxima = scores + QG * BK_KEY_BLOCK;    // [m]
    float *sums = maxima + m;                      // [m]
    float *rotated = sums + m;                     // [m][dh], with RoPE
    const int rope = d->rope_cos != 0;
    const float scale = d->scale;
    const float *bias = d->rel_bias ? d->rel_bias + head * (2 * d->rel_span + 1) : 0;
    // DeBERTa's tables at this sequence's first row and this head's columns.
    const float *c2p = d->pos_index && d->c2p ? d->c2p + d->row_start[b] * d->ld_pos + head * d->pos_width : 0;
    const float *p2c = d->pos_index && d->p2c ? d->p2c + d->row_start[b] * d->ld_pos + head * d->pos_width : 0;
    const int single = n <= BK_KEY_BLOCK;
    // A sliding window: query i sees keys [i − w, i + w]; queries from n + w on see none and get zeros.
    const ptrdiff_t w = d->window > 0 ? d->window : 0;
    const ptrdiff_t reached = w && n + w < m ? n + w : m;
    for (ptrdiff_t i = reached; i < m; i++)
        for (ptrdiff_t t = 0; t < dh; t++) out[i * ldo + t] = 0;
    for (ptrdiff_t i = 0; !single && i < m; i++) {
        maxima[i] = -__builtin_inff();
        sums[i] = 0;
    }
    if (rope) rotate_queries(d, q, ld, m, dh, rotated);  // once, not once per key block
    for (ptrdiff_t k0 = 0; k0 < n; k0 += BK_KEY_BLOCK) {
        const ptrdiff_t nb = n - k0 < BK_KEY_BLOCK ? n - k0 : BK_KEY_BLOCK;
        const ptrdiff_t padded = rope ? transpose_rotated_keys(d, k + k0 * ld, ld, k0, nb, dh, kt)
                                      : transpose_keys(k + k0 * ld, ld, nb, dh, kt);
        // The block's value rows side by side: ·V walks them once per vector pair of the head, and rows a whole
        // QKV row apart (three hidden widths) would touch a new page each time.
        for (ptrdiff_t j = 0; j < nb; j++) __builtin_memcpy(vb + j * dh, v + (k0 + j) * ld, (size_t)dh * sizeof(float));
        // The query groups this block is in sight of: all of them, or those within the window of its keys.
        const ptrdiff_t first_query = w && k0 > w ? (k0 - w) / QG * QG : 0;
        const ptrdiff_t end_query = w && k0 + nb + w < reached ? k0 + nb + w : reached;
        for (ptrdiff_t i0 = first_query; i0 < end_query; i0 += QG) {
            const ptrdiff_t group = end_query - i0 < QG ? end_query - i0 : QG;
            // The group's first block writes its output rows, later ones add to them.
            const int accumulate = k0 > (w && i0 > w ? (i0 - w) / BK_KEY_BLOCK * BK_KEY_BLOCK : 0);
            // The block's keys any row of the group sees, in whole vectors: [glo, ghi) (a window covers a few
            // vectors of a 256-key block: only those are scored, exponentiated and multiplied by their values).
            ptrdiff_t glo = 0, ghi = padded;
            if (w) {
                const ptrdiff_t first = i0 - w - k0, last = i0 + group + w - k0;  // [first, last), relative to k0
                glo = first <= 0 ? 0 : first / VL * VL;
                ghi = last >= nb ? padded : (last + VL - 1) / VL * VL;
            }
            const ptrdiff_t width = ghi - glo, seen = (ghi < nb ? ghi : nb) - glo;
            if (rope) {
                attention_scores(rotated + i0 * dh, dh, group, kt + glo, width, dh, scale, scores + glo);
            } else {
                attention_scores(q + i0 * ld, ld, group, kt + glo, width, dh, scale, scores + glo);
            }
            for (ptrdiff_t r = 0; r < group; r++) {
                float *s = scores + r * BK_KEY_BLOCK;
                const ptrdiff_t i = i0 + r;
                if (bias) add_relative_bias(s, nb, k0 - i, bias, d->rel_span);
                if (d->pos_index)
                    add_disentangled(s, nb, d->pos_index + d->pos_center + i - k0,
                                     c2p ? c2p + i * d->ld_pos : 0, p2c ? p2c + k0 * d->ld_pos : 0, d->ld_pos);
                // The keys of the block query i sees: [lo, hi).
                ptrdiff_t lo = 0, hi = nb;
                if (w) {
                    lo = i - w - k0 < 0 ? 0 : i - w - k0 > nb ? nb : i - w - k0;
                    hi = i + w + 1 - k0 < lo ? lo : i + w + 1 - k0 > nb ? nb : i + w + 1 - k0;
                }
                if (lo == hi) {  // none: the row adds nothing (its output stays as it is, or is written 0)
                    for (ptrdiff_t j = glo; j < ghi; j++) s[j] = 0;
                    continue;
                }
                if (single) {
                    softmax_row(s + glo, lo - glo, hi - glo, width, row_max(s + lo, hi - lo), 1);
                    continue;
                }
                const float block_max = row_max(s + lo, hi - lo);
                const float maximum = block_max > maxima[i] ? block_max : maxima[i];
                const float block_sum = softmax_row(s + glo, lo - glo, hi - glo, width, maximum, 0);
                if (accumulate && maxima[i] != -__builtin_inff() && maximum != maxima[i]) {
                    const float correction = __builtin_expf(maxima[i] - maximum);
                    sums[i] *= correction;
                    for (ptrdiff_t t = 0; t < dh; t++) out[i * ldo + t] *= correction;
                }
                sums[i] += block_sum;
                maxima[i] = maximum;
            }
            attention_values(accumulate, scores + glo, group, seen, vb + glo * dh, dh, out + i0 * ldo, ldo, dh);
        }
    }
    if (single) return;
    for (ptrdiff_t i = 0; i < reached; i++) {
        const float inverse = 1.0f / sums[i];
        for (ptrdiff_t t = 0; t < dh; t++) out[i * ldo + t] *= inverse;
    }
}

#if defined(BF16_DOT)
#define BF16_ROUNDS 1
#else
#define BF16_ROUNDS 0
#endif
const bk_isa_ops FN(bk_ops) = {MR, NR, I8_WEIGHT_LEVELS, BF16_ROUNDS, FN(gemm_task), FN(layernorm_rows), FN(attention_task)};
