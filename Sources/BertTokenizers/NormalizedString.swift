/// Text as a pipeline stage sees it: the current Unicode scalars plus, for each one, the index of the
/// scalar of the original input it came from, so offsets survive normalization (as in HF tokenizers).
public struct NormalizedString: Sendable, Equatable {
    /// The normalized scalars.
    public private(set) var scalars: [Unicode.Scalar]
    /// `alignments[i]` is the index in the original text's scalars that `scalars[i]` derives from.
    public private(set) var alignments: [Int]

    /// Wraps a run of original scalars starting at `offset` in the original text.
    public init<S: Collection>(_ original: S, offset: Int = 0) where S.Element == Unicode.Scalar {
        scalars = Array(original)
        alignments = Array(offset..<(offset + scalars.count))
    }

    /// The normalized text as a `String`.
    public var string: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    /// Replaces each scalar by zero or more scalars; every output keeps the alignment of its source scalar.
    public mutating func transform(_ body: (Unicode.Scalar, inout [Unicode.Scalar]) -> Void) {
        var outScalars: [Unicode.Scalar] = []
        var outAlign: [Int] = []
        outScalars.reserveCapacity(scalars.count)
        outAlign.reserveCapacity(scalars.count)
        var buffer: [Unicode.Scalar] = []
        for (scalar, origin) in zip(scalars, alignments) {
            buffer.removeAll(keepingCapacity: true)
            body(scalar, &buffer)
            for produced in buffer {
                outScalars.append(produced)
                outAlign.append(origin)
            }
        }
        scalars = outScalars
        alignments = outAlign
    }

    /// Keeps only the scalars for which `keep` is true.
    public mutating func filter(_ keep: (Unicode.Scalar) -> Bool) {
        transform { scalar, out in if keep(scalar) { out.append(scalar) } }
    }

    /// Replaces the content with parallel arrays produced by a stage.
    mutating func replace(scalars newScalars: [Unicode.Scalar], alignments newAlignments: [Int]) {
        precondition(newScalars.count == newAlignments.count, "scalars and alignments must have the same length")
        scalars = newScalars
        alignments = newAlignments
    }

    /// Original-text scalar offsets `[start, end)` of the normalized range `range`.
    public func originalOffsets(of range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else {
            let at = range.lowerBound < alignments.count ? alignments[range.lowerBound] : (alignments.last.map { $0 + 1 } ?? 0)
            return at..<at
        }
        return alignments[range.lowerBound]..<(alignments[range.upperBound - 1] + 1)
    }
}
