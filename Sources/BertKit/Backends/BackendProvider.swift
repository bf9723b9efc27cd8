/// One engine BertKit runs models on, as every front end sees it: `bertkit embed/classify/serve --backend`, the
/// cells of `bertkit bench` and `bertkit tune`, and the library (`BackendCatalog.load`). A new engine is added by
/// conforming to this, registering it in a catalog, and passing the backend conformance suite
/// (Tests/BackendConformanceTests).
public protocol BackendProvider: Sendable {
    /// The name front ends use (`native`, `onnxruntime`, `torchscript`).
    var name: String { get }
    /// One line for help texts.
    var summary: String { get }
    /// The kind of model file it runs (`onnx`, `torchscript`: the CLI's `--onnx` / `--torchscript`), nil when it
    /// runs the checkpoint's weights itself.
    var fileKind: String? { get }
    /// Execution layouts it offers as separate benchmark variants (`native-packed`, `native-padded`); empty when the
    /// engine has one.
    var layouts: [ExecutionMode] { get }
    /// The precisions it runs.
    var precisions: [Precision] { get }
    /// The settings it reads from `BackendRequest.settings`, with what each takes.
    var settings: [String: String] { get }
    /// Why it cannot run `request` on this machine and build (library or file missing), nil when it can. May load
    /// the engine's library: call it only for a backend the user is about to use or asked about.
    func unavailableReason(_ request: BackendRequest) -> String?
    /// The engine library's name and version, when it is loaded or loadable (`("onnxruntime", "1.22.0")`).
    func libraryVersion(_ request: BackendRequest) -> (name: String, version: String)?
    /// The model on this engine.
    func load(_ request: BackendRequest) throws -> BertModel
}

extension BackendProvider {
    public var fileKind: String? { nil }
    public var layouts: [ExecutionMode] { [] }
    public var settings: [String: String] { [:] }
    public func libraryVersion(_ request: BackendRequest) -> (name: String, version: String)? { nil }

    /// The names a benchmark cell uses for this backend: `name-layout` per layout, or the name.
    public var variants: [String] { layouts.isEmpty ? [name] : layouts.map { "\(name)-\($0.rawValue)" } }
}
