import Hummingbird
import NIOCore

/// The request context of the server's routes: Hummingbird's core storage plus the connection's channel, through
/// which a request learns that its client went away, and the model's service once `ReadinessMiddleware` let the
/// request through.
public struct ServeContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel
    /// The ready model's service (set by `ReadinessMiddleware` on the model's routes).
    var service: InferenceService?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The service, or TEI's 503 on a route that `ReadinessMiddleware` does not guard.
    func readyService() throws(ServeError) -> InferenceService {
        guard let service else { throw .unhealthy("unhealthy") }
        return service
    }

    /// The connection's `ClientConnection` watcher, if its pipeline has one.
    func connection() async -> ClientConnection? {
        try? await channel.pipeline.handler(type: ClientConnection.self).get()
    }
}
