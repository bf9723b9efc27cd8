import BertModelIO

/// `BertLayer`: self-attention block, then the feed-forward block (`BertIntermediate` + `BertOutput`)
/// with residual and LayerNorm. DistilBERT's `TransformerBlock` has the same computation under other names.
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L523
struct BertLayer: Sendable {
    let attention: BertSelfAttention
    let intermediate: Linear
    let activation: ActivationKind
    let output: Linear
    let outputLayerNorm: LayerNorm

    /// Bytes of packed weight matrices it holds.
    var packedWeightBytes: Int {
        attention.qkv.weight.byteCount + attention.output.weight.byteCount + intermediate.weight.byteCount
            + output.weight.byteCount
    }

    /// Reads `<prefix>.attention.self.query` ... `<prefix>.output.LayerNorm` (BERT / RoBERTa names).
    init(bert store: WeightStore, _ prefix: String, config c: BertConfig, packing: WeightPacking) throws {
        let h = c.hiddenSize
        attention = try BertSelfAttention(
            store, query: prefix + ".attention.self.query", key: prefix + ".attention.self.key",
            value: prefix + ".attention.self.value", output: prefix + ".attention.output.dense",
            layerNorm: prefix + ".attention.output.LayerNorm", eps: c.layerNormEps,
            hidden: h, heads: c.numAttentionHeads, packing: packing)
        intermediate = try Linear(store, prefix + ".intermediate.dense", in: h, out: c.intermediateSize, packing: packing)
        output = try Linear(store, prefix + ".output.dense", in: c.intermediateSize, out: h, packing: packing)
        outputLayerNorm = try LayerNorm(store, prefix + ".output.LayerNorm", width: h, eps: c.layerNormEps)
        activation = ActivationKind(c.hiddenAct)
    }

    /// Reads `<prefix>.attention.q_lin` ... `<prefix>.output_layer_norm` (DistilBERT names).
    init(distilbert store: WeightStore, _ prefix: String, config c: BertConfig, packing: WeightPacking) throws {
        let h = c.hiddenSize
        attention = try BertSelfAttention(
            store, query: prefix + ".attention.q_lin", key: prefix + ".attention.k_lin",
            value: prefix + ".attention.v_lin", output: prefix + ".attention.out_lin",
            layerNorm: prefix + ".sa_layer_norm", eps: 1e-12,
            hidden: h, heads: c.numAttentionHeads, packing: packing)
        intermediate = try Linear(store, prefix + ".ffn.lin1", in: h, out: c.intermediateSize, packing: packing)
        output = try Linear(store, prefix + ".ffn.lin2", in: c.intermediateSize, out: h, packing: packing)
        outputLayerNorm = try LayerNorm(store, prefix + ".output_layer_norm", width: h, eps: 1e-12)
        activation = ActivationKind(c.hiddenAct)
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`: five fork/joins in all (QKV,
    /// attention, output projection + LayerNorm, intermediate + activation, output + LayerNorm).
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, _ ctx: KernelContext) {
        attention(ws, layout: layout, ctx)
        let rows = layout.totalRows
        intermediate(ws.hidden.pointer, rows: rows, into: ws.intermediate.pointer, .activation(activation), ctx)
        output(ws.intermediate.pointer, rows: rows, into: ws.hidden.pointer, .residualLayerNorm(outputLayerNorm), ctx)
    }
}

extension ActivationKind {
    init(_ activation: Activation) {
        switch activation {
        case .gelu: self = .gelu
        case .geluTanh: self = .geluTanh
        case .relu: self = .relu
        }
    }
}
