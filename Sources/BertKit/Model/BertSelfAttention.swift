import BertModelIO
import CBertKernels

/// `BertSelfAttention` + `BertSelfOutput`: Q, K and V in one product, scaled dot-product attention per sequence and
/// head on the sequence's own length, then the output projection with bias + residual + LayerNorm fused into it.
/// MPNet's relative-position bias and DeBERTa's disentangled terms are added to the scores inside the kernel, and
/// GTE's rotary positions turn the queries and keys as the kernel reads them.
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L296
struct BertSelfAttention: Sendable {
    /// Q, K, V stacked: `[3 · hidden, hidden]`.
    let qkv: Linear
    let output: Linear
    /// Where the block's LayerNorm sits.
    let norm: Norm
    let heads: Int
    let headDim: Int
    let hidden: Int
    /// `BertConfig.attentionScale`: 1/√(head size × factor), DeBERTa's factor counting its disentangled terms.
    let scale: Float
    /// DeBERTa's position keys and queries of this layer.
    let disentangled: DisentangledLayer?
    /// A ModernBERT local layer: attends through the sliding window, rotated by the local θ.
    let local: Bool

    /// BERT's LayerNorm after the residual sum (fused into the output projection), or a pre-LayerNorm layer's on the
    /// block's input (none on ModernBERT's first layer), the output projection then only adding the residual.
    enum Norm: Sendable {
        case post(LayerNorm)
        case pre(LayerNorm?)
    }

    /// Floats the c2p and p2c scores of one pass may take (heads are taken in groups that fit).
    static let disentangledBudget = 8 << 20

    /// Reads the projections named `inputs` (Q, K and V, or one tensor stacking them) and `output`, then the
    /// LayerNorm `layerNorm` (checkpoint names without `.weight`), in checkpoint order, so the first missing tensor
    /// is the one named.
    init(
        _ store: WeightStore, inputs: [String], output: String, layerNorm: String, preNorm: Bool = false, normBias: Bool = true,
        eps: Float, hidden: Int, heads: Int, bias: Bool = true, packing: WeightPacking, scale: Float,
        disentangled: DisentangledLayer? = nil, local: Bool = false
    ) throws {
        // A pre-LayerNorm norm comes before the projections in checkpoint order, a post-LayerNorm one after.
        let preNormTensor = try preNorm && !layerNorm.isEmpty ? LayerNorm(store, layerNorm, width: hidden, eps: eps, bias: normBias) : nil
        qkv =
            inputs.count == 1
            ? try Linear(store, inputs[0], in: hidden, out: 3 * hidden, bias: bias, packing: packing)
            : try Linear(store, stacking: inputs, in: hidden, outs: inputs.map { _ in hidden }, bias: bias, packing: packing)
        self.output = try Linear(store, output, in: hidden, out: hidden, bias: bias, packing: packing)
        norm = try preNorm ? .pre(preNormTensor) : .post(LayerNorm(store, layerNorm, width: hidden, eps: eps, bias: normBias))
        self.heads = heads
        self.hidden = hidden
        headDim = hidden / heads
        self.scale = scale
        self.disentangled = disentangled
        self.local = local
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`: three fork/joins (QKV, attention,
    /// output projection with its LayerNorm); with DeBERTa's terms, two products per head score every token against
    /// the relative positions first, heads taken in groups whose scores fit `disentangledBudget`.
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, positions: SharedPositions, _ ctx: KernelContext) throws {
        let rows = layout.totalRows
        let x = ws.hidden.pointer
        if case .pre(let inputNorm?) = norm {  // normalized into the context buffer, free until the attention
            ws.context.pointer.update(from: x, count: rows * hidden)
            try inputNorm(ws.context.pointer, rows: rows, ctx)
            try qkv(ws.context.pointer, rows: rows, into: ws.qkv.pointer, .bias, ctx)
        } else {
            try qkv(x, rows: rows, into: ws.qkv.pointer, .bias, ctx)
        }
        if let disentangled, let shared = positions.disentangled {
            // Only the relative positions this batch's lengths reach are scored (all of them from 2·span tokens on).
            let (columns, index) = disentangled.reach(shared, longest: layout.maxRows, isa: disentangled.isa)
            let width = columns.count
            let group = max(1, min(heads, Self.disentangledBudget / max(2 * rows * width, 1)))
            ws.positionScores.reserve(2 * rows * group * width)
            let c2p = ws.positionScores.pointer, p2c = c2p + rows * group * width
            for first in stride(from: 0, to: heads, by: group) {
                let count = min(group, heads - first)
                try disentangled.score(
                    qkv: ws.qkv.pointer, rows: rows, hidden: hidden, headDim: headDim, heads: first, count: count,
                    columns: columns, c2p: c2p, p2c: p2c, ctx)
                try index.withUnsafeBufferPointer { index in
                    try attend(layout, heads: first, count: count, ws, ctx) { desc in
                        desc.c2p = disentangled.keys.isEmpty ? nil : UnsafePointer(c2p)
                        desc.p2c = disentangled.queries.isEmpty ? nil : UnsafePointer(p2c)
                        desc.ld_pos = count * width
                        desc.pos_width = width
                        desc.pos_index = index.baseAddress
                        desc.pos_center = index.count / 2
                    }
                }
            }
        } else if let rotary = local ? positions.localRotary : positions.rotary {
            let table = rotary.reaching(layout.maxRows)
            try table.cos.withUnsafeBufferPointer { cosines in
                try table.sin.withUnsafeBufferPointer { sines in
                    try attend(layout, heads: 0, count: heads, ws, ctx) { desc in
                        desc.rope_cos = cosines.baseAddress
                        desc.rope_sin = sines.baseAddress
                        desc.rope_dim = rotary.rotary.dimensions
                        desc.rope_positions = table.positions
                        desc.rope_interleaved = rotary.rotary.interleaved ? 1 : 0
                        desc.window = local ? positions.window : 0
                    }
                }
            }
        } else {
            try attend(layout, heads: 0, count: heads, ws, ctx) { desc in
                if let bias = positions.bias {
                    desc.rel_bias = bias.table.pointer
                    desc.rel_span = bias.span
                }
            }
        }
        try withExtendedLifetime(positions) {
            switch norm {
            case .post(let layerNorm): try output(ws.context.pointer, rows: rows, into: x, .residualLayerNorm(layerNorm), ctx)
            case .pre: try output(ws.context.pointer, rows: rows, into: x, .residual, ctx)
            }
        }
    }

    /// The attention of heads `first ..< first + count` (their Q, K and V columns in the fused rows, their context
    /// columns in `ws.context`), with what `configure` adds to the kernel's description.
    private func attend(
        _ layout: SequenceLayout, heads first: Int, count: Int, _ ws: Workspace, _ ctx: KernelContext,
        _ configure: (inout bk_attention_desc) -> Void
    ) throws {
        let status = layout.rowStart.withUnsafeBufferPointer { starts in
            layout.rows.withUnsafeBufferPointer { counts in
                layout.lengths.withUnsafeBufferPointer { lengths in
                    var desc = bk_attention_desc()
                    desc.isa = ctx.isa.c
                    desc.qkv = UnsafePointer(ws.qkv.pointer + first * headDim)
                    desc.ld_qkv = 3 * hidden
                    desc.hidden = hidden
                    desc.heads = count
                    desc.head_dim = headDim
                    desc.scale = scale
                    desc.out = ws.context.pointer + first * headDim
                    desc.ld_out = hidden
                    desc.count = layout.count
                    desc.row_start = starts.baseAddress
                    desc.rows = counts.baseAddress
                    desc.lengths = lengths.baseAddress
                    desc.scratch = ws.attentionScratch.pointer
                    configure(&desc)
                    return bk_attention(ctx.pool, Int32(ctx.workers), &desc)
                }
            }
        }
        try status.check("the attention of \(qkv.name)")
    }
}
