/// Weights by checkpoint key. Lookups try the key as given, then with the architecture prefix
/// (`bert.`, `roberta.`, `distilbert.`) that task checkpoints carry, so one model definition reads both.
public struct WeightStore: Sendable {
    /// The checkpoint file.
    public let file: SafeTensorsFile
    /// The prefix tried on a miss (`bert.` etc.).
    public let prefix: String
    /// Names of every tensor in the file.
    public var names: [String] { Array(file.entries.keys) }
    /// The file's path.
    public var path: String { file.file.path }

    /// A store over `file` that also tries `prefix` (with its dot) on a miss.
    public init(file: SafeTensorsFile, prefix: String) {
        self.file = file
        self.prefix = prefix.isEmpty || prefix.hasSuffix(".") ? prefix : prefix + "."
    }

    /// Whether `name` exists, with or without the prefix.
    public func contains(_ name: String) -> Bool {
        file.entries[name] != nil || file.entries[prefix + name] != nil
    }

    /// The shape of `name` (with or without the prefix), nil if absent.
    public func shape(_ name: String) -> [Int]? {
        (file.entries[name] ?? file.entries[prefix + name])?.shape
    }

    /// Tensor `name` as float32, checked against `shape`.
    public func floats(_ name: String, shape: [Int]) throws -> FloatTensor {
        let key = file.entries[name] != nil ? name : (file.entries[prefix + name] != nil ? prefix + name : name)
        let view = try file.tensor(key)
        guard view.shape == shape else {
            throw ModelIOError.shapeMismatch(tensor: key, expected: shape, actual: view.shape, path: path)
        }
        return FloatTensor(view)
    }
}
