// Plain scalar references for every kernel, in double precision: what the conformance tests hold each
// instruction-set path to. Slow on purpose; never on the engine's path.
#include "internal.h"
#include <math.h>
#include <stdlib.h>

static double gelu(double x) { return 0.5 * x * (1 + erf(x / sqrt(2.0))); }
static double gelu_tanh(double x) { return 0.5 * x * (1 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x))); }

static void layernorm_row(float *x, ptrdiff_t width, const float *gamma, const float *beta, float eps) {
    double mean = 0, variance = 0;
    for (ptrdiff_t i = 0; i < width; i++) mean += x[i];
    mean /= (double)width;
    for (ptrdiff_t i = 0; i < width; i++) variance += (x[i] - mean) * (x[i] - mean);
    variance /= (double)width;
    const double scale = 1 / sqrt(variance + eps);
    for (ptrdiff_t i = 0; i < width; i++) x[i] = (float)((x[i] - mean) * scale * gamma[i] + beta[i]);
}

void bk_ref_layernorm(float *x, ptrdiff_t rows, ptrdiff_t width, const float *gamma, const float *beta, float eps) {
    for (ptrdiff_t r = 0; r < rows; r++) layernorm_row(x + r * width, width, gamma, beta, eps);
}

// The value the format stores for `x` (the kernels see exactly this).
static double stored(bk_format format, float x) {
    switch (format) {
    case BK_FORMAT_BF16: return bk_from_bf16(bk_to_bf16(x));
    case BK_FORMAT_F16: return bk_from_f16(bk_to_f16(x));
    default: return x;
    }
}

// Input p of row `a` as int8 quantizes it: scaled by `a_scale` when the product has one.
static float smoothed(const bk_gemm_desc *d, const float *a, ptrdiff_t p) { return d->a_scale ? a[p] * d->a_scale[p] : a[p]; }

// Σ_p a[p]·w[p] as the format's kernels define it: weights rounded to bf16/fp16 (activations too for bf16 on
// vdpbf16ps), or both sides quantized to int8 levels and the zero point taken out in exact integers.
static double dot(const bk_gemm_desc *d, const float *a, const float *w, signed char *qw, unsigned char *qa) {
    const ptrdiff_t k = d->k;
    if (d->format == BK_FORMAT_I8) {
        const float sw = bk_i8_quantize_weights(w, k, bk_i8_weight_levels(d->isa), qw);
        float lo = 0, hi = 0;
        for (ptrdiff_t p = 0; p < k; p++) {
            const float x = smoothed(d, a, p);
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
        const int levels = BK_I8_ACTIVATION_LEVELS;
        float sa, inverse;
        int zp;
        bk_i8_row_params(lo, hi, levels, &sa, &inverse, &zp);
        long long sum = 0, colsum = 0;
        for (ptrdiff_t p = 0; p < k; p++) {
            qa[p] = (unsigned char)bk_i8_level(smoothed(d, a, p), inverse, zp, levels);
            sum += (long long)qa[p] * qw[p];
            colsum += qw[p];
        }
        return (double)(sum - zp * colsum) * sa * sw;
    }
    const bk_format activations = d->format == BK_FORMAT_BF16 && bk_bf16_rounds_activations(d->isa) ? BK_FORMAT_BF16
                                                                                                      : BK_FORMAT_F32;
    double sum = 0;
    for (ptrdiff_t p = 0; p < k; p++) sum += stored(activations, a[p]) * stored(d->format, w[p]);
    return sum;
}

void bk_ref_gemm(const bk_gemm_desc *d, const float *w) {
    signed char *qw = malloc((size_t)(d->k > 0 ? d->k : 1));
    unsigned char *qa = malloc((size_t)(d->k > 0 ? d->k : 1));
    if (!qw || !qa) {
        free(qw);
        free(qa);
        return;
    }
    for (ptrdiff_t i = 0; i < d->m; i++) {
        float *c = d->c + i * d->ldc;
        for (ptrdiff_t j = 0; j < d->n; j++) {
            double sum = dot(d, d->a + i * d->lda, w + j * d->k, qw, qa);
            if (d->epilogue != BK_EPILOGUE_NONE) sum += d->bias[j];
            switch (d->epilogue) {
            case BK_EPILOGUE_BIAS_GELU: sum = gelu(sum); break;
            case BK_EPILOGUE_BIAS_GELU_TANH: sum = gelu_tanh(sum); break;
            case BK_EPILOGUE_BIAS_SILU: sum = sum / (1 + exp(-sum)); break;
            case BK_EPILOGUE_BIAS_RELU: sum = sum > 0 ? sum : 0; break;
            case BK_EPILOGUE_BIAS_TANH: sum = tanh(sum); break;
            case BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM:
            case BK_EPILOGUE_BIAS_RESIDUAL: sum += c[j]; break;
            case BK_EPILOGUE_BIAS_MULTIPLY: sum *= c[j]; break;
            default: break;
            }
            c[j] = (float)sum;
        }
        if (d->epilogue == BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM) layernorm_row(c, d->n, d->gamma, d->beta, d->eps);
    }
    free(qw);
    free(qa);
}

// The relative-position bias of query i and key j (0 without a table).
static double ref_relative_bias(const bk_attention_desc *d, ptrdiff_t head, ptrdiff_t i, ptrdiff_t j) {
    if (!d->rel_bias) return 0;
    ptrdiff_t distance = j - i;
    distance = distance < -d->rel_span ? -d->rel_span : distance > d->rel_span ? d->rel_span : distance;
    return d->rel_bias[head * (2 * d->rel_span + 1) + distance + d->rel_span];
}

// DeBERTa's disentangled terms of query i and key j of sequence b (0 without them).
static double ref_disentangled(const bk_attention_desc *d, ptrdiff_t b, ptrdiff_t head, ptrdiff_t i, ptrdiff_t j) {
    if (!d->pos_index) return 0;
    const ptrdiff_t c = d->pos_index[i - j + d->pos_center];
    double total = 0;
    if (d->c2p) total += d->c2p[(d->row_start[b] + i) * d->ld_pos + head * d->pos_width + c];
    if (d->p2c) total += d->p2c[(d->row_start[b] + j) * d->ld_pos + head * d->pos_width + c];
    return total;
}

// Dimension t of x (a query or key of the head) at position p, rotated by RoPE when the call has it (in double).
static double ref_rotated(const bk_attention_desc *d, const float *x, ptrdiff_t p, ptrdiff_t t) {
    if (!d->rope_cos || t >= d->rope_dim) return x[t];
    const ptrdiff_t half = d->rope_dim / 2;
    ptrdiff_t pair, partner;
    int first;
    if (d->rope_interleaved) {
        pair = t / 2, first = t % 2 == 0, partner = first ? t + 1 : t - 1;
    } else {
        first = t < half, pair = first ? t : t - half, partner = first ? t + half : t - half;
    }
    const double c = d->rope_cos[p * half + pair], s = d->rope_sin[p * half + pair];
    return first ? x[t] * c - x[partner] * s : x[t] * c + x[partner] * s;
}

// The (rotated) query i and key j of a head, dotted in double.
static double ref_dot(const bk_attention_desc *d, const float *q, ptrdiff_t i, const float *k, ptrdiff_t j) {
    double s = 0;
    for (ptrdiff_t t = 0; t < d->head_dim; t++) s += ref_rotated(d, q, i, t) * ref_rotated(d, k, j, t);
    return s;
}

// Whether query i attends key j: every key, or those within the sliding window.
static int ref_sees(const bk_attention_desc *d, ptrdiff_t i, ptrdiff_t j) {
    return d->window <= 0 || (i - j <= d->window && j - i <= d->window);
}

void bk_ref_attention(const bk_attention_desc *d) {
    const ptrdiff_t h = d->hidden, dh = d->head_dim;
    for (ptrdiff_t b = 0; b < d->count; b++) {
        const ptrdiff_t m = d->rows[b], n = d->lengths[b];
        for (ptrdiff_t head = 0; head < d->heads; head++) {
            for (ptrdiff_t i = 0; i < m; i++) {
                const float *q = d->qkv + (d->row_start[b] + i) * d->ld_qkv + head * dh;
                float *out = d->out + (d->row_start[b] + i) * d->ld_out + head * dh;
                if (n <= 0) {
                    for (ptrdiff_t t = 0; t < dh; t++) out[t] = 0;
                    continue;
                }
                double maximum = -INFINITY;
                for (ptrdiff_t j = 0; j < n; j++) {
                    if (!ref_sees(d, i, j)) continue;
                    const float *k = d->qkv + (d->row_start[b] + j) * d->ld_qkv + h + head * dh;
                    double s = ref_dot(d, q, i, k, j);
                    s = s * d->scale + ref_relative_bias(d, head, i, j) + ref_disentangled(d, b, head, i, j);
                    maximum = s > maximum ? s : maximum;
                }
                double total = 0;
                double acc[dh > 0 ? dh : 1];
                for (ptrdiff_t t = 0; t < dh; t++) acc[t] = 0;
                for (ptrdiff_t j = 0; j < n; j++) {
                    if (!ref_sees(d, i, j)) continue;
                    const float *k = d->qkv + (d->row_start[b] + j) * d->ld_qkv + h + head * dh;
                    const float *v = k + h;
                    const double s = ref_dot(d, q, i, k, j);
                    const double p = exp(s * d->scale + ref_relative_bias(d, head, i, j) + ref_disentangled(d, b, head, i, j) - maximum);
                    total += p;
                    for (ptrdiff_t t = 0; t < dh; t++) acc[t] += p * v[t];
                }
                for (ptrdiff_t t = 0; t < dh; t++) out[t] = total > 0 ? (float)(acc[t] / total) : 0;
            }
        }
    }
}
