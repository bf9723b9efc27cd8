import BertKit
import Foundation
import Logging
import ServiceLifecycle

/// The last step of `bertkit tune`: the chosen setup served over HTTP on this machine, as `bertkit serve --config`
/// will serve it, under a closed-loop load of the tuning sample. Its figure is what tune.json promises a server:
/// the engine's own figure leaves out HTTP, JSON, tokenization and the clients, which share the cores.
public struct ServeCheck: Sendable {
    /// Connections of the load (the serve benchmark's 64 by default).
    public var connections = 64
    /// Load before the window, and the window counted (as long as the serve benchmark's cells).
    public var warmUp: Duration = .seconds(2)
    public var window: Duration = .seconds(10)

    /// A check with the defaults.
    public init() {}

    /// The request bodies for `inputs`: TEI's `/embed` body for an embedding model, `/predict`'s (a text or a pair)
    /// for a classifier or reranker, each with `truncate` on.
    public static func requests(for kind: ModelKind, inputs: [TextInput]) -> (path: String, bodies: [String]) {
        func quoted(_ text: String) -> String {
            var writer = JSONWriter()
            writer.string(text)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        if kind.isEmbedding {
            return ("/embed", inputs.map { "{\"inputs\":\(quoted($0.text)),\"truncate\":true}" })
        }
        return (
            "/predict",
            inputs.map { input in
                let value = input.pair.map { "[\(quoted(input.text)),\(quoted($0))]" } ?? quoted(input.text)
                return "{\"inputs\":\(value),\"truncate\":true}"
            }
        )
    }

    /// Serves `model` with `options` on a free loopback port, loads it with `inputs` for the warm-up and the window,
    /// and stops the server. Throws when the load got no answer or any failure.
    public func run(model: BertModel, options: ServeOptions, inputs: [TextInput]) async throws -> TunedSetup.Served {
        var options = options
        options.hostname = "127.0.0.1"
        options.port = 0
        options.maxConcurrentRequests = max(options.maxConcurrentRequests, connections)
        var logger = Logger(label: "bertkit.tune.serve")
        logger.logLevel = .error
        let server = EmbeddingServer(options: options, modelID: "tune", logger: logger) { model }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(services: [server.application { continuation.yield($0) }], logger: logger))
        let running = Task { try await group.run() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw ServeCheckError("the server did not start") }
        // The model is loaded already; the service only wraps it, so a minute is far more than it takes.
        for _ in 0..<12_000 where server.state.current == nil { try await Task.sleep(for: .milliseconds(5)) }
        guard server.state.current != nil else { throw ServeCheckError("the server did not become ready") }
        let (path, bodies) = Self.requests(for: ModelKind(model: model), inputs: inputs)
        let load = LoadGenerator(host: options.hostname, port: port, path: path, bodies: bodies, connections: connections)
        let result = try await load.run(warmUp: warmUp, window: window)
        // As SIGTERM stops `bertkit serve`: no new connections, the queue drained.
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        guard result.failed == 0, result.answered > 0 else {
            throw ServeCheckError("\(result.answered) requests answered, \(result.failed) failed")
        }
        return TunedSetup.Served(
            connections: connections, requestsPerSecond: result.requestsPerSecond, p50Ms: result.p50Ms,
            p99Ms: result.p99Ms, seconds: result.seconds)
    }
}

/// Why a serve check has no figure.
public struct ServeCheckError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = "serve check: " + description }
}

extension BertModel.Options {
    /// These options as a server loads its model: never normalizing and with no prompt asked for, since the server
    /// applies TEI's `normalize` and its prompts (`prompt_name`, else its default prompt) per request, whatever prompt
    /// the model was loaded with.
    public func forServing() -> BertModel.Options {
        var options = self
        options.normalize = false
        options.promptName = nil
        options.prompt = nil
        return options
    }
}

extension ServeOptions {
    /// Takes what a tuned setup says about batching: its largest batch caps a served batch's sequences, unless
    /// `maxBatchRequests` is already set.
    public mutating func adopt(_ setup: TunedSetup) {
        if maxBatchRequests == nil { maxBatchRequests = setup.largestBatch }
    }
}
