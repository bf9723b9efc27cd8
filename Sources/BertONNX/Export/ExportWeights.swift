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

/// The classification head's checkpoint keys and its hidden activation (as an ONNX operator), when the checkpoint has one.
struct HeadKeys {
    let dense: String
    let projection: String
    let activation: String

    init?(store: WeightStore, architecture: Architecture) {
        let head = architecture.spec.head
        guard store.contains(head.projection + ".weight") else { return nil }
        (dense, projection) = (head.dense, head.projection)
        activation = head.activation == .tanh ? "Tanh" : "Relu"
    }
}
