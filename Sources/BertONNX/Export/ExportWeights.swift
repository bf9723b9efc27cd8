import BertModelIO

/// Checkpoint tensors in the layouts an ONNX graph wants: linear weights transposed to `[in, out]` for `MatMul`,
/// names as in the checkpoint so the exported initializers stay recognizable.
struct ExportWeights {
    let store: WeightStore
    let config: BertConfig

    /// Tensor `name` as float32, checked against `shape`.
    func floats(_ name: String, _ shape: [Int]) throws -> [Float] {
        try store.floats(name, shape: shape).values
    }

    /// A `torch.nn.Linear` at `prefix`: the weight transposed to `[in, out]`, and the bias.
    func linear(_ prefix: String, in inputs: Int, out outputs: Int) throws -> (weight: [Float], bias: [Float]) {
        let weight = try store.floats(prefix + ".weight", shape: [outputs, inputs])
        var transposed = [Float](repeating: 0, count: inputs * outputs)
        weight.withUnsafeBufferPointer { w in
            for o in 0..<outputs {
                for i in 0..<inputs { transposed[i * outputs + o] = w[o * inputs + i] }
            }
        }
        return (transposed, try floats(prefix + ".bias", [outputs]))
    }

    /// LayerNorm weight and bias at `prefix`.
    func layerNorm(_ prefix: String) throws -> (gamma: [Float], beta: [Float]) {
        let h = config.hiddenSize
        return (try floats(prefix + ".weight", [h]), try floats(prefix + ".bias", [h]))
    }
}

/// The checkpoint keys of one encoder layer, by architecture.
struct LayerKeys {
    let query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm: String

    init(layer i: Int, architecture: Architecture) {
        if architecture == .distilbert {
            let p = "transformer.layer.\(i)"
            query = p + ".attention.q_lin"; key = p + ".attention.k_lin"; value = p + ".attention.v_lin"
            attentionOutput = p + ".attention.out_lin"; attentionNorm = p + ".sa_layer_norm"
            intermediate = p + ".ffn.lin1"; output = p + ".ffn.lin2"; outputNorm = p + ".output_layer_norm"
        } else {
            let p = "encoder.layer.\(i)"
            query = p + ".attention.self.query"; key = p + ".attention.self.key"; value = p + ".attention.self.value"
            attentionOutput = p + ".attention.output.dense"; attentionNorm = p + ".attention.output.LayerNorm"
            intermediate = p + ".intermediate.dense"; output = p + ".output.dense"; outputNorm = p + ".output.LayerNorm"
        }
    }
}

/// The classification head's checkpoint keys and its hidden activation, when the checkpoint has one.
struct HeadKeys {
    let dense: String
    let projection: String
    let activation: String

    init?(store: WeightStore, architecture: Architecture) {
        switch architecture {
        case .bert:
            guard store.contains("classifier.weight") else { return nil }
            (dense, projection, activation) = ("pooler.dense", "classifier", "Tanh")
        case .roberta, .camembert, .xlmRoberta:
            guard store.contains("classifier.out_proj.weight") else { return nil }
            (dense, projection, activation) = ("classifier.dense", "classifier.out_proj", "Tanh")
        case .distilbert:
            guard store.contains("classifier.weight") else { return nil }
            (dense, projection, activation) = ("pre_classifier", "classifier", "Relu")
        }
    }
}
