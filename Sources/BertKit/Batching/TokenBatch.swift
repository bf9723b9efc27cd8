import BertTokenizers

/// A batch of tokenized sequences laid out flat, without padding (as TEI's `Batch`): sequence `i` owns
/// tokens `cuSeqLens[i] ..< cuSeqLens[i + 1]`. Backends that need rectangles pad it themselves.
public struct TokenBatch: Sendable, Equatable {
    /// Token ids of all sequences, back to back.
    public var ids: [Int32]
    /// Segment ids, parallel to `ids`.
    public var typeIds: [Int32]
    /// Cumulative sequence lengths: `count + 1` entries starting at 0.
    public var cuSeqLens: [Int]

    /// Number of sequences.
    public var count: Int { cuSeqLens.count - 1 }
    /// Total tokens.
    public var tokenCount: Int { ids.count }
    /// Length of sequence `i`.
    public func length(_ i: Int) -> Int { cuSeqLens[i + 1] - cuSeqLens[i] }
    /// Longest sequence.
    public var maxLength: Int { (0..<count).map(length).max() ?? 0 }

    /// Whether any token is in a second segment (type id other than 0: the second text of a pair, for BERT).
    public var hasSecondSegment: Bool { typeIds.contains { $0 != 0 } }

    /// A batch of the real tokens of `encodings` (those with attention mask 1, so padding is dropped).
    public init(_ encodings: some Collection<Encoding>) {
        ids = []
        typeIds = []
        cuSeqLens = [0]
        ids.reserveCapacity(encodings.reduce(0) { $0 + $1.count })
        for encoding in encodings {
            for i in 0..<encoding.count where encoding.attentionMask[i] == 1 {
                ids.append(Int32(truncatingIfNeeded: encoding.ids[i]))
                typeIds.append(Int32(truncatingIfNeeded: encoding.typeIds[i]))
            }
            cuSeqLens.append(ids.count)
        }
    }

    /// A batch from explicit ids (type ids 0 when omitted).
    public init(sequences: [[Int]], typeIds: [[Int]]? = nil) {
        ids = []
        self.typeIds = []
        cuSeqLens = [0]
        for (i, sequence) in sequences.enumerated() {
            ids.append(contentsOf: sequence.map { Int32(truncatingIfNeeded: $0) })
            let types = typeIds?[i] ?? Array(repeating: 0, count: sequence.count)
            self.typeIds.append(contentsOf: types.map { Int32(truncatingIfNeeded: $0) })
            cuSeqLens.append(ids.count)
        }
    }
}
