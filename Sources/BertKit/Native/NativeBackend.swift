import BertModelIO
import COpenBLAS
import Foundation

/// BertKit's CPU engine: the transformers computation in float32, padding-free by default (`ExecutionMode`), with
/// matrix products in OpenBLAS, fused element-wise kernels, and work split across a fixed pool of threads.
/// Safe to call from several threads at once: each pass takes its own workspace.
public struct NativeBackend: InferenceBackend {
    public var name: String { "native-\(options.mode.rawValue)" }
    let encoder: BertEncoder
    let pooling: Pooling
    let head: Result<ClassificationHead, BertKitError>
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

        /// Settings; the defaults suit both batch-1 latency and large-batch throughput.
        public init(mode: ExecutionMode = .packed, threads: Int = 0) {
            self.mode = mode
            self.threads = threads
        }

        /// The thread count in effect.
        public var resolvedThreads: Int { threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount }
    }

    /// Loads the encoder (and the classification head, if any) from `weights`.
    public init(weights: WeightStore, config: BertConfig, pooling: Pooling, options: Options = Options()) throws {
        self.weights = weights
        self.options = options
        encoder = try BertEncoder(weights, config: config)
        self.pooling = pooling
        do {
            head = .success(try ClassificationHead(weights, config: config))
        } catch let error as BertKitError {
            head = .failure(error)
        }
        // The engine splits products across its own workers; OpenBLAS runs single-threaded inside each.
        openblas_set_num_threads(1)
    }

    /// Whether the checkpoint has a classification head.
    public var hasClassificationHead: Bool {
        if case .success = head { return true }
        return false
    }

    /// Number of classes of the head (0 without one).
    public var labelCount: Int { (try? head.get())?.labelCount ?? 0 }

    /// Runs the encoder and hands `body` the hidden state, the layout and the hidden width.
    private func run<R>(_ batch: TokenBatch, _ body: (UnsafePointer<Float>, SequenceLayout, Int) throws -> R) throws -> R {
        try workspaces.withWorkspace { ws in
            let layout = try encoder(batch, mode: options.mode, workers: options.resolvedThreads, workspace: ws)
            return try body(UnsafePointer(ws.hidden.pointer), layout, encoder.config.hiddenSize)
        }
    }

    /// The last hidden state of every sequence, unpadded: `[batch.tokenCount, hidden]` in batch order.
    public func lastHiddenState(_ batch: TokenBatch) throws -> [Float] {
        try run(batch) { hidden, layout, h in
            var out: [Float] = []
            out.reserveCapacity(batch.tokenCount * h)
            for b in 0..<layout.count {
                out.append(contentsOf: UnsafeBufferPointer(start: hidden + layout.rowStart[b] * h, count: layout.lengths[b] * h))
            }
            return out
        }
    }

    public func embed(_ batch: TokenBatch) throws -> [[Float]] {
        try run(batch) { hidden, layout, h in
            (0..<layout.count).map { b in pooling(hidden + layout.rowStart[b] * h, length: layout.lengths[b], hidden: h) }
        }
    }

    public func classify(_ batch: TokenBatch) throws -> [[Float]] {
        let head = try self.head.get()
        return try run(batch) { hidden, layout, h in
            (0..<layout.count).map { b in head(hidden + layout.rowStart[b] * h) }
        }
    }
}
