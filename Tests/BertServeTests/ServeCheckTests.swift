import BertKit
import BertServe
import Foundation
import ServiceLifecycle
import TestSupport
import Testing

/// `bertkit tune`'s serve check: the in-process load client against a live server, the bodies it sends, and the
/// batching a tuned setup gives a server.
@Suite struct ServeCheckTests {
    /// A live server for the tiny classifier on a free port; `body` gets the port.
    static func withLiveServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        var options = ServeOptions()
        options.hostname = "127.0.0.1"
        options.port = 0
        let server = EmbeddingServer(options: options, modelID: "load", logger: ServeHarness.quiet) {
            try ServeHarness.serveModel(ServeHarness.tinyClassifier)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            configuration: .init(services: [server.application { continuation.yield($0) }], logger: ServeHarness.quiet))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        while server.state.current == nil { try await Task.sleep(for: .milliseconds(5)) }
        try await body(port)
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func loadCountsAnswersInItsWindowAndFailures() async throws {
        try await Self.withLiveServer { port in
            let bodies = ServeCheck.requests(for: .classifier(labels: ["a", "b"]), inputs: [TextInput("the cat"), TextInput("tea")]).bodies
            let load = LoadGenerator(host: "127.0.0.1", port: port, path: "/predict", bodies: bodies, connections: 4)
            let result = try await load.run(warmUp: .milliseconds(200), window: .seconds(3))
            #expect(result.failed == 0)
            #expect(result.answered > 0 && result.seconds == 3)
            #expect(abs(result.requestsPerSecond - Double(result.answered) / 3) < 1e-9)
            #expect(0 < result.p50Ms && result.p50Ms <= result.p90Ms && result.p90Ms <= result.p99Ms)
            // Answers other than 200 are failures, never throughput.
            let wrong = LoadGenerator(host: "127.0.0.1", port: port, path: "/embed", bodies: bodies, connections: 2)
            let refused = try await wrong.run(warmUp: .milliseconds(100), window: .milliseconds(300))
            #expect(refused.answered == 0 && refused.failed > 0)
        }
    }

    @Test func refusedConnectionIsAnError() async throws {
        let load = LoadGenerator(host: "127.0.0.1", port: 1, path: "/embed", bodies: ["{}"], connections: 1)
        await #expect(throws: (any Error).self) { try await load.run(warmUp: .zero, window: .milliseconds(100)) }
        let empty = LoadGenerator(host: "127.0.0.1", port: 1, path: "/embed", bodies: [], connections: 1)
        await #expect(throws: ServeError.self) { try await empty.run(warmUp: .zero, window: .milliseconds(100)) }
    }

    @Test func checkServesTheModelItIsGiven() async throws {
        let model = try ServeHarness.serveModel(ServeHarness.tinyClassifier)
        var check = ServeCheck()
        check.connections = 3
        check.warmUp = .milliseconds(200)
        check.window = .seconds(3)  // long enough to outlast the pool's stalls under the full parallel run
        var options = ServeOptions()
        options.maxConcurrentRequests = 1  // raised to the load's connections: no 429 from the check's own load
        let served = try await check.run(model: model, options: options, inputs: [TextInput("the cat sat"), TextInput("a", pair: "b")])
        #expect(served.connections == 3 && served.seconds == 3)
        #expect(served.requestsPerSecond > 0 && served.p50Ms <= served.p99Ms)
    }

    @Test func bodiesAreTheRoutesRequests() throws {
        let text = "a \"quoted\" line\twith\\ escapes\u{1} and é"
        let embed = ServeCheck.requests(for: .embedding(pooling: "mean"), inputs: [TextInput(text)])
        #expect(embed.path == "/embed")
        let request = try JSONDecoder().decode(EmbedRequest.self, from: Data(embed.bodies[0].utf8))
        #expect(request.inputs.items == [.text(text)] && request.truncate == true)
        let predict = ServeCheck.requests(for: .reranker(labels: ["score"]), inputs: [TextInput("q", pair: text), TextInput(text)])
        #expect(predict.path == "/predict")
        let pair = try JSONDecoder().decode(PredictRequest.self, from: Data(predict.bodies[0].utf8))
        #expect(pair.inputs.items.map(\.text) == ["q"] && pair.inputs.items.map(\.pair) == [text] && pair.truncate == true)
        let single = try JSONDecoder().decode(PredictRequest.self, from: Data(predict.bodies[1].utf8))
        #expect(single.inputs.items.map(\.text) == [text] && single.inputs.items.map(\.pair) == [nil])
    }

    @Test func tunedSetupCapsServedBatches() {
        let machine = TunedSetup.Machine(cpu: "", cores: 2, kernels: "avx2", cpuFlags: [])
        func setup(_ batching: TunedSetup.BatchingChoice) -> TunedSetup {
            TunedSetup(
                backend: "native-packed", precision: .int8, threads: 2, batching: batching, machine: machine, sequencesPerSecond: 1,
                p95BatchMs: 1)
        }
        var options = ServeOptions()
        options.adopt(setup(.init(kind: .fixed, batchSize: 32)))
        #expect(options.maxBatchRequests == 32)
        var tokens = ServeOptions()
        tokens.adopt(setup(.init(kind: .tokens, batchSize: 16, maxTokens: 2048)))
        #expect(tokens.maxBatchRequests == 64, "a token budget's sequence cap: four times its batch size unless given")
        tokens = ServeOptions()
        tokens.adopt(setup(.init(kind: .tokens, batchSize: 16, maxTokens: 2048, maxSequences: 24)))
        #expect(tokens.maxBatchRequests == 24)
        var given = ServeOptions()
        given.maxBatchRequests = 8
        given.adopt(setup(.init(kind: .sorted, batchSize: 32)))
        #expect(given.maxBatchRequests == 8, "a value already set wins")
    }
}
