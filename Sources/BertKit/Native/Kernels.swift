import COpenBLAS
import Foundation

/// The reference CPU kernels: pure functions over row-major float buffers, shapes in each doc comment.
/// Matrix products go through OpenBLAS; the element-wise kernels are plain loops.
enum Kernels {
    /// `out[m, n] = x[m, k] · w[n, k]ᵀ + bias[n]` — a PyTorch `nn.Linear` (weight stored `[out, in]`).
    static func linear(_ x: UnsafePointer<Float>, rows m: Int, in k: Int,
                       weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, out n: Int,
                       into y: UnsafeMutablePointer<Float>) {
        if let bias {
            for r in 0..<m { (y + r * n).update(from: bias, count: n) }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, x, Int32(k), w, Int32(k), bias == nil ? 0 : 1, y, Int32(n))
    }

    /// `c[m, n] = alpha · a[m, k] · b[n, k]ᵀ` with leading dimensions (strided views into wider rows).
    static func gemmNT(m: Int, n: Int, k: Int, alpha: Float,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// `c[m, n] = a[m, k] · b[k, n]` with leading dimensions.
    static func gemmNN(m: Int, n: Int, k: Int,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// In place over `x[rows, width]`: `x = LayerNorm(x + residual)` with weight `gamma[width]`, bias `beta[width]`.
    /// Mean and variance are accumulated in Double, as the biased variance of PyTorch's `layer_norm`.
    static func addLayerNorm(_ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int, width: Int,
                             gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
        for r in 0..<rows {
            let row = x + r * width
            if let residual {
                let res = residual + r * width
                for i in 0..<width { row[i] += res[i] }
            }
            var sum: Double = 0
            for i in 0..<width { sum += Double(row[i]) }
            let mean = sum / Double(width)
            var sq: Double = 0
            for i in 0..<width {
                let d = Double(row[i]) - mean
                sq += d * d
            }
            let inv = 1 / (sq / Double(width) + Double(eps)).squareRoot()
            let m = Float(mean), s = Float(inv)
            for i in 0..<width { row[i] = (row[i] - m) * s * gamma[i] + beta[i] }
        }
    }

    /// In place over `count` values: the activation named by the config.
    static func activate(_ x: UnsafeMutablePointer<Float>, count: Int, _ activation: ActivationKind) {
        switch activation {
        case .gelu:
            // Exact GELU: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)).
            for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erf(x[i] * 0.70710678118654752)) }
        case .geluTanh:
            // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³))).
            for i in 0..<count {
                let v = x[i]
                x[i] = 0.5 * v * (1 + tanh(0.79788456080286536 * (v + 0.044715 * v * v * v)))
            }
        case .relu:
            for i in 0..<count where x[i] < 0 { x[i] = 0 }
        case .tanh:
            for i in 0..<count { x[i] = tanh(x[i]) }
        }
    }

    /// In place over `scores[rows, width]`: softmax of each row over its first `valid` columns; the rest become 0
    /// (the padding mask: keys past the sequence's length get no weight).
    static func maskedSoftmax(_ scores: UnsafeMutablePointer<Float>, rows: Int, width: Int, valid: Int) {
        for r in 0..<rows {
            let row = scores + r * width
            var maxValue = -Float.infinity
            for j in 0..<valid { maxValue = max(maxValue, row[j]) }
            var sum: Float = 0
            for j in 0..<valid {
                let e = exp(row[j] - maxValue)
                row[j] = e
                sum += e
            }
            let inv = 1 / sum
            for j in 0..<valid { row[j] *= inv }
            for j in valid..<width { row[j] = 0 }
        }
    }
}

/// Element-wise functions the kernels apply.
enum ActivationKind: Sendable {
    case gelu, geluTanh, relu, tanh
}
