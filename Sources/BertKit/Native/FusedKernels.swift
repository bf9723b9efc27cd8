/// The engine's fused element-wise kernels over row-major float rows, vectorized with `VectorMath`.
/// Each reads and writes its rows once; callers split rows across threads.
enum FusedKernels {
    /// `y[r, i] = bias[i]` for every row (a product with β = 1 then adds to it: bias fused into the GEMM).
    static func broadcast(_ bias: UnsafePointer<Float>, rows: Int, width: Int, into y: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { (y + r * width).update(from: bias, count: width) }
    }

    /// In place: `x[r, i] = act(x[r, i] + bias[i])` — the feed-forward's bias and activation in one pass.
    static func biasActivate(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>,
                             _ activation: ActivationKind) {
        switch activation {
        case .gelu: biasMap(x, rows: rows, width: width, bias: bias, VectorMath.gelu)
        case .geluTanh: biasMap(x, rows: rows, width: width, bias: bias, VectorMath.geluTanh)
        case .relu: biasMap(x, rows: rows, width: width, bias: bias) { $0.replacing(with: 0, where: $0 .< 0) }
        case .tanh: biasMap(x, rows: rows, width: width, bias: bias, VectorMath.tanh)
        }
    }

    @inline(__always)
    private static func biasMap(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>,
                                _ f: (Vector) -> Vector) {
        let lanes = VectorMath.lanes
        for r in 0..<rows {
            let row = x + r * width
            var i = 0
            while i + lanes <= width {
                VectorMath.store(f(VectorMath.load(row + i) + VectorMath.load(bias + i)), row + i)
                i += lanes
            }
            while i < width {
                let v = VectorMath.loadPartial(row + i, count: 1, fill: 0) + Vector(repeating: bias[i])
                row[i] = f(v)[0]
                i += 1
            }
        }
    }

    /// `x[r] = LayerNorm(y[r] + bias + x[r])` written into `x` — output projection's bias, the residual and the
    /// LayerNorm in one pass. `bias` nil skips it; `y` nil normalizes `x` alone (embeddings).
    static func addLayerNorm(_ y: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, into x: UnsafeMutablePointer<Float>,
                             rows: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
        let lanes = VectorMath.lanes
        let vectorWidth = width - width % lanes
        for r in 0..<rows {
            let row = x + r * width
            if let y {
                let source = y + r * width
                if let bias {
                    var i = 0
                    while i < vectorWidth {
                        VectorMath.store(VectorMath.load(row + i) + VectorMath.load(source + i) + VectorMath.load(bias + i), row + i)
                        i += lanes
                    }
                    for j in vectorWidth..<width { row[j] += source[j] + bias[j] }
                } else {
                    for j in 0..<width { row[j] += source[j] }
                }
            }
            // Two passes in float: the mean, then the biased variance of the deviations (as PyTorch).
            var sum = Vector()
            var i = 0
            while i < vectorWidth { sum += VectorMath.load(row + i); i += lanes }
            var total = sum.sum()
            for j in vectorWidth..<width { total += row[j] }
            let mean = total / Float(width)
            var squares = Vector()
            i = 0
            while i < vectorWidth {
                let d = VectorMath.load(row + i) - mean
                squares += d * d
                i += lanes
            }
            var variance = squares.sum()
            for j in vectorWidth..<width { variance += (row[j] - mean) * (row[j] - mean) }
            let scale = 1 / (variance / Float(width) + eps).squareRoot()
            i = 0
            while i < vectorWidth {
                let normalized = (VectorMath.load(row + i) - mean) * scale
                VectorMath.store(normalized * VectorMath.load(gamma + i) + VectorMath.load(beta + i), row + i)
                i += lanes
            }
            for j in vectorWidth..<width { row[j] = (row[j] - mean) * scale * gamma[j] + beta[j] }
        }
    }

    /// In place over `scores[rows, ld]`: softmax of each row over its first `valid` columns (keys past a sequence's
    /// length are never read: the mask costs nothing). The 1/√d scale is applied by the product that wrote `scores`.
    static func softmax(_ scores: UnsafeMutablePointer<Float>, rows: Int, ld: Int, valid: Int) {
        let lanes = VectorMath.lanes
        let vectorWidth = valid - valid % lanes
        let tail = valid - vectorWidth
        for r in 0..<rows {
            let row = scores + r * ld
            var maxima = Vector(repeating: -.infinity)
            var i = 0
            while i < vectorWidth { maxima = VectorMath.max(maxima, VectorMath.load(row + i)); i += lanes }
            var maxValue = maxima.max()
            for j in vectorWidth..<valid { maxValue = max(maxValue, row[j]) }
            var sums = Vector()
            i = 0
            while i < vectorWidth {
                let e = VectorMath.exp(VectorMath.load(row + i) - maxValue)
                VectorMath.store(e, row + i)
                sums += e
                i += lanes
            }
            if tail > 0 {
                let e = VectorMath.exp(VectorMath.loadPartial(row + i, count: tail, fill: -.infinity) - maxValue)
                let kept = e.replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(tail))
                VectorMath.storePartial(kept, row + i, count: tail)
                sums += kept
            }
            let inverse = 1 / sums.sum()
            i = 0
            while i < vectorWidth { VectorMath.store(VectorMath.load(row + i) * inverse, row + i); i += lanes }
            for j in vectorWidth..<valid { row[j] *= inverse }
        }
    }
}
