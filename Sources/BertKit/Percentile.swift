/// The two percentile definitions BertKit reports, under distinct names: benchmarks interpolate between ranks (as
/// NumPy's default does); load tests take the nearest rank (as wrk and HdrHistogram report latencies).
public enum Percentile {
    /// The `q`-th percentile (0...100) of an ascending sample, interpolated linearly between the closest ranks.
    public static func interpolated(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let rank = q / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }

    /// The smallest value of an ascending sample with at least the fraction `p` (0...1) of the values at or below it.
    public static func nearestRank(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count, Swift.max(rank, 1)) - 1]
    }
}
