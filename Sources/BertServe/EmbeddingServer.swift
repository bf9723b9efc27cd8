import BertKit
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `bertkit serve`: Text Embeddings Inference's HTTP API over a BertKit model.
///
/// The server listens at once (answering 503 on `/health` and the model routes) and loads the model in the
/// background; a load that fails stops the server with its error. SIGTERM and SIGINT stop accepting connections,
/// let the requests in flight finish, drain the queue, and return.
public struct EmbeddingServer: Sendable {
    /// Listening and batching settings.
    public let options: ServeOptions
    /// The model's name in `/info` and OpenAI responses.
    public let modelID: String
    /// The server's state and metrics.
    public let state: ServerState
    let load: @Sendable () throws -> BertModel
    let engine: (@Sendable (BertModel) -> any ServeEngine)?
    let logger: Logger

    /// A server for the model `load` returns (called once, off the event loops).
    public init(
        options: ServeOptions, modelID: String, logger: Logger = Logger(label: "bertkit.serve"),
        engine: (@Sendable (BertModel) -> any ServeEngine)? = nil, load: @escaping @Sendable () throws -> BertModel
    ) {
        self.options = options
        self.modelID = modelID
        self.state = ServerState()
        self.load = load
        self.engine = engine
        self.logger = logger
    }

    /// The Hummingbird application: the routes, a `ClientConnection` watcher on every connection, and the service that
    /// loads the model and drains its queue at shutdown. `onServerRunning` learns the bound port.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let routes = Routes(state: state, options: options, modelID: modelID)
        return Application(
            router: routes.router(),
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientConnection()])),
            configuration: .init(address: .hostname(options.hostname, port: options.port), serverName: nil),
            services: [ModelService(server: self)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = application(onServerRunning: onServerRunning)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Loads the model (on a thread of its own), marks the server ready, and at graceful shutdown, which reaches it after
/// the HTTP server has drained, stops the queue and waits for the engine thread.
struct ModelService: Service {
    let server: EmbeddingServer

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let server = self.server
        let service = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<InferenceService, any Error>) in
            Thread {
                continuation.resume(
                    with: Result {
                        let model = try server.load()
                        return try InferenceService(
                            model: model, options: server.options, metrics: server.state.metrics,
                            engine: server.engine?(model))
                    })
            }.start()
        }
        server.state.ready(service)
        server.logger.info(
            "model ready",
            metadata: [
                "model": .string(server.modelID), "backend": .string(service.model.backend.name),
                "load_ms": .stringConvertible((clock.now - started).milliseconds),
            ])
        try? await gracefulShutdown()
        server.state.stopping()
        await service.shutdown()
        let metrics = server.state.metrics
        server.logger.notice(
            "stopped: queue drained, engine stopped",
            metadata: [
                "accepted": .stringConvertible(metrics.accepted), "answered": .stringConvertible(metrics.answered),
            ])
    }
}
