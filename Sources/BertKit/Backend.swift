import BertModelIO

/// An engine that runs the encoder on a batch. Backends receive flat, unpadded batches
/// (`TokenBatch`) and pad internally if they need rectangles. Outputs come in batch order.
public protocol InferenceBackend: Sendable {
    /// A short name (`native`, ...).
    var name: String { get }
    /// Whether `classify` can run: the model has a classification head (or, for a graph, a logits output).
    var hasClassificationHead: Bool { get }
    /// One pooled (and, if the model says so, normalized) embedding per sequence.
    func embed(_ batch: TokenBatch) throws -> [[Float]]
    /// One row of logits per sequence; throws `noClassificationHead` when the model has none.
    func classify(_ batch: TokenBatch) throws -> [[Float]]
    /// The error a front end reports when `hasClassificationHead` is false: what this engine's model lacks.
    func missingClassificationHead(model: ModelDirectory) -> any Error
    /// The precision the weights compute in when the engine knows it from its file (an int8 ONNX export), else nil:
    /// then it is the options' precision.
    var weightPrecision: Precision? { get }
    /// How the engine lays a batch out, which is what a batch costs it: `.packed` computes only the real tokens,
    /// `.padded` computes `count × longest` (a server budgets batches in those tokens, as TEI does for padded engines).
    var batchLayout: ExecutionMode { get }
    /// Logits per sequence when the engine knows them (its head's width, or its graph's output), else nil.
    var labelCount: Int? { get }
    /// Whether `tokenEmbeddings` can run (the engine exposes every token's last hidden state).
    var hasTokenEmbeddings: Bool { get }
    /// Every token's last hidden state per sequence, unpadded: `length × hidden` values, row after row; throws
    /// `tokenEmbeddingsUnavailable` on an engine that only gives pooled outputs.
    func tokenEmbeddings(_ batch: TokenBatch) throws -> [[Float]]
    /// Whether `sparseEmbed` can run (the engine loaded a masked-language-model head).
    var hasSparseHead: Bool { get }
    /// SPLADE's sparse vector per sequence: the maximum over its tokens of log(1 + ReLU(MLM logits)), nonzero
    /// entries only; throws `sparseEmbeddingsUnavailable` on an engine that does not compute it.
    func sparseEmbed(_ batch: TokenBatch) throws -> [SparseVector]
}

extension InferenceBackend {
    public var weightPrecision: Precision? { nil }
    public var labelCount: Int? { nil }
    public var hasTokenEmbeddings: Bool { false }

    public func tokenEmbeddings(_ batch: TokenBatch) throws -> [[Float]] {
        throw BertKitError.tokenEmbeddingsUnavailable(backend: name)
    }

    public var hasSparseHead: Bool { false }

    public func sparseEmbed(_ batch: TokenBatch) throws -> [SparseVector] {
        throw BertKitError.sparseEmbeddingsUnavailable(backend: name)
    }

    public func missingClassificationHead(model: ModelDirectory) -> any Error {
        BertKitError.noClassificationHead(path: model.weightsPath)
    }
}
