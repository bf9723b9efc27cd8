/// The files a user hands to backends, by what they are for: a model file per file kind (`onnx`, `torchscript`:
/// `BackendProvider.fileKind`) and an engine library per backend (`onnxruntime`: ONNX Runtime's shared library). Front
/// ends carry this one value, so a registered backend's files reach it without a field or flag of its own.
public struct BackendFiles: Sendable, Equatable {
    /// Model files by `BackendProvider.fileKind`.
    public var models: [String: String]
    /// Engine libraries by backend name.
    public var libraries: [String: String]

    /// Files as given; empty: every backend looks in the model folder and searches for its library as it does.
    public init(models: [String: String] = [:], libraries: [String: String] = [:]) {
        self.models = models
        self.libraries = libraries
    }

    /// What `provider` is asked to run: the folder, the options, its own model file and library (none of another's).
    public func request(
        for provider: any BackendProvider, directory: String, options: BertModel.Options = .init(),
        cudaDevice: Int? = nil, settings: [String: String] = [:]
    ) -> BackendRequest {
        BackendRequest(
            directory: directory, options: options, modelFile: provider.fileKind.flatMap { models[$0] },
            library: libraries[provider.name], cudaDevice: cudaDevice, settings: settings)
    }
}
