/// Errors of the BertKit library itself (model loading errors come as `ModelIOError`, tokenizer errors as
/// `TokenizerError`).
public enum BertKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `classify` on a checkpoint without a classification head.
    case noClassificationHead(path: String)
    /// A token id outside the vocabulary.
    case invalidTokenId(Int, vocabularySize: Int)
    /// A token type id outside the type vocabulary.
    case invalidTokenTypeId(Int, typeVocabularySize: Int)
    /// A sequence longer than the model's positions allow.
    case sequenceTooLong(tokens: Int, maxLength: Int)
    /// An input text is empty.
    case emptyInput
    /// Generic invalid argument, with what is wrong.
    case invalidArgument(String)
    /// Every token's hidden state was asked of a backend that gives only pooled outputs or logits.
    case tokenEmbeddingsUnavailable(backend: String)
    /// A kernel could not run: `operation` names it (`the product encoder.layer.3.intermediate.dense`), `reason` why.
    case kernelFailed(operation: String, reason: String)
    /// Sparse (SPLADE) embeddings of a checkpoint without a masked-language-model head: `tensor` is the first one
    /// missing.
    case noMaskedLMHead(path: String, tensor: String)
    /// Sparse embeddings asked of a backend that does not compute them.
    case sparseEmbeddingsUnavailable(backend: String)

    public var description: String {
        switch self {
        case let .noClassificationHead(path):
            return "\(path) has no classification head (no classifier weights); use `bertkit embed` for sentence embeddings"
        case let .invalidTokenId(id, size):
            return "token id \(id) is outside the vocabulary of \(size) entries"
        case let .invalidTokenTypeId(id, size):
            return "token type id \(id) is outside the type vocabulary of \(size) entries"
        case let .sequenceTooLong(tokens, maxLength):
            return "a sequence of \(tokens) tokens is longer than the model's maximum of \(maxLength); pass --truncate to cut it"
        case .emptyInput:
            return "the text is empty"
        case let .invalidArgument(message):
            return message
        case let .tokenEmbeddingsUnavailable(backend):
            return "the \(backend) backend gives pooled embeddings only, not every token's hidden state; use the native backend"
        case let .kernelFailed(operation, reason):
            return "\(operation) failed: \(reason)"
        case let .noMaskedLMHead(path, tensor):
            return "\(path) has no masked-language-model head (no tensor \(tensor)): sparse (SPLADE) embeddings need a "
                + "BertForMaskedLM or DistilBertForMaskedLM checkpoint"
        case let .sparseEmbeddingsUnavailable(backend):
            return "the \(backend) backend does not compute sparse (SPLADE) embeddings; use the native backend"
        }
    }
}
