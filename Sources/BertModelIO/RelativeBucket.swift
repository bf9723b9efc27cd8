import Foundation

extension ArchitectureSpec.RelativeBias {
    /// The bucket of a key `relative = j − i` positions from its query: transformers'
    /// `MPNetEncoder.relative_position_bucket` (T5's bidirectional buckets: half for keys after the query, exact up to
    /// a quarter of the buckets, then logarithmic up to `maxDistance`, the last bucket beyond). In float32, as torch
    /// computes it, so distances on a bucket's edge fall where transformers puts them.
    public func bucket(_ relative: Int) -> Int {
        let half = buckets / 2
        let n = -relative
        let side = n < 0 ? half : 0
        let distance = abs(n)
        let exact = half / 2
        guard distance >= exact else { return side + distance }
        let ratio = Foundation.log(Float(distance) / Float(exact)) / Float(Foundation.log(Double(maxDistance) / Double(exact)))
        let large = exact + Int(ratio * Float(half - exact))
        return side + min(large, half - 1)
    }
}
