import Foundation

/// Rotary position embeddings (RoPE) as `config.json` sets them up: each query and key has its first `dimensions`
/// head dimensions turned, pair by pair, by an angle of its position times the pair's inverse frequency
/// θ^(−2t/dimensions) (transformers' `compute_default_rope_parameters` and `rotate_half`).
public struct RotaryEmbedding: Sendable, Equatable {
    /// The base wavelength θ (`rope_theta`).
    public var theta: Double
    /// Head dimensions rotated: even, at most the head's (the whole head for GTE).
    public var dimensions: Int
    /// Pairs (2t, 2t + 1), as GPT-J, instead of (t, t + dimensions/2), GPT-NeoX's `rotate_half`.
    public var interleaved = false

    /// A rotation of `dimensions` dimensions with base `theta`.
    public init(theta: Double, dimensions: Int, interleaved: Bool = false) {
        self.theta = theta
        self.dimensions = dimensions
        self.interleaved = interleaved
    }

    /// θ^(−2t/dimensions) for t < dimensions/2, in float32 as torch computes them
    /// (`1 / base ** (arange(0, dim, 2).float() / dim)`).
    public var inverseFrequencies: [Float] {
        (0..<dimensions / 2).map { 1 / powf(Float(theta), Float(2 * $0) / Float(dimensions)) }
    }

    /// cos and sin of each position times each inverse frequency, positions `0..<count` in rows of dimensions/2
    /// (float32 products and functions, as transformers' rotary embedding computes them).
    public func tables(positions count: Int) -> (cos: [Float], sin: [Float]) {
        let frequencies = inverseFrequencies
        let half = frequencies.count
        var cosines = [Float](repeating: 0, count: count * half), sines = cosines
        for position in 0..<count {
            for t in 0..<half {
                let angle = Float(position) * frequencies[t]
                cosines[position * half + t] = Foundation.cos(angle)
                sines[position * half + t] = Foundation.sin(angle)
            }
        }
        return (cosines, sines)
    }
}

extension BertConfig {
    /// The rotary fields of a RoPE encoder's `config.json`: transformers 5's `rope_parameters` (`rope_type` default,
    /// `rope_theta`, `partial_rotary_factor`), or the top-level fields of configs written for the Hub's own code
    /// (Alibaba's `new`: `rope_theta`; NomicBERT's: `rotary_emb_base`, `rotary_emb_fraction`), else the
    /// architecture's default θ. The variants BertKit does not run yet are refused naming their field: a scaled RoPE
    /// (`rope_scaling`, `rope_type` other than default, Nomic's `rotary_scaling_factor` and `rotary_emb_scale_base`),
    /// GTE's `logn_attention_scale`, `position_embedding_type` other than rope, unfused Q/K/V (`pack_qkv` false) and
    /// norms other than LayerNorm (`layer_norm_type`).
    mutating func readRotary(_ json: JSONObject, defaultTheta: Double, path: String) throws {
        func refuse(_ field: String, _ reason: String) -> ModelIOError { .invalidConfig(path: path, field: field, reason: reason) }
        var theta = try json.double("rope_theta") ?? json.double("rotary_emb_base")
        var fraction = try json.double("rotary_emb_fraction") ?? 1.0
        if let parameters = try json.object("rope_parameters") {
            let nested = JSONObject(parameters, path: path)
            let type = try nested.string("rope_type") ?? nested.string("type") ?? "default"
            guard type == "default" else {
                throw refuse("rope_parameters.rope_type", "'\(type)' is not supported; only 'default' (unscaled RoPE)")
            }
            theta = try nested.double("rope_theta") ?? theta
            fraction = try nested.double("partial_rotary_factor") ?? fraction
        }
        for field in ["rope_scaling", "rotary_scaling_factor", "rotary_emb_scale_base"] where json.has(field) {
            throw refuse(field, "scaled RoPE (NTK and others) is not supported yet; only unscaled RoPE")
        }
        if let kind = try json.string("position_embedding_type"), kind != "rope" {
            throw refuse("position_embedding_type", "'\(kind)' is not supported for \(architecture.rawValue); only 'rope'")
        }
        if try json.bool("logn_attention_scale") == true {
            throw refuse("logn_attention_scale", "log-n attention scaling is not supported")
        }
        if try json.bool("pack_qkv") == false {
            throw refuse("pack_qkv", "separate Q/K/V projections are not supported; only the fused qkv_proj")
        }
        if let norm = try json.string("layer_norm_type"), norm != "layer_norm" {
            throw refuse("layer_norm_type", "'\(norm)' is not supported; only 'layer_norm'")
        }
        positionBiasedInput = false
        // Checked by `validate` next, naming their fields.
        guard numAttentionHeads > 0, hiddenSize > 0, hiddenSize % numAttentionHeads == 0 else { return }
        let base = theta ?? defaultTheta
        guard base.isFinite, base > 1 else { throw refuse("rope_theta", "must be a finite number above 1, is \(base)") }
        let fractionField = json.has("rotary_emb_fraction") ? "rotary_emb_fraction" : "rope_parameters.partial_rotary_factor"
        guard fraction > 0, fraction <= 1 else { throw refuse(fractionField, "must be in (0, 1], is \(fraction)") }
        let dimensions = Int(Double(headDim) * fraction) / 2 * 2
        guard dimensions >= 2 else { throw refuse(fractionField, "rotates no pair of the \(headDim) head dimensions") }
        rotary = RotaryEmbedding(theta: base, dimensions: dimensions)
    }
}
