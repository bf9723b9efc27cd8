/// ModernBERT's alternating attention: most layers attend only to a sliding window of nearby tokens, with a rotation
/// of their own, and every few layers attends globally (transformers' `ModernBertConfig`: `layer_types`, else
/// `global_attn_every_n_layers`; `local_attention`; `rope_parameters` per layer type, else `global_rope_theta` /
/// `local_rope_theta`).
public struct AlternatingAttention: Sendable, Equatable {
    /// Keys on each side a local layer's query sees: query i attends key j when |i − j| <= window
    /// (transformers' `sliding_window`, half of `local_attention`).
    public var window: Int
    /// Per layer: whether it attends through the sliding window.
    public var local: [Bool]
    /// The local layers' rotation (the global layers' is `BertConfig.rotary`).
    public var localRotary: RotaryEmbedding

    /// Whether layer `index` is local.
    public func isLocal(_ index: Int) -> Bool { local.indices.contains(index) && local[index] }
}

extension BertConfig {
    /// Reads ModernBERT's attention pattern and its two rotations. Both forms of `config.json` are read: transformers
    /// 5's (`layer_types`, `rope_parameters.{full_attention, sliding_attention}`) and the Hub's earlier one
    /// (`global_attn_every_n_layers`, `global_rope_theta`, `local_rope_theta`). Scaled rotations (`rope_scaling`,
    /// a `rope_type` other than default) and partial ones are refused naming their field.
    mutating func readAlternating(_ json: JSONObject, path: String) throws {
        func refuse(_ field: String, _ reason: String) -> ModelIOError { .invalidConfig(path: path, field: field, reason: reason) }
        if json.has("rope_scaling") { throw refuse("rope_scaling", "scaled rotary positions are not supported for modernbert") }
        let parameters = try json.object("rope_parameters").map { JSONObject($0, path: path) }
        // θ of one layer type: `rope_parameters.<type>.rope_theta`, else the Hub's field, else transformers' default.
        func theta(_ type: String, legacy: String, default value: Double) throws -> RotaryEmbedding {
            var theta = try json.double(legacy) ?? value
            if let nested = try parameters?.object(type).map({ JSONObject($0, path: path) }) {
                let kind = try nested.string("rope_type") ?? "default"
                guard kind == "default" else {
                    throw refuse("rope_parameters.\(type).rope_type", "'\(kind)' is not supported for modernbert; only 'default'")
                }
                if let fraction = try nested.double("partial_rotary_factor"), fraction != 1 {
                    throw refuse("rope_parameters.\(type).partial_rotary_factor", "partial rotation is not supported for modernbert")
                }
                theta = try nested.double("rope_theta") ?? theta
            }
            guard theta.isFinite, theta > 1 else {
                throw refuse("rope_parameters.\(type).rope_theta", "must be a finite number above 1, is \(theta)")
            }
            return RotaryEmbedding(theta: theta, dimensions: headDim / 2 * 2)
        }
        let window = try json.int("local_attention") ?? 128
        guard window >= 2, window <= 1 << 24 else {
            throw refuse("local_attention", "must be a window of 2 to 16,777,216 tokens, is \(window)")
        }
        var local: [Bool]
        if let types = try json.array("layer_types") {
            guard types.count == numHiddenLayers else {
                throw refuse("layer_types", "has \(types.count) entries for \(numHiddenLayers) layers")
            }
            local = []
            for (index, type) in types.enumerated() {
                switch type as? String {
                case "full_attention": local.append(false)
                case "sliding_attention": local.append(true)
                default:
                    throw refuse("layer_types.\(index)", "'\(type)' is not supported; only 'full_attention' and 'sliding_attention'")
                }
            }
        } else {
            let every = try json.int("global_attn_every_n_layers") ?? 3
            guard every >= 1 else { throw refuse("global_attn_every_n_layers", "must be at least 1, is \(every)") }
            local = (0..<max(numHiddenLayers, 0)).map { $0 % every != 0 }
        }
        // Checked by `validate` next, naming their fields.
        guard numAttentionHeads > 0, hiddenSize > 0, hiddenSize % numAttentionHeads == 0, headDim >= 2 else { return }
        rotary = try theta("full_attention", legacy: "global_rope_theta", default: 160_000)
        alternating = AlternatingAttention(
            window: window / 2, local: local,
            localRotary: try theta("sliding_attention", legacy: "local_rope_theta", default: 10_000))
        positionBiasedInput = false
    }
}
