import BertModelIO
import Foundation
import Synchronization

/// SmoothQuant's migration of activation outliers into the weights, for int8 products: a few input channels of a
/// transformer's products carry values tens of times larger than the rest, and one quantization scale per token row
/// then leaves the others few levels. Column j of the activations is divided by
/// `s_j = max|x_j|^α / max|w_·j|^(1−α)` and column j of the weight multiplied by it, which leaves the product
/// unchanged in exact arithmetic and evens out the ranges int8 must cover (α = 0.5: measured best on all-MiniLM-L6-v2,
/// `tools/int8_candidates.py`).
struct SmoothingPlan: Sendable {
    /// Per product (its `Linear.name`), the largest |input| of each input column over the calibration pass.
    let maxima: [String: [Float]]
    /// How much of the activations' range moves into the weights.
    let alpha: Float

    static let defaultAlpha: Float = 0.5

    /// The factors `s` of the product `name` whose weight is `parts` stacked (`[n_i, k]` each), or nil without
    /// statistics for it. Columns that are all zero on either side keep a factor of 1.
    func factors(for name: String, parts: [FloatTensor]) -> [Float]? {
        guard let inputs = maxima[name], !parts.isEmpty else { return nil }
        let k = inputs.count
        var weights = [Float](repeating: 0, count: k)
        for part in parts {
            guard part.shape.last == k else { return nil }
            part.withUnsafeBufferPointer { w in
                for row in stride(from: 0, to: w.count, by: k) {
                    for j in 0..<k { weights[j] = max(weights[j], abs(w[row + j])) }
                }
            }
        }
        return zip(inputs, weights).map { x, w in
            guard x > 0, w > 0, x.isFinite, w.isFinite else { return 1 }
            let s = powf(x, alpha) / powf(w, 1 - alpha)
            return s.isNormal ? min(max(s, 1e-4), 1e4) : 1
        }
    }
}

/// The largest |value| of each input column of every product run while it is attached to a `KernelContext` (a
/// calibration pass).
final class ChannelMaxima: Sendable {
    private let values = Mutex<[String: [Float]]>([:])

    /// Folds rows `x[rows, width]` into the maxima of product `name`.
    func record(_ name: String, _ x: UnsafePointer<Float>, rows: Int, width: Int) {
        var local = [Float](repeating: 0, count: width)
        for r in 0..<rows {
            for j in 0..<width { local[j] = max(local[j], abs(x[r * width + j])) }
        }
        values.withLock { all in
            if let old = all[name], old.count == width {
                all[name] = zip(old, local).map { max($0, $1) }
            } else {
                all[name] = local
            }
        }
    }

    var maxima: [String: [Float]] { values.withLock { $0 } }
}
