/// A `TokenBatch` laid out as the rectangles graph engines (ONNX Runtime, TorchScript) take: `[rows, width]`
/// row-major int64 ids, attention mask and token type ids, each row padded on the right to the longest.
public struct PaddedBatch: Sendable, Equatable {
    /// Sequences.
    public let rows: Int
    /// Longest sequence: the row length.
    public let width: Int
    /// Token ids, padding with the pad id.
    public var ids: [Int64]
    /// 1 on real tokens, 0 on padding.
    public var mask: [Int64]
    /// Segment ids, 0 on padding.
    public var types: [Int64]

    /// Pads `batch` on the right with `padId`.
    public init(_ batch: TokenBatch, padId: Int64) {
        rows = batch.count
        width = batch.maxLength
        ids = [Int64](repeating: padId, count: rows * width)
        mask = [Int64](repeating: 0, count: rows * width)
        types = [Int64](repeating: 0, count: rows * width)
        for b in 0..<rows {
            let start = batch.cuSeqLens[b]
            for t in 0..<batch.length(b) {
                ids[b * width + t] = Int64(batch.ids[start + t])
                mask[b * width + t] = 1
                types[b * width + t] = Int64(batch.typeIds[start + t])
            }
        }
    }

    /// The graph inputs a padded batch feeds, by the names Hugging Face exports give them.
    public enum Input: String, Sendable, CaseIterable {
        case inputIds = "input_ids", attentionMask = "attention_mask", tokenTypeIds = "token_type_ids"
    }

    /// The values of one input.
    public subscript(input: Input) -> [Int64] {
        switch input {
        case .inputIds: return ids
        case .attentionMask: return mask
        case .tokenTypeIds: return types
        }
    }
}
