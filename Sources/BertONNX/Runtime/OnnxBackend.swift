import BertKit
import BertModelIO
import Foundation

/// BertKit's backend on ONNX Runtime: runs an ONNX export of the model (BertKit's own, `torch.onnx.export`'s, or
/// Optimum's). Inputs are discovered from the graph: `input_ids` (required), `attention_mask` and `token_type_ids`,
/// each int64 or int32; any other input is an error naming it. Batches are padded on the right with the model's pad
/// id. `classify` reads `logits`; `embed` reads `sentence_embedding` when the graph pools, else pools
/// `last_hidden_state` (or the graph's one rank-3 output) in Swift with the model's pooling.
/// Safe to call from several threads at once.
public struct OnnxBackend: InferenceBackend {
    public var name: String { "onnxruntime" }
    /// The ONNX Runtime session.
    public let session: ORTSession
    let pooling: Pooling
    let padId: Int64
    /// Whether the model reads token type ids (BERT's segments): pairs need a graph that takes them.
    public let segmentsMatter: Bool
    /// The precision the file computes in (`OnnxWeightPrecision`; nil when the backend was given a session only).
    public let weightPrecision: Precision?
    let feeds: [Feed]
    let logits: String?
    /// The `sparse_embedding` output (SPLADE), if the graph has one.
    let sparse: String?
    let embedding: (name: String, pooled: Bool)?

    /// A graph input BertKit feeds, and its element type (int64 or int32).
    struct Feed: Sendable {
        let input: PaddedBatch.Input
        let type: ONNXElementType
    }

    /// Opens `file` in a session on `runtime` for a model whose configuration is `config`.
    public init(
        file: String, config: BertConfig, pooling: Pooling, runtime: ORTRuntime,
        options: ORTSessionOptions = ORTSessionOptions()
    ) throws {
        try self.init(
            session: ORTSession(path: file, runtime: runtime, options: options), config: config, pooling: pooling,
            weightPrecision: try OnnxWeightPrecision.read(path: file))
    }

    /// A backend over an open session; `weightPrecision` is the file's, if known.
    public init(session: ORTSession, config: BertConfig, pooling: Pooling, weightPrecision: Precision? = nil) throws {
        self.session = session
        self.weightPrecision = weightPrecision
        self.pooling = pooling
        padId = Int64(config.padTokenId)
        segmentsMatter = config.usesSegments
        let path = session.path
        feeds = try session.inputs.map { input in
            guard let type = ONNXElementType(rawValue: input.elementType), type == .int64 || type == .int32 else {
                throw ORTError.unexpectedInput(path: path, name: input.name, detail: "has element type \(input.typeName)")
            }
            guard input.shape.count == 2 else {
                throw ORTError.unexpectedInput(
                    path: path, name: input.name, detail: "has rank \(input.shape.count), expected [batch, sequence]")
            }
            guard let known = PaddedBatch.Input(rawValue: input.name) else {
                throw ORTError.unexpectedInput(path: path, name: input.name, detail: "is not one BertKit knows")
            }
            return Feed(input: known, type: type)
        }
        guard feeds.contains(where: { $0.input == .inputIds }) else {
            throw ORTError.unexpectedInput(path: path, name: "input_ids", detail: "is missing")
        }
        let outputs = session.outputs
        logits = outputs.first { $0.name == "logits" }?.name
        sparse = outputs.first { $0.name == "sparse_embedding" }?.name
        if let pooled = outputs.first(where: { $0.name == "sentence_embedding" }) {
            embedding = (pooled.name, true)
        } else if let hidden = outputs.first(where: { $0.name == "last_hidden_state" })
            ?? outputs.first(where: { $0.shape.count == 3 && $0.name != "logits" })
        {
            embedding = (hidden.name, false)
        } else {
            embedding = nil
        }
    }

    public var hasClassificationHead: Bool { logits != nil }

    /// A graph exported with `--task sparse` gives SPLADE's vectors.
    public var hasSparseHead: Bool { sparse != nil }

    public func sparseEmbed(_ batch: TokenBatch) throws -> [SparseVector] {
        guard let sparse else { throw missing("sparse embeddings (an output named sparse_embedding)") }
        guard batch.count > 0 else { return [] }
        return try run(batch, fetch: sparse) { try rows($0, count: batch.count) }.map(SparseVector.init(dense:))
    }

    /// ONNX Runtime runs the padded rectangle.
    public var batchLayout: ExecutionMode { .padded }

    /// A graph with `last_hidden_state` (not only a pooled `sentence_embedding`) gives every token's state.
    public var hasTokenEmbeddings: Bool { embedding.map { !$0.pooled } ?? false }

    public func tokenEmbeddings(_ batch: TokenBatch) throws -> [[Float]] {
        guard let embedding, !embedding.pooled else { throw BertKitError.tokenEmbeddingsUnavailable(backend: name) }
        guard batch.count > 0 else { return [] }
        return try run(batch, fetch: embedding.name) { output in
            let base = try hiddenStates(output, batch)
            let (width, hidden) = (output.shape[1], output.shape[2])
            return (0..<batch.count).map { b in
                Array(UnsafeBufferPointer(start: base + b * width * hidden, count: batch.length(b) * hidden))
            }
        }
    }

    /// Whether the graph takes token_type_ids (without, a pair's second segment is refused for BERT).
    public var takesTokenTypeIds: Bool { feeds.contains { $0.input == .tokenTypeIds } }

    public func classify(_ batch: TokenBatch) throws -> [[Float]] {
        guard let logits else { throw missing("classification (an output named logits)") }
        guard batch.count > 0 else { return [] }  // ONNX Runtime refuses a [0, 0] input (Gather out of bounds)
        return try run(batch, fetch: logits) { try rows($0, count: batch.count) }
    }

    public func embed(_ batch: TokenBatch) throws -> [[Float]] {
        guard let embedding else { throw missing("embeddings (sentence_embedding or last_hidden_state)") }
        guard batch.count > 0 else { return [] }
        return try run(batch, fetch: embedding.name) { output in
            if embedding.pooled { return try rows(output, count: batch.count) }
            let base = try hiddenStates(output, batch)
            // Pooled straight from ONNX Runtime's output buffer.
            let (width, hidden) = (output.shape[1], output.shape[2])
            return (0..<batch.count).map { b in pooling(base + b * width * hidden, length: batch.length(b), hidden: hidden) }
        }
    }

    public func missingClassificationHead(model: ModelDirectory) -> any Error { missing("classification (an output named logits)") }

    /// The error for a graph without the output a task needs.
    public func missing(_ task: String) -> ORTError {
        ORTError.missingOutput(path: session.path, task: task, outputs: session.outputs.map(\.name))
    }

    /// The values of a `[batch, width >= longest, hidden]` output.
    private func hiddenStates(_ output: ORTOutputView, _ batch: TokenBatch) throws -> UnsafePointer<Float> {
        guard output.shape.count == 3, output.shape[0] == batch.count, output.shape[1] >= batch.maxLength,
            output.values.count == output.shape.reduce(1, *), let base = output.values.baseAddress
        else {
            throw ORTError.unexpectedOutput(
                path: session.path, name: output.name,
                detail: "has shape \(output.shape), expected [\(batch.count), \(batch.maxLength), hidden]")
        }
        return base
    }

    /// The rows of a `[batch, n]` output.
    private func rows(_ output: ORTOutputView, count: Int) throws -> [[Float]] {
        guard output.shape.count == 2, output.shape[0] == count, output.values.count == output.shape.reduce(1, *) else {
            throw ORTError.unexpectedOutput(
                path: session.path, name: output.name, detail: "has shape \(output.shape), expected [\(count), n]")
        }
        let n = output.shape[1]
        return (0..<count).map { Array(output.values[$0 * n..<($0 + 1) * n]) }
    }

    /// Pads `batch` to a rectangle, runs the graph and hands `body` the output `fetch`.
    private func run<R>(_ batch: TokenBatch, fetch: String, _ body: (ORTOutputView) throws -> R) throws -> R {
        // A graph without token_type_ids would read a pair's second text as the first's segment: refused, not guessed.
        if segmentsMatter && batch.hasSecondSegment && !takesTokenTypeIds {
            throw ORTError.segmentsNotTaken(path: session.path)
        }
        let padded = PaddedBatch(batch, padId: padId)
        let shape = [padded.rows, padded.width]
        let inputs = feeds.map { ORTInput(name: $0.input.rawValue, elementType: $0.type, values: padded[$0.input], shape: shape) }
        return try session.run(inputs, fetch: [fetch]) { outputs in
            guard let output = outputs.first else {
                throw ORTError.unexpectedOutput(path: session.path, name: fetch, detail: "was not returned")
            }
            return try body(output)
        }
    }
}
