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
} bk_gemm_plan;

/// One instruction set's kernels.
typedef struct bk_isa_ops {
    ptrdiff_t mr, nr;
    void (*gemm_task)(const bk_gemm_plan *plan, ptrdiff_t task);
    void (*layernorm_rows)(float *x, ptrdiff_t rows, ptrdiff_t width, const float *gamma, const float *beta, float eps);
    void (*attention_task)(const bk_attention_desc *d, ptrdiff_t task, float *scratch);
} bk_isa_ops;

/// The kernels of `isa`, or NULL where this build has none (AVX on arm64, NEON on x86-64).
const bk_isa_ops *bk_ops(bk_isa isa);

extern const bk_isa_ops bk_ops_portable;
#if defined(__x86_64__)
extern const bk_isa_ops bk_ops_avx2;
extern const bk_isa_ops bk_ops_avx512;
#endif
#if defined(__aarch64__)
extern const bk_isa_ops bk_ops_neon;
#endif

/// Keys per block of the online softmax, and the most query rows any path scores together.
#define BK_KEY_BLOCK 256
#define BK_QUERY_GROUP 8

/// A parallel loop over `count` tasks on the pool (the caller takes part as worker 0).
typedef void (*bk_task_fn)(void *ctx, ptrdiff_t task, int worker);
void bk_pool_run(bk_pool *pool, int workers, ptrdiff_t count, bk_task_fn fn, void *ctx);

#endif
