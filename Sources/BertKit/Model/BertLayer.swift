import BertModelIO

/// `BertLayer`: self-attention block, then the feed-forward block (`BertIntermediate` + `BertOutput`)
/// with residual and LayerNorm. DistilBERT's `TransformerBlock` has the same computation under other names (its
/// `ArchitectureSpec` gives them).
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L523
struct BertLayer: Sendable {
    let attention: BertSelfAttention
    /// The activated half of a gated feed-forward (GTE's GeGLU, NomicBERT's SwiGLU), whose result `intermediate`
    /// multiplies; nil: the intermediate product is activated itself.
    let gate: Linear?
    let intermediate: Linear
    let activation: ActivationKind
    let output: Linear
    /// BERT's LayerNorm after the feed-forward's residual sum; a pre-LayerNorm layer's before the feed-forward.
    let outputLayerNorm: LayerNorm
    let preNorm: Bool

    /// Bytes of packed weight matrices it holds.
    var packedWeightBytes: Int {
        attention.qkv.weight.byteCount + attention.output.weight.byteCount + intermediate.weight.byteCount
            + (gate?.weight.byteCount ?? 0)
            + output.weight.byteCount + (attention.disentangled?.packedWeightBytes ?? 0)
    }

    /// Reads the layer's tensors at `keys` (the architecture's names, `ArchitectureSpec.layerKeys`), in checkpoint
    /// order, so the first missing tensor is the one named.
    init(
        _ store: WeightStore, keys: ArchitectureSpec.LayerKeys, prefix: String, config c: BertConfig, packing: WeightPacking,
        positions: SharedPositions, index: Int
    ) throws {
        let spec = c.architecture.spec
        let h = c.hiddenSize, biased = spec.linearBiases
        preNorm = spec.preLayerNorm
        // ModernBERT's first layer has no attention norm: the embeddings' LayerNorm is its input's.
        let attentionNorm = preNorm && index == 0 ? "" : keys.attentionNorm
        attention = try BertSelfAttention(
            store, inputs: keys.attentionInputs, output: keys.attentionOutput,
            layerNorm: attentionNorm, preNorm: preNorm, normBias: spec.normBiases, eps: c.layerNormEps, hidden: h,
            heads: c.numAttentionHeads, bias: biased, packing: packing, scale: c.attentionScale,
            disentangled: try positions.disentangled.flatMap { shared in
                try c.architecture.spec.disentangled.map {
                    try DisentangledLayer(store, layer: keys, prefix: prefix, $0, positions: shared, config: c, isa: packing.isa)
                }
            }, local: c.alternating?.isLocal(index) ?? false)
        // A pre-LayerNorm layer's feed-forward norm comes before its products (checkpoint order).
        let mlpNorm = try preNorm ? LayerNorm(store, keys.outputNorm, width: h, eps: c.layerNormEps, bias: spec.normBiases) : nil
        let width = c.intermediateSize
        if let gated = c.architecture.spec.gatedFeedForward {
            // The activated half fills the buffer, the other multiplies it in its epilogue.
            let biased = biased && gated.bias
            if let gateKey = keys.gate {  // the halves as tensors of their own
                gate = try Linear(store, gateKey, in: h, out: width, bias: biased, packing: packing)
                intermediate = try Linear(store, keys.intermediate, in: h, out: width, bias: biased, packing: packing)
            } else {  // the stacked `[2·intermediate, hidden]` weight split in its halves
                let first = 0..<width, second = width..<2 * width
                let (activated, other) = gated.activated == .first ? (first, second) : (second, first)
                gate = try Linear(store, keys.intermediate, rows: activated, of: 2 * width, in: h, bias: biased, packing: packing)
                intermediate = try Linear(store, keys.intermediate, rows: other, of: 2 * width, in: h, bias: biased, packing: packing)
            }
        } else {
            gate = nil
            intermediate = try Linear(store, keys.intermediate, in: h, out: width, bias: biased, packing: packing)
        }
        output = try Linear(store, keys.output, in: c.intermediateSize, out: h, bias: biased, packing: packing)
        outputLayerNorm = try mlpNorm ?? LayerNorm(store, keys.outputNorm, width: h, eps: c.layerNormEps, bias: spec.normBiases)
        activation = ActivationKind(c.hiddenAct)
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`: five fork/joins in all (QKV,
    /// attention, output projection + LayerNorm, intermediate + activation, output + LayerNorm), six with a gate;
    /// pre-LayerNorm layers add their two norms (on a copy of the input, in the context buffer).
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, positions: SharedPositions, _ ctx: KernelContext) throws {
        try attention(ws, layout: layout, positions: positions, ctx)
        let rows = layout.totalRows
        var input = UnsafePointer(ws.hidden.pointer)
        if preNorm {
            ws.context.pointer.update(from: ws.hidden.pointer, count: rows * attention.hidden)
            try outputLayerNorm(ws.context.pointer, rows: rows, ctx)
            input = UnsafePointer(ws.context.pointer)
        }
        if let gate {
            try gate(input, rows: rows, into: ws.intermediate.pointer, .activation(activation), ctx)
            try intermediate(input, rows: rows, into: ws.intermediate.pointer, .multiply, ctx)
        } else {
            try intermediate(input, rows: rows, into: ws.intermediate.pointer, .activation(activation), ctx)
        }
        let epilogue: Linear.Epilogue = preNorm ? .residual : .residualLayerNorm(outputLayerNorm)
        try output(ws.intermediate.pointer, rows: rows, into: ws.hidden.pointer, epilogue, ctx)
    }
}

extension ActivationKind {
    init(_ activation: Activation) {
        switch activation {
        case .gelu: self = .gelu
        case .geluTanh: self = .geluTanh
        case .relu: self = .relu
        case .silu: self = .silu
        }
    }
}
