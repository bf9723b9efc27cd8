/// What a queued sequence asks the engine for. One batch holds one kind only.
public enum BatchTask: String, Sendable, Hashable {
    /// The pooled sentence embedding (`/embed`, `/v1/embeddings`, `/similarity`).
    case pooled
    /// Every token's last hidden state (`/embed_all`).
    case tokens
    /// Classification logits (`/predict`, `/rerank`, `/v1/classify`).
    case logits
    /// The sparse (SPLADE) embedding (`/embed_sparse`), as index and value pairs laid end to end.
    case sparse
}
