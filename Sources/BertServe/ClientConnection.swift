import NIOCore
import Synchronization

/// Notices when a client goes away: a channel handler in each connection's pipeline that fires its callbacks when
/// the client closes its side (half-closure is on in Hummingbird, so that arrives as `inputClosed`) or the
/// connection drops. A request registers the cancellation of its queued sequences here.
public final class ClientConnection: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    public typealias InboundIn = NIOAny

    private struct State {
        var closed = false
        var callbacks: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    /// A watcher for one connection.
    public init() {}

    /// Runs `body` when the client goes away (at once if it already has).
    public func onClose(_ body: @escaping @Sendable () -> Void) {
        let alreadyClosed = state.withLock { state in
            if state.closed { return true }
            state.callbacks.append(body)
            return false
        }
        if alreadyClosed { body() }
    }

    /// Forgets the callbacks of a request that has finished (a keep-alive connection serves many).
    public func reset() {
        state.withLock { $0.callbacks.removeAll() }
    }

    private func close() {
        let callbacks = state.withLock { state in
            state.closed = true
            defer { state.callbacks.removeAll() }
            return state.callbacks
        }
        for callback in callbacks { callback() }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { close() }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        close()
        context.fireChannelInactive()
    }
}
