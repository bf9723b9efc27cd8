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

    /// Reads `<prefix>.attention.self.query` ... `<prefix>.output.LayerNorm` (BERT / RoBERTa names).
    init(bert store: WeightStore, _ prefix: String, config c: BertConfig) throws {
        let h = c.hiddenSize
        attention = BertSelfAttention(
            query: try Linear(store, prefix + ".attention.self.query", in: h, out: h),
            key: try Linear(store, prefix + ".attention.self.key", in: h, out: h),
            value: try Linear(store, prefix + ".attention.self.value", in: h, out: h),
            output: try Linear(store, prefix + ".attention.output.dense", in: h, out: h),
            layerNorm: try LayerNorm(store, prefix + ".attention.output.LayerNorm", width: h, eps: c.layerNormEps),
            heads: c.numAttentionHeads)
        intermediate = try Linear(store, prefix + ".intermediate.dense", in: h, out: c.intermediateSize)
        output = try Linear(store, prefix + ".output.dense", in: c.intermediateSize, out: h)
        outputLayerNorm = try LayerNorm(store, prefix + ".output.LayerNorm", width: h, eps: c.layerNormEps)
        activation = ActivationKind(c.hiddenAct)
    }

    /// Reads `<prefix>.attention.q_lin` ... `<prefix>.output_layer_norm` (DistilBERT names).
    init(distilbert store: WeightStore, _ prefix: String, config c: BertConfig) throws {
        let h = c.hiddenSize
        attention = BertSelfAttention(
            query: try Linear(store, prefix + ".attention.q_lin", in: h, out: h),
            key: try Linear(store, prefix + ".attention.k_lin", in: h, out: h),
            value: try Linear(store, prefix + ".attention.v_lin", in: h, out: h),
            output: try Linear(store, prefix + ".attention.out_lin", in: h, out: h),
            layerNorm: try LayerNorm(store, prefix + ".sa_layer_norm", width: h, eps: 1e-12),
            heads: c.numAttentionHeads)
        intermediate = try Linear(store, prefix + ".ffn.lin1", in: h, out: c.intermediateSize)
        output = try Linear(store, prefix + ".ffn.lin2", in: c.intermediateSize, out: h)
        outputLayerNorm = try LayerNorm(store, prefix + ".output_layer_norm", width: h, eps: 1e-12)
        activation = ActivationKind(c.hiddenAct)
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`.
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, workers: Int) {
        attention(ws, layout: layout, workers: workers)
        let rows = layout.totalRows
        let width = intermediate.outFeatures
        let inner = ws.intermediate.pointer
        intermediate.product(ws.hidden.pointer, rows: rows, into: inner, workers: workers)
        Parallel.rows(rows, workers: workers) { range in
            FusedKernels.biasActivate(inner + range.lowerBound * width, rows: range.count, width: width,
                                      bias: intermediate.bias.pointer, activation)
        }
        output.product(inner, rows: rows, into: ws.projected.pointer, workers: workers)
        outputLayerNorm(ws.projected.pointer, bias: output.bias.pointer, into: ws.hidden.pointer, rows: rows, workers: workers)
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
