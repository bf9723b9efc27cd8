/// How the engine lays a batch out in its activation matrices.
public enum ExecutionMode: String, Sendable, CaseIterable {
    /// Padding-free: all real tokens back to back; dense layers run once over them, attention per sequence on its
    /// own length. No work is spent on padding.
    case packed
    /// Every sequence padded to the batch's longest, as transformers and the study's engines do; padded keys are
    /// masked. Kept for comparison.
    case padded

    /// The tokens a batch of sequences with `lengths` costs: the real ones when packed, `count × longest` padded.
    public func cost(lengths: some Collection<Int>) -> Int {
        switch self {
        case .packed: lengths.reduce(0, +)
        case .padded: (lengths.max() ?? 0) * lengths.count
        }
    }
}

/// Where each sequence's rows lie in the activation matrix `[totalRows, hidden]`.
struct SequenceLayout: Sendable {
    /// First row of each sequence.
    let rowStart: [Int]
    /// Rows each sequence occupies (its length when packed, the batch's longest when padded).
    let rows: [Int]
    /// Real tokens of each sequence.
    let lengths: [Int]
    /// Rows of the whole matrix.
    let totalRows: Int

    init(_ batch: TokenBatch, mode: ExecutionMode) {
        lengths = (0..<batch.count).map(batch.length)
        switch mode {
        case .packed:
            rowStart = Array(batch.cuSeqLens.dropLast())
            rows = lengths
            totalRows = batch.tokenCount
        case .padded:
            let longest = lengths.max() ?? 0
            rowStart = lengths.indices.map { $0 * longest }
            rows = Array(repeating: longest, count: lengths.count)
            totalRows = longest * lengths.count
        }
    }

    /// Number of sequences.
    var count: Int { lengths.count }
    /// Longest sequence's rows.
    var maxRows: Int { rows.max() ?? 0 }
}
