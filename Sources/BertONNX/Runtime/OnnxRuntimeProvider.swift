import BertKit
import Foundation

/// ONNX Runtime through its C API (the library loaded at run time): an ONNX file of the model, fp32 or whatever
/// precision the file itself has (an int8 export runs as int8).
///
/// Settings: `graph-optimization` (disabled, basic, extended, all; default all), `memory-arena` (true, false;
/// default true).
public struct OnnxRuntimeProvider: BackendProvider {
    public init() {}
    public var name: String { "onnxruntime" }
    public var summary: String { "ONNX Runtime on an ONNX file of the model (its library loaded at run time)" }
    public var fileKind: String? { "onnx" }
    public var precisions: [Precision] { [.fp32] }
    public var settings: [String: String] {
        [
            "graph-optimization": ORTSessionOptions.GraphOptimization.allCases.map(\.rawValue).joined(separator: ", "),
            "memory-arena": "true, false",
        ]
    }

    public func unavailableReason(_ request: BackendRequest) -> String? {
        do {
            _ = try OnnxModelFile.locate(in: request.directory, explicit: request.modelFile)
            _ = try ORTRuntime.shared(libraryPath: request.library)
            return nil
        } catch {
            return "\(error)"
        }
    }

    public func libraryVersion(_ request: BackendRequest) -> (name: String, version: String)? {
        (try? ORTRuntime.shared(libraryPath: request.library)).map { ("onnxruntime", $0.version) }
    }

    /// The session settings of a request.
    public func session(_ request: BackendRequest) throws -> ORTSessionOptions {
        var optimization = ORTSessionOptions.GraphOptimization.all
        if let value = request.settings["graph-optimization"] {
            guard let parsed = ORTSessionOptions.GraphOptimization(rawValue: value) else {
                throw ORTError.invalidSetting(name: "graph-optimization", value: value, expected: settings["graph-optimization"] ?? "")
            }
            optimization = parsed
        }
        var arena = true
        if let value = request.settings["memory-arena"] {
            guard let parsed = Bool(value) else {
                throw ORTError.invalidSetting(name: "memory-arena", value: value, expected: "true, false")
            }
            arena = parsed
        }
        return ORTSessionOptions(
            graphOptimization: optimization, intraOpThreads: request.options.threads, memoryArena: arena,
            provider: request.cudaDevice.map { .cuda(device: $0) } ?? .cpu)
    }

    public func load(_ request: BackendRequest) throws -> BertModel {
        try BertModel(
            directory: request.directory, onnx: request.modelFile, options: request.options,
            ortLibrary: request.library, session: try session(request))
    }
}
