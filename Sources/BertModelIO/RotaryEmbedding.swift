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
    /// Every inverse frequency divided by it (transformers' `linear` rope_type; GTE's static NTK scaling is θ·factor
    /// with factor^(2/head size) here); 1: unscaled.
    public var linearFactor: Double = 1

    /// A rotation of `dimensions` dimensions with base `theta`.
    public init(theta: Double, dimensions: Int, interleaved: Bool = false, linearFactor: Double = 1) {
        self.theta = theta
        self.dimensions = dimensions
        self.interleaved = interleaved
        self.linearFactor = linearFactor
    }

    /// θ^(−2t/dimensions) / linearFactor for t < dimensions/2, in float32 as torch computes them
    /// (`1 / base ** (arange(0, dim, 2).float() / dim)`, then `inv_freq / factor`).
    public var inverseFrequencies: [Float] {
        (0..<dimensions / 2).map {
            let unscaled = 1 / powf(Float(theta), Float(2 * $0) / Float(dimensions))
            return linearFactor == 1 ? unscaled : unscaled / Float(linearFactor)
        }
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
    /// architecture's default θ. Scaling: `rope_type` linear (`factor`), and the Hub configs' `rope_scaling` of type
    /// linear or ntk (GTE's static NTK: θ·factor, every frequency divided by factor^(2/head size), as Alibaba's
    /// `NTKScalingRotaryEmbedding` and later transformers convert it). The variants BertKit does not run yet are
    /// refused naming their field: other scalings (dynamic, YaRN, NTK's `mixed_b`, Nomic's `rotary_scaling_factor`
    /// and `rotary_emb_scale_base`),
    /// GTE's `logn_attention_scale`, `position_embedding_type` other than rope, unfused Q/K/V (`pack_qkv` false) and
    /// norms other than LayerNorm (`layer_norm_type`).
    mutating func readRotary(_ json: JSONObject, defaultTheta: Double, path: String) throws {
        func refuse(_ field: String, _ reason: String) -> ModelIOError { .invalidConfig(path: path, field: field, reason: reason) }
        var theta = try json.double("rope_theta") ?? json.double("rotary_emb_base")
        var fraction = try json.double("rotary_emb_fraction") ?? 1.0
        var linearFactor = 1.0, ntkFactor: Double?
        // A scaling factor: finite and at least 1 (transformers' scalings stretch, never shrink).
        func factor(_ object: JSONObject, field: String) throws -> Double {
            guard let value = try object.double("factor"), value.isFinite, value >= 1 else {
                throw refuse(field, "needs a finite factor of at least 1")
            }
            return value
        }
        if let parameters = try json.object("rope_parameters") {
            let nested = JSONObject(parameters, path: path)
            let type = try nested.string("rope_type") ?? nested.string("type") ?? "default"
            switch type {
            case "default": break
            case "linear": linearFactor = try factor(nested, field: "rope_parameters.factor")
            default: throw refuse("rope_parameters.rope_type", "'\(type)' is not supported; only 'default' and 'linear'")
            }
            theta = try nested.double("rope_theta") ?? theta
            fraction = try nested.double("partial_rotary_factor") ?? fraction
        }
        if let scaling = try json.object("rope_scaling") {
            let nested = JSONObject(scaling, path: path)
            let type = try nested.string("type") ?? nested.string("rope_type") ?? ""
            let value = try factor(nested, field: "rope_scaling.factor")
            switch type {
            case "linear": linearFactor = value
            case "ntk" where !nested.has("mixed_b"):
                ntkFactor = value
            case "ntk": throw refuse("rope_scaling.mixed_b", "mixed NTK scaling is not supported; only fixed NTK")
            default: throw refuse("rope_scaling.type", "'\(type)' is not supported; only 'linear' and 'ntk'")
            }
        }
        for field in ["rotary_scaling_factor", "rotary_emb_scale_base"] where json.has(field) {
            throw refuse(field, "this scaled RoPE (dynamic NTK, xPos) is not supported; only unscaled, linear and fixed NTK")
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
        if let ntkFactor {
            // Alibaba's fixed NTK: the base times the factor, every frequency divided by factor^(2/head size).
            linearFactor = pow(ntkFactor, 2 / Double(headDim))
        }
        let base = (theta ?? defaultTheta) * (ntkFactor ?? 1)
        guard base.isFinite, base > 1 else { throw refuse("rope_theta", "must be a finite number above 1, is \(base)") }
        let fractionField = json.has("rotary_emb_fraction") ? "rotary_emb_fraction" : "rope_parameters.partial_rotary_factor"
        guard fraction > 0, fraction <= 1 else { throw refuse(fractionField, "must be in (0, 1], is \(fraction)") }
        let dimensions = Int(Double(headDim) * fraction) / 2 * 2
        guard dimensions >= 2 else { throw refuse(fractionField, "rotates no pair of the \(headDim) head dimensions") }
        rotary = RotaryEmbedding(theta: base, dimensions: dimensions, linearFactor: linearFactor)
    }
}
