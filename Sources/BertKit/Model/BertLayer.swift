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
    let outputLayerNorm: LayerNorm

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
        positions: SharedPositions
    ) throws {
        let h = c.hiddenSize, biased = c.architecture.spec.linearBiases
        attention = try BertSelfAttention(
            store, inputs: keys.attentionInputs, output: keys.attentionOutput,
            layerNorm: keys.attentionNorm, eps: c.layerNormEps, hidden: h, heads: c.numAttentionHeads, bias: biased,
            packing: packing, scale: c.attentionScale,
            disentangled: try positions.disentangled.flatMap { shared in
                try c.architecture.spec.disentangled.map {
                    try DisentangledLayer(store, layer: keys, prefix: prefix, $0, positions: shared, config: c, isa: packing.isa)
                }
            })
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
        outputLayerNorm = try LayerNorm(store, keys.outputNorm, width: h, eps: c.layerNormEps)
        activation = ActivationKind(c.hiddenAct)
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`: five fork/joins in all (QKV,
    /// attention, output projection + LayerNorm, intermediate + activation, output + LayerNorm), six with a gate.
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, positions: SharedPositions, _ ctx: KernelContext) throws {
        try attention(ws, layout: layout, positions: positions, ctx)
        let rows = layout.totalRows
        if let gate {
            try gate(ws.hidden.pointer, rows: rows, into: ws.intermediate.pointer, .activation(activation), ctx)
            try intermediate(ws.hidden.pointer, rows: rows, into: ws.intermediate.pointer, .multiply, ctx)
        } else {
            try intermediate(ws.hidden.pointer, rows: rows, into: ws.intermediate.pointer, .activation(activation), ctx)
        }
        try output(ws.intermediate.pointer, rows: rows, into: ws.hidden.pointer, .residualLayerNorm(outputLayerNorm), ctx)
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
