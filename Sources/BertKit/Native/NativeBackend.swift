import BertModelIO
import Foundation

/// BertKit's CPU engine: the transformers computation in float32 (or with bf16, fp16 or int8 weight matrices,
/// `Precision`), padding-free by default (`ExecutionMode`), on
/// BertKit's own kernels (`CBertKernels`): weights packed once at load for the CPU's best instruction set, products
/// with fused epilogues, attention kept in cache, and a persistent pool of threads.
/// Safe to call from several threads at once: each pass takes its own workspace.
public struct NativeBackend: InferenceBackend {
    public var name: String { "native-\(options.mode.rawValue)" }
    let encoder: BertEncoder
    let pooling: Pooling
    let head: Result<ClassificationHead, BertKitError>
    /// The masked-language-model head, loaded when `options.sparse` asks for SPLADE.
    let maskedLM: MaskedLMHead?
    let workspaces = WorkspacePool()
    /// The weights, kept mapped.
    public let weights: WeightStore
    /// How it runs.
    public let options: Options

    /// Execution settings.
    public struct Options: Sendable {
        /// Packed (padding-free, the default) or padded execution.
        public var mode: ExecutionMode
        /// Threads for matrix products and attention; 0 means one per core.
        public var threads: Int
        /// The kernels' instruction set; nil: `BERTKIT_ISA` if set, else the best this CPU supports.
        public var isa: KernelISA?
        /// The number format of the encoder's weight matrices (fp32 by default).
        public var precision: Precision
        /// Load the masked-language-model head for sparse (SPLADE) embeddings; loading fails without one.
        public var sparse: Bool
        /// int8: sequences run once at load to measure each product's input ranges, from which every product is
        /// smoothed (`SmoothingPlan`: activation outliers moved into the weights before quantizing). nil or empty:
        /// int8 without smoothing. `BertModel` passes `Int8Calibration`'s sentences through the model's tokenizer.
        public var calibration: TokenBatch?

        /// Settings; the defaults suit both batch-1 latency and large-batch throughput.
        public init(
            mode: ExecutionMode = .packed, threads: Int = 0, isa: KernelISA? = nil, precision: Precision = .fp32,
            sparse: Bool = false
        ) {
            self.mode = mode
            self.threads = threads
            self.isa = isa
            self.precision = precision
            self.sparse = sparse
        }

        /// The thread count in effect.
        public var resolvedThreads: Int { threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount }
    }

    /// The instruction set the kernels run on (the weights are packed for it).
    public let isa: KernelISA

    /// Bytes of packed weight matrices the engine holds (the encoder's and the head's).
    public var packedWeightBytes: Int {
        encoder.packedWeightBytes + ((try? head.get())?.packedWeightBytes ?? 0) + (maskedLM?.packedWeightBytes ?? 0)
    }

    /// Loads the encoder (and the classification head, if any) from `weights`, packing every product's weights
    /// for the instruction set `options.isa` resolves to, the encoder's in `options.precision`.
    public init(weights: WeightStore, config: BertConfig, pooling: Pooling, options: Options = Options()) throws {
        self.weights = weights
        self.options = options
        let isa = try KernelISA.resolve(options.isa)
        self.isa = isa
        var packing = WeightPacking(isa: isa, precision: options.precision)
        if options.precision == .int8, let calibration = options.calibration, calibration.count > 0 {
            packing.smoothing = try Self.smoothing(weights, config: config, packing: packing, calibration: calibration, options)
        }
        encoder = try BertEncoder(weights, config: config, packing: packing)
        maskedLM = options.sparse ? try MaskedLMHead(weights, config: config, packing: packing) : nil
        self.pooling = pooling
        do {
            head = .success(try ClassificationHead(weights, config: config, isa: isa))
        } catch let error as BertKitError {
            head = .failure(error)
        }
    }

    /// The smoothing of every encoder product, from its input ranges on `calibration` through the int8 encoder
    /// without smoothing (whose ranges are fp32's within quantization noise, at a quarter of fp32's packing).
    private static func smoothing(
        _ weights: WeightStore, config: BertConfig, packing: WeightPacking, calibration: TokenBatch, _ options: Options
    ) throws -> SmoothingPlan {
        let plain = try BertEncoder(weights, config: config, packing: packing)
        let maxima = ChannelMaxima()
        let ctx = KernelContext(isa: packing.isa, workers: options.resolvedThreads, calibration: maxima)
        _ = try WorkspacePool().withWorkspace { try plain(calibration, mode: .packed, ctx, workspace: $0) }
        return SmoothingPlan(maxima: maxima.maxima, alpha: SmoothingPlan.defaultAlpha)
    }

    /// Whether the checkpoint has a classification head.
    public var hasClassificationHead: Bool {
        if case .success = head { return true }
        return false
    }

    /// Number of classes of the head (nil without one).
    public var labelCount: Int? { (try? head.get())?.labelCount }

    public var batchLayout: ExecutionMode { options.mode }

    public var hasTokenEmbeddings: Bool { true }

    public func tokenEmbeddings(_ batch: TokenBatch) throws -> [[Float]] {
        try run(batch) { hidden, layout, h in
            (0..<layout.count).map { b in
                Array(UnsafeBufferPointer(start: hidden + layout.rowStart[b] * h, count: layout.lengths[b] * h))
            }
        }
    }

    /// Runs the encoder and hands `body` the hidden state, the layout and the hidden width.
    private func run<R>(_ batch: TokenBatch, _ body: (UnsafePointer<Float>, SequenceLayout, Int) throws -> R) throws -> R {
        try workspaces.withWorkspace { ws in
            let layout = try encoder(batch, mode: options.mode, KernelContext(isa: isa, workers: options.resolvedThreads), workspace: ws)
            return try body(UnsafePointer(ws.hidden.pointer), layout, encoder.config.hiddenSize)
        }
    }

    /// The last hidden state of every sequence, unpadded: `[batch.tokenCount, hidden]` in batch order
    /// (`tokenEmbeddings`, laid end to end).
    public func lastHiddenState(_ batch: TokenBatch) throws -> [Float] { try tokenEmbeddings(batch).flatMap { $0 } }

    public func embed(_ batch: TokenBatch) throws -> [[Float]] {
        try run(batch) { hidden, layout, h in
            (0..<layout.count).map { b in pooling(hidden + layout.rowStart[b] * h, length: layout.lengths[b], hidden: h) }
        }
    }

    public var hasSparseHead: Bool { maskedLM != nil }

    public func sparseEmbed(_ batch: TokenBatch) throws -> [SparseVector] {
        guard let maskedLM else { throw BertKitError.sparseEmbeddingsUnavailable(backend: name + " (loaded without --sparse)") }
        let ctx = KernelContext(isa: isa, workers: options.resolvedThreads)
        let floats = MaskedLMHead.rowsPerStep * (encoder.config.hiddenSize + encoder.config.vocabSize)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        defer { scratch.deallocate() }
        return try run(batch) { hidden, layout, h in
            try (0..<layout.count).map { b in
                try maskedLM(hidden + layout.rowStart[b] * h, length: layout.lengths[b], scratch: scratch, ctx)
            }
        }
    }

    public func classify(_ batch: TokenBatch) throws -> [[Float]] {
        let head = try self.head.get()
        return try run(batch) { hidden, layout, h in
            try (0..<layout.count).map { b in try head(hidden + layout.rowStart[b] * h, length: layout.lengths[b]) }
        }
    }
}
