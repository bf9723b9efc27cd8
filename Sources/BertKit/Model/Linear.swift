import BertModelIO

/// `nn.Linear`: weight `[out, in]`, bias `[out]`, read from `<name>.weight` / `<name>.bias`.
struct Linear: Sendable {
    let weight: FloatTensor
    let bias: FloatTensor
    let inFeatures: Int
    let outFeatures: Int

    init(_ store: WeightStore, _ name: String, in inFeatures: Int, out outFeatures: Int) throws {
        weight = try store.floats(name + ".weight", shape: [outFeatures, inFeatures])
        bias = try store.floats(name + ".bias", shape: [outFeatures])
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b`.
    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        Kernels.linear(x, rows: rows, in: inFeatures, weight: weight.pointer, bias: bias.pointer, out: outFeatures, into: y)
    }
}

/// `nn.LayerNorm` over the last dimension: `<name>.weight` / `<name>.bias`.
struct LayerNorm: Sendable {
    let gamma: FloatTensor
    let beta: FloatTensor
    let eps: Float

    init(_ store: WeightStore, _ name: String, width: Int, eps: Float) throws {
        gamma = try store.floats(name + ".weight", shape: [width])
        beta = try store.floats(name + ".bias", shape: [width])
        self.eps = eps
    }

    /// In place: `x = LayerNorm(x + residual)` over `rows` rows.
    func callAsFunction(_ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int) {
        Kernels.addLayerNorm(x, residual: residual, rows: rows, width: gamma.count,
                             gamma: gamma.pointer, beta: beta.pointer, eps: eps)
    }
}
