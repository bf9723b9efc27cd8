import BertKit

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

/// The backends this build knows, and how to make an engine of one.
public enum BackendCatalog {
    /// Every backend of BertKit, available or not.
    public static let all: [BackendInfo] = [
        BackendInfo(name: "native-packed", available: true, reason: nil, precisions: ["fp32"]),
        BackendInfo(name: "native-padded", available: true, reason: nil, precisions: ["fp32"]),
        BackendInfo(name: "onnxruntime", available: false,
                    reason: "not built into this version of bertkit (the ONNX Runtime backend is not implemented yet)",
                    precisions: []),
        BackendInfo(name: "torchscript", available: false,
                    reason: "not built into this version of bertkit (the TorchScript backend is not implemented yet)",
                    precisions: []),
    ]

    /// The available backends, in catalog order.
    public static var available: [BackendInfo] { all.filter(\.available) }

    /// The backends named in a `--backends` list (`native` stands for both native layouts); nil selects every
    /// available one. Errors name an unknown or unavailable backend.
    public static func select(_ names: [String]?) throws -> [BackendInfo] {
        guard let names else { return available }
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

    /// An engine of backend `name` for the model in `directory`, running on `threads` threads.
    public static func engine(_ name: String, precision: String, directory: String, threads: Int) throws -> any BenchEngine {
        guard let info = all.first(where: { $0.name == name }) else {
            throw BenchError.unknownBackend(name, known: all.map(\.name))
        }
        guard info.available else { throw BenchError.backendUnavailable(name: name, reason: info.reason ?? "") }
        guard info.precisions.contains(precision) else {
            throw BenchError.invalidGrid("backend \(name) has no precision \(precision) (it has \(info.precisions.joined(separator: ", ")))")
        }
        let mode: ExecutionMode = name == "native-padded" ? .padded : .packed
        let model = try BertModel(directory: directory, options: .init(truncate: true, threads: threads, mode: mode))
        return NativeEngine(model: model)
    }
}

/// The native CPU engine, timed on the model's task.
struct NativeEngine: BenchEngine {
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
