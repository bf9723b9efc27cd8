import BertKit
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A closed-loop HTTP load from inside the process, the load `wrk` gives from outside: `connections` keep-alive
/// connections, each POSTing the next body as soon as its previous answer has arrived. It runs on one event-loop
/// thread of its own, so it costs the machine about what one `wrk -t1` does.
public struct LoadGenerator: Sendable {
    /// Where to send: an IP address, a port and a path (`/embed`).
    public var host: String
    public var port: Int
    public var path: String
    /// JSON bodies: each connection starts at its own place among them and sends them in turn.
    public var bodies: [String]
    /// Connections open at once.
    public var connections: Int

    /// What a load measured in its window.
    public struct Result: Sendable, Equatable {
        /// Requests answered 200 within the window.
        public var answered: Int
        /// Other statuses, and connections that failed, over the whole run.
        public var failed: Int
        /// The window, in seconds.
        public var seconds: Double
        /// `answered / seconds`.
        public var requestsPerSecond: Double
        /// Latency percentiles of the answered requests, in milliseconds (0 when none).
        public var p50Ms: Double
        public var p90Ms: Double
        public var p99Ms: Double
    }

    /// A load on `http://host:port/path`.
    public init(host: String, port: Int, path: String, bodies: [String], connections: Int) {
        self.host = host
        self.port = port
        self.path = path
        self.bodies = bodies
        self.connections = connections
    }

    /// Opens the connections and loads the server: the window opens after `warmUp`, once as many answers as there are
    /// connections have come (a server still warming up, or starved of CPU, does not shorten it), and lasts `window`. Only the
    /// answers within it count. The connections are closed at the end (requests still queued are abandoned, as by a
    /// client hanging up). No answer a minute past the warm-up is an error.
    public func run(warmUp: Duration, window: Duration) async throws -> Result {
        guard connections > 0, !bodies.isEmpty else { throw ServeError.validation("a load needs at least one connection and one body") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let earliest = NIODeadline.now() + TimeAmount(warmUp)
        let tally = LoadTally(earliest: earliest, needed: connections, window: TimeAmount(window))
        let requests = bodies.map { ByteBuffer(string: $0) }
        let head = HTTPRequestHead(
            version: .http1_1, method: .POST, uri: path,
            headers: ["Host": "\(host):\(port)", "Content-Type": "application/json"])
        var channels: [any Channel] = []
        var failure: (any Error)?
        do {
            for index in 0..<connections {
                let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            LoadConnection(head: head, bodies: requests, first: index * requests.count / connections, tally: tally))
                    }
                }
                channels.append(try await bootstrap.connect(host: host, port: port).get())
            }
            let giveUp = earliest + .seconds(60)
            while true {
                try await Task.sleep(for: .milliseconds(20))
                let now = NIODeadline.now()
                if let closes = tally.closes { if now > closes { break } } else if now > giveUp { break }
            }
        } catch {
            failure = error
        }
        tally.stop()
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
        if let failure { throw failure }
        guard tally.closes != nil else {
            throw ServeError.validation("the server answered too few requests to start the load's window within a minute of its warm-up")
        }
        return tally.result(window: window)
    }
}

/// The answers of a load, shared by its connections, and its window.
final class LoadTally: Sendable {
    let earliest: NIODeadline
    let needed: Int
    let window: TimeAmount
    private struct Counts {
        var latencies: [Double] = []
        var answers = 0
        var failed = 0
        var opens: NIODeadline?
        var stopped = false
    }
    private let counts = Mutex(Counts())

    /// A window that opens at `earliest` or later, once `needed` answers have come, and lasts `window`.
    init(earliest: NIODeadline, needed: Int, window: TimeAmount) {
        self.earliest = earliest
        self.needed = needed
        self.window = window
    }

    /// When the window closes (nil until it has opened).
    var closes: NIODeadline? { counts.withLock { $0.opens.map { $0 + window } } }

    /// Counts an answer (200 or not) that arrived at `now` for a request sent at `sent`; false once the load is over.
    func answer(sent: NIODeadline, now: NIODeadline, ok: Bool) -> Bool {
        counts.withLock {
            $0.answers += 1
            if !ok { $0.failed += 1 }
            if let opens = $0.opens {
                if ok && now > opens && now <= opens + window { $0.latencies.append(Double((now - sent).nanoseconds) / 1e6) }
            } else if now >= earliest && $0.answers >= needed {
                $0.opens = now
            }
            return !$0.stopped
        }
    }

    func failure() { counts.withLock { $0.failed += 1 } }

    func stop() { counts.withLock { $0.stopped = true } }

    func result(window: Duration) -> LoadGenerator.Result {
        counts.withLock { counts in
            let sorted = counts.latencies.sorted()
            // Nearest rank, as wrk reports latencies.
            func percentile(_ p: Double) -> Double { Percentile.nearestRank(sorted, p) }
            let seconds = window / .seconds(1)
            return LoadGenerator.Result(
                answered: sorted.count, failed: counts.failed, seconds: seconds,
                requestsPerSecond: seconds > 0 ? Double(sorted.count) / seconds : 0,
                p50Ms: percentile(0.5), p90Ms: percentile(0.9), p99Ms: percentile(0.99))
        }
    }
}

/// One connection of a load: sends a request, reads its answer, sends the next.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var head: HTTPRequestHead
    private let bodies: [ByteBuffer]
    private var next: Int
    private let tally: LoadTally
    private var sent = NIODeadline.now()
    private var status: HTTPResponseStatus = .ok

    init(head: HTTPRequestHead, bodies: [ByteBuffer], first: Int, tally: LoadTally) {
        self.head = head
        self.bodies = bodies
        self.next = first
        self.tally = tally
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response): status = response.status
        case .body: break
        case .end:
            if tally.answer(sent: sent, now: .now(), ok: status == .ok) { send(context) } else { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        tally.failure()
        context.close(promise: nil)
    }

    private func send(_ context: ChannelHandlerContext) {
        let body = bodies[next % bodies.count]
        next += 1
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        sent = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
