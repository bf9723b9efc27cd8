import BertKit

extension BertModel {
    /// Loads the model in `directory` (its `config.json` and `tokenizer.json`) to run a traced TorchScript file on
    /// libtorch: `torchscript` if given, else `torchscript/model.pt` or `traced_model.pt` in the folder. Without
    /// `settings`, libtorch runs `options.threads` intra-op threads (0: its default), frozen where possible.
    public init(
        directory: String, torchscript: String?, options: Options = Options(),
        settings: TorchScriptBackend.Options? = nil
    ) throws {
        try self.init(directory: directory, options: options) { folder, pooling in
            _ = try TorchPlugin.usable()  // first: a missing libtorch is the first thing to fix
            let file = try TorchScriptFile.locate(in: folder.path, explicit: torchscript)
            return try TorchScriptBackend(
                file: file, config: folder.config, pooling: pooling,
                options: settings ?? .init(threads: options.threads))
        }
    }
}
