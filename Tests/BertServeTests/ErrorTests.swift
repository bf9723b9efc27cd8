import BertKit
import BertServe
import BertTokenizers
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Every error TEI answers, with its status, `error_type` and message.
@Suite struct ErrorTests {
    /// An engine that always fails.
    struct FailingEngine: ServeEngine {
        func run(_ task: BatchTask, _ sequences: [Encoding]) throws -> [[Float]] { throw BertKitError.invalidArgument("the engine broke") }
    }

    @Test func emptyValidationAndPayload() async throws {
        var options = ServeOptions()
        options.maxClientBatchSize = 2
        options.payloadLimit = 4096
        let long = Array(repeating: "cat", count: 60).joined(separator: " ")
        try await ServeHarness.withServer(ServeHarness.tinyClassifier, options: options) { client, _ in
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\"\"}"), 400, "Empty", contains: "`inputs` cannot be empty")
            try ServeHarness.expectError(try await ServeHarness.post(client, "/predict", "{\"inputs\":[[\"a\"],[\"\"]]}"), 400, "Empty")
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\(ServeHarness.quoted(long))}"), 413, "Validation",
                contains: "`inputs` must have less than 40 tokens. Given: 62")
            #expect(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\(ServeHarness.quoted(long)),\"truncate\":true}").status == .ok
            )
            #expect(
                try await ServeHarness.post(
                    client, "/predict", "{\"inputs\":\(ServeHarness.quoted(long)),\"truncate\":true,\"truncation_direction\":\"left\"}"
                ).status == .ok)
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":[[\"a\"],[\"b\"],[\"c\"]]}"), 413, "Validation",
                contains: "batch size 3 > maximum allowed batch size 2")
            try ServeHarness.expectError(try await ServeHarness.post(client, "/tokenize", "{\"inputs\":[]}"), 400, "Empty")
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/decode", "{\"ids\":[]}"), 400, "Empty", contains: "`input_ids` cannot be empty")

            // The transport's own refusals are plain text, as axum's: too large, not JSON, wrong shape, wrong type.
            let big = try await ServeHarness.post(client, "/predict", "{\"inputs\":\"\(String(repeating: "a", count: 5000))\"}")
            #expect(big.status.code == 413 && String(buffer: big.body).contains("length limit exceeded"))
            let notJSON = try await ServeHarness.post(client, "/predict", "{\"inputs\":")
            #expect(notJSON.status.code == 400 && String(buffer: notJSON.body).hasPrefix("Failed to parse the request body as JSON"))
            let shape = try await ServeHarness.post(client, "/predict", "{\"inputs\":[\"a\",\"b\",\"c\"]}")
            #expect(shape.status.code == 422 && String(buffer: shape.body).contains("invalid length 3"))
            let missing = try await ServeHarness.post(client, "/predict", "{\"input\":\"a\"}")
            #expect(missing.status.code == 422 && String(buffer: missing.body).contains("missing field `inputs`"))
            let nullNormalize = try await ServeHarness.post(client, "/embed", "{\"inputs\":\"a\",\"normalize\":null}")
            #expect(nullNormalize.status.code == 422)
            let direction = try await ServeHarness.post(client, "/predict", "{\"inputs\":\"a\",\"truncation_direction\":\"up\"}")
            #expect(direction.status.code == 422 && String(buffer: direction.body).contains("unknown variant"))
            let noType = try await client.execute(uri: "/predict", method: .post, body: ByteBuffer(string: "{\"inputs\":\"a\"}"))
            #expect(noType.status.code == 415)
        }
    }

    @Test func tokenizerErrorIs422() async throws {
        // The tiny classifier with a WordLevel tokenizer that has no unknown token: an unknown word fails in the tokenizer.
        let folder = try Fixtures.temporaryDirectory()
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: ServeHarness.tinyClassifier + "/" + file, toPath: folder.path + "/" + file)
        }
        let tokenizer = """
            {"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":{"type":"Whitespace"},
             "post_processor":{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]},"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"the":5,"cat":6},"unk_token":null}}
            """
        try tokenizer.write(to: folder.appendingPathComponent("tokenizer.json"), atomically: true, encoding: .utf8)
        try await ServeHarness.withServer(folder.path) { client, _ in
            #expect(try await ServeHarness.post(client, "/predict", "{\"inputs\":\"the cat\"}").status == .ok)
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\"the zebra\"}"), 422, "Tokenizer",
                contains: "tokenizer error")
        }
    }

    @Test func backendErrorsAre424() async throws {
        try await ServeHarness.withServer(ServeHarness.tinyClassifier, engine: { _ in FailingEngine() }) { client, _ in
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\"the cat\"}"), 424, "Backend",
                contains: "the engine broke")
        }
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try await ServeHarness.withServer(Fixtures.miniLM) { client, _ in
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\"a\"}"), 424, "Backend", contains: "not a classifier model")
            // The OpenAI routes answer with OpenAI's error body.
            let openAI = try ServeHarness.json(try await ServeHarness.post(client, "/v1/embeddings", "{\"input\":\"\"}")) as? [String: Any]
            #expect(openAI?["code"] as? Int == 400 && openAI?["type"] as? String == "Empty" && openAI?["message"] is String)
        }
    }

    @Test func overloadedIs429() async throws {
        var options = ServeOptions()
        options.maxConcurrentRequests = 2
        let engine = Box<RecordingEngine>()
        try await ServeHarness.withServer(
            ServeHarness.tinyClassifier, options: options,
            engine: { model in
                engine.set(RecordingEngine(ModelEngine(model: model)))
            }
        ) { client, _ in
            let recording = try #require(engine.value)
            recording.holdNext()
            let first = Task { try await ServeHarness.post(client, "/predict", "{\"inputs\":[[\"the cat\"],[\"a dog\"]]}") }
            await recording.waitUntilHeld()
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\"more\"}"), 429, "Overloaded",
                contains: "Model is overloaded")
            recording.resume()
            #expect(try await first.value.status == .ok)
            #expect(try await ServeHarness.post(client, "/predict", "{\"inputs\":\"more\"}").status == .ok)
        }
    }

    @Test func unhealthyWhileLoadingAndUnauthorized() async throws {
        let (server, gate) = ServeHarness.gatedServer()
        try await server.application().test(.router) { client in
            try ServeHarness.expectError(try await client.execute(uri: "/health", method: .get), 503, "Unhealthy")
            let auth: HTTPFields = [.contentType: "application/json", .authorization: "Bearer secret"]
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/predict", "{\"inputs\":\"a\"}", headers: auth), 503, "Unhealthy")
            gate.signal()
            try await ServeHarness.waitReady(client)
            #expect(try await ServeHarness.post(client, "/predict", "{\"inputs\":\"a\"}", headers: auth).status == .ok)
            let refused = try await ServeHarness.post(client, "/predict", "{\"inputs\":\"a\"}")
            #expect(refused.status == .unauthorized && refused.body.readableBytes == 0)
            let wrong: HTTPFields = [.contentType: "application/json", .authorization: "Bearer nope"]
            #expect(try await ServeHarness.post(client, "/predict", "{\"inputs\":\"a\"}", headers: wrong).status == .unauthorized)
            #expect(try await client.execute(uri: "/info", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok, "public")
        }
    }

    @Test func promptsByName() async throws {
        let folder = Fixtures.path("st/bert-dense")
        let reference = try BertModel(directory: folder, options: BertModel.Options(threads: 2).with(promptName: "passage"))
        let expected = try await reference.embed([TextInput("a passage about cats")])
        try await ServeHarness.withServer(folder) { client, _ in
            let answer = try await ServeHarness.post(client, "/embed", "{\"inputs\":\"a passage about cats\",\"prompt_name\":\"passage\"}")
            #expect(Fixtures.maxDifference(ServeHarness.matrix(try ServeHarness.json(answer)), expected) <= 1e-6)
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/embed", "{\"inputs\":\"a\",\"prompt_name\":\"nope\"}"), 413, "Validation",
                contains: "Available prompts: [\"document\", \"passage\", \"query\"]")
        }
    }
}

/// A value set once from a @Sendable closure and read later.
final class Box<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? { lock.withLock { stored } }
    func set(_ value: T) -> T {
        lock.withLock { stored = value }
        return value
    }
}
