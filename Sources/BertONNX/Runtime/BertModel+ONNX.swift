import BertKit

extension BertModel {
    /// Loads the model in `directory` (its `config.json` and `tokenizer.json`) to run on ONNX Runtime: the graph is
    /// `onnx` if not nil, else `model.onnx` or `onnx/model.onnx` in the folder. ONNX Runtime's library is found as
    /// `ORTRuntime.shared` says (`ortLibrary` first). Without `session`, ONNX Runtime uses `options.threads`
    /// intra-op threads (0: its own default) and its default settings otherwise.
    public init(
        directory: String, onnx: String?, options: Options = Options(), ortLibrary: String? = nil,
        session: ORTSessionOptions? = nil
    ) throws {
        try self.init(directory: directory, options: options) { folder, pooling in
            let file = try OnnxModelFile.locate(in: folder.path, explicit: onnx)
            let runtime = try ORTRuntime.shared(libraryPath: ortLibrary)
            let settings = session ?? ORTSessionOptions(intraOpThreads: options.threads)
            return try OnnxBackend(file: file, config: folder.config, pooling: pooling, runtime: runtime, options: settings)
        }
    }
}
