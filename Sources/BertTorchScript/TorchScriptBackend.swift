import BertKit
import BertModelIO
import Foundation

/// BertKit's backend on libtorch: runs a traced model (`torch.jit.trace` + `torch.jit.save`, as the study makes them).
/// Forward's arguments are read from the module (`input_ids`, `attention_mask`, `token_type_ids`, in its order; any
/// other is an error naming it); batches are padded on the right with the model's pad id. The first output tensor is
/// read: `[batch, labels]` logits for classifiers, `[batch, sequence, hidden]` hidden states, pooled in Swift with the
/// model's pooling, for encoders. A trace that baked in a shape fails at run time with libtorch's message.
public struct TorchScriptBackend: InferenceBackend {
    public var name: String { "torchscript" }
    /// The module.
    public let module: TorchScriptModule
    /// Settings.
    public let options: Options
    let pooling: Pooling
    let padId: Int64
    /// Whether the model reads token type ids (BERT's segments): pairs need a file that takes them.
    public let segmentsMatter: Bool
    let inputs: [PaddedBatch.Input]
    /// Rank of the module's output, probed at load: 2 for logits, 3 for hidden states.
    let outputRank: Int

    /// How the module runs.
    public struct Options: Sendable, Equatable {
        /// libtorch intra-op threads (0: libtorch's default, one per core).
        public var threads: Int
        /// Inter-op threads (0: libtorch's default); settable once per process.
        public var interOpThreads: Int
        /// `torch.jit.freeze` + `optimize_for_inference` when the module allows it.
        public var freeze: Bool
        /// Feed int32 ids and mask instead of int64.
        public var int32Inputs: Bool
        /// CUDA device, or nil for the CPU.
        public var cudaDevice: Int?

        /// Defaults: libtorch's thread counts, frozen, int64 inputs, CPU.
        public init(threads: Int = 0, interOpThreads: Int = 0, freeze: Bool = true, int32Inputs: Bool = false, cudaDevice: Int? = nil) {
            self.threads = threads
            self.interOpThreads = interOpThreads
            self.freeze = freeze
            self.int32Inputs = int32Inputs
            self.cudaDevice = cudaDevice
        }
    }

    public func missingClassificationHead(model: ModelDirectory) -> any Error {
        TorchScriptError.unexpectedOutput(path: module.path, detail: "outputs hidden states, not logits; use embed for encoder models")
    }

    /// Loads `file` for a model with configuration `config`.
    public init(file: String, config: BertConfig, pooling: Pooling, options: Options = Options()) throws {
        if options.threads > 0 || options.interOpThreads > 0 {
            try TorchScriptModule.setThreads(intraOp: options.threads, interOp: options.interOpThreads)
        }
        module = try TorchScriptModule(path: file, device: options.cudaDevice, freeze: options.freeze)
        self.options = options
        self.pooling = pooling
        padId = Int64(config.padTokenId)
        segmentsMatter = config.usesSegments
        inputs = try module.inputNames.map { name in
            guard let input = PaddedBatch.Input(rawValue: name) else { throw TorchScriptError.unexpectedInput(path: file, name: name) }
            return input
        }
        guard inputs.contains(.inputIds) else {
            throw TorchScriptError.unexpectedInput(path: file, name: module.inputNames.first ?? "(none)")
        }
        // One short sequence tells logits from hidden states.
        let probe = try Self.forward(
            module, inputs: inputs, padId: padId, int32: options.int32Inputs, segmentsMatter: false,
            TokenBatch(sequences: [[config.padTokenId, config.padTokenId]]))
        outputRank = probe.shape.count
        guard outputRank == 2 || outputRank == 3 else {
            throw TorchScriptError.unexpectedOutput(
                path: file,
                detail: "its first output has shape \(probe.shape); "
                    + "BertKit reads [batch, labels] logits or [batch, sequence, hidden] states")
        }
    }

    public var hasClassificationHead: Bool { outputRank == 2 }

    /// libtorch runs the padded rectangle.
    public var batchLayout: ExecutionMode { .padded }

    /// Whether the traced file takes token_type_ids (without, a pair's second segment is refused for BERT).
    public var takesTokenTypeIds: Bool { inputs.contains(.tokenTypeIds) }

    public func classify(_ batch: TokenBatch) throws -> [[Float]] {
        guard batch.count > 0 else { return [] }
        let (values, shape) = try Self.forward(
            module, inputs: inputs, padId: padId, int32: options.int32Inputs, segmentsMatter: segmentsMatter, batch)
        guard shape.count == 2, shape[0] == batch.count else { throw TorchScriptError.noLogits(path: module.path, shape: shape) }
        let n = shape[1]
        return (0..<batch.count).map { Array(values[$0 * n..<($0 + 1) * n]) }
    }

    public func embed(_ batch: TokenBatch) throws -> [[Float]] {
        guard batch.count > 0 else { return [] }
        let (values, shape) = try Self.forward(
            module, inputs: inputs, padId: padId, int32: options.int32Inputs, segmentsMatter: segmentsMatter, batch)
        guard shape.count == 3, shape[0] == batch.count, shape[1] >= batch.maxLength else {
            throw TorchScriptError.unexpectedOutput(
                path: module.path,
                detail: "output shape \(shape) is not [\(batch.count), "
                    + "\(batch.maxLength), hidden] hidden states, so it cannot be pooled into embeddings")
        }
        let (width, hidden) = (shape[1], shape[2])
        return values.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            return (0..<batch.count).map { b in pooling(base + b * width * hidden, length: batch.length(b), hidden: hidden) }
        }
    }

    /// Pads `batch` on the right and runs forward.
    static func forward(
        _ module: TorchScriptModule, inputs: [PaddedBatch.Input], padId: Int64, int32: Bool,
        segmentsMatter: Bool, _ batch: TokenBatch
    ) throws -> (values: [Float], shape: [Int]) {
        // A file without token_type_ids would read a pair's second text as the first's segment: refused, not guessed.
        if segmentsMatter && batch.hasSecondSegment && !inputs.contains(.tokenTypeIds) {
            throw TorchScriptError.segmentsNotTaken(path: module.path)
        }
        let padded = PaddedBatch(batch, padId: padId)
        return try module.forward(inputs.map { padded[$0] }, batch: padded.rows, sequence: padded.width, int32: int32)
    }
}
