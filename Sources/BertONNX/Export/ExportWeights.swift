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
    /// Without `bias`, the layer has none (GTE's `up_gate_proj`): zeros.
    func linear(_ prefix: String, in inputs: Int, out outputs: Int, bias: Bool = true) throws -> (weight: [Float], bias: [Float]) {
        let weight = try store.floats(prefix + ".weight", shape: [outputs, inputs])
        var transposed = [Float](repeating: 0, count: inputs * outputs)
        weight.withUnsafeBufferPointer { w in
            for o in 0..<outputs {
                for i in 0..<inputs { transposed[i * outputs + o] = w[o * inputs + i] }
            }
        }
        return (transposed, bias ? try floats(prefix + ".bias", [outputs]) : [Float](repeating: 0, count: outputs))
    }

    /// LayerNorm weight and bias at `prefix`, `width` wide (nil: the hidden size); a zero bias where the architecture's
    /// norms have none.
    func layerNorm(_ prefix: String, width: Int? = nil) throws -> (gamma: [Float], beta: [Float]) {
        let h = width ?? config.hiddenSize
        let beta = config.architecture.spec.normBiases ? try floats(prefix + ".bias", [h]) : [Float](repeating: 0, count: h)
        return (try floats(prefix + ".weight", [h]), beta)
    }

    /// MPNet's relative-position bias per distance `[2·span + 1, heads]` (row `d + span` for a key `d` positions from
    /// its query, clamped to ±span), and `span`; nil for architectures without one.
    func relativeBias() throws -> (table: [Float], span: Int)? {
        guard let bias = config.architecture.spec.relativeBias else { return nil }
        let heads = config.numAttentionHeads
        let weight = try floats(bias.table + ".weight", [config.relativeAttentionBuckets ?? bias.buckets, heads])
        let span = bias.maxDistance
        var table = [Float](repeating: 0, count: (2 * span + 1) * heads)
        for distance in -span...span {
            let bucket = bias.bucket(distance)
            for head in 0..<heads { table[(distance + span) * heads + head] = weight[bucket * heads + head] }
        }
        return (table, span)
    }
}

/// The classification head's checkpoint keys and its hidden activation (as an ONNX operator), when the checkpoint has one.
struct HeadKeys {
    let dense: String
    let projection: String
    let activation: ArchitectureSpec.Head.Activation

    init?(store: WeightStore, architecture: Architecture) {
        let head = architecture.spec.head
        guard store.contains(head.projection + ".weight") else { return nil }
        (dense, projection) = (head.dense, head.projection)
        activation = head.activation
    }
}
