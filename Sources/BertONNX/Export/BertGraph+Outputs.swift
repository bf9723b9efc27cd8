import BertKit
import BertModelIO

extension BertGraph {
    /// The first token's hidden state `[batch, hidden]`.
    mutating func firstToken(_ hidden: String) -> String {
        g.op("Gather", hidden, g.ints([0], dims: [], hint: "first"), attrs: [AttributeProto(name: "axis", value: .int(1))])
    }

    /// The classification head on the first token (or, with ModernBERT's `classifier_pooling` mean, the real tokens'
    /// mean), with the norm after its activation where the architecture has one; returns the logits and the label count.
    mutating func classification(_ hidden: String, _ head: HeadKeys) throws -> (String, Int) {
        let h = config.hiddenSize
        guard let labels = weights.store.shape(head.projection + ".weight")?.first else {
            throw ONNXExportError.missingTensor(head.projection + ".weight")
        }
        let input = config.classifierPooling == .mean ? maskedMean(hidden) : firstToken(hidden)
        let product = try dense(input, head.dense, in: h, out: h, bias: config.classifierBias)
        var pooled: String
        if let chosen = config.classifierActivation {
            pooled = activation(product, chosen)
        } else {
            switch head.activation {
            case .tanh: pooled = g.op("Tanh", product)
            case .relu: pooled = g.op("Relu", product)
            case .gelu: pooled = g.gelu(product, tanhApproximation: false)
            }
        }
        if let headNorm = spec.head.norm { pooled = try norm(pooled, headNorm) }
        return (try dense(pooled, head.projection, in: h, out: labels), labels)
    }

    /// The mean of the real tokens' hidden states `[batch, hidden]` (the attention mask's).
    mutating func maskedMean(_ hidden: String) -> String {
        let maskFloat = g.op(
            "Cast", BertGraph.attentionMask, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
        let (sum, count) = maskedSum(hidden, g.unsqueeze(maskFloat, axes: [2]))
        return g.op("Div", sum, count)
    }

    /// The sum of the real tokens' hidden states `[batch, hidden]` and their count (at least 1e-9), `mask` being the
    /// attention mask `[batch, sequence, 1]` as floats.
    mutating func maskedSum(_ hidden: String, _ mask: String) -> (sum: String, count: String) {
        let sum = g.reduce("ReduceSum", g.op("Mul", hidden, mask), axes: [1], keepDims: false)
        return (sum, g.op("Max", g.reduce("ReduceSum", mask, axes: [1], keepDims: false), g.scalar(1e-9, hint: "min_count")))
    }

    /// SPLADE: the masked-language-model head on every token (transform, activation, LayerNorm, the decoder to the
    /// vocabulary, tied to the word embeddings when the file has no decoder weight), log(1 + ReLU(logit)), zero on
    /// padding (every value is at least 0), and the maximum over the tokens: `[batch, vocabulary]`.
    mutating func sparse(_ hidden: String) throws -> String {
        let h = config.hiddenSize, vocabulary = config.vocabSize
        guard let head = spec.maskedLM else {
            throw ONNXExportError.noMaskedLMHead(tensor: "(\(config.architecture.rawValue) has no masked-language-model head)")
        }
        let names: (weight: String, bias: String)
        do {
            names = try head.decoder(in: weights.store, wordEmbeddings: spec.embeddings.word + ".weight")
        } catch ModelIOError.missingTensor(let tensor, _) {
            throw ONNXExportError.noMaskedLMHead(tensor: tensor)
        }
        var x = activation(try dense(hidden, head.transform, in: h, out: h))
        let (gamma, beta) = try weights.layerNorm(head.transformNorm)
        x = g.layerNorm(
            x, gamma: g.floats(head.transformNorm + ".weight", gamma, dims: [h]),
            beta: g.floats(head.transformNorm + ".bias", beta, dims: [h]), epsilon: head.eps ?? layerNormEpsilon)
        let (weightName, biasName) = names
        let decoder = try weights.floats(weightName, [vocabulary, h])
        var transposed = [Float](repeating: 0, count: h * vocabulary)
        for v in 0..<vocabulary { for i in 0..<h { transposed[i * vocabulary + v] = decoder[v * h + i] } }
        let logits = g.op(
            "Add", g.op("MatMul", x, g.floats(weightName + " (decoder, transposed)", transposed, dims: [h, vocabulary])),
            g.floats(biasName, try weights.floats(biasName, [vocabulary]), dims: [vocabulary]))
        let weight = g.op("Log", g.op("Add", g.op("Relu", logits), g.scalar(1, hint: "one")))
        let maskFloat = g.op(
            "Cast", BertGraph.attentionMask, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
        return g.reduce("ReduceMax", g.op("Mul", weight, g.unsqueeze(maskFloat, axes: [2])), axes: [1], keepDims: false)
    }

    /// Sentence-transformers pooling over the real tokens (the attention mask), modes concatenated, then L2
    /// normalization when the model asks for it: `[batch, dimension]`.
    mutating func pool(_ hidden: String) -> String {
        let maskFloat = g.op(
            "Cast", BertGraph.attentionMask, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
        let mask = g.unsqueeze(maskFloat, axes: [2])
        var parts: [String] = []
        for mode in pooling.modes {
            switch mode {
            case .cls:
                parts.append(firstToken(hidden))
            case .max:
                // Padding becomes -1e9 before the max, as sentence-transformers does.
                let masked = g.op(
                    "Add", g.op("Mul", hidden, mask),
                    g.op("Mul", g.op("Sub", g.scalar(1, hint: "one"), mask), g.scalar(-1e9, hint: "max_fill")))
                parts.append(g.reduce("ReduceMax", masked, axes: [1], keepDims: false))
            case .mean, .meanSqrtLen:
                let (sum, tokens) = maskedSum(hidden, mask)
                let count = mode == .meanSqrtLen ? g.op("Sqrt", tokens) : tokens
                parts.append(g.op("Div", sum, count))
            case .weightedMean:
                // Weights 1, 2, 3, ... over the real tokens: the running count of the mask, masked.
                let weights = g.op("Mul", mask, g.op("CumSum", mask, g.ints([1], dims: [], hint: "axis")))
                let sum = g.reduce("ReduceSum", g.op("Mul", hidden, weights), axes: [1], keepDims: false)
                let total = g.op("Max", g.reduce("ReduceSum", weights, axes: [1], keepDims: false), g.scalar(1e-9, hint: "min_count"))
                parts.append(g.op("Div", sum, total))
            case .lastToken:
                // The real token whose running count equals the sequence's count.
                let running = g.op("CumSum", mask, g.ints([1], dims: [], hint: "axis"))
                let count = g.reduce("ReduceSum", mask, axes: [1], keepDims: true)
                let isLast = g.op(
                    "Cast", g.op("Equal", running, count),
                    attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
                parts.append(g.reduce("ReduceSum", g.op("Mul", hidden, g.op("Mul", isLast, mask)), axes: [1], keepDims: false))
            }
        }
        var pooled = parts.count == 1 ? parts[0] : g.node("Concat", parts, attrs: [AttributeProto(name: "axis", value: .int(1))])[0]
        if pooling.normalize {
            let norm = g.op("Max", g.reduce("ReduceL2", pooled, axes: [1], keepDims: true), g.scalar(1e-12, hint: "min_norm"))
            pooled = g.op("Div", pooled, norm)
        }
        return pooled
    }
}
