// The reduced-precision micro-tiles (fp16 and bf16 weights, int8 weights and activations), included by
// kernels_template.h for each instruction set. Besides the template's macros, an instruction-set file may define:
//   HAS_F16C     widen fp16 with the F16C instruction (else with integer bit operations)
//   BF16_DOT     bf16 products on vdpbf16ps (AVX512_BF16, VL 16), activations rounded to bf16
//   I8_VNNI      int8 products on vpdpbusd (AVX512_VNNI at VL 16, AVX-VNNI's VEX form at VL 8)
//   I8_MADDUBS   int8 products on vpmaddubsw + vpmaddwd (AVX2 or AVX-512BW); weights then take 7 bits
//   I8_WEIGHT_LEVELS  the largest |quantized weight| (127, or 63 with I8_MADDUBS: 2 · 255 · 63 fits in 16 bits)
// Without an int8 instruction the product of four bytes is written in plain vector code (VL 4 only).
// Every tile finishes through finish_row, so the epilogues are the fp32 path's.

typedef unsigned int vu __attribute__((vector_size(VL * 4)));
typedef unsigned short vh16 __attribute__((vector_size(VL * 2)));
typedef unsigned char vu8 __attribute__((vector_size(VL)));

KFN vi loadi(const void *p) { vi v; __builtin_memcpy(&v, p, sizeof v); return v; }
KFN vi splati(int s) {
    vi v;
    for (int i = 0; i < VL; i++) v[i] = s;
    return v;
}

// ---- fp16 weights ---------------------------------------------------------------------------------------------

KFN vf load_f16(const unsigned short *p) {
#if defined(HAS_F16C)
    typedef _Float16 vhalf __attribute__((vector_size(VL * 2)));
    vhalf h;
    __builtin_memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, vf);
#else
    // Exponent rebased by 112; infinities and NaNs get the rest of the float range; subnormals (and zero) are
    // renormalized by adding 2^-14 in the exponent and subtracting it as a float.
    vh16 raw;
    __builtin_memcpy(&raw, p, sizeof raw);
    const vi h = __builtin_convertvector(raw, vi);
    vi o = (h & 0x7fff) << 13;
    const vi e = o & (0x7c00 << 13);
    o += (127 - 15) << 23;
    o += (e == (0x7c00 << 13)) & ((128 - 16) << 23);
    const vi zero = e == 0;
    const vi sub = (vi)((vf)(o + (1 << 23)) - 6.103515625e-05f);
    o = (o & ~zero) | (sub & zero);
    return (vf)(o | ((h & 0x8000) << 16));
#endif
}

KFN void gemm_tile_f16(const ptrdiff_t mr, const bk_gemm_desc *d, ptrdiff_t row, ptrdiff_t panel) {
    const ptrdiff_t k = d->k, lda = d->lda;
    const float *a = d->a + row * lda;
    const unsigned short *b = (const unsigned short *)d->packed + panel * k * NR;
    vf acc[MR][NV];
    for (ptrdiff_t i = 0; i < mr; i++)
        for (int j = 0; j < NV; j++) acc[i][j] = (vf){0};
    for (ptrdiff_t p = 0; p < k; p++) {
        vf bv[NV];
        for (int j = 0; j < NV; j++) bv[j] = load_f16(b + p * NR + j * VL);
        for (ptrdiff_t i = 0; i < mr; i++) {
            const vf av = splat(a[i * lda + p]);
            for (int j = 0; j < NV; j++) acc[i][j] += av * bv[j];
        }
    }
    for (ptrdiff_t i = 0; i < mr; i++) finish_row(d, row + i, panel * NR, valid_columns(d, panel), acc[i]);
}

// ---- bf16 weights ---------------------------------------------------------------------------------------------

// Each 32-bit lane of a panel row holds one column's inputs 2p (low half) and 2p + 1 (high half); a bf16 is the
// top half of an fp32, so widening is a shift or a mask.
KFN void gemm_tile_bf16(const ptrdiff_t mr, const bk_gemm_desc *d, ptrdiff_t row, ptrdiff_t panel) {
    const ptrdiff_t k = d->k, lda = d->lda, pairs = (k + 1) / 2, whole = k / 2;
    const float *a = d->a + row * lda;
    const int *b = (const int *)d->packed + panel * pairs * NR;
    vf acc[MR][NV];
    for (ptrdiff_t i = 0; i < mr; i++)
        for (int j = 0; j < NV; j++) acc[i][j] = (vf){0};
    for (ptrdiff_t p = 0; p < pairs; p++) {
        vf even[NV], odd[NV];
        for (int j = 0; j < NV; j++) {
            const vi lane = loadi(b + p * NR + j * VL);
            even[j] = (vf)(lane << 16);
            odd[j] = (vf)(lane & (int)0xffff0000u);
        }
        for (ptrdiff_t i = 0; i < mr; i++) {
            const vf a0 = splat(a[i * lda + 2 * p]);
            for (int j = 0; j < NV; j++) acc[i][j] += a0 * even[j];
            if (p < whole) {  // an odd k has no input 2p + 1 in its last pair
                const vf a1 = splat(a[i * lda + 2 * p + 1]);
                for (int j = 0; j < NV; j++) acc[i][j] += a1 * odd[j];
            }
        }
    }
    for (ptrdiff_t i = 0; i < mr; i++) finish_row(d, row + i, panel * NR, valid_columns(d, panel), acc[i]);
}

#if defined(BF16_DOT)
// Rows [row0, row1) of A rounded to bf16 (to nearest even, as bk_to_bf16), `ld` halves per row, zero-padded.
KFN void round_rows_bf16(const bk_gemm_desc *d, ptrdiff_t row0, ptrdiff_t row1, unsigned short *out, ptrdiff_t ld) {
    const ptrdiff_t k = d->k, body = k - k % VL;
    for (ptrdiff_t r = row0; r < row1; r++) {
        const float *x = d->a + r * d->lda;
        unsigned short *o = out + (r - row0) * ld;
        for (ptrdiff_t i = 0; i < body; i += VL) {
            const vu bits = (vu)load(x + i);
            const vh16 h = __builtin_convertvector((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16, vh16);
            __builtin_memcpy(o + i, &h, sizeof h);
        }
        for (ptrdiff_t i = body; i < k; i++) o[i] = bk_to_bf16(x[i]);
        for (ptrdiff_t i = k; i < ld; i++) o[i] = 0;
    }
}

KFN void gemm_tile_bf16_dot(const ptrdiff_t mr, const bk_gemm_desc *d, const unsigned short *pa, ptrdiff_t ld,
                            ptrdiff_t row, ptrdiff_t panel) {
    const ptrdiff_t pairs = ld / 2;
    const int *b = (const int *)d->packed + panel * pairs * NR;
    vf acc[MR][NV];
    for (ptrdiff_t i = 0; i < mr; i++)
        for (int j = 0; j < NV; j++) acc[i][j] = (vf){0};
    for (ptrdiff_t p = 0; p < pairs; p++) {
        vi bv[NV];
        for (int j = 0; j < NV; j++) bv[j] = loadi(b + p * NR + j * VL);
        for (ptrdiff_t i = 0; i < mr; i++) {
            int pair;
            __builtin_memcpy(&pair, pa + i * ld + 2 * p, 4);
            const vi av = splati(pair);
            for (int j = 0; j < NV; j++)
                acc[i][j] = (vf)_mm512_dpbf16_ps((__m512)acc[i][j], (__m512bh)av, (__m512bh)bv[j]);
        }
    }
    for (ptrdiff_t i = 0; i < mr; i++) finish_row(d, row + i, panel * NR, valid_columns(d, panel), acc[i]);
}
#endif

// ---- int8 -----------------------------------------------------------------------------------------------------

// Rows [row0, row1) of A quantized per row (bk_i8_row_params, bk_i8_level), with each row's scale and zero point,
// laid out for the micro-kernel: per tile of MR rows, per quad of inputs, the MR rows' four levels side by side
// (so a tile's broadcasts walk one pointer), zero-padded to whole quads.
// With `a_scale`, each row is first scaled into `smoothed` (k floats).
KFN void quantize_rows(const bk_gemm_desc *d, ptrdiff_t row0, ptrdiff_t row1, unsigned char *out, ptrdiff_t quads,
                       float *scales, int *zero_points, float *smoothed) {
    const ptrdiff_t k = d->k, body = k - k % VL;
    unsigned char line[VL];
    for (ptrdiff_t r = row0; r < row1; r++) {
        const float *x = d->a + r * d->lda;
        if (d->a_scale) {
            for (ptrdiff_t i = 0; i < body; i += VL) store(smoothed + i, load(x + i) * load(d->a_scale + i));
            for (ptrdiff_t i = body; i < k; i++) smoothed[i] = x[i] * d->a_scale[i];
            x = smoothed;
        }
        const ptrdiff_t rr = r - row0;
        unsigned char *o = out + (rr / MR) * quads * MR * 4 + (rr % MR) * 4;  // quad p of this row at o + p·MR·4
        vf lo = splat(0), hi = splat(0);
        for (ptrdiff_t i = 0; i < body; i += VL) {
            const vf v = load(x + i);
            lo = vmin(lo, v);
            hi = vmax(hi, v);
        }
        float low = -hmax(-lo), high = hmax(hi);
        for (ptrdiff_t i = body; i < k; i++) {
            low = x[i] < low ? x[i] : low;
            high = x[i] > high ? x[i] : high;
        }
        float scale, inverse;
        int zp;
        bk_i8_row_params(low, high, BK_I8_ACTIVATION_LEVELS, &scale, &inverse, &zp);
        for (ptrdiff_t i = 0; i < body; i += VL) {
            vf q = __builtin_elementwise_roundeven(load(x + i) * inverse) + (float)zp;
            q = vmin(vmax(q, splat(0)), splat((float)BK_I8_ACTIVATION_LEVELS));
            const vu8 levels = __builtin_convertvector(__builtin_convertvector(q, vi), vu8);
            __builtin_memcpy(line, &levels, sizeof levels);
            for (int g = 0; g < VL / 4; g++) __builtin_memcpy(o + (i / 4 + g) * MR * 4, line + 4 * g, 4);
        }
        for (ptrdiff_t i = body; i < quads * 4; i++)
            o[(i / 4) * MR * 4 + i % 4] = i < k ? (unsigned char)bk_i8_level(x[i], inverse, zp, BK_I8_ACTIVATION_LEVELS) : 0;
        scales[r - row0] = scale;
        zero_points[r - row0] = zp;
    }
}

// acc + the sums of four u8 × s8 products per 32-bit lane (a's bytes unsigned, b's signed).
KFN vi dot4(vi acc, vi a, vi b) {
#if defined(I8_VNNI) && VL == 16
    return (vi)_mm512_dpbusd_epi32((__m512i)acc, (__m512i)a, (__m512i)b);
#elif defined(I8_VNNI) && VL == 8
    return (vi)_mm256_dpbusd_avx_epi32((__m256i)acc, (__m256i)a, (__m256i)b);
#elif defined(I8_MADDUBS) && VL == 16
    return acc + (vi)_mm512_madd_epi16(_mm512_maddubs_epi16((__m512i)a, (__m512i)b), _mm512_set1_epi16(1));
#elif defined(I8_MADDUBS) && VL == 8
    return acc + (vi)_mm256_madd_epi16(_mm256_maddubs_epi16((__m256i)a, (__m256i)b), _mm256_set1_epi16(1));
#elif VL == 4
    typedef unsigned char u8x16 __attribute__((vector_size(16)));
    typedef signed char s8x16 __attribute__((vector_size(16)));
    typedef int i32x16 __attribute__((vector_size(64)));
    const i32x16 p = __builtin_convertvector((u8x16)a, i32x16) * __builtin_convertvector((s8x16)b, i32x16);
    return acc + __builtin_shufflevector(p, p, 0, 4, 8, 12) + __builtin_shufflevector(p, p, 1, 5, 9, 13) +
           __builtin_shufflevector(p, p, 2, 6, 10, 14) + __builtin_shufflevector(p, p, 3, 7, 11, 15);
#else
#error "no int8 product for this vector length"
#endif
}

#if defined(I8_VNNI)
// Quads [0, done) of a tile of `mr` ≤ 2 rows with `SETS` sets of accumulators taking the quads in turn, added into
// `acc`: one row leaves each accumulator a chain of dependent vpdpbusd (5 cycles apiece), which starves the unit; the
// sets run side by side. Returns how many quads it did (a multiple of SETS); the caller does the rest.
KFN ptrdiff_t gemm_quads_i8_interleaved(const int SETS, const ptrdiff_t mr, const ptrdiff_t quads, const int *qa,
                                        const int *b, vi acc[MR][NV]) {
    vi part[4][2][NV];
    for (int s = 0; s < SETS; s++)
        for (ptrdiff_t i = 0; i < mr; i++)
            for (int j = 0; j < NV; j++) part[s][i][j] = (vi){0};
    ptrdiff_t p = 0;
    for (; p + SETS <= quads; p += SETS) {
        for (int s = 0; s < SETS; s++) {
            vi bv[NV];
            for (int j = 0; j < NV; j++) bv[j] = loadi(b + (p + s) * NR + j * VL);
            for (ptrdiff_t i = 0; i < mr; i++) {
                const vi av = splati(qa[(p + s) * MR + i]);
                for (int j = 0; j < NV; j++) part[s][i][j] = dot4(part[s][i][j], av, bv[j]);
            }
        }
    }
    for (int s = 0; s < SETS; s++)
        for (ptrdiff_t i = 0; i < mr; i++)
            for (int j = 0; j < NV; j++) acc[i][j] += part[s][i][j];
    return p;
}
#endif

// `qa`: the tile's quantized rows (quad p of row i at qa[p·MR + i]), `sa`/`za` their scales and zero points.
KFN void gemm_tile_i8(const ptrdiff_t mr, const bk_gemm_desc *d, const int *qa, const float *sa, const int *za,
                      ptrdiff_t row, ptrdiff_t panel) {
    const bk_i8_layout l = bk_i8_layout_of(NR, d->n, d->k);
    const unsigned char *base = d->packed;
    const int *b = (const int *)base + panel * l.quads * NR;
    vi acc[MR][NV];
    for (ptrdiff_t i = 0; i < mr; i++)
        for (int j = 0; j < NV; j++) acc[i][j] = (vi){0};
    ptrdiff_t first = 0;
#if defined(I8_VNNI)
    if (mr == 1) first = gemm_quads_i8_interleaved(4, 1, l.quads, qa, b, acc);
    else if (mr == 2) first = gemm_quads_i8_interleaved(2, 2, l.quads, qa, b, acc);
#endif
    for (ptrdiff_t p = first; p < l.quads; p++) {
        vi bv[NV];
        for (int j = 0; j < NV; j++) bv[j] = loadi(b + p * NR + j * VL);
        for (ptrdiff_t i = 0; i < mr; i++) {
            const vi av = splati(qa[p * MR + i]);
            for (int j = 0; j < NV; j++) acc[i][j] = dot4(acc[i][j], av, bv[j]);
        }
    }
    // Dequantize: x·w ≈ sa · sw · (Σ qa·qw − za · Σ qw), the correction in exact integers.
    const ptrdiff_t col = panel * NR;
    const float *weight_scales = (const float *)(base + l.scales) + col;
    const int *column_sums = (const int *)(base + l.colsums) + col;
    for (ptrdiff_t i = 0; i < mr; i++) {
        vf v[NV];
        for (int j = 0; j < NV; j++) {
            const vi exact = acc[i][j] - za[i] * loadi(column_sums + j * VL);
            v[j] = __builtin_convertvector(exact, vf) * (sa[i] * load(weight_scales + j * VL));
        }
        finish_row(d, row + i, col, valid_columns(d, panel), v);
    }
}
