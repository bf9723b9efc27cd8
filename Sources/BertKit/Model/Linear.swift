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

    /// One product for several projections of the same input (Q, K and V): their weights stacked by rows, their
    /// biases concatenated. Copied once at load.
    init(stacking parts: [Linear], name: String) {
        inFeatures = parts[0].inFeatures
        outFeatures = parts.reduce(0) { $0 + $1.outFeatures }
        weight = FloatTensor(name: name + ".weight", shape: [outFeatures, inFeatures], values: parts.flatMap(\.weight.values))
        bias = FloatTensor(name: name + ".bias", shape: [outFeatures], values: parts.flatMap(\.bias.values))
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b`.
    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        Kernels.linear(x, rows: rows, in: inFeatures, weight: weight.pointer, bias: bias.pointer, out: outFeatures, into: y)
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ`, bias left for a fused kernel to add.
    func product(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        Kernels.linear(x, rows: rows, in: inFeatures, weight: weight.pointer, bias: nil, out: outFeatures, into: y)
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

    var width: Int { gamma.count }

    /// `x = LayerNorm(y + bias + x)` over `rows` rows, split across `workers`; `y` nil normalizes `x` alone.
    func callAsFunction(_ y: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, into x: UnsafeMutablePointer<Float>,
                        rows: Int, workers: Int) {
        let w = width
        Parallel.rows(rows, workers: workers) { range in
            FusedKernels.addLayerNorm(y.map { $0 + range.lowerBound * w }, bias: bias, into: x + range.lowerBound * w,
                                      rows: range.count, width: w, gamma: gamma.pointer, beta: beta.pointer, eps: eps)
        }
    }
}
