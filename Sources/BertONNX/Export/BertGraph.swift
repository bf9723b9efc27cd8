import BertKit
import BertModelIO

/// Writes the ONNX graph of a BERT-family checkpoint (BERT, RoBERTa family, DistilBERT) as transformers computes it:
/// embeddings, encoder layers, then the task's outputs. `optimize` emits ONNX Runtime's fused contrib ops
/// (EmbedLayerNormalization, Attention, SkipLayerNormalization, BiasGelu/FastGelu) in place of their subgraphs.
struct BertGraph {
    var g: GraphBuilder
    let weights: ExportWeights
    let pooling: Pooling
    let optimize: Bool
    let task: ONNXExporter.Task
    /// Write every linear layer as ONNX Runtime's dynamic int8 ops (`quantizedDense`).
    let quantize: Bool
    /// The `DynamicQuantizeLinear` outputs (levels, scale, zero point) of each input already quantized, so the
    /// query, key and value products share one.
    var quantizedInputs: [String: (levels: String, scale: String, zeroPoint: String)] = [:]
    /// Linear layers written quantized.
    private(set) var quantizedLayers = 0
    var config: BertConfig { weights.config }

    /// Input names, as `torch.onnx.export` and Optimum name them.
    static let inputIds = "input_ids", attentionMask = "attention_mask", tokenTypeIds = "token_type_ids"

    /// Whether the graph takes `token_type_ids` (BERT-style type vocabularies of two or more entries; a single-entry
    /// vocabulary, as in RoBERTa, is folded into the position table).
    var takesTokenTypes: Bool { config.typeVocabSize > 1 }

    /// Builds the graph and names its outputs.
    mutating func build() throws -> GraphProto {
        let hidden = try encoder()
        var outputs: [ValueInfoProto] = []
        let dims: [ValueInfoProto.Dimension] = [.param("batch"), .param("sequence")]
        let h = Int64(config.hiddenSize)
        _ = g.op("Identity", hidden, output: "last_hidden_state")
        outputs.append(ValueInfoProto(name: "last_hidden_state", type: .float, shape: dims + [.value(h)]))
        if task == .sparse {
            _ = g.op("Identity", try sparse(hidden), output: "sparse_embedding")
            outputs.append(ValueInfoProto(name: "sparse_embedding", type: .float, shape: [.param("batch"), .value(Int64(config.vocabSize))]))
            return g.graph(name: "bertkit_\(config.architecture.rawValue)", inputs: inputs(dims), outputs: outputs)
        }
        let head = task == .embedding ? nil : HeadKeys(store: weights.store, architecture: config.architecture)
        if task == .classification, head == nil { throw ONNXExportError.noClassificationHead }
        if let head {
            let (logits, labels) = try classification(hidden, head)
            _ = g.op("Identity", logits, output: "logits")
            outputs.insert(ValueInfoProto(name: "logits", type: .float, shape: [.param("batch"), .value(Int64(labels))]), at: 0)
        } else {
            let pooled = pool(hidden)
            _ = g.op("Identity", pooled, output: "sentence_embedding")
            outputs.append(
                ValueInfoProto(
                    name: "sentence_embedding", type: .float,
                    shape: [.param("batch"), .value(Int64(pooling.dimension(hidden: config.hiddenSize)))]))
        }
        return g.graph(name: "bertkit_\(config.architecture.rawValue)", inputs: inputs(dims), outputs: outputs)
    }

    /// The graph's inputs: ids, attention mask, and token types when the model uses them.
    private func inputs(_ dims: [ValueInfoProto.Dimension]) -> [ValueInfoProto] {
        var inputs = [
            ValueInfoProto(name: Self.inputIds, type: .int64, shape: dims),
            ValueInfoProto(name: Self.attentionMask, type: .int64, shape: dims),
        ]
        if takesTokenTypes { inputs.append(ValueInfoProto(name: Self.tokenTypeIds, type: .int64, shape: dims)) }
        return inputs
    }

    // MARK: Encoder

    var layerNormEpsilon: Float { config.layerNormEps }

    /// The architecture's names and choices.
    var spec: ArchitectureSpec { config.architecture.spec }

    /// Embeddings and every layer; returns the last hidden state `[batch, sequence, hidden]`.
    /// With `optimize`, DeBERTa's and GTE's graphs stay in standard ops (ONNX Runtime's `Attention` has no
    /// disentangled terms, and rotates no queries);
    /// ONNX Runtime's own graph optimizations still run on it when the session starts.
    private var fused: Bool { optimize && spec.disentangled == nil && config.rotary == nil }

    private mutating func encoder() throws -> String {
        var (x, attention) = fused ? try fusedEmbeddings() : try embeddings()
        if let projection = spec.embeddingProjection, config.embeddingSize != nil {
            x = try dense(x, projection, in: config.embeddingWidth, out: config.hiddenSize)
        }
        let bias = try relativePositionBias()
        let disentangled = try disentangledIndex()
        let rotary = config.rotary.map { rotaryTables($0, name: "rotary.inv_freq") }
        // ModernBERT's local layers: their own rotation, and the mask of keys outside the window.
        let local = config.alternating.map { (rotaryTables($0.localRotary, name: "rotary.local.inv_freq"), windowMask(attention, $0.window)) }
        var hidden = x
        for i in 0..<config.numHiddenLayers {
            let keys = spec.layerKeys(i)
            let isLocal = config.alternating?.isLocal(i) ?? false
            let inputs = LayerInputs(
                prefix: "\(spec.layerPrefix).\(i).", maskBias: isLocal ? local?.1 ?? attention : attention, relativeBias: bias,
                disentangled: disentangled, rotary: isLocal ? local?.0 : rotary)
            if fused {
                hidden = try fusedLayer(hidden, keys, mask: attention, relativeBias: bias)
            } else if spec.preLayerNorm {
                hidden = try preNormLayer(hidden, keys, index: i, inputs)
            } else {
                hidden = try layer(hidden, keys, inputs)
            }
        }
        if let finalNorm = spec.finalNorm { hidden = try norm(hidden, finalNorm) }
        return hidden
    }

    /// MPNet's relative-position bias `[1, heads, sequence, sequence]`, computed once for every layer: the distance
    /// `j − i` of each key from each query, clamped to the table's span, looks up the per-distance table.
    private mutating func relativePositionBias() throws -> String? {
        guard let (table, span) = try weights.relativeBias(), let bias = spec.relativeBias else { return nil }
        let heads = config.numAttentionHeads
        let rows = g.floats(bias.table + ".weight (per distance)", table, dims: [2 * span + 1, heads])
        let length = g.op("Gather", g.op("Shape", BertGraph.inputIds), g.ints([1], dims: [], hint: "sequence_axis"))
        let positions = g.op("Range", g.ints([0], dims: [], hint: "zero"), length, g.ints([1], dims: [], hint: "one"))
        // [1, S] - [S, 1]: row i, column j holds j - i.
        let distance = g.op("Sub", g.unsqueeze(positions, axes: [0]), g.unsqueeze(positions, axes: [1]))
        let clamped = g.op(
            "Min", g.op("Max", distance, g.ints([Int64(-span)], dims: [], hint: "min_distance")),
            g.ints([Int64(span)], dims: [], hint: "max_distance"))
        let index = g.op("Add", clamped, g.ints([Int64(span)], dims: [], hint: "span"))
        let gathered = g.op("Gather", rows, index)  // [S, S, heads]
        let perHead = g.op("Transpose", gathered, attrs: [AttributeProto(name: "perm", value: .ints([2, 0, 1]))])
        return g.unsqueeze(perHead, axes: [0])
    }

    /// The position table, with the single token-type row folded in when the graph takes no token types.
    func positionTableForExport() throws -> [Float] {
        let h = config.embeddingWidth
        var table = try weights.floats(spec.embeddings.position + ".weight", [config.maxPositionEmbeddings, h])
        if !takesTokenTypes, config.typeVocabSize == 1 {
            let typeRow = try weights.floats(spec.embeddings.tokenType + ".weight", [1, h])
            for p in 0..<config.maxPositionEmbeddings { for i in 0..<h { table[p * h + i] += typeRow[i] } }
        }
        return table
    }

    /// RoBERTa-family position ids, `padding_idx + cumsum(mask) * mask` (transformers'
    /// `create_position_ids_from_input_ids`, with the attention mask marking the real tokens).
    mutating func robertaPositionIds() -> String {
        let cumulative = g.op("CumSum", BertGraph.attentionMask, g.ints([1], dims: [], hint: "axis"))
        return g.op(
            "Add", g.op("Mul", cumulative, BertGraph.attentionMask),
            g.ints([Int64(config.positionPadId)], dims: [], hint: "padding_idx"))
    }

    /// Gather-and-add embeddings, LayerNorm, and the additive attention mask `[batch, 1, 1, sequence]`.
    private mutating func embeddings() throws -> (String, String) {
        let h = config.embeddingWidth
        let word = g.floats(
            spec.embeddings.word + ".weight",
            try weights.floats(spec.embeddings.word + ".weight", [config.vocabSize, h]), dims: [config.vocabSize, h])
        var x = g.op("Gather", word, BertGraph.inputIds)
        // DeBERTa without `position_biased_input` adds no absolute positions: relative ones only, in the attention.
        if config.positionBiasedInput {
            let positions = g.floats(
                spec.embeddings.position + ".weight", try positionTableForExport(), dims: [config.maxPositionEmbeddings, h])
            if spec.positions == .afterPadding {
                x = g.op("Add", x, g.op("Gather", positions, robertaPositionIds()))
            } else {
                let length = g.op("Slice", g.op("Shape", BertGraph.inputIds), g.ints([1]), g.ints([2]), g.ints([0]))
                x = g.op("Add", x, g.op("Slice", positions, g.ints([0]), length, g.ints([0])))
            }
        }
        if !takesTokenTypes, config.typeVocabSize == 1, !config.positionBiasedInput {
            // The single token-type row, added to every token (folded into the position table when there is one).
            let row = g.floats(
                spec.embeddings.tokenType + ".weight",
                try weights.floats(spec.embeddings.tokenType + ".weight", [1, h]), dims: [1, h])
            x = g.op("Add", x, row)
        }
        if takesTokenTypes {
            let types = g.floats(
                spec.embeddings.tokenType + ".weight",
                try weights.floats(spec.embeddings.tokenType + ".weight", [config.typeVocabSize, h]),
                dims: [config.typeVocabSize, h])
            x = g.op("Add", x, g.op("Gather", types, BertGraph.tokenTypeIds))
        }
        let norm = try weights.layerNorm(spec.embeddings.layerNorm, width: h)
        x = g.layerNorm(
            x, gamma: g.floats(spec.embeddings.layerNorm + ".weight", norm.gamma, dims: [h]),
            beta: g.floats(spec.embeddings.layerNorm + ".bias", norm.beta, dims: [h]), epsilon: layerNormEpsilon)
        // transformers' extended mask: (1 - mask) * float32.min, broadcast over heads and query positions.
        let maskFloat = g.op(
            "Cast", BertGraph.attentionMask, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
        let inverted = g.op("Sub", g.scalar(1, hint: "one"), maskFloat)
        let bias = g.op("Mul", inverted, g.scalar(-Float.greatestFiniteMagnitude, hint: "float_min"))
        return (x, g.unsqueeze(bias, axes: [1, 2]))
    }

    /// What one layer's attention adds to its scores and turns its queries and keys by.
    struct LayerInputs {
        let prefix: String
        /// The additive mask `[batch, 1, 1 or sequence, sequence]` (a local layer's also hides the keys outside its window).
        let maskBias: String
        let relativeBias: String?
        let disentangled: DisentangledIndex?
        let rotary: RotaryGraphTables?
    }

    /// One encoder layer from standard ops: attention, residual + LayerNorm, feed-forward, residual + LayerNorm.
    private mutating func layer(_ x: String, _ keys: ArchitectureSpec.LayerKeys, _ inputs: LayerInputs) throws -> String {
        let x1 = try norm(g.op("Add", attention(x, keys, inputs), x), keys.attentionNorm)
        return try norm(g.op("Add", feedForward(x1, keys), x1), keys.outputNorm)
    }

    /// Self-attention of `x` through the output projection (no residual, no norm).
    mutating func attention(_ x: String, _ keys: ArchitectureSpec.LayerKeys, _ inputs: LayerInputs) throws -> String {
        let (prefix, maskBias, relativeBias, disentangled, rotary) = (
            inputs.prefix, inputs.maskBias, inputs.relativeBias, inputs.disentangled, inputs.rotary
        )
        let h = config.hiddenSize, heads = Int64(config.numAttentionHeads), headDim = Int64(config.headDim)
        let biased = spec.linearBiases
        let split = g.ints([0, 0, heads, headDim], hint: "split_heads")
        let (qLinear, kLinear, vLinear): (String, String, String)
        if let fusedQKV = keys.fusedQKV {
            let stacked = try dense(x, fusedQKV, in: h, out: 3 * h, bias: biased)
            (qLinear, kLinear, vLinear) = (lastAxis(stacked, 0, h), lastAxis(stacked, h, 2 * h), lastAxis(stacked, 2 * h, 3 * h))
        } else {
            (qLinear, kLinear, vLinear) = (
                try dense(x, keys.query, in: h, out: h, bias: biased), try dense(x, keys.key, in: h, out: h, bias: biased),
                try dense(x, keys.value, in: h, out: h, bias: biased)
            )
        }
        var q = headsOf(qLinear, split, perm: [0, 2, 1, 3])
        var k = headsOf(kLinear, split, perm: rotary == nil ? [0, 2, 3, 1] : [0, 2, 1, 3])
        let v = headsOf(vLinear, split, perm: [0, 2, 1, 3])
        if let rotary {
            q = rotate(q, rotary)
            k = g.op("Transpose", rotate(k, rotary), attrs: [AttributeProto(name: "perm", value: .ints([0, 1, 3, 2]))])
        }
        var scaled = g.op("Mul", g.op("MatMul", q, k), g.scalar(config.attentionScale, hint: "scale"))
        if let relativeBias { scaled = g.op("Add", scaled, relativeBias) }
        if let disentangled, let terms = try disentangledScores(q: q, kT: k, layer: keys, prefix: prefix, disentangled) {
            scaled = g.op("Add", scaled, terms)
        }
        let scores = g.op("Add", scaled, maskBias)
        let probabilities = g.op("Softmax", scores, attrs: [AttributeProto(name: "axis", value: .int(-1))])
        let context = g.op(
            "Reshape",
            g.op("Transpose", g.op("MatMul", probabilities, v), attrs: [AttributeProto(name: "perm", value: .ints([0, 2, 1, 3]))]),
            g.ints([0, 0, Int64(h)], hint: "merge_heads"))
        return try dense(context, keys.attentionOutput, in: h, out: h, bias: biased)
    }

    /// The feed-forward block of `x1` (plain or gated) through its output product (no residual, no norm).
    mutating func feedForward(_ x1: String, _ keys: ArchitectureSpec.LayerKeys) throws -> String {
        let h = config.hiddenSize, biased = spec.linearBiases
        let inner: String
        if let gated = spec.gatedFeedForward {
            let width = config.intermediateSize, biased = biased && gated.bias
            if let gate = keys.gate {  // the halves as tensors of their own
                let activated = try activation(dense(x1, gate, in: h, out: width, bias: biased))
                inner = g.op("Mul", activated, try dense(x1, keys.intermediate, in: h, out: width, bias: biased))
            } else {  // stacked in one
                let both = try dense(x1, keys.intermediate, in: h, out: 2 * width, bias: biased)
                let (first, second) = (lastAxis(both, 0, width), lastAxis(both, width, 2 * width))
                inner = gated.activated == .first ? g.op("Mul", activation(first), second) : g.op("Mul", first, activation(second))
            }
        } else {
            inner = try activation(dense(x1, keys.intermediate, in: h, out: config.intermediateSize, bias: biased))
        }
        return try dense(inner, keys.output, in: config.intermediateSize, out: h, bias: biased)
    }

    /// `[batch, sequence, hidden]` split into heads and transposed by `perm`.
    mutating func headsOf(_ y: String, _ split: String, perm: [Int64]) -> String {
        g.op("Transpose", g.op("Reshape", y, split), attrs: [AttributeProto(name: "perm", value: .ints(perm))])
    }

    /// `x · Wᵀ + b` for the linear layer at `prefix`.
    mutating func dense(_ x: String, _ prefix: String, in inputs: Int, out outputs: Int, bias: Bool = true) throws -> String {
        let (w, b) = try weights.linear(prefix, in: inputs, out: outputs, bias: bias)
        if quantize { return quantizedDense(x, prefix, w, b, in: inputs, out: outputs) }
        return g.op(
            "Add", g.op("MatMul", x, g.floats(prefix + ".weight", w, dims: [inputs, outputs])),
            g.floats(prefix + ".bias", b, dims: [outputs]))
    }

    mutating func norm(_ x: String, _ prefix: String) throws -> String {
        let (gamma, beta) = try weights.layerNorm(prefix)
        let h = config.hiddenSize
        return g.layerNorm(
            x, gamma: g.floats(prefix + ".weight", gamma, dims: [h]), beta: g.floats(prefix + ".bias", beta, dims: [h]),
            epsilon: layerNormEpsilon)
    }

    mutating func activation(_ x: String) -> String { activation(x, config.hiddenAct) }

    mutating func activation(_ x: String, _ kind: Activation) -> String {
        switch kind {
        case .gelu: return g.gelu(x, tanhApproximation: false)
        case .geluTanh: return g.gelu(x, tanhApproximation: true)
        case .relu: return g.op("Relu", x)
        case .silu: return g.op("Mul", x, g.op("Sigmoid", x))
        }
    }
}

extension BertGraph {
    /// `x · Wᵀ + b` as `onnxruntime.quantization.quantize_dynamic(per_channel=True, weight_type=QInt8)` writes a
    /// MatMul: W symmetric per output column (scale max|w| / 127, zero point 0, round half to even), the input
    /// quantized at run time by `DynamicQuantizeLinear` (uint8, one scale per tensor), `MatMulInteger`, then the
    /// int32 result scaled back to float by the product of both scales. ONNX Runtime runs it on its integer kernels.
    mutating func quantizedDense(
        _ x: String, _ prefix: String, _ w: [Float], _ b: [Float], in inputs: Int,
        out outputs: Int
    ) -> String {
        quantizedLayers += 1
        // w is [inputs, outputs] (MatMul's B): column o holds output o's weights.
        var scales = [Float](repeating: 1, count: outputs)
        for o in 0..<outputs {
            var largest: Float = 0
            for i in 0..<inputs { largest = max(largest, abs(w[i * outputs + o])) }
            if largest > 0 { scales[o] = largest / 127 }
        }
        var levels = [Int8](repeating: 0, count: inputs * outputs)
        for i in 0..<inputs {
            for o in 0..<outputs {
                levels[i * outputs + o] = Int8(max(-127, min(127, (w[i * outputs + o] / scales[o]).rounded(.toNearestOrEven))))
            }
        }
        let weight = g.int8s(prefix + ".weight_quantized", levels, dims: [inputs, outputs])
        let weightScale = g.floats(prefix + ".weight_scale", scales, dims: [outputs])
        let weightZero = g.int8s(prefix + ".weight_zero_point", [Int8](repeating: 0, count: outputs), dims: [outputs])
        let input: (levels: String, scale: String, zeroPoint: String)
        if let known = quantizedInputs[x] {
            input = known
        } else {
            let out = g.node("DynamicQuantizeLinear", [x], outputs: 3, name: "\(x)_quantize")
            input = (out[0], out[1], out[2])
            quantizedInputs[x] = input
        }
        let product = g.op("MatMulInteger", input.levels, weight, input.zeroPoint, weightZero)
        let asFloat = g.op("Cast", product, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
        let scaled = g.op("Mul", asFloat, g.op("Mul", input.scale, weightScale))
        return g.op("Add", scaled, g.floats(prefix + ".bias", b, dims: [outputs]))
    }
}
