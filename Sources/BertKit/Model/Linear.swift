import BertModelIO

/// `nn.Linear`: weight `[out, in]`, bias `[out]`, read from `<name>.weight` / `<name>.bias`.
struct Linear: Sendable {
    let weight: FloatTensor
    let bias: FloatTensor
    let inFeatures: Int
    let outFeatures: Int
    /// Weight stored `[in, out]` instead of PyTorch's `[out, in]`.
    let transposed: Bool

    init(_ store: WeightStore, _ name: String, in inFeatures: Int, out outFeatures: Int) throws {
        weight = try store.floats(name + ".weight", shape: [outFeatures, inFeatures])
        bias = try store.floats(name + ".bias", shape: [outFeatures])
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        transposed = false
    }

    /// One product for several projections of the same input (Q, K and V): their weights stacked and stored
    /// transposed, `[in, Σ out]` (OpenBLAS packs that layout faster for a wide output), their biases concatenated.
    /// Copied once at load.
    init(stacking parts: [Linear], name: String) {
        let k = parts[0].inFeatures
        inFeatures = k
        let n = parts.reduce(0) { $0 + $1.outFeatures }
        outFeatures = n
        transposed = true
        var stacked = [Float](repeating: 0, count: k * n)
        var column = 0
        for part in parts {
            part.weight.withUnsafeBufferPointer { w in
                for o in 0..<part.outFeatures {
                    for i in 0..<k { stacked[i * n + column + o] = w[o * k + i] }
                }
            }
            column += part.outFeatures
        }
        weight = FloatTensor(name: name + ".weight", shape: [inFeatures, outFeatures], values: stacked)
        bias = FloatTensor(name: name + ".bias", shape: [outFeatures], values: parts.flatMap(\.bias.values))
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b`.
    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(!transposed, "single-row products read PyTorch's layout")
        Kernels.linear(x, rows: rows, in: inFeatures, weight: weight.pointer, bias: bias.pointer, out: outFeatures, into: y)
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + beta · y` on `workers` threads; the bias is left to a fused kernel
    /// (or laid in `y` beforehand, with `beta` 1).
    func product(_ x: UnsafePointer<Float>, rows: Int, beta: Float = 0, into y: UnsafeMutablePointer<Float>, workers: Int) {
        Kernels.parallelLinear(x, rows: rows, in: inFeatures, weight: weight.pointer, weightTransposed: transposed,
                               out: outFeatures, beta: beta,
                               into: y, workers: workers)
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
