import Hummingbird
import NIOCore

/// The request context of the server's routes: Hummingbird's core storage plus the connection's channel, through
/// which a request learns that its client went away.
public struct ServeContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The connection's `ClientConnection` watcher, if its pipeline has one.
    func connection() async -> ClientConnection? {
        try? await channel.pipeline.handler(type: ClientConnection.self).get()
    }
}
