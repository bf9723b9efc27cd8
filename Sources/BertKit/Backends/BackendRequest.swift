/// What a front end asks a backend for: a model folder, BertKit's options, and the engine's own inputs.
public struct BackendRequest: Sendable {
    /// The model folder (`config.json`, the tokenizer, the weights).
    public var directory: String
    /// Threads, precision, layout, truncation, pooling options.
    public var options: BertModel.Options
    /// The file the backend runs, for backends that run one (`BackendProvider.fileKind`): nil looks in the folder.
    public var modelFile: String?
    /// The engine library to load, for backends that load one (ONNX Runtime's): nil searches as the backend does.
    public var library: String?
    /// A CUDA device, for backends that offer one.
    public var cudaDevice: Int?
    /// Engine settings by name (`BackendProvider.settings` lists each backend's), e.g. `graph-optimization: basic`.
    public var settings: [String: String]

    public init(
        directory: String, options: BertModel.Options = .init(), modelFile: String? = nil, library: String? = nil,
        cudaDevice: Int? = nil, settings: [String: String] = [:]
    ) {
        self.directory = directory
        self.options = options
        self.modelFile = modelFile
        self.library = library
        self.cudaDevice = cudaDevice
        self.settings = settings
    }
}
