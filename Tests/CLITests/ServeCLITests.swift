import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `bertkit serve` as a process: it refuses a bad folder before listening, reads TEI's environment variables, and
/// on SIGTERM answers every request it has accepted before exiting 0.
@Suite(.serialized) struct ServeCLITests {
    /// A free TCP port on 127.0.0.1 (bound, read, released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length); return getsockname(fd, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `bertkit serve` and waits for its "serving" line; returns the process and its standard error pipe.
    static func start(_ arguments: [String], environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["serve"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        return (process, errors)
    }

    static func waitHealthy(port: Int) async throws {
        for _ in 0..<1000 {
            if let exchange = HTTPTestConnection(port: port) {
                exchange.send("GET", "/health")
                if exchange.response().hasPrefix("HTTP/1.1 200") { return }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("bertkit serve did not become healthy")
    }

    @Test func refusesABadFolderBeforeListening() throws {
        let folder = try Fixtures.temporaryDirectory()
        try "{\"model_type\": \"bert\", \"hidden_size\": 48, \"num_attention_heads\": 5}".write(
            to: folder.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let run = try CLITests.run(["serve", "--model", folder.path, "--port", String(Self.freePort())])
        CLITests.expectFailure(run, "num_attention_heads")
        let small = try CLITests.run(["serve", "--model", CLITests.tiny, "--max-batch-tokens", "16"])
        CLITests.expectFailure(small, "max-batch-tokens (16) must be at least the model's longest input (40 tokens)")
        let env = try CLITests.run(["serve", "--model", CLITests.tiny], environment: ["MAX_BATCH_TOKENS": "lots"])
        CLITests.expectFailure(env, "MAX_BATCH_TOKENS=lots: not a whole number")
    }

    @Test func readsEnvironmentAndDrainsOnSigterm() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        let port = Self.freePort()
        let (process, errors) = try Self.start(
            [],
            environment: [
                "MODEL_ID": Fixtures.miniLM, "PORT": String(port), "HOSTNAME": "127.0.0.1", "MAX_CLIENT_BATCH_SIZE": "64",
                "BERTKIT_THREADS": "2", "LOG_LEVEL": "warning",
            ])
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitHealthy(port: port)
        let info = try #require(HTTPTestConnection(port: port))
        info.send("GET", "/info")
        #expect(info.response().contains("\"max_client_batch_size\":64"))

        // Requests in flight when SIGTERM arrives are all answered; then the process exits 0.
        let sentence = "The quick brown fox jumps over the lazy dog while the cat watches from the warm windowsill again"
        let body = "{\"inputs\":[" + Array(repeating: "\"\(sentence)\"", count: 64).joined(separator: ",") + "]}"
        let exchanges = (0..<6).compactMap { _ in HTTPTestConnection(port: port) }
        #expect(exchanges.count == 6)
        for exchange in exchanges { exchange.send("POST", "/embed", json: body) }
        // SIGTERM once the server has taken all six in (its own count), whatever the load on the machine.
        for _ in 0..<2000 {
            let metrics = try #require(HTTPTestConnection(port: port))
            metrics.send("GET", "/metrics")
            if metrics.response().contains("te_request_count{method=\"batch\"} 6") { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGTERM)
        let responses = await withTaskGroup(of: String.self) { group in
            for exchange in exchanges { group.addTask { exchange.response() } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        for response in responses { #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(200))") }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))")
        #expect(HTTPTestConnection(port: port) == nil, "no longer listening")
    }

    /// The server runs the other backends too: on ONNX Runtime, /predict gives `bertkit classify --backend
    /// onnxruntime`'s logits and /embed `bertkit embed --backend onnxruntime`'s vector; /embed_all is native-only (424).
    @Test func servesOnOnnxRuntime() async throws {
        let library = try #require(Fixtures.onnxRuntimeLibrary, Comment(rawValue: Fixtures.onnxRuntimeMissing))
        let environment = ["ORT_DYLIB_PATH": library, "LOG_LEVEL": "warning"]
        let classifierONNX = Fixtures.path("onnx/torch-tiny-bert-cls.onnx")
        let encoder = Fixtures.path("onnx/optimum-tiny-bert")
        func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
        func body(_ response: String) -> String { response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? "" }

        let classified = try CLITests.run(
            ["classify", "--model", CLITests.tiny, "--backend", "onnxruntime", "--onnx", classifierONNX],
            stdin: Data("the cat sat on the mat\n".utf8), environment: environment)
        let logits = try #require((try json(classified.stdout) as? [String: Any])?["logits"] as? [Double])
        let embedded = try CLITests.run(
            ["embed", "--model", encoder, "--backend", "onnxruntime"], stdin: Data("the cat sat\n".utf8),
            environment: environment)
        let vector = try #require((try json(embedded.stdout) as? [String: Any])?["embedding"] as? [Double])

        for (folder, extra) in [(CLITests.tiny, ["--onnx", classifierONNX]), (encoder, [])] {
            let port = Self.freePort()
            let (process, _) = try Self.start(
                ["--model", folder, "--backend", "onnxruntime", "--port", String(port), "--hostname", "127.0.0.1"] + extra,
                environment: environment)
            defer { if process.isRunning { process.terminate() } }
            try await Self.waitHealthy(port: port)
            let info = try #require(HTTPTestConnection(port: port))
            info.send("GET", "/info")
            #expect(info.response().contains("\"backend\":\"onnxruntime"))
            if folder == CLITests.tiny {
                let predict = try #require(HTTPTestConnection(port: port))
                predict.send("POST", "/predict", json: "{\"inputs\":\"the cat sat on the mat\",\"raw_scores\":true}")
                let scores = try #require(try json(body(predict.response())) as? [[String: Any]])
                let labels = ["negative", "neutral", "positive"]
                #expect(scores.count == 3)
                for item in scores {
                    let index = try #require(labels.firstIndex(of: item["label"] as? String ?? ""))
                    #expect(abs((item["score"] as? Double ?? .nan) - logits[index]) <= 1e-6)
                }
            } else {
                let embed = try #require(HTTPTestConnection(port: port))
                embed.send("POST", "/embed", json: "{\"inputs\":\"the cat sat\",\"normalize\":false}")
                let got = try #require((try json(body(embed.response())) as? [[Double]])?.first)
                #expect(got.count == vector.count && zip(got, vector).allSatisfy { abs($0 - $1) <= 1e-6 })
                let all = try #require(HTTPTestConnection(port: port))
                all.send("POST", "/embed_all", json: "{\"inputs\":\"the cat\"}")
                // ONNX Runtime gives every token's state through the backend seam (`tokenEmbeddings`), as native does.
                let states = try #require((try json(body(all.response())) as? [[[Double]]])?.first)
                #expect(states.count >= 3 && states.allSatisfy { $0.count == vector.count }, "\(states.count) tokens")
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    /// `--config tune.json` (or BERTKIT_CONFIG) gives the server the tuned engine: precision, threads, layout.
    @Test func servesATunedSetup() async throws {
        let folder = try Fixtures.temporaryDirectory()
        let file = folder.appendingPathComponent("tune.json").path
        let machine =
            "\"machine\": {\"cpu\": \"\", \"cores\": \(ProcessInfo.processInfo.activeProcessorCount), \"kernels\": \"x\", \"cpuFlags\": []}"
        try
            "{\"setup\": {\"backend\": \"native-padded\", \"precision\": \"bf16\", \"threads\": 1, \"batching\": {\"kind\": \"sorted\", \"batchSize\": 8}, \(machine), \"sequencesPerSecond\": 1, \"p95BatchMs\": 1}}"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let port = Self.freePort()
        let (process, _) = try Self.start(
            ["--model", CLITests.tiny, "--port", String(port), "--hostname", "127.0.0.1"],
            environment: ["BERTKIT_CONFIG": file, "LOG_LEVEL": "warning"])
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitHealthy(port: port)
        let info = try #require(HTTPTestConnection(port: port))
        info.send("GET", "/info")
        let text = info.response()
        #expect(text.contains("\"model_dtype\":\"bfloat16\"") && text.contains("\"backend\":\"native-padded\""), "\(text)")
        // The setup's largest batch caps a served batch.
        #expect(text.contains("\"max_batch_requests\":8"), "\(text)")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
