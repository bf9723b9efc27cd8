/// The backends front ends choose from, in order. `BackendCatalog.native` has BertKit's own engine; the `BertBackends`
/// module's `BackendCatalog.standard` adds ONNX Runtime and TorchScript. The CLI, `bench`, `tune` and `serve` read
/// only a catalog, so an engine registered here is offered by all of them.
public struct BackendCatalog: Sendable {
    /// The registered backends.
    public let providers: [any BackendProvider]

    public init(_ providers: [any BackendProvider]) { self.providers = providers }

    /// BertKit's native engine alone.
    public static let native = BackendCatalog([NativeBackendProvider()])

    /// Every backend's name.
    public var names: [String] { providers.map(\.name) }

    /// The backend called `name`; the error lists the names there are.
    public func provider(named name: String) throws(BackendCatalogError) -> any BackendProvider {
        guard let provider = providers.first(where: { $0.name == name }) else { throw .unknown(name, known: names) }
        return provider
    }

    /// A benchmark variant (`native-packed`, `onnxruntime`): its backend and layout (nil when it has none). A
    /// backend's plain name stands for its first layout.
    public func variant(named name: String) throws(BackendCatalogError) -> (provider: any BackendProvider, layout: ExecutionMode?) {
        for provider in providers {
            if provider.name == name { return (provider, provider.layouts.first) }  // also every layout-less variant
            if let index = provider.variants.firstIndex(of: name) {
                return (provider, provider.layouts[index])  // a match here means the layouts name the variants
            }
        }
        throw .unknown(name, known: providers.flatMap(\.variants))
    }

    /// Loads the model on backend `name`: the precision must be one it runs, and a model file must be of its kind.
    public func load(_ name: String, _ request: BackendRequest) throws -> BertModel {
        let provider = try provider(named: name)
        try check(provider, request)
        return try provider.load(request)
    }

    /// Checks what a request asks of a backend before loading: the precision it runs.
    public func check(_ provider: any BackendProvider, _ request: BackendRequest) throws(BackendCatalogError) {
        guard provider.precisions.contains(request.options.precision) else {
            throw .precision(
                request.options.precision, backend: provider.name,
                offered: provider.precisions,
                alternatives: providers.filter { $0.precisions.contains(request.options.precision) }.map(\.name))
        }
    }
}

/// A request the catalog refuses before any backend loads.
public enum BackendCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No backend of that name.
    case unknown(String, known: [String])
    /// The backend does not run that precision.
    case precision(Precision, backend: String, offered: [Precision], alternatives: [String])

    public var description: String {
        switch self {
        case let .unknown(name, known):
            return "unknown backend '\(name)' (there are: \(known.joined(separator: ", ")))"
        case let .precision(precision, backend, offered, alternatives):
            let others =
                alternatives.isEmpty
                ? "" : "; \(alternatives.joined(separator: ", ")) offer\(alternatives.count == 1 ? "s" : "") \(precision.rawValue)"
            return "the \(backend) backend runs \(offered.map(\.rawValue).joined(separator: ", ")), not \(precision.rawValue)\(others)"
        }
    }
}
