/// The async API: each call runs on the model's own engine thread (never on a thread of Swift's cooperative pool,
/// which stays free for the rest of a server while the forward passes run) and suspends its caller until the result
/// is ready. Calls on one model run one after another, in the order made; cancelling the awaiting task stops the call
/// before its next batch, with `CancellationError`.
///
/// ```swift
/// let model = try BertModel(directory: "models/all-MiniLM-L6-v2")
/// let vectors = try await model.embed(["A cat sits.", "A dog runs."])
/// ```
extension BertModel {
    /// Sentence embeddings, in input order (as the synchronous `embed`), computed on the engine thread.
    public func embed(_ inputs: [TextInput], batching: Batching = .default) async throws -> [[Float]] {
        try await onEngineThread { try self.embed(inputs, batching: batching, cancellation: $0) }
    }

    /// Sentence embeddings of texts, in their order.
    public func embed(_ texts: [String], batching: Batching = .default) async throws -> [[Float]] {
        try await embed(texts.map { TextInput($0) }, batching: batching)
    }

    /// Classification logits and the winning label, in input order, computed on the engine thread.
    public func classify(_ inputs: [TextInput], batching: Batching = .default) async throws -> [Classification] {
        try await onEngineThread { try self.classify(inputs, batching: batching, cancellation: $0) }
    }

    /// Classifications of texts, in their order.
    public func classify(_ texts: [String], batching: Batching = .default) async throws -> [Classification] {
        try await classify(texts.map { TextInput($0) }, batching: batching)
    }

    /// Sparse (SPLADE) embeddings, in input order, computed on the engine thread.
    public func sparseEmbed(_ inputs: [TextInput], batching: Batching = .default) async throws -> [SparseVector] {
        try await onEngineThread { try self.sparseEmbed(inputs, batching: batching, cancellation: $0) }
    }

    /// `texts` scored against `query` by a cross-encoder, best first, computed on the engine thread.
    public func rerank(query: String, texts: [String], batching: Batching = .default) async throws -> [RankedText] {
        try await onEngineThread { try self.rerank(query: query, texts: texts, batching: batching, cancellation: $0) }
    }

    /// Runs `body` on the engine thread, with a flag that the awaiting task's cancellation sets.
    private func onEngineThread<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try flag.check()
            return try await engineThread.run {
                try flag.check()
                return try body(flag)
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
