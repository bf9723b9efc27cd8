import BertModelIO
import Foundation

/// BertKit's own CPU engine: the checkpoint's weights, every precision, packed (padding-free) or padded batches.
public struct NativeBackendProvider: BackendProvider {
    public init() {}
    public var name: String { "native" }
    public var summary: String { "BertKit's CPU engine (every precision; packed or padded batches)" }
    public var layouts: [ExecutionMode] { ExecutionMode.allCases }
    public var precisions: [Precision] { Precision.allCases }

    public func unavailableReason(_ request: BackendRequest) -> String? {
        guard let folder = try? ModelDirectory(path: request.directory),
            !FileManager.default.fileExists(atPath: folder.weightsPath)
        else { return nil }
        return "the model folder has no weights (model.safetensors, pytorch_model.bin or model.pt)"
    }

    public func load(_ request: BackendRequest) throws -> BertModel {
        try BertModel(directory: request.directory, options: request.options)
    }
}
