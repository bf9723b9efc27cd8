import BertKit
import BertModelIO
import BertONNX
import BertTorchScript
import Foundation

/// What the harness times: one forward pass of the model's task (classification when the checkpoint has a head,
/// sentence embedding otherwise) over a batch.
public protocol BenchEngine: Sendable {
    /// Runs one batch; the outputs are dropped.
    func run(_ batch: TokenBatch) throws
}

/// A backend as the bench lists it: available in this build, or not, and why.
public struct BackendInfo: Codable, Sendable, Equatable {
    /// The name `--backends` takes.
    public var name: String
    /// Whether this build and machine can run it.
    public var available: Bool
    /// Why not, when unavailable.
    public var reason: String?
    /// The precisions it offers.
    public var precisions: [String]
}

/// The backends of BertKit for one model folder: which can run it here (native needs the weights; onnxruntime needs
/// ONNX Runtime's library and an ONNX file; torchscript needs a build with libtorch and a traced file), and how to
/// make an engine of one.
public struct BackendCatalog: Sendable {
    /// The model folder.
    public var directory: String
    /// The ONNX file for onnxruntime (nil: `model.onnx` or `onnx/model.onnx` in the folder).
    public var onnxFile: String?
    /// ONNX Runtime's library (nil: the usual search, see `ORTRuntime.shared`).
    public var ortLibrary: String?
    /// The traced TorchScript file for torchscript (nil: `torchscript/model.pt` or `traced_model.pt` in the folder).
    public var torchscriptFile: String?
    /// Every backend of BertKit, available or not.
    public let all: [BackendInfo]

    /// Looks at what the folder, the machine and this build offer.
    public init(directory: String, onnxFile: String? = nil, ortLibrary: String? = nil, torchscriptFile: String? = nil) {
        self.directory = directory
        self.onnxFile = onnxFile
        self.ortLibrary = ortLibrary
        self.torchscriptFile = torchscriptFile
        let weights = (try? ModelDirectory(path: directory)).map { fileExists($0.weightsPath) } ?? true
        let nativeReason = weights ? nil : "the model folder has no weights (model.safetensors, pytorch_model.bin or model.pt)"
        var onnxReason: String?
        do {
            _ = try OnnxModelFile.locate(in: directory, explicit: onnxFile)
            _ = try ORTRuntime.shared(libraryPath: ortLibrary)
        } catch {
            onnxReason = "\(error)"
        }
        var torchReason = TorchScriptModule.unavailableReason
        if torchReason == nil {
            do { _ = try TorchScriptFile.locate(in: directory, explicit: torchscriptFile) } catch { torchReason = "\(error)" }
        }
        all = [
            BackendInfo(name: "native-packed", available: weights, reason: nativeReason, precisions: Self.nativePrecisions),
            BackendInfo(name: "native-padded", available: weights, reason: nativeReason, precisions: Self.nativePrecisions),
            BackendInfo(name: "onnxruntime", available: onnxReason == nil, reason: onnxReason, precisions: ["fp32"]),
            BackendInfo(name: "torchscript", available: torchReason == nil, reason: torchReason, precisions: ["fp32"]),
        ]
    }

    /// Every precision of the native engine.
    static let nativePrecisions = Precision.allCases.map(\.rawValue)

    /// The available backends, in catalog order.
    public var available: [BackendInfo] { all.filter(\.available) }

    /// The version of each available engine library beside BertKit's own (ONNX Runtime's, libtorch's).
    public var versions: [String: String] {
        var versions: [String: String] = [:]
        if available.contains(where: { $0.name == "onnxruntime" }), let runtime = try? ORTRuntime.shared(libraryPath: ortLibrary) {
            versions["onnxruntime"] = runtime.version
        }
        if available.contains(where: { $0.name == "torchscript" }), let version = TorchScriptModule.libtorchVersion {
            versions["libtorch"] = version
        }
        return versions
    }

    /// BertKit's version, Swift's and the kernels' instruction set, with the engine libraries' (`versions`): what a
    /// results file records.
    public var toolVersions: [String: String] {
        ["bertkit": BertKitInfo.version, "swift": BertKitInfo.swiftVersion, "kernels": BertKitInfo.kernelISA].merging(versions) { a, _ in a }
    }

    /// The backends named in a `--backends` list (`native` stands for both native layouts); nil selects every
    /// available one. Errors name an unknown or unavailable backend.
    public func select(_ names: [String]?) throws -> [BackendInfo] {
        guard let names else {
            guard !available.isEmpty else { throw BenchError.invalidGrid("no backend can run \(directory)") }
            return available
        }
        var chosen: [BackendInfo] = []
        for name in names {
            let expanded = name == "native" ? ["native-packed", "native-padded"] : [name]
            for one in expanded {
                guard let info = all.first(where: { $0.name == one }) else {
                    throw BenchError.unknownBackend(one, known: all.map(\.name) + ["native"])
                }
                guard info.available else { throw BenchError.backendUnavailable(name: one, reason: info.reason ?? "") }
                if !chosen.contains(info) { chosen.append(info) }
            }
        }
        guard !chosen.isEmpty else { throw BenchError.invalidGrid("no backend to run") }
        return chosen
    }

    /// An engine of backend `name` for the model, running on `threads` threads.
    public func engine(_ name: String, precision: String, threads: Int) throws -> any BenchEngine {
        guard let info = all.first(where: { $0.name == name }) else {
            throw BenchError.unknownBackend(name, known: all.map(\.name))
        }
        guard info.available else { throw BenchError.backendUnavailable(name: name, reason: info.reason ?? "") }
        guard info.precisions.contains(precision) else {
            throw BenchError.invalidGrid("backend \(name) has no precision \(precision) (it has \(info.precisions.joined(separator: ", ")))")
        }
        if name == "torchscript" {
            let model = try BertModel(directory: directory, torchscript: torchscriptFile, options: .init(truncate: true, threads: threads))
            return ModelEngine(model: model)
        }
        if name == "onnxruntime" {
            let model = try BertModel(directory: directory, onnx: onnxFile, options: .init(truncate: true, threads: threads),
                                      ortLibrary: ortLibrary, session: ORTSessionOptions(intraOpThreads: threads))
            return ModelEngine(model: model)
        }
        let mode: ExecutionMode = name == "native-padded" ? .padded : .packed
        let format = try Precision.parse(precision)
        return ModelEngine(model: try BertModel(directory: directory,
                                                options: .init(truncate: true, threads: threads, mode: mode, precision: format)))
    }
}

/// A loaded model's backend, timed on the model's task.
struct ModelEngine: BenchEngine {
    let model: BertModel
    let classifies: Bool

    init(model: BertModel) {
        self.model = model
        classifies = model.backend.hasClassificationHead
    }

    func run(_ batch: TokenBatch) throws {
        _ = classifies ? try model.backend.classify(batch) : try model.backend.embed(batch)
    }
}

private func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
