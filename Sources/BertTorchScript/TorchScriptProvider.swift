import BertKit

/// libtorch's TorchScript runtime on a traced model (`torch.jit.trace` + `torch.jit.save`), fp32, through the
/// plug-in loaded on first use (`TorchPlugin`).
public struct TorchScriptProvider: BackendProvider {
    public init() {}
    public var name: String { "torchscript" }
    public var summary: String { "libtorch on a traced TorchScript file (its plug-in loaded at run time)" }
    public var fileKind: String? { "torchscript" }
    public var precisions: [Precision] { [.fp32] }

    /// The traced file is looked for first: a folder without one never loads the plug-in (libtorch: half a second
    /// and 200 MB) just to be listed.
    public func unavailableReason(_ request: BackendRequest) -> String? {
        do {
            _ = try TorchScriptFile.locate(in: request.directory, explicit: request.modelFile)
        } catch {
            return "\(error)"
        }
        return TorchScriptModule.unavailableReason
    }

    public func libraryVersion(_ request: BackendRequest) -> (name: String, version: String)? {
        TorchScriptModule.libtorchVersion.map { ("libtorch", $0) }
    }

    public func load(_ request: BackendRequest) throws -> BertModel {
        try BertModel(
            directory: request.directory, torchscript: request.modelFile, options: request.options,
            settings: .init(threads: request.options.threads, cudaDevice: request.cudaDevice))
    }
}
