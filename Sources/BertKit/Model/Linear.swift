import BertModelIO
import CBertKernels

/// `nn.Linear`: weight `[out, in]`, bias `[out]`, read from `<name>.weight` / `<name>.bias`. The weight is packed
/// at load for the engine's instruction set and precision; the checkpoint's pages of it are handed back to the OS.
struct Linear: Sendable {
    let weight: PackedWeights
    let bias: FloatTensor
    /// The checkpoint name (names, for stacked projections), for errors.
    let name: String
    var inFeatures: Int { weight.k }
    var outFeatures: Int { weight.n }

    /// What a product does with its results, fused into the kernel.
    enum Epilogue {
        /// `y = x·Wᵀ + b`
        case bias
        /// `y = act(x·Wᵀ + b)`
        case activation(ActivationKind)
        /// `y = LayerNorm(x·Wᵀ + b + y)`: `y` holds the residual on entry.
        case residualLayerNorm(LayerNorm)
        /// `y = (x·Wᵀ + b) · y`: `y` holds the other factor on entry (a gated feed-forward's activated half).
        case multiply
        /// `y = x·Wᵀ + b + y`: `y` holds the residual on entry (pre-LayerNorm layers).
        case residual
    }

    /// Without `bias`, the layer has none (NomicBERT's products): a zero bias.
    init(
        _ store: WeightStore, _ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true,
        packing: WeightPacking
    ) throws {
        try self.init(store, stacking: [name], in: inFeatures, outs: [outFeatures], bias: bias, packing: packing)
    }

    /// A product whose weight and bias have names of their own (a decoder tied to the word embeddings).
    init(_ store: WeightStore, weight: String, bias: String, in inputs: Int, out outputs: Int, packing: WeightPacking) throws {
        let w = try store.floats(weight, shape: [outputs, inputs])
        self.bias = try store.floats(bias, shape: [outputs])
        self.weight = try PackedWeights(
            stacking: [w], k: inputs, isa: packing.isa, precision: packing.precision,
            smoothing: packing.smoothingFactors(for: weight, parts: [w]))
        name = weight
    }

    /// The product of rows `rows` of the weight `name` `[total, in]` (one half of a gated feed-forward's stacked
    /// weight), with those rows of its bias, or a zero bias when `bias` is false.
    init(
        _ store: WeightStore, _ name: String, rows: Range<Int>, of total: Int, in inFeatures: Int, bias hasBias: Bool,
        packing: WeightPacking
    ) throws {
        let full = try store.floats(name + ".weight", shape: [total, inFeatures])
        let values = full.withUnsafeBufferPointer { Array($0[rows.lowerBound * inFeatures..<rows.upperBound * inFeatures]) }
        let part = FloatTensor(name: "\(name).weight[\(rows.lowerBound)..<\(rows.upperBound)]", shape: [rows.count, inFeatures], values: values)
        weight = try PackedWeights(
            stacking: [part], k: inFeatures, isa: packing.isa, precision: packing.precision,
            smoothing: packing.smoothingFactors(for: name, parts: [part]))
        full.releaseMappedPages()
        let biasValues = try hasBias ? store.floats(name + ".bias", shape: [total]).withUnsafeBufferPointer { Array($0[rows]) } : nil
        bias = FloatTensor(name: name + ".bias", shape: [rows.count], values: biasValues ?? [Float](repeating: 0, count: rows.count))
        self.name = name
    }

    /// One product for several projections of the same input (Q, K and V): their weights stacked row-wise and
    /// packed together, their biases concatenated (zeros without `bias`).
    init(
        _ store: WeightStore, stacking names: [String], in inFeatures: Int, outs: [Int], bias hasBias: Bool = true,
        packing: WeightPacking
    ) throws {
        let weights = try zip(names, outs).map { try store.floats($0 + ".weight", shape: [$1, inFeatures]) }
        let biases = try zip(names, outs).map {
            hasBias
                ? try store.floats($0 + ".bias", shape: [$1])
                : FloatTensor(name: $0 + ".bias", shape: [$1], values: [Float](repeating: 0, count: $1))
        }
        name = names.joined(separator: "+")
        weight = try PackedWeights(
            stacking: weights, k: inFeatures, isa: packing.isa, precision: packing.precision,
            smoothing: packing.smoothingFactors(for: name, parts: weights))
        for tensor in weights { tensor.releaseMappedPages() }
        bias =
            biases.count == 1
            ? biases[0]
            : FloatTensor(
                name: names.joined(separator: "+") + ".bias", shape: [outs.reduce(0, +)],
                values: biases.flatMap(\.values))
    }

    /// `y[rows, out] = epilogue(x[rows, in] · Wᵀ)` on the context's threads (one fork/join).
    func callAsFunction(
        _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, _ epilogue: Epilogue,
        _ ctx: KernelContext
    ) throws {
        ctx.calibration?.record(name, x, rows: rows, width: inFeatures)
        var desc = bk_gemm_desc()
        desc.isa = weight.isa.c
        desc.a_scale = UnsafePointer(weight.activationScale)
        desc.m = rows
        desc.n = outFeatures
        desc.k = inFeatures
        desc.a = x
        desc.lda = inFeatures
        desc.packed = UnsafeRawPointer(weight.pointer)
        desc.format = weight.precision.format
        desc.c = y
        desc.ldc = outFeatures
        desc.bias = bias.pointer
        switch epilogue {
        case .bias:
            desc.epilogue = BK_EPILOGUE_BIAS
        case .activation(let kind):
            desc.epilogue = kind.epilogue
        case .multiply:
            desc.epilogue = BK_EPILOGUE_BIAS_MULTIPLY
        case .residual:
            desc.epilogue = BK_EPILOGUE_BIAS_RESIDUAL
        case .residualLayerNorm(let norm):
            desc.epilogue = BK_EPILOGUE_BIAS_RESIDUAL_LAYERNORM
            desc.gamma = norm.gamma.pointer
            desc.beta = norm.beta.pointer
            desc.eps = norm.eps
        }
        try withExtendedLifetime(self) { bk_gemm(ctx.pool, Int32(ctx.workers), &desc) }.check("the product \(name)")
    }
}

/// `nn.LayerNorm` over the last dimension: `<name>.weight` / `<name>.bias` (a zero bias without `bias`: ModernBERT's
/// `bias=False` norms).
struct LayerNorm: Sendable {
    let name: String
    let gamma: FloatTensor
    let beta: FloatTensor
    let eps: Float

    init(_ store: WeightStore, _ name: String, width: Int, eps: Float, bias: Bool = true) throws {
        self.name = name
        gamma = try store.floats(name + ".weight", shape: [width])
        beta =
            bias
            ? try store.floats(name + ".bias", shape: [width])
            : FloatTensor(name: name + ".bias", shape: [width], values: [Float](repeating: 0, count: width))
        self.eps = eps
    }

    var width: Int { gamma.count }

    /// In place over `x[rows, width]`, rows split across the context's threads.
    func callAsFunction(_ x: UnsafeMutablePointer<Float>, rows: Int, _ ctx: KernelContext) throws {
        try withExtendedLifetime(self) {
            bk_layernorm(ctx.pool, Int32(ctx.workers), ctx.isa.c, x, rows, width, gamma.pointer, beta.pointer, eps)
        }.check("the LayerNorm \(name)")
    }
}

/// Element-wise functions fused into products.
enum ActivationKind: Sendable {
    case gelu, geluTanh, relu, tanh, silu

    var epilogue: bk_epilogue {
        switch self {
        case .gelu: BK_EPILOGUE_BIAS_GELU
        case .geluTanh: BK_EPILOGUE_BIAS_GELU_TANH
        case .relu: BK_EPILOGUE_BIAS_RELU
        case .tanh: BK_EPILOGUE_BIAS_TANH
        case .silu: BK_EPILOGUE_BIAS_SILU
        }
    }
}
