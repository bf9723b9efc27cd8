import Foundation

/// One text's relevance to a query, from a cross-encoder (`BertModel.rerank`).
public struct RankedText: Sendable, Equatable {
    /// The text's position in the list given.
    public var index: Int
    /// The sigmoid of the cross-encoder's logit for (query, text), as sentence-transformers' `CrossEncoder` and Text
    /// Embeddings Inference's `/rerank` score it.
    public var score: Float
    /// The logit itself (`raw_scores`).
    public var logit: Float
}

extension BertModel {
    /// Scores every text against `query` with a cross-encoder (a classifier with one label, given the pair
    /// `(query, text)`), best first. Throws on a model with another number of labels.
    public func rerank(query: String, texts: [String], batching: Batching = .default) throws -> [RankedText] {
        try rerank(query: query, texts: texts, batching: batching, cancellation: nil)
    }

    func rerank(query: String, texts: [String], batching: Batching, cancellation: CancellationFlag?) throws -> [RankedText] {
        let results = try classify(texts.map { TextInput(query, pair: $0) }, batching: batching, cancellation: cancellation)
        if let labels = results.first?.logits.count, labels != 1 {
            throw BertKitError.invalidArgument(
                "rerank needs a cross-encoder (a classifier with one label); this model has \(labels) labels")
        }
        let ranked = results.enumerated().map { index, result in
            RankedText(index: index, score: 1 / (1 + exp(-result.logits[0])), logit: result.logits[0])
        }
        return ranked.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }
}
