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
}

extension InferenceBackend {
    public var weightPrecision: Precision? { nil }

    public func missingClassificationHead(model: ModelDirectory) -> any Error {
        BertKitError.noClassificationHead(path: model.weightsPath)
    }
}
