import BertKit

/// Summary statistics of a sample, as the report shows them. Percentiles interpolate linearly between the two
/// nearest ranks (NumPy's default), so `p95` of five repeats lies between the fourth and the fifth.
public struct Summary: Codable, Sendable, Equatable {
    /// Sample size.
    public var count: Int
    public var mean: Double
    public var median: Double
    /// 95th percentile.
    public var p95: Double
    public var min: Double
    public var max: Double
    /// Sample standard deviation (n − 1 in the denominator; 0 for a single value).
    public var stddev: Double

    /// The statistics of `values`; all zero for an empty sample.
    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else {
            mean = 0; median = 0; p95 = 0; min = 0; max = 0; stddev = 0
            return
        }
        let sorted = values.sorted()
        mean = values.reduce(0, +) / Double(values.count)
        median = Self.percentile(sorted, 50)
        p95 = Self.percentile(sorted, 95)
        min = sorted[0]
        max = sorted[sorted.count - 1]
        if values.count > 1 {
            let m = mean
            stddev = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        } else {
            stddev = 0
        }
    }

    /// Relative spread, `(max − min) / median`: how far apart the repeats landed (0 when the median is 0).
    public var spread: Double { median > 0 ? (max - min) / median : 0 }

    /// The `q`-th percentile (0...100) of an ascending sample (`Percentile.interpolated`).
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double { Percentile.interpolated(sorted, q) }
}
