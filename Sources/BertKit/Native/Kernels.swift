import COpenBLAS
import Foundation

/// Matrix products (OpenBLAS `sgemm`, row-major) and the scalar activations of the classification head.
enum Kernels {
    /// `out[m, n] = x[m, k] · w[n, k]ᵀ (+ bias[n])` — a PyTorch `nn.Linear` (weight stored `[out, in]`).
    static func linear(_ x: UnsafePointer<Float>, rows m: Int, in k: Int,
                       weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, out n: Int,
                       into y: UnsafeMutablePointer<Float>) {
        if let bias { FusedKernels.broadcast(bias, rows: m, width: n, into: y) }
        gemm(m: m, n: n, k: k, a: x, lda: k, transposeB: true, b: w, ldb: k, beta: bias == nil ? 0 : 1, c: y, ldc: n)
    }

    /// `y[m, n] = x[m, k] · w[n, k]ᵀ + beta · y`, split across `workers` by column blocks of `y` (each worker
    /// multiplies all rows by its own slice of the weights, so no weight is packed twice). OpenBLAS itself runs
    /// single-threaded inside each worker: one pool for the whole engine, no two pools fighting over the cores.
    /// With `weightTransposed` the weight is stored `[k, n]` (pre-arranged at load where OpenBLAS packs that
    /// layout faster).
    static func parallelLinear(_ x: UnsafePointer<Float>, rows m: Int, in k: Int, weight w: UnsafePointer<Float>,
                               weightTransposed: Bool = false,
                               out n: Int, beta: Float, into y: UnsafeMutablePointer<Float>, workers: Int) {
        // Blocks of at least 64 columns, and at least ~2 MFLOP each, so a block is worth a thread.
        let byWork = max(1, 2 * m * n * k / 2_000_000)
        let blocks = min(max(workers, 1), max(1, n / 64), byWork)
        let width = blocks <= 1 ? n : ((n + blocks - 1) / blocks + 15) / 16 * 16
        Parallel.forEach(blocks, workers: blocks) { block, _ in
            let start = block * width
            guard start < n else { return }
            if weightTransposed {
                gemm(m: m, n: min(width, n - start), k: k, a: x, lda: k, transposeB: false, b: w + start, ldb: n,
                     beta: beta, c: y + start, ldc: n)
            } else {
                gemm(m: m, n: min(width, n - start), k: k, a: x, lda: k, transposeB: true, b: w + start * k, ldb: k,
                     beta: beta, c: y + start, ldc: n)
            }
        }
    }

    /// `c[m, n] = alpha · a[m, k] · op(b) + beta · c`, where `op(b)` is `b[n, k]ᵀ` or `b[k, n]`; leading dimensions
    /// allow strided views (one head's columns inside the QKV rows).
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, transposeB: Bool,
                     b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0 && n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// In place over `count` values: an activation (scalar; the engine's hot loops use `FusedKernels`).
    static func activate(_ x: UnsafeMutablePointer<Float>, count: Int, _ activation: ActivationKind) {
        for i in 0..<count {
            let v = x[i]
            switch activation {
            case .gelu: x[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752))
            case .geluTanh: x[i] = 0.5 * v * (1 + tanh(0.79788456080286536 * (v + 0.044715 * v * v * v)))
            case .relu: x[i] = max(v, 0)
            case .tanh: x[i] = tanh(v)
            }
        }
    }
}

/// Element-wise functions the kernels apply.
enum ActivationKind: Sendable {
    case gelu, geluTanh, relu, tanh
}
