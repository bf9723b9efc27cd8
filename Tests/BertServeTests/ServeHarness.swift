import BertKit
import BertServe
import BertTokenizers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Loads fixtures and runs the server's routes in process.
enum ServeHarness {
    /// A model loaded as `bertkit serve` loads it: never normalizing (the server does, per request).
    static func serveModel(_ path: String, threads: Int = 2) throws -> BertModel {
        var options = BertModel.Options(threads: threads)
        options.normalize = false
        return try BertModel(directory: path, options: options)
    }

    /// A logger for tests: errors only.
    static var quiet: Logger {
        var logger = Logger(label: "bertkit.serve.test")
        logger.logLevel = .error
        return logger
    }

    static var tinyClassifier: String { Fixtures.path("models/tiny-bert-cls") }
    static var tinyReranker: String { Fixtures.path("models/tiny-bert-reranker") }

    /// Runs `body` against the routes of a server for the model at `path` (loaded by the server's own service),
    /// once `/health` says it is ready.
    static func withServer<T>(
        _ path: String, options: ServeOptions = ServeOptions(), engine: (@Sendable (BertModel) -> any ServeEngine)? = nil,
        _ body: @escaping @Sendable (any TestClientProtocol, EmbeddingServer) async throws -> T
    ) async throws -> T {
        try await withServer(options: options, engine: engine, load: { try serveModel(path) }, body)
    }

    /// Runs `body` against the routes of a server for the model `load` gives.
    static func withServer<T>(
        options: ServeOptions = ServeOptions(), engine: (@Sendable (BertModel) -> any ServeEngine)? = nil,
        load: @escaping @Sendable () throws -> BertModel,
        _ body: @escaping @Sendable (any TestClientProtocol, EmbeddingServer) async throws -> T
    ) async throws -> T {
        let server = EmbeddingServer(options: options, modelID: "test-model", logger: quiet, engine: engine, load: load)
        return try await server.application().test(.router) { client in
            try await waitReady(client)
            return try await body(client, server)
        }
    }

    /// A server behind the API key `secret` whose model (the tiny classifier) loads only once `gate` is signalled.
    static func gatedServer() -> (server: EmbeddingServer, gate: DispatchSemaphore) {
        let gate = DispatchSemaphore(value: 0)
        var options = ServeOptions()
        options.apiKey = "secret"
        let server = EmbeddingServer(options: options, modelID: "slow", logger: quiet) {
            gate.wait()
            return try serveModel(tinyClassifier)
        }
        return (server, gate)
    }

    static func waitReady(_ client: any TestClientProtocol) async throws {
        for _ in 0..<600 {
            if try await client.execute(uri: "/health", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the model did not load within 6 s")
    }

    /// POSTs `json` to `uri` with the JSON content type.
    static func post(
        _ client: any TestClientProtocol, _ uri: String, _ json: String,
        headers: HTTPFields = [.contentType: "application/json"]
    ) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    /// The response body as JSON.
    static func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body), options: [.fragmentsAllowed])
    }

    static func floats(_ value: Any?) -> [Float] { (value as? [NSNumber])?.map(\.floatValue) ?? [] }

    static func matrix(_ value: Any?) -> [[Float]] { (value as? [Any])?.map(floats) ?? [] }

    /// A JSON string literal.
    static func quoted(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    /// Error body checks: TEI's `{"error", "error_type"}`.
    static func expectError(
        _ response: TestResponse, _ status: Int, _ type: String, contains text: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status.code == status, "status", sourceLocation: sourceLocation)
        let body = try json(response) as? [String: Any]
        #expect(body?["error_type"] as? String == type, "error_type in \(String(buffer: response.body))", sourceLocation: sourceLocation)
        if let text {
            #expect(
                (body?["error"] as? String)?.contains(text) == true, "error message: \(String(buffer: response.body))",
                sourceLocation: sourceLocation)
        }
    }
}

/// An engine that records every batch it runs and can hold the engine thread until released: the batching tests
/// queue requests behind a held batch, then watch how the queue groups them.
final class RecordingEngine: ServeEngine, @unchecked Sendable {
    let inner: any ServeEngine
    private let lock = NSLock()
    private var held = false
    private let release = DispatchSemaphore(value: 0)
    private let entered = DispatchSemaphore(value: 0)
    private(set) var batches: [(task: BatchTask, lengths: [Int], ids: [[Int]])] = []

    init(_ inner: any ServeEngine) { self.inner = inner }

    /// The next batch waits in the engine until `resume()`.
    func holdNext() { lock.withLock { held = true } }

    /// Waits (off the cooperative pool) until a held batch is in the engine.
    func waitUntilHeld() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [entered] in
                entered.wait(); c.resume()
            }
        }
    }

    func resume() { release.signal() }

    var recorded: [(task: BatchTask, lengths: [Int], ids: [[Int]])] { lock.withLock { batches } }

    func run(_ task: BatchTask, _ sequences: [Encoding]) throws -> [[Float]] {
        let hold = lock.withLock {
            batches.append((task, sequences.map(\.count), sequences.map(\.ids)))
            defer { held = false }
            return held
        }
        if hold {
            entered.signal()
            release.wait()
        }
        return try inner.run(task, sequences)
    }
}
