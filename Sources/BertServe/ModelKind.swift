import BertKit
import BertModelIO

/// What the served model is, as TEI's `/info` names it; it decides which routes work and where `POST /` goes.
public enum ModelKind: Sendable, Equatable {
    /// An encoder for sentence embeddings, with its pooling.
    case embedding(pooling: String)
    /// A sequence classifier with more than one label.
    case classifier(labels: [String])
    /// A cross-encoder: a classifier with one label, scoring (query, text) pairs.
    case reranker(labels: [String])

    /// The kind of `model`: a masked-language-model head loaded for SPLADE makes it an embedding model pooled by
    /// `splade`; a classification head makes it a classifier (a reranker with one label), with as many labels as the
    /// backend's `labelCount`, else as config.json names.
    public init(model: BertModel) {
        if model.backend.hasSparseHead {
            self = .embedding(pooling: "splade")
            return
        }
        guard model.backend.hasClassificationHead else {
            let modes = model.pooling.modes.map(\.teiName)
            self = .embedding(pooling: modes.count == 1 ? modes[0] : modes.joined(separator: "+"))
            return
        }
        // The engine's own width (its head's, or its graph's output) when it knows it; else config.json's labels
        // (transformers' default is 2).
        let configured = model.config.id2label.isEmpty ? 2 : model.config.id2label.count
        let count = model.backend.labelCount ?? configured
        let labels = (0..<count).map { model.config.id2label[$0] ?? "LABEL_\($0)" }
        self = count == 1 ? .reranker(labels: labels) : .classifier(labels: labels)
    }

    /// The label names of a classifier or reranker (none for an embedding model).
    public var labels: [String] {
        switch self {
        case .embedding: []
        case .classifier(let labels), .reranker(let labels): labels
        }
    }

    var isEmbedding: Bool { if case .embedding = self { true } else { false } }
}

extension PoolingMode {
    /// TEI's name of the pooling (`cls`, `mean`, `last_token`, ...).
    var teiName: String {
        switch self {
        case .cls: "cls"
        case .mean: "mean"
        case .max: "max"
        case .meanSqrtLen: "mean_sqrt_len_tokens"
        case .weightedMean: "weightedmean"
        case .lastToken: "last_token"
        }
    }
}
