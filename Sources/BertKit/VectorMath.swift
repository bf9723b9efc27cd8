import Foundation

/// The vector arithmetic the front ends share: normalization as PyTorch's `F.normalize` does it, cosine similarity,
/// the winning index, softmax.
public enum VectorMath {
    /// `v / max(‖v‖₂, 1e-12)` (`torch.nn.functional.normalize`), accumulated in Float as PyTorch's fp32 kernels do.
    public static func l2Normalized(_ v: [Float]) -> [Float] {
        var x = v
        l2Normalize(&x)
        return x
    }

    /// Normalizes `v` in place (see `l2Normalized`).
    public static func l2Normalize(_ v: inout [Float]) {
        let scale = 1 / max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        for i in v.indices { v[i] *= scale }
    }

    /// `a·b / (‖a‖ ‖b‖)` accumulated in Double; 1 for two zero vectors, 0 when only one is zero.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : (na == nb ? 1 : 0)
    }

    /// The index of the largest value (the first of equals; 0 for an empty vector).
    public static func argmax(_ v: [Float]) -> Int { v.indices.max { v[$0] < v[$1] } ?? 0 }

    /// `exp(v - max) / Σ exp(v - max)`.
    public static func softmax(_ v: [Float]) -> [Float] {
        guard let top = v.max() else { return [] }
        let exps = v.map { exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }
}
