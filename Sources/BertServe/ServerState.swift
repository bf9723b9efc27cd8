import Synchronization

/// Where the server is in its life: `/health` and every model route answer 503 until the model is ready.
public final class ServerState: Sendable {
    enum Phase {
        case loading
        case ready(InferenceService)
        case stopping
    }

    private let phase = Mutex(Phase.loading)
    /// The metrics, shared by the routes and the engine thread.
    public let metrics: ServerMetrics

    /// A state that is loading.
    public init(metrics: ServerMetrics = ServerMetrics()) { self.metrics = metrics }

    /// The model is loaded and its engine thread runs.
    public func ready(_ service: InferenceService) { phase.withLock { $0 = .ready(service) } }

    /// The server is stopping: new requests are refused with 503 while the queued ones finish.
    func stopping() { phase.withLock { $0 = .stopping } }

    /// The service once the model is ready (nil while loading or stopping).
    public var current: InferenceService? { try? service() }

    /// The service, or TEI's 503 while loading or stopping.
    func service() throws(ServeError) -> InferenceService {
        let current = phase.withLock { phase -> InferenceService? in
            if case .ready(let service) = phase { return service }
            return nil
        }
        guard let current else { throw .unhealthy("unhealthy") }
        return current
    }
}
