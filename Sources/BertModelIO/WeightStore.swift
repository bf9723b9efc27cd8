import Synchronization

/// Weights by checkpoint key. Lookups try the key as given, then with the architecture prefix
/// (`bert.`, `roberta.`, `distilbert.`) that task checkpoints carry, so one model definition reads both.
public struct WeightStore: Sendable {
    /// The checkpoint.
    public let source: any TensorSource
    /// The prefix tried on a miss (`bert.` etc.).
    public let prefix: String
    /// Names of every tensor in the file.
    public var names: [String] { source.tensorNames }
    /// The file's path.
    public var path: String { source.mapping.path }
    /// Where the keys read are recorded, when set (`recordingReads`).
    public private(set) var reads: WeightReads?

    /// A store over `source` that also tries `prefix` (with its dot) on a miss.
    public init(source: any TensorSource, prefix: String) {
        self.source = source
        self.prefix = prefix.isEmpty || prefix.hasSuffix(".") ? prefix : prefix + "."
    }

    /// This store, recording every tensor read through it (the checkpoint's keys) in `reads`.
    public func recordingReads() -> WeightStore {
        var copy = self
        copy.reads = WeightReads()
        return copy
    }

    private func key(_ name: String) -> String {
        source.shape(of: name) != nil || source.shape(of: prefix + name) == nil ? name : prefix + name
    }

    /// Whether `name` exists, with or without the prefix.
    public func contains(_ name: String) -> Bool { source.shape(of: key(name)) != nil }

    /// The shape of `name` (with or without the prefix), nil if absent.
    public func shape(_ name: String) -> [Int]? { source.shape(of: key(name)) }

    /// Tensor `name` as float32, checked against `shape`.
    public func floats(_ name: String, shape: [Int]) throws -> FloatTensor {
        let key = key(name)
        reads?.insert(key)
        let view = try source.tensor(key)
        guard view.shape == shape else {
            throw ModelIOError.shapeMismatch(tensor: key, expected: shape, actual: view.shape, path: path)
        }
        return FloatTensor(view)
    }
}

/// The keys read from a `WeightStore`: which tensors a model's readers (the engine, the exporter) took.
public final class WeightReads: Sendable {
    private let keys = Mutex<Set<String>>([])

    /// Every key read so far.
    public var all: Set<String> { keys.withLock { $0 } }

    func insert(_ key: String) { keys.withLock { _ = $0.insert(key) } }
}
