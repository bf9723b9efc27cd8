// What the instruction-set files share with the drivers: the plan of one product and each path's entry points.
#ifndef BERTKERNELS_INTERNAL_H
#define BERTKERNELS_INTERNAL_H

#include "bertkernels.h"
#include <stdatomic.h>

/// How one product is cut into tasks: task t covers row block t / col_chunks (mc rows) and column chunk
/// c = t % col_chunks, panels [c·panels / col_chunks, (c + 1)·panels / col_chunks).
typedef struct bk_gemm_plan {
    const bk_gemm_desc *d;
    const struct bk_isa_ops *ops;
    ptrdiff_t mc, panels, row_blocks, col_chunks;
    /// Column chunks still running per row block, when a LayerNorm epilogue needs whole rows and a row block is
    /// split across chunks: the task that finishes a row block's last chunk normalizes its rows. NULL otherwise.
    _Atomic ptrdiff_t *pending;
    /// BK_OK, or the first failure a task reported.
    _Atomic int status;
} bk_gemm_plan;

/// One instruction set's kernels.
typedef struct bk_isa_ops {
    ptrdiff_t mr, nr;
    /// The largest |quantized weight| (127, or 63 where `vpmaddubsw` would saturate), and whether bf16 products
    /// round the activations to bf16 (`vdpbf16ps`).
    int i8_weight_levels, bf16_dot;
    /// One task of a product, in any `bk_format`: BK_OK, or BK_ERROR_SCRATCH when its scratch could not be had.
    bk_status (*gemm_task)(const bk_gemm_plan *plan, ptrdiff_t task);
    void (*layernorm_rows)(float *x, ptrdiff_t rows, ptrdiff_t width, const float *gamma, const float *beta, float eps);
    void (*attention_task)(const bk_attention_desc *d, ptrdiff_t task, float *scratch);
} bk_isa_ops;

/// The kernels of `isa`, or NULL where this build has none (AVX on arm64, NEON on x86-64).
const bk_isa_ops *bk_ops(bk_isa isa);

extern const bk_isa_ops bk_ops_portable;
#if defined(__x86_64__)
extern const bk_isa_ops bk_ops_avx2;
extern const bk_isa_ops bk_ops_avx_vnni;
extern const bk_isa_ops bk_ops_avx512;
extern const bk_isa_ops bk_ops_avx512_vnni;
extern const bk_isa_ops bk_ops_avx512_bf16;
#endif
#if defined(__aarch64__)
extern const bk_isa_ops bk_ops_neon;
#endif

/// Keys per block of the online softmax, and the most query rows any path scores together.
#define BK_KEY_BLOCK 256
#define BK_QUERY_GROUP 8

/// Byte offsets inside an int8 packed weight: the panels, then `npad` fp32 scales, then `npad` int32 column sums.
typedef struct bk_i8_layout {
    ptrdiff_t quads, npad, scales, colsums, bytes;
} bk_i8_layout;
static inline bk_i8_layout bk_i8_layout_of(ptrdiff_t nr, ptrdiff_t n, ptrdiff_t k) {
    bk_i8_layout l;
    l.quads = (k + 3) / 4;
    l.npad = (n + nr - 1) / nr * nr;
    l.scales = l.npad * l.quads * 4;
    l.colsums = l.scales + l.npad * 4;
    l.bytes = l.colsums + l.npad * 4;
    return l;
}

/// Activations take the unsigned levels 0...255.
#define BK_I8_ACTIVATION_LEVELS 255

/// The symmetric per-channel quantization of one weight row: returns its scale (max|w| / levels, 1 for a zero row)
/// and writes `q[k]` = round-to-even(w / scale), in [-levels, levels]. Shared by the packer and the reference.
float bk_i8_quantize_weights(const float *w, ptrdiff_t k, int levels, signed char *q);
/// The per-row activation quantization every int8 path uses, in scalar form (the kernels vectorize the same
/// float operations, so both give identical levels): range [min(0, min x), max(0, max x)] over `levels` steps.
void bk_i8_row_params(float lo, float hi, int levels, float *scale, float *inverse, int *zero_point);
static inline int bk_i8_level(float x, float inverse, int zero_point, int levels) {
    float q = __builtin_roundevenf(x * inverse) + (float)zero_point;
    q = q < 0 ? 0 : q > (float)levels ? (float)levels : q;
    return (int)q;
}

/// Per-thread scratch of at least `bytes` bytes, 64-byte aligned: kept and grown as needed, freed when the thread
/// exits. NULL when memory runs out or `bytes` is over the limit (`bk_set_scratch_limit`).
void *bk_thread_scratch(size_t bytes);

/// A parallel loop over `count` tasks on the pool (the caller takes part as worker 0).
typedef void (*bk_task_fn)(void *ctx, ptrdiff_t task, int worker);
void bk_pool_run(bk_pool *pool, int workers, ptrdiff_t count, bk_task_fn fn, void *ctx);

#endif
