import BertModelIO
import Foundation

/// The `--optimize` graph: ONNX Runtime's contrib ops, as its own transformer optimizer would leave the graph.
/// https://github.com/microsoft/onnxruntime/blob/main/docs/ContribOperators.md
extension BertGraph {
    private var contrib: String { GraphBuilder.contribDomain }

    private func epsilonAttribute() -> AttributeProto { AttributeProto(name: "epsilon", value: .float(layerNormEpsilon)) }

    private mutating func int32(_ x: String) -> String {
        g.op("Cast", x, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.int32.rawValue)))])
    }

    /// `EmbedLayerNormalization` (int32 ids; RoBERTa-family position ids passed in), and the mask index it derives
    /// from the attention mask (each row's count of real tokens, `[batch]`), which `Attention` takes as ONNX Runtime's
    /// optimizer wires it: rows are padded on the right, as BertKit and Hugging Face tokenizers pad them.
    mutating func fusedEmbeddings() throws -> (String, String) {
        let h = config.embeddingWidth
        let word = g.floats(
            spec.embeddings.word + ".weight",
            try weights.floats(spec.embeddings.word + ".weight", [config.vocabSize, h]), dims: [config.vocabSize, h])
        let positions = g.floats(
            spec.embeddings.position + ".weight", try positionTableForExport(), dims: [config.maxPositionEmbeddings, h])
        let norm = try weights.layerNorm(spec.embeddings.layerNorm, width: h)
        let gamma = g.floats(spec.embeddings.layerNorm + ".weight", norm.gamma, dims: [h])
        let beta = g.floats(spec.embeddings.layerNorm + ".bias", norm.beta, dims: [h])
        var segments = "", segmentTable = ""
        if takesTokenTypes {
            segments = int32(BertGraph.tokenTypeIds)
            segmentTable = g.floats(
                spec.embeddings.tokenType + ".weight",
                try weights.floats(spec.embeddings.tokenType + ".weight", [config.typeVocabSize, h]),
                dims: [config.typeVocabSize, h])
        }
        var inputs = [int32(BertGraph.inputIds), segments, word, positions, segmentTable, gamma, beta, int32(BertGraph.attentionMask)]
        if spec.positions == .afterPadding { inputs.append(int32(robertaPositionIds())) }
        let outputs = g.node("EmbedLayerNormalization", inputs, outputs: 2, domain: contrib, attrs: [epsilonAttribute()])
        return (outputs[0], outputs[1])
    }

    /// One layer: `Attention` (packed QKV), `MatMul` + `SkipLayerNormalization` (bias, residual, LayerNorm),
    /// `MatMul` + `BiasGelu`/`FastGelu`, `MatMul` + `SkipLayerNormalization`.
    /// `relativeBias` (MPNet's `[1, heads, S, S]`) goes in as the operator's `attention_bias` input.
    mutating func fusedLayer(_ x: String, _ keys: ArchitectureSpec.LayerKeys, mask: String, relativeBias: String?) throws -> String {
        let h = config.hiddenSize, width = config.intermediateSize
        let q = try weights.linear(keys.query, in: h, out: h)
        let k = try weights.linear(keys.key, in: h, out: h)
        let v = try weights.linear(keys.value, in: h, out: h)
        // [h, 3h]: row i holds query, key and value weights for input feature i.
        var packed = [Float](); packed.reserveCapacity(3 * h * h)
        for i in 0..<h {
            packed += q.weight[(i * h)..<((i + 1) * h)]
            packed += k.weight[(i * h)..<((i + 1) * h)]
            packed += v.weight[(i * h)..<((i + 1) * h)]
        }
        // Named after the query's tensor, as the stacked projection it now holds (`encoder.layer.0.attention.self.query+key+value`).
        let qkv = g.floats(keys.query + "+key+value.weight", packed, dims: [h, 3 * h])
        let qkvBias = g.floats(keys.query + "+key+value.bias", q.bias + k.bias + v.bias, dims: [3 * h])
        let attended = g.node(
            "Attention", [x, qkv, qkvBias, mask] + (relativeBias.map { ["", $0] } ?? []), domain: contrib,
            attrs: [AttributeProto(name: "num_heads", value: .int(Int64(config.numAttentionHeads)))])[0]
        let x1 = try skipNorm(attended, residual: x, dense: keys.attentionOutput, in: h, norm: keys.attentionNorm)
        let (w1, b1) = try weights.linear(keys.intermediate, in: h, out: width)
        let inner = g.op("MatMul", x1, g.floats(keys.intermediate + ".weight", w1, dims: [h, width]))
        let bias = g.floats(keys.intermediate + ".bias", b1, dims: [width])
        let activated: String
        switch config.hiddenAct {
        case .gelu: activated = g.op("BiasGelu", inner, bias, domain: contrib)
        case .geluTanh: activated = g.op("FastGelu", inner, bias, domain: contrib)
        case .relu: activated = g.op("Relu", g.op("Add", inner, bias))
        case .silu:
            let sum = g.op("Add", inner, bias)
            activated = g.op("Mul", sum, g.op("Sigmoid", sum))
        }
        return try skipNorm(activated, residual: x1, dense: keys.output, in: width, norm: keys.outputNorm)
    }

    /// `LayerNorm(x · Wᵀ + b + residual)` as `MatMul` + `SkipLayerNormalization`.
    private mutating func skipNorm(_ x: String, residual: String, dense prefix: String, in inputs: Int, norm: String) throws -> String {
        let h = config.hiddenSize
        let (w, b) = try weights.linear(prefix, in: inputs, out: h)
        let product = g.op("MatMul", x, g.floats(prefix + ".weight", w, dims: [inputs, h]))
        let (gamma, beta) = try weights.layerNorm(norm)
        return g.node(
            "SkipLayerNormalization",
            [
                product, residual, g.floats(norm + ".weight", gamma, dims: [h]), g.floats(norm + ".bias", beta, dims: [h]),
                g.floats(prefix + ".bias", b, dims: [h]),
            ],
            domain: contrib, attrs: [epsilonAttribute()])[0]
    }
}
