import BertKit
import BertServe
import Foundation
import Hummingbird
import TestSupport
import Testing

/// The server on a real socket: a client that hangs up while its request is queued has it taken out of the queue
/// (never computed), and the others are answered.
@Suite struct LiveServerTests {
    @Test func hungUpClientIsNotComputed() async throws {
        var options = ServeOptions()
        options.hostname = "127.0.0.1"
        options.port = 0
        let box = Box<RecordingEngine>()
        let server = EmbeddingServer(
            options: options, modelID: "live", logger: ServeHarness.quiet,
            engine: { model in
                box.set(RecordingEngine(ModelEngine(model: model)))
            }
        ) { try ServeHarness.serveModel(ServeHarness.tinyClassifier) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await server.application { continuation.yield($0) }.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        while server.state.current == nil { try await Task.sleep(for: .milliseconds(5)) }
        let service = try #require(server.state.current)
        let engine = try #require(box.value)

        engine.holdNext()
        let first = try #require(HTTPTestConnection(port: port))
        first.send("POST", "/predict", json: "{\"inputs\":\"tea\"}", keepAlive: true)
        await engine.waitUntilHeld()
        let leaving = try #require(HTTPTestConnection(port: port))
        leaving.send("POST", "/predict", json: "{\"inputs\":\"paris france tokyo\"}", keepAlive: true)
        let staying = try #require(HTTPTestConnection(port: port))
        staying.send("POST", "/predict", json: "{\"inputs\":\"the dog\"}", keepAlive: true)
        while service.queue.depth.sequences < 2 { try await Task.sleep(for: .milliseconds(2)) }
        leaving.close()
        for _ in 0..<10_000 where service.queue.depth.sequences > 1 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(service.queue.depth.sequences == 1, "the hung-up request left the queue")
        engine.resume()
        #expect(first.response().hasPrefix("HTTP/1.1 200"))
        #expect(staying.response().hasPrefix("HTTP/1.1 200"))
        first.close()
        staying.close()
        let model = try ServeHarness.serveModel(ServeHarness.tinyClassifier)
        let leavingIds = try model.tokenize(TextInput("paris france tokyo")).ids
        #expect(!engine.recorded.contains { $0.ids.contains(leavingIds) }, "the hung-up request never ran")
        #expect(engine.recorded.count == 2)
        running.cancel()
        _ = try? await running.value
    }
}
