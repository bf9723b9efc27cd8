/// A normalizer stage: rewrites text in place, keeping alignments to the original.
public protocol Normalizer: Sendable {
    /// Normalizes `text`.
    func normalize(_ text: inout NormalizedString)
}

/// Applies several normalizers in order.
public struct SequenceNormalizer: Normalizer {
    /// The stages, in order.
    public let stages: [any Normalizer]
    /// A sequence of normalizers.
    public init(stages: [any Normalizer]) { self.stages = stages }
    public func normalize(_ text: inout NormalizedString) {
        for stage in stages { stage.normalize(&text) }
    }
}
