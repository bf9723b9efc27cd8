import BertModelIO
import COpenBLAS

/// The reference CPU engine: the transformers computation, layer by layer, in float32, with matrix
/// products in OpenBLAS. Batches are padded to their longest sequence; padded keys are masked.
public struct NativeBackend: InferenceBackend {
    public let name = "native"
    let encoder: BertEncoder
    let pooling: Pooling
    let head: Result<ClassificationHead, BertKitError>
    /// The weights, kept mapped.
    public let weights: WeightStore

    /// Loads the encoder (and the classification head, if any) from `weights`.
    public init(weights: WeightStore, config: BertConfig, pooling: Pooling) throws {
        self.weights = weights
        encoder = try BertEncoder(weights, config: config)
        self.pooling = pooling
        do {
            head = .success(try ClassificationHead(weights, config: config))
        } catch let error as BertKitError {
            head = .failure(error)
        }
    }

    /// Whether the checkpoint has a classification head.
    public var hasClassificationHead: Bool {
        if case .success = head { return true }
        return false
    }

    /// Number of classes of the head (0 without one).
    public var labelCount: Int { (try? head.get())?.labelCount ?? 0 }

    /// Sets OpenBLAS's thread count (0: leave the library's default, one per core).
    public static func setThreads(_ count: Int) {
        if count > 0 { openblas_set_num_threads(Int32(count)) }
    }

    /// The last hidden state of every sequence, unpadded: `[batch.tokenCount, hidden]` in batch order.
    public func lastHiddenState(_ batch: TokenBatch) throws -> [Float] {
        let (hidden, paddedLength) = try encoder(batch)
        let h = encoder.config.hiddenSize
        var out: [Float] = []
        out.reserveCapacity(batch.tokenCount * h)
        for b in 0..<batch.count {
            let start = b * paddedLength * h
            out.append(contentsOf: hidden[start..<(start + batch.length(b) * h)])
        }
        return out
    }

    public func embed(_ batch: TokenBatch) throws -> [[Float]] {
        let (hidden, paddedLength) = try encoder(batch)
        let h = encoder.config.hiddenSize
        return hidden.withUnsafeBufferPointer { buffer in
            (0..<batch.count).map { b in
                pooling(buffer.baseAddress! + b * paddedLength * h, length: batch.length(b), hidden: h)
            }
        }
    }

    public func classify(_ batch: TokenBatch) throws -> [[Float]] {
        let head = try self.head.get()
        let (hidden, paddedLength) = try encoder(batch)
        let h = encoder.config.hiddenSize
        return hidden.withUnsafeBufferPointer { buffer in
            (0..<batch.count).map { b in head(buffer.baseAddress! + b * paddedLength * h) }
        }
    }
}
