// The drivers: cut a product, a LayerNorm or an attention call into tasks and run them on the pool, each task on
// the kernels of the instruction set the call names.
#include "internal.h"
#include <stdlib.h>

static void gemm_task(void *ctx, ptrdiff_t task, int worker) {
    (void)worker;
    bk_gemm_plan *plan = ctx;
    const bk_status status = plan->ops->gemm_task(plan, task);
    if (status != BK_OK) atomic_store_explicit(&plan->status, status, memory_order_relaxed);
}

bk_status bk_gemm(bk_pool *pool, int workers, const bk_gemm_desc *d) {
    const bk_isa_ops *ops = bk_ops(d->isa);
    if (!ops) return BK_ERROR_ISA;
    if (d->m <= 0 || d->n <= 0) return BK_OK;
    // An int8 weight of no inputs has no scales or column sums to read (bk_packed_bytes is 0 for it).
    if (d->k <= 0 && d->format == BK_FORMAT_I8) return BK_ERROR_ARGUMENT;
    if (d->a_scale && d->format != BK_FORMAT_I8) return BK_ERROR_ARGUMENT;
    if (d->epilogue != BK_EPILOGUE_NONE && !d->bias) return BK_ERROR_ARGUMENT;
    if (d->epilogue == BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM && (!d->gamma || !d->beta)) return BK_ERROR_ARGUMENT;
    if (workers < 1) workers = 1;
    bk_gemm_plan plan = {.d = d, .ops = ops};
    atomic_init(&plan.status, BK_OK);
    // Row blocks whose A rows (mc × k) stay in L2 while the micro-kernel walks the panels.
    ptrdiff_t mc = (ptrdiff_t)(256 * 1024 / 4) / (d->k > 0 ? d->k : 1) / ops->mr * ops->mr;
    if (mc < ops->mr) mc = ops->mr;
    if (mc > 128) mc = 128 / ops->mr * ops->mr;
    // Rows split evenly into blocks (whole micro-tiles), so no block is a small remainder.
    ptrdiff_t row_blocks = (d->m + mc - 1) / mc;
    // Enough blocks for every worker but few of them: rounded up to a multiple of the workers (7 blocks on 2 workers
    // leave one idle for an eighth of the product: ModernBERT-base's M=512, K=768); slightly smaller blocks only re-read
    // the packed weights a little more. Fewer blocks than two per worker are balanced by splitting the columns below.
    if (workers > 1 && row_blocks >= 2 * (ptrdiff_t)workers && row_blocks < 8 * (ptrdiff_t)workers &&
        row_blocks % workers != 0) {
        row_blocks = (row_blocks / workers + 1) * workers;
    }
    const ptrdiff_t per_block = (d->m + row_blocks - 1) / row_blocks;
    mc = (per_block + ops->mr - 1) / ops->mr * ops->mr;
    plan.mc = mc;
    plan.row_blocks = (d->m + mc - 1) / mc;
    plan.panels = (d->n + ops->nr - 1) / ops->nr;
    // Two tasks per worker at least (dynamic hand-out absorbs a late start); the columns are split only when the
    // rows alone do not give that, into chunks of nearly equal panel counts.
    ptrdiff_t chunks = 1;
    const ptrdiff_t wanted = workers > 1 ? 2 * (ptrdiff_t)workers : 1;
    if (plan.row_blocks < wanted) chunks = (wanted + plan.row_blocks - 1) / plan.row_blocks;
    if (chunks > plan.panels) chunks = plan.panels;
    plan.col_chunks = chunks;
    _Atomic ptrdiff_t local[64];
    _Atomic ptrdiff_t *pending = 0;
    if (d->epilogue == BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM && plan.col_chunks > 1) {
        pending = plan.row_blocks <= 64 ? local : malloc((size_t)plan.row_blocks * sizeof *pending);
        if (!pending) {  // out of memory for the counters: whole rows per task instead
            plan.col_chunks = 1;
        } else {
            for (ptrdiff_t i = 0; i < plan.row_blocks; i++) atomic_init(&pending[i], plan.col_chunks);
        }
    }
    plan.pending = pending;
    bk_pool_run(pool, workers, plan.row_blocks * plan.col_chunks, gemm_task, &plan);
    if (pending && pending != local) free(pending);
    return (bk_status)atomic_load_explicit(&plan.status, memory_order_relaxed);
}

typedef struct {
    const bk_isa_ops *ops;
    float *x;
    ptrdiff_t rows, width, chunk;
    const float *gamma, *beta;
    float eps;
} layernorm_job;

static void layernorm_task(void *ctx, ptrdiff_t task, int worker) {
    (void)worker;
    const layernorm_job *j = ctx;
    const ptrdiff_t start = task * j->chunk;
    const ptrdiff_t rows = j->rows - start < j->chunk ? j->rows - start : j->chunk;
    j->ops->layernorm_rows(j->x + start * j->width, rows, j->width, j->gamma, j->beta, j->eps);
}

bk_status bk_layernorm(bk_pool *pool, int workers, bk_isa isa, float *x, ptrdiff_t rows, ptrdiff_t width,
                       const float *gamma, const float *beta, float eps) {
    const bk_isa_ops *ops = bk_ops(isa);
    if (!ops) return BK_ERROR_ISA;
    if (rows <= 0 || width <= 0) return BK_OK;
    if (!x || !gamma || !beta) return BK_ERROR_ARGUMENT;
    ptrdiff_t chunk = 16;
    if (workers > 1 && rows < 16 * (ptrdiff_t)workers) chunk = (rows + workers - 1) / workers;
    layernorm_job job = {ops, x, rows, width, chunk, gamma, beta, eps};
    bk_pool_run(pool, workers, (rows + chunk - 1) / chunk, layernorm_task, &job);
    return BK_OK;
}

typedef struct {
    const bk_attention_desc *d;
    const bk_isa_ops *ops;
    ptrdiff_t stride;
} attention_job;

static void attention_task(void *ctx, ptrdiff_t task, int worker) {
    const attention_job *j = ctx;
    j->ops->attention_task(j->d, task, j->d->scratch + (ptrdiff_t)worker * j->stride);
}

ptrdiff_t bk_attention_scratch_floats(ptrdiff_t head_dim, ptrdiff_t max_rows) {
    // Keys of one block transposed (head_dim × block), its values side by side (block × head_dim), scores of a query
    // group (group × block), running maxima and sums per query row, and the queries rotated by RoPE
    // (rows × head_dim): linear in the length.
    const ptrdiff_t rows = max_rows > 0 ? max_rows : 1;
    return 2 * head_dim * BK_KEY_BLOCK + BK_QUERY_GROUP * BK_KEY_BLOCK + 2 * rows + rows * head_dim;
}

bk_status bk_attention(bk_pool *pool, int workers, const bk_attention_desc *d) {
    const bk_isa_ops *ops = bk_ops(d->isa);
    if (!ops) return BK_ERROR_ISA;
    if (d->count <= 0 || d->heads <= 0) return BK_OK;
    if (!d->scratch || !d->qkv || !d->out) return BK_ERROR_ARGUMENT;
    if (d->rel_bias && d->rel_span < 0) return BK_ERROR_ARGUMENT;
    ptrdiff_t longest = 0;
    for (ptrdiff_t b = 0; b < d->count; b++) longest = d->rows[b] > longest ? d->rows[b] : longest;
    // DeBERTa's bucket table must reach every distance between a query row and a key of its sequence.
    if (d->pos_index && d->pos_center < longest - 1) return BK_ERROR_ARGUMENT;
    // RoPE's tables must reach every row, and rotate whole pairs within the head.
    if (d->rope_cos && (!d->rope_sin || d->rope_positions < longest || d->rope_dim <= 0 || d->rope_dim % 2 != 0
                        || d->rope_dim > d->head_dim))
        return BK_ERROR_ARGUMENT;
    attention_job job = {d, ops, bk_attention_scratch_floats(d->head_dim, longest)};
    bk_pool_run(pool, workers, d->count * d->heads, attention_task, &job);
    return BK_OK;
}
