import BertModelIO
import CBertKernels

/// `BertSelfAttention` + `BertSelfOutput`: Q, K and V in one product, scaled dot-product attention per sequence and
/// head on the sequence's own length, then the output projection with bias + residual + LayerNorm fused into it.
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L296
struct BertSelfAttention: Sendable {
    /// Q, K, V stacked: `[3 · hidden, hidden]`.
    let qkv: Linear
    let output: Linear
    let layerNorm: LayerNorm
    let heads: Int
    let headDim: Int
    let hidden: Int

    /// Reads the projections named `query`, `key`, `value` and `output`, then the LayerNorm `layerNorm` (checkpoint
    /// names without `.weight`), in checkpoint order, so the first missing tensor is the one named.
    init(
        _ store: WeightStore, query: String, key: String, value: String, output: String, layerNorm: String,
        eps: Float, hidden: Int, heads: Int, packing: WeightPacking
    ) throws {
        qkv = try Linear(store, stacking: [query, key, value], in: hidden, outs: [hidden, hidden, hidden], packing: packing)
        self.output = try Linear(store, output, in: hidden, out: hidden, packing: packing)
        self.layerNorm = try LayerNorm(store, layerNorm, width: hidden, eps: eps)
        self.heads = heads
        self.hidden = hidden
        headDim = hidden / heads
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`: three fork/joins (QKV, attention,
    /// output projection with its LayerNorm). `relativeBias` (MPNet) is added to the scores inside the kernel.
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, relativeBias: RelativeBiasTable?, _ ctx: KernelContext) throws {
        let rows = layout.totalRows
        let x = ws.hidden.pointer
        try qkv(x, rows: rows, into: ws.qkv.pointer, .bias, ctx)
        let status = layout.rowStart.withUnsafeBufferPointer { starts in
            layout.rows.withUnsafeBufferPointer { counts in
                layout.lengths.withUnsafeBufferPointer { lengths in
                    var desc = bk_attention_desc()
                    desc.isa = ctx.isa.c
                    desc.qkv = UnsafePointer(ws.qkv.pointer)
                    desc.ld_qkv = 3 * hidden
                    desc.hidden = hidden
                    desc.heads = heads
                    desc.head_dim = headDim
                    desc.scale = 1 / Float(headDim).squareRoot()
                    desc.out = ws.context.pointer
                    desc.ld_out = hidden
                    desc.count = layout.count
                    desc.row_start = starts.baseAddress
                    desc.rows = counts.baseAddress
                    desc.lengths = lengths.baseAddress
                    desc.scratch = ws.attentionScratch.pointer
                    if let relativeBias {
                        desc.rel_bias = relativeBias.table.pointer
                        desc.rel_span = relativeBias.span
                    }
                    return withExtendedLifetime(relativeBias) { bk_attention(ctx.pool, Int32(ctx.workers), &desc) }
                }
            }
        }
        try status.check("the attention of \(qkv.name)")
        try output(ws.context.pointer, rows: rows, into: x, .residualLayerNorm(layerNorm), ctx)
    }
}
