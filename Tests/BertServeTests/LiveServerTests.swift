import BertKit
import BertServe
import Foundation
import Hummingbird
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The server on a real socket: a client that hangs up while its request is queued has it taken out of the queue
/// (never computed), and the others are answered.
@Suite struct LiveServerTests {
    /// A blocking HTTP/1.1 client on a raw socket, so a test can hang up mid-request.
    final class RawClient {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        }

        func send(post path: String, json: String) {
            let request = "POST \(path) HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
            _ = request.withCString { write(fd, $0, strlen($0)) }
        }

        /// Reads until the peer closes or the response's headers and body have arrived (Content-Length).
        func response() -> String {
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
                let text = String(decoding: data, as: UTF8.self)
                if let split = text.range(of: "\r\n\r\n"),
                   let lengthLine = text[..<split.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
                   let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
                   text.utf8.count - text.utf8.distance(from: text.startIndex, to: split.upperBound) >= length {
                    break
                }
            }
            return String(decoding: data, as: UTF8.self)
        }

        func close() { _ = Glibc.close(fd) }
    }

    @Test func hungUpClientIsNotComputed() async throws {
        var options = ServeOptions()
        options.hostname = "127.0.0.1"
        options.port = 0
        let box = Box<RecordingEngine>()
        let server = EmbeddingServer(options: options, modelID: "live", logger: ServeHarness.quiet, engine: { model in
            box.set(RecordingEngine(ModelEngine(model: model)))
        }) { try ServeHarness.serveModel(ServeHarness.tinyClassifier) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await server.application { continuation.yield($0) }.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        while server.state.current == nil { try await Task.sleep(for: .milliseconds(5)) }
        let service = try #require(server.state.current)
        let engine = try #require(box.value)

        engine.holdNext()
        let first = try RawClient(port: port)
        first.send(post: "/predict", json: "{\"inputs\":\"tea\"}")
        await engine.waitUntilHeld()
        let leaving = try RawClient(port: port)
        leaving.send(post: "/predict", json: "{\"inputs\":\"paris france tokyo\"}")
        let staying = try RawClient(port: port)
        staying.send(post: "/predict", json: "{\"inputs\":\"the dog\"}")
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
