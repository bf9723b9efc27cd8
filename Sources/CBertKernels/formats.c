// The reduced number formats: bf16/fp16 conversions, int8 quantization rules, and packing weights in each format.
#include "internal.h"
#include <string.h>

static unsigned int bits_of(float x) {
    unsigned int b;
    memcpy(&b, &x, 4);
    return b;
}

static float float_of(unsigned int b) {
    float x;
    memcpy(&x, &b, 4);
    return x;
}

unsigned short bk_to_bf16(float x) {
    const unsigned int b = bits_of(x);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((b >> 16) | 0x40);  // NaN stays a quiet NaN
    return (unsigned short)((b + 0x7fffu + ((b >> 16) & 1)) >> 16);
}

float bk_from_bf16(unsigned short h) { return float_of((unsigned int)h << 16); }

unsigned short bk_to_f16(float x) {
    const unsigned int all = bits_of(x);
    const unsigned short sign = (unsigned short)((all >> 16) & 0x8000);
    const unsigned int b = all & 0x7fffffffu;
    if (b > 0x7f800000u) return sign | 0x7e00;                     // NaN
    if (b >= 0x477ff000u) return sign | 0x7c00;                    // at least 65520: infinity
    if (b < 0x38800000u) {                                          // below 2^-14: a subnormal half (or zero)
        return sign | (unsigned short)__builtin_roundevenf(float_of(b) * 16777216.0f);
    }
    const unsigned int rounded = b + 0xfffu + ((b >> 13) & 1);
    return sign | (unsigned short)((rounded - (112u << 23)) >> 13);
}

float bk_from_f16(unsigned short h) {
    const unsigned int sign = (unsigned int)(h & 0x8000) << 16;
    const unsigned int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    if (exponent == 0) {
        const float magnitude = (float)mantissa / 16777216.0f;  // mantissa · 2^-24, exact
        return float_of(bits_of(magnitude) | sign);
    }
    if (exponent == 31) return float_of(sign | 0x7f800000u | (mantissa << 13));
    return float_of(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

float bk_i8_quantize_weights(const float *w, ptrdiff_t k, int levels, signed char *q) {
    float largest = 0;
    for (ptrdiff_t i = 0; i < k; i++) {
        const float a = w[i] < 0 ? -w[i] : w[i];
        largest = a > largest ? a : largest;
    }
    const float top = (float)levels;
    const float scale = largest > 0 && largest <= 3.0e38f ? largest / top : 1.0f;
    for (ptrdiff_t i = 0; i < k; i++) {
        float v = __builtin_roundevenf(w[i] / scale);
        v = v < -top ? -top : v > top ? top : v;
        q[i] = (signed char)v;
    }
    return scale;
}

void bk_i8_row_params(float lo, float hi, int levels, float *scale, float *inverse, int *zero_point) {
    if (!(lo < 0)) lo = 0;
    if (!(hi > 0)) hi = 0;
    float s = (hi - lo) / (float)levels;
    if (!(s > 0) || s > 3.0e38f) s = 1;  // a row of zeros (or non-finite values): any scale will do
    const float inv = 1.0f / s;
    float z = __builtin_roundevenf(-lo * inv);
    z = z < 0 ? 0 : z > (float)levels ? (float)levels : z;
    *scale = s;
    *inverse = inv;
    *zero_point = (int)z;
}

int bk_i8_weight_levels(bk_isa isa) {
    const bk_isa_ops *ops = bk_ops(isa);
    return ops ? ops->i8_weight_levels : 0;
}

int bk_bf16_rounds_activations(bk_isa isa) {
    const bk_isa_ops *ops = bk_ops(isa);
    return ops ? ops->bf16_dot : 0;
}

ptrdiff_t bk_packed_bytes(bk_isa isa, bk_format format, ptrdiff_t n, ptrdiff_t k) {
    const ptrdiff_t nr = bk_panel_width(isa);
    if (nr <= 0 || n <= 0 || k <= 0) return 0;
    const ptrdiff_t npad = (n + nr - 1) / nr * nr;
    switch (format) {
    case BK_FORMAT_F32: return npad * k * 4;
    case BK_FORMAT_F16: return npad * k * 2;
    case BK_FORMAT_BF16: return npad * ((k + 1) / 2) * 4;
    case BK_FORMAT_I8: return bk_i8_layout_of(nr, n, k).bytes;
    }
    return 0;
}

// 16-bit panels, zero past the edges: rows_per_group 1 gives panel rows of nr halves (fp16), 2 panel rows of nr
// pairs of consecutive inputs (bf16).
static void pack_halves(const float *w, ptrdiff_t n, ptrdiff_t k, ptrdiff_t nr, ptrdiff_t rows_per_group,
                        unsigned short (*convert)(float), unsigned short *out) {
    const ptrdiff_t panels = (n + nr - 1) / nr, groups = (k + rows_per_group - 1) / rows_per_group;
    for (ptrdiff_t p = 0; p < panels; p++) {
        unsigned short *panel = out + p * groups * nr * rows_per_group;
        for (ptrdiff_t g = 0; g < groups; g++) {
            for (ptrdiff_t j = 0; j < nr; j++) {
                const ptrdiff_t o = p * nr + j;
                for (ptrdiff_t e = 0; e < rows_per_group; e++) {
                    const ptrdiff_t i = g * rows_per_group + e;
                    panel[(g * nr + j) * rows_per_group + e] = o < n && i < k ? convert(w[o * k + i]) : 0;
                }
            }
        }
    }
}

static void pack_i8(const float *w, ptrdiff_t n, ptrdiff_t k, ptrdiff_t nr, int levels, unsigned char *out,
                    signed char *row) {
    const bk_i8_layout l = bk_i8_layout_of(nr, n, k);
    float *scales = (float *)(out + l.scales);
    int *colsums = (int *)(out + l.colsums);
    memset(out, 0, (size_t)l.bytes);
    for (ptrdiff_t o = 0; o < n; o++) {
        scales[o] = bk_i8_quantize_weights(w + o * k, k, levels, row);
        const ptrdiff_t p = o / nr, j = o % nr;
        signed char *panel = (signed char *)out + p * l.quads * nr * 4;
        int sum = 0;
        for (ptrdiff_t i = 0; i < k; i++) {
            panel[((i / 4) * nr + j) * 4 + i % 4] = row[i];
            sum += row[i];
        }
        colsums[o] = sum;
    }
    for (ptrdiff_t o = n; o < l.npad; o++) scales[o] = 1;
}

bk_status bk_pack_format(bk_isa isa, bk_format format, const float *w, ptrdiff_t n, ptrdiff_t k, void *out) {
    const ptrdiff_t nr = bk_panel_width(isa);
    if (nr <= 0) return BK_ERROR_ISA;
    if (n <= 0 || k <= 0) return BK_OK;
    switch (format) {
    case BK_FORMAT_F32: bk_pack(isa, w, n, k, out); break;
    case BK_FORMAT_F16: pack_halves(w, n, k, nr, 1, bk_to_f16, out); break;
    case BK_FORMAT_BF16: pack_halves(w, n, k, nr, 2, bk_to_bf16, out); break;
    case BK_FORMAT_I8: {
        signed char *row = bk_thread_scratch((size_t)k);
        if (!row) return BK_ERROR_SCRATCH;
        pack_i8(w, n, k, nr, bk_i8_weight_levels(isa), out, row);
        break;
    }
    }
    return BK_OK;
}
