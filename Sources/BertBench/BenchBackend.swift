import BertBackends
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
    /// The precision the engine's weights compute in, when known (an int8 ONNX file benchmarked as `fp32`).
    var weights: Precision? { get }
}

extension BenchEngine {
    public var weights: Precision? { nil }
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

/// The backends of `BackendCatalog.standard` as the bench sees one model folder: each backend's variants (a backend
/// with several execution layouts is one variant per layout: `native-packed`, `native-padded`), which can run here
/// and why not, and how to make an engine of one. Nothing here names a backend: a backend registered in the catalog
/// is benchmarked and tuned like the others.
public struct BenchBackends: Sendable {
    /// The model folder.
    public var directory: String
    /// Model files and engine libraries for the backends (absent: the backend's place in the folder, its search).
    public var files: BackendFiles
    /// The catalog the variants come from.
    public let catalog: BackendCatalog
    /// Every variant of every backend, available or not.
    public let all: [BackendInfo]

    /// Looks at what the folder, the machine and this build offer.
    public init(directory: String, files: BackendFiles = .init(), catalog: BackendCatalog = .standard) {
        self.directory = directory
        self.files = files
        self.catalog = catalog
        var all: [BackendInfo] = []
        for provider in catalog.providers {
            let reason = provider.unavailableReason(files.request(for: provider, directory: directory))
            for variant in provider.variants {
                all.append(
                    BackendInfo(name: variant, available: reason == nil, reason: reason, precisions: provider.precisions.map(\.rawValue)))
            }
        }
        self.all = all
    }

    /// The available backends, in catalog order.
    public var available: [BackendInfo] { all.filter(\.available) }

    /// The version of each available engine library beside BertKit's own (ONNX Runtime's, libtorch's).
    public var versions: [String: String] {
        var versions: [String: String] = [:]
        for provider in catalog.providers where available.contains(where: { provider.variants.contains($0.name) }) {
            if let library = provider.libraryVersion(files.request(for: provider, directory: directory)) {
                versions[library.name] = library.version
            }
        }
        return versions
    }

    /// BertKit's version, Swift's and the kernels' instruction set, with the engine libraries' (`versions`): what a
    /// results file records.
    public var toolVersions: [String: String] {
        ["bertkit": BertKitInfo.version, "swift": BertKitInfo.swiftVersion, "kernels": BertKitInfo.kernelISA].merging(versions) { a, _ in a
        }
    }

    /// The variants named in a `--backends` list (a backend's name stands for all its variants: `native` for both
    /// layouts); nil selects every available one. Errors name an unknown or unavailable backend.
    public func select(_ names: [String]?) throws -> [BackendInfo] {
        guard let names else {
            guard !available.isEmpty else { throw BenchError.invalidGrid("no backend can run \(directory)") }
            return available
        }
        var chosen: [BackendInfo] = []
        for name in names {
            let expanded = catalog.providers.first { $0.name == name }?.variants ?? [name]
            for one in expanded {
                guard let info = all.first(where: { $0.name == one }) else {
                    throw BenchError.unknownBackend(
                        one, known: all.map(\.name) + catalog.providers.filter { $0.variants.count > 1 }.map(\.name))
                }
                guard info.available else { throw BenchError.backendUnavailable(name: one, reason: info.reason ?? "") }
                if !chosen.contains(info) { chosen.append(info) }
            }
        }
        guard !chosen.isEmpty else { throw BenchError.invalidGrid("no backend to run") }
        return chosen
    }

    /// An engine of variant `name` for the model, running on `threads` threads.
    public func engine(_ name: String, precision: String, threads: Int) throws -> any BenchEngine {
        guard let info = all.first(where: { $0.name == name }) else {
            throw BenchError.unknownBackend(name, known: all.map(\.name))
        }
        guard info.available else { throw BenchError.backendUnavailable(name: name, reason: info.reason ?? "") }
        guard info.precisions.contains(precision) else {
            throw BenchError.invalidGrid(
                "backend \(name) has no precision \(precision) (it has \(info.precisions.joined(separator: ", ")))")
        }
        return ModelEngine(model: try model(name, precision: try Precision.parse(precision), threads: threads))
    }

    /// The model of variant `name`, loaded as its engine runs it (over-long inputs truncated).
    public func model(_ name: String, precision: Precision = .fp32, threads: Int) throws -> BertModel {
        let variant = try catalog.variant(named: name)
        let options = BertModel.Options(truncate: true, threads: threads, mode: variant.layout ?? .packed, precision: precision)
        return try variant.provider.load(files.request(for: variant.provider, directory: directory, options: options))
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

    var weights: Precision? { model.weightPrecision }
}

private func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
