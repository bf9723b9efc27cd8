import BertModelIO

/// Sentence-transformers pooling over one sequence's token vectors, then optional L2 normalization.
/// https://github.com/UKPLab/sentence-transformers/blob/v3.0.0/sentence_transformers/models/Pooling.py
public struct Pooling: Sendable, Equatable {
    /// The modes, concatenated in order.
    public var modes: [PoolingMode]
    /// L2-normalize the result.
    public var normalize: Bool

    /// A pooling.
    public init(modes: [PoolingMode], normalize: Bool) {
        self.modes = modes
        self.normalize = normalize
    }

    /// Output width for a hidden size.
    public func dimension(hidden: Int) -> Int { modes.count * hidden }

    /// Pools `length` rows of `hidden` floats starting at `rows` (the real tokens of one sequence).
    public func callAsFunction(_ rows: UnsafePointer<Float>, length: Int, hidden: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(dimension(hidden: hidden))
        for mode in modes {
            switch mode {
            case .cls:
                out.append(contentsOf: UnsafeBufferPointer(start: rows, count: hidden))
            case .max:
                var m = [Float](repeating: -.infinity, count: hidden)
                for t in 0..<length { for i in 0..<hidden { m[i] = max(m[i], rows[t * hidden + i]) } }
                out.append(contentsOf: m)
            case .mean, .meanSqrtLen:
                var sum = [Float](repeating: 0, count: hidden)
                for t in 0..<length { for i in 0..<hidden { sum[i] += rows[t * hidden + i] } }
                let divisor = mode == .mean ? Float(max(length, 1)) : Float(max(length, 1)).squareRoot()
                out.append(contentsOf: sum.map { $0 / divisor })
            case .weightedMean:
                // Token t weighs t + 1 (sentence-transformers' positions from 1 over the real tokens).
                var sum = [Float](repeating: 0, count: hidden)
                for t in 0..<length {
                    let weight = Float(t + 1)
                    for i in 0..<hidden { sum[i] += rows[t * hidden + i] * weight }
                }
                let total = max(Float(length * (length + 1) / 2), 1e-9)
                out.append(contentsOf: sum.map { $0 / total })
            case .lastToken:
                out.append(contentsOf: UnsafeBufferPointer(start: rows + max(length - 1, 0) * hidden, count: hidden))
            }
        }
        if normalize { VectorMath.l2Normalize(&out) }
        return out
    }
}
