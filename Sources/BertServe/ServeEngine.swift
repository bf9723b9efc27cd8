import BertKit
import BertTokenizers

/// What the batch queue hands its batches to: one output row per sequence, in batch order. Runs on the queue's own
/// thread, never on Swift's cooperative pool, so an engine may block for as long as a batch takes.
public protocol ServeEngine: Sendable {
    /// Runs `task` on `sequences` as one batch: a pooled embedding, the logits, every token's hidden state
    /// (`length × hidden` values, row after row), or the sparse embedding (index, value, index, value, ...) per
    /// sequence.
    func run(_ task: BatchTask, _ sequences: [Encoding]) throws -> [[Float]]
}

/// A `BertModel` as a `ServeEngine`: the batch goes to its backend as it is, in one call (every token's hidden state
/// through `InferenceBackend.tokenEmbeddings`, which any backend may give).
public struct ModelEngine: ServeEngine {
    /// The model.
    public let model: BertModel

    /// An engine over `model`.
    public init(model: BertModel) { self.model = model }

    public func run(_ task: BatchTask, _ sequences: [Encoding]) throws -> [[Float]] {
        let whole = Batching.fixed(size: max(sequences.count, 1))
        switch task {
        case .pooled:
            return try model.embed(encodings: sequences, batching: whole)
        case .logits:
            return try model.logits(encodings: sequences, batching: whole)
        case .tokens:
            return try model.backend.tokenEmbeddings(TokenBatch(sequences))
        case .sparse:
            // Vocabulary ids are far below 2^24, so they travel exactly as floats.
            return try model.sparseEmbed(encodings: sequences, batching: whole).map { vector in
                zip(vector.indices, vector.values).flatMap { [Float($0), $1] }
            }
        }
    }
}
