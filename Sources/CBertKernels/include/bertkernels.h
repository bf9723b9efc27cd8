// BertKit's CPU kernels: packed-weight GEMM with fused epilogues, attention, LayerNorm and a persistent thread pool,
// each with a path per instruction set (AVX-512, AVX2+FMA, NEON, portable) chosen at run time, and a plain scalar
// reference implementation beside it (bk_ref_*) that the conformance tests hold every path to.
#ifndef BERTKERNELS_H
#define BERTKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction sets the kernels are written for.
typedef enum bk_isa {
    /// Plain C with 128-bit vector extensions (SSE2 on x86-64, NEON registers on arm64): runs everywhere.
    BK_ISA_PORTABLE = 0,
    /// x86-64 AVX2 + FMA (Haswell, Zen 1-3 and later).
    BK_ISA_AVX2 = 1,
    /// x86-64 AVX-512 F/BW/VL (Skylake-SP and later, Zen 4 and later).
    BK_ISA_AVX512 = 2,
    /// arm64 Advanced SIMD.
    BK_ISA_NEON = 3,
    /// AVX-512 F/BW/VL plus VNNI (`vpdpbusd`): int8 products four times as wide per instruction as fp32 FMA
    /// (Cascade Lake, Ice Lake, Zen 4 and later). Its fp32 kernels are AVX512's.
    BK_ISA_AVX512_VNNI = 4,
    /// AVX512_VNNI plus AVX512_BF16 (`vdpbf16ps`): bf16 products with fp32 accumulation (Cooper Lake, Sapphire
    /// Rapids, Zen 4 and later).
    BK_ISA_AVX512_BF16 = 5,
    /// AVX2 plus AVX-VNNI (the 256-bit VEX `vpdpbusd`: Alder Lake, Sapphire Rapids, Zen 5 and later): full 8-bit
    /// int8 weights where AVX2 alone takes 7. Its fp32 kernels are AVX2's.
    BK_ISA_AVX_VNNI = 6,
} bk_isa;

/// How many `bk_isa` values there are.
#define BK_ISA_COUNT 7

/// What a kernel call reports. Anything but BK_OK means its outputs were not (fully) written.
typedef enum bk_status {
    BK_OK = 0,
    /// Per-thread scratch could not be had: memory ran out, or the request was over `bk_scratch_limit`.
    BK_ERROR_SCRATCH = 1,
    /// `isa` has no kernels in this build (AVX on arm64, NEON on x86-64).
    BK_ERROR_ISA = 2,
    /// A required pointer was NULL (attention scratch, a bias for a biased epilogue, LayerNorm parameters).
    BK_ERROR_ARGUMENT = 3,
} bk_status;

/// Caps each thread's kernel scratch at `bytes` (0: no cap, the default); a call that needs more fails with
/// BK_ERROR_SCRATCH. The environment variable BERTKIT_SCRATCH_LIMIT (bytes) sets it at the first kernel call.
void bk_set_scratch_limit(size_t bytes);

/// 1 when this CPU (and its operating system, for the register state) can run `isa`'s kernels.
int bk_isa_supported(bk_isa isa);
/// The fastest instruction set this CPU supports.
bk_isa bk_isa_best(void);

/// Columns per packed panel (the micro-kernel's width) for `isa`.
ptrdiff_t bk_panel_width(bk_isa isa);
/// Floats needed for a packed `[n, k]` weight: ceil(n / panel width) panels of `k × width`, zero-padded.
ptrdiff_t bk_packed_floats(bk_isa isa, ptrdiff_t n, ptrdiff_t k);
/// Packs the PyTorch-layout weight `w[n, k]` (row `o` holds output `o`'s `k` inputs) into `out`
/// (`bk_packed_floats` floats, 64-byte aligned for speed): panel `p` holds columns `p·width ..< (p+1)·width`
/// as `k` rows of `width` consecutive floats.
void bk_pack(bk_isa isa, const float *w, ptrdiff_t n, ptrdiff_t k, float *out);

/// The number format a packed weight is stored in. Products always accumulate and finish (epilogue) in fp32.
typedef enum bk_format {
    /// fp32 weights, fp32 products.
    BK_FORMAT_F32 = 0,
    /// bf16 weights (round to nearest even). On AVX512_BF16 the activations are rounded to bf16 too and the
    /// products run on `vdpbf16ps`; elsewhere the weights are widened to fp32 inside the kernel (exact) and
    /// multiplied with fp32 activations: half the weight traffic, fp32 speed.
    BK_FORMAT_BF16 = 1,
    /// fp16 weights (round to nearest even), widened to fp32 inside the kernel (F16C where the set has it);
    /// activations stay fp32.
    BK_FORMAT_F16 = 2,
    /// int8 weights, symmetric per output channel (scale = max|w| / bk_i8_weight_levels(isa)). Each activation row
    /// is quantized when the product starts, asymmetric per row to the unsigned levels 0...255, and the products
    /// accumulate in int32; the zero-point correction and both scales are applied in the fp32 epilogue.
    BK_FORMAT_I8 = 3,
} bk_format;

/// Bytes a packed `[n, k]` weight takes in `format` for `isa` (panels, zero-padded, plus per-channel scales and
/// column sums for int8); 0 when `isa` has no kernels in this build.
ptrdiff_t bk_packed_bytes(bk_isa isa, bk_format format, ptrdiff_t n, ptrdiff_t k);
/// Packs `w[n, k]` into `out` (`bk_packed_bytes` bytes, 64-byte aligned for speed) in `format` for `isa`:
///   F32: as `bk_pack`;  F16: panels of `k` rows of `width` halves;
///   BF16: panels of `ceil(k/2)` rows of `width` pairs (inputs 2p and 2p+1 of a column side by side);
///   I8: panels of `ceil(k/4)` rows of `width` quads, then `n` rounded up to the width of fp32 scales and as many
///   int32 column sums of the quantized weights.
bk_status bk_pack_format(bk_isa isa, bk_format format, const float *w, ptrdiff_t n, ptrdiff_t k, void *out);
/// The largest |quantized weight| of `isa`'s int8 products: 127, or 63 where they use `vpmaddubsw`, whose pairs
/// of u8 × s8 products saturate at 16 bits (2 · 255 · 63 fits; 2 · 255 · 127 does not). Seven-bit weights
/// rather than seven-bit activations: per-token activation ranges are the wider and the more outlier-prone.
int bk_i8_weight_levels(bk_isa isa);
/// 1 when `isa`'s bf16 products round the activations to bf16 (`vdpbf16ps`); 0 when they keep them in fp32.
int bk_bf16_rounds_activations(bk_isa isa);
/// fp32 → bf16 and fp16 bits, round to nearest even (NaN stays NaN, overflow becomes infinity), and back.
unsigned short bk_to_bf16(float x);
unsigned short bk_to_f16(float x);
float bk_from_bf16(unsigned short h);
float bk_from_f16(unsigned short h);

/// What a product does with each output value once its dot product is done (fused into the micro-kernel).
typedef enum bk_epilogue {
    /// `c = a·wᵀ`
    BK_EPILOGUE_NONE = 0,
    /// `c = a·wᵀ + bias`
    BK_EPILOGUE_BIAS = 1,
    /// `c = gelu(a·wᵀ + bias)`, exact (erf) GELU.
    BK_EPILOGUE_BIAS_GELU = 2,
    /// `c = gelu_tanh(a·wᵀ + bias)`, the tanh approximation (`gelu_new`).
    BK_EPILOGUE_BIAS_GELU_TANH = 3,
    /// `c = relu(a·wᵀ + bias)`
    BK_EPILOGUE_BIAS_RELU = 4,
    /// `c = LayerNorm(a·wᵀ + bias + c)` over each full row of `n` values: `c` holds the residual on entry.
    BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM = 5,
    /// `c = tanh(a·wᵀ + bias)`
    BK_EPILOGUE_BIAS_TANH = 6,
    /// `c = (a·wᵀ + bias) · c`: `c` holds the other factor on entry. A gated feed-forward (GeGLU, SwiGLU) is two
    /// products into one buffer: the activated half with its activation's epilogue, then the other half with this.
    BK_EPILOGUE_BIAS_MULTIPLY = 7,
    /// `c = silu(a·wᵀ + bias)`, `x · sigmoid(x)` (SwiGLU's activation).
    BK_EPILOGUE_BIAS_SILU = 8,
    /// `c = a·wᵀ + bias + c`: `c` holds the residual on entry (pre-LayerNorm layers, ModernBERT's, add the product to
    /// the hidden state and normalize the next block's input apart).
    BK_EPILOGUE_BIAS_RESIDUAL = 9,
} bk_epilogue;

/// One product `c[m, n] = epilogue(a[m, k] · w[n, k]ᵀ)` with `w` packed by `bk_pack_format` (or `bk_pack` for
/// fp32) for the same `isa` and `format`.
typedef struct bk_gemm_desc {
    bk_isa isa;
    ptrdiff_t m, n, k;
    const float *a;
    ptrdiff_t lda;
    const void *packed;
    /// The packed weight's number format (F32 when zero-initialized).
    bk_format format;
    float *c;
    ptrdiff_t ldc;
    bk_epilogue epilogue;
    /// `[n]`; required by every epilogue but NONE.
    const float *bias;
    /// LayerNorm's weight and bias `[n]`, and its epsilon (BIAS_RESIDUAL_LAYERNORM only).
    const float *gamma;
    const float *beta;
    float eps;
    /// `[k]` or NULL; int8 weights only (BK_ERROR_ARGUMENT with another format): each input column of `a` is
    /// multiplied by it before the rows are quantized, `c = epilogue((a·diag(a_scale))·wᵀ)`. Weights packed with their
    /// columns divided by the same factors give `a·wᵀ` with the activations' outlier channels flattened into the
    /// weights (SmoothQuant), which int8's per-row activation levels resolve far better.
    const float *a_scale;
} bk_gemm_desc;

/// A process-wide pool of persistent worker threads (one per available core, the caller included). Workers spin
/// briefly between jobs, then park. A job started while another is running runs on its caller alone.
typedef struct bk_pool bk_pool;
/// The shared pool, created on first use.
bk_pool *bk_pool_shared(void);

/// Runs the product on up to `workers` threads of `pool` (one fork/join): row blocks × column panels, handed out
/// dynamically, so batch 1 still uses every worker.
/// BK_ERROR_SCRATCH when a task could not get its scratch (int8 and bf16-dot products convert their activations
/// first): `c` is then partly written and must not be used.
bk_status bk_gemm(bk_pool *pool, int workers, const bk_gemm_desc *desc);

/// In place over `x[rows, width]`: `x = LayerNorm(x)` (biased variance, as PyTorch), rows split across workers.
bk_status bk_layernorm(bk_pool *pool, int workers, bk_isa isa, float *x, ptrdiff_t rows, ptrdiff_t width,
                       const float *gamma, const float *beta, float eps);

/// Scaled dot-product attention of every (sequence, head) of a batch, read from the fused QKV rows.
typedef struct bk_attention_desc {
    bk_isa isa;
    /// `[rows, 3·hidden]`: a token's query, key and value, each `heads × head_dim` wide.
    const float *qkv;
    ptrdiff_t ld_qkv;
    ptrdiff_t hidden, heads, head_dim;
    /// Usually 1/√head_dim.
    float scale;
    /// `[rows, hidden]`: each head's context in its own `head_dim` columns.
    float *out;
    ptrdiff_t ld_out;
    /// Sequences, and for each: its first row, its rows (queries) and its real tokens (keys; the rest are padding
    /// that no query attends to).
    ptrdiff_t count;
    const ptrdiff_t *row_start;
    const ptrdiff_t *rows;
    const ptrdiff_t *lengths;
    /// Per-worker scratch: `bk_attention_scratch_floats` floats for each of `workers` workers.
    float *scratch;
    /// Optional additive bias by relative position (MPNet's, T5-style buckets expanded per distance):
    /// `[heads][2·rel_span + 1]`; the scaled score of query i and key j (positions within the sequence) gains
    /// `rel_bias[head][clamp(j − i, −rel_span, rel_span) + rel_span]`. NULL (zero-initialized): no bias.
    const float *rel_bias;
    ptrdiff_t rel_span;
    /// Optional disentangled attention (DeBERTa): query i and key j of a sequence, at relative bucket
    /// `c = pos_index[i − j + pos_center]`, gain `c2p[row(i)·ld_pos + head·pos_width + c]` (the query's
    /// content-to-position score) plus `p2c[row(j)·ld_pos + head·pos_width + c]` (the key's position-to-content score),
    /// both already scaled, where row() is the token's row. `pos_index` NULL: none; either table may be NULL.
    const float *c2p;
    const float *p2c;
    ptrdiff_t ld_pos, pos_width;
    const int *pos_index;
    ptrdiff_t pos_center;
    /// Optional rotary position embeddings (RoPE), applied to each query and key as the kernel reads them (the fused
    /// rows are not changed). The token at position p (its row within its sequence) has its first `rope_dim` head
    /// dimensions (even, at most head_dim) rotated in pairs: with half = rope_dim / 2, c = rope_cos[p·half + t] and
    /// s = rope_sin[p·half + t], pair t < half is (x[t], x[t + half]) (rotate_half, the GPT-NeoX layout), or
    /// (x[2t], x[2t + 1]) with `rope_interleaved` (GPT-J), and (a, b) becomes (a·c − b·s, b·c + a·s). The tables have
    /// `rope_positions` rows, which must reach every row of every sequence. `rope_cos` NULL (zero-initialized): none.
    const float *rope_cos;
    const float *rope_sin;
    ptrdiff_t rope_dim;
    ptrdiff_t rope_positions;
    int rope_interleaved;
    /// Optional sliding window (ModernBERT's local layers): query i attends key j only when |i − j| <= window
    /// (positions within the sequence); key blocks out of every query's reach are skipped. 0 (zero-initialized): every
    /// key.
    ptrdiff_t window;
} bk_attention_desc;

/// Scratch floats one worker needs for sequences of at most `max_rows` rows.
ptrdiff_t bk_attention_scratch_floats(ptrdiff_t head_dim, ptrdiff_t max_rows);
/// One task per (sequence, head), on up to `workers` threads: Q·Kᵀ, the masked softmax and ·V kept in cache, keys
/// taken in blocks with an online softmax (flash-style), so memory stays linear in the sequence length.
bk_status bk_attention(bk_pool *pool, int workers, const bk_attention_desc *desc);

/// Scalar references (double accumulation), for tests. `w` is the unpacked fp32 `[n, k]` weight; for the reduced
/// formats the reference rounds or quantizes `w` and the activations exactly as `desc->isa`'s kernels do, then
/// computes in double.
void bk_ref_gemm(const bk_gemm_desc *desc, const float *w);
void bk_ref_layernorm(float *x, ptrdiff_t rows, ptrdiff_t width, const float *gamma, const float *beta, float eps);
void bk_ref_attention(const bk_attention_desc *desc);

#ifdef __cplusplus
}
#endif

#endif
