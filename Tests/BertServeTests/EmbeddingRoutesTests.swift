import BertKit
import BertServe
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

/// The embedding routes on MiniLM against `BertModel.embed` (what `bertkit embed` prints), one input at a time.
@Suite(.serialized) struct EmbeddingRoutesTests {
    static let tolerance: Float = 1e-6
    static let sentences = [
        "A cat sits on the mat.", "Hello", "The quick brown fox jumps over the lazy dog, twice, and then once more.",
        "naïve café", "  padded with spaces  ",
    ]

    /// `bertkit embed`'s vectors (the folder's Normalize module applies), each computed alone.
    static func reference(_ texts: [String], normalize: Bool = true) throws -> [[Float]] {
        var options = BertModel.Options(threads: 2)
        if !normalize { options.normalize = false }
        let model = try BertModel(directory: Fixtures.miniLM, options: options)
        return try texts.map { try model.embed([TextInput($0)])[0] }
    }

    @Test func embedMatchesBertkitEmbed() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        let expected = try Self.reference(Self.sentences)
        let raw = try Self.reference(Self.sentences, normalize: false)
        let inputs = "[" + Self.sentences.map(ServeHarness.quoted).joined(separator: ",") + "]"
        try await ServeHarness.withServer(Fixtures.miniLM) { client, _ in
            let batch = try await ServeHarness.post(client, "/embed", "{\"inputs\":\(inputs)}")
            #expect(batch.status == .ok)
            #expect(Fixtures.maxDifference(ServeHarness.matrix(try ServeHarness.json(batch)), expected) <= Self.tolerance)
            for header in [
                "x-compute-tokens", "x-compute-characters", "x-inference-time", "x-queue-time", "x-tokenization-time", "x-total-time",
            ] {
                #expect(batch.headers[.init(header)!] != nil, "\(header)")
            }
            #expect(batch.headers[.init("x-compute-characters")!] == String(Self.sentences.reduce(0) { $0 + $1.unicodeScalars.count }))

            // A single string still answers [[...]].
            let single = try await ServeHarness.post(client, "/embed", "{\"inputs\":\(ServeHarness.quoted(Self.sentences[0]))}")
            let one = ServeHarness.matrix(try ServeHarness.json(single))
            #expect(one.count == 1)
            #expect(Fixtures.maxDifference(one, [expected[0]]) <= Self.tolerance)

            // normalize false gives the raw pooled vector; dimensions cuts, then normalizes.
            let rawAnswer = try await ServeHarness.post(client, "/embed", "{\"inputs\":\(inputs),\"normalize\":false}")
            #expect(Fixtures.maxDifference(ServeHarness.matrix(try ServeHarness.json(rawAnswer)), raw) <= Self.tolerance)
            let cut = ServeHarness.matrix(
                try ServeHarness.json(try await ServeHarness.post(client, "/embed", "{\"inputs\":\"Hello\",\"dimensions\":64}")))
            #expect(cut.first?.count == 64)
            let norm = (cut.first ?? []).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
            let prefix = Array(raw[1].prefix(64)), scale = 1 / prefix.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(Fixtures.maxDifference(cut, [prefix.map { $0 * scale }]) <= Self.tolerance)

            // The default route on an embedding model is /embed.
            let viaRoot = try await ServeHarness.post(client, "/", "{\"inputs\":\(inputs)}")
            #expect(Fixtures.maxDifference(ServeHarness.matrix(try ServeHarness.json(viaRoot)), expected) <= Self.tolerance)
        }
    }

    @Test func openAIEmbeddingsFloatAndBase64() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        let expected = try Self.reference(Array(Self.sentences.prefix(3)))
        let inputs = "[" + Self.sentences.prefix(3).map(ServeHarness.quoted).joined(separator: ",") + "]"
        try await ServeHarness.withServer(Fixtures.miniLM) { client, _ in
            for path in ["/v1/embeddings", "/embeddings"] {
                let floats =
                    try ServeHarness.json(try await ServeHarness.post(client, path, "{\"input\":\(inputs),\"model\":\"x\"}"))
                    as? [String: Any]
                #expect(floats?["object"] as? String == "list")
                #expect(floats?["model"] as? String == "test-model")
                let data = floats?["data"] as? [[String: Any]] ?? []
                #expect(data.map { $0["index"] as? Int } == [0, 1, 2])
                #expect(data.allSatisfy { $0["object"] as? String == "embedding" })
                #expect(Fixtures.maxDifference(data.map { ServeHarness.floats($0["embedding"]) }, expected) <= Self.tolerance)
                let usage = floats?["usage"] as? [String: Int]
                #expect((usage?["prompt_tokens"] ?? 0) > 0 && usage?["prompt_tokens"] == usage?["total_tokens"])
            }
            let base64 =
                try ServeHarness.json(
                    try await ServeHarness.post(client, "/v1/embeddings", "{\"input\":\(inputs),\"encoding_format\":\"base64\"}"))
                as? [String: Any]
            let decoded = (base64?["data"] as? [[String: Any]] ?? []).map { item -> [Float] in
                guard let text = item["embedding"] as? String, let bytes = Data(base64Encoded: text) else { return [] }
                return bytes.withUnsafeBytes { raw in
                    (0..<bytes.count / 4).map {
                        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                    }
                }
            }
            #expect(Fixtures.maxDifference(decoded, expected) <= Self.tolerance)
            #expect(decoded.allSatisfy { $0.count == 384 })
        }
    }

    @Test func embedAllSimilarityTokenizeDecode() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        let model = try ServeHarness.serveModel(Fixtures.miniLM)
        let native = try #require(model.backend as? NativeBackend)
        let encoding = try model.tokenize(TextInput("naïve café"))
        let states = try native.lastHiddenState(TokenBatch([encoding]))
        let vectors = try Self.reference(["a cat", "a kitten", "the stock market fell"], normalize: false)
        try await ServeHarness.withServer(Fixtures.miniLM) { client, _ in
            let all =
                try ServeHarness.json(try await ServeHarness.post(client, "/embed_all", "{\"inputs\":\"naïve café\"}")) as? [[[NSNumber]]]
            #expect(all?.count == 1 && all?[0].count == encoding.count && all?[0][0].count == 384)
            let flat = (all?[0] ?? []).flatMap { $0.map(\.floatValue) }
            #expect(Fixtures.maxDifference([flat], [states]) <= Self.tolerance)

            let body = "{\"inputs\":{\"source_sentence\":\"a cat\",\"sentences\":[\"a kitten\",\"the stock market fell\"]}}"
            for path in ["/similarity", "/"] {
                let scores = ServeHarness.floats(try ServeHarness.json(try await ServeHarness.post(client, path, body)))
                let expected = vectors.dropFirst().map { v in
                    zip(vectors[0], v).reduce(0) { $0 + $1.0 * $1.1 }
                        / (vectors[0].reduce(0) { $0 + $1 * $1 }.squareRoot() * v.reduce(0) { $0 + $1 * $1 }.squareRoot())
                }
                #expect(scores.count == 2)
                #expect(Fixtures.maxDifference([scores], [expected]) <= 1e-5, "\(path)")
                #expect(scores[0] > scores[1])
            }

            let tokens =
                try ServeHarness.json(try await ServeHarness.post(client, "/tokenize", "{\"inputs\":\"naïve café\"}")) as? [[[String: Any]]]
            let list = tokens?.first ?? []
            #expect(list.map { $0["id"] as? Int } == encoding.ids.map { $0 })
            #expect(list.first?["special"] as? Bool == true && list.first?["start"] is NSNull && list.first?["text"] as? String == "[CLS]")
            // Byte offsets into the text: "naïve" is bytes 0..<6, so the text of each piece is its slice.
            let text = Array("naïve café".utf8)
            for token in list where !(token["special"] as? Bool ?? true) {
                let start = token["start"] as? Int ?? -1, stop = token["stop"] as? Int ?? -1
                #expect(start >= 0 && stop <= text.count && token["text"] as? String == String(decoding: text[start..<stop], as: UTF8.self))
            }
            let plain =
                try ServeHarness.json(
                    try await ServeHarness.post(client, "/tokenize", "{\"inputs\":[\"a\",\"b c\"],\"add_special_tokens\":false}"))
                as? [[[String: Any]]]
            #expect(plain?.map(\.count) == [1, 2])

            let decoded = try ServeHarness.json(try await ServeHarness.post(client, "/decode", "{\"ids\":\(encoding.ids)}")) as? [String]
            #expect(decoded == [model.tokenizer.decode(encoding.ids)])
            let both =
                try ServeHarness.json(
                    try await ServeHarness.post(client, "/decode", "{\"ids\":[\(encoding.ids),[101,102]],\"skip_special_tokens\":false}"))
                as? [String]
            #expect(both?.count == 2 && both?[1] == "[CLS] [SEP]")
        }
    }

    @Test func healthInfoAndMetrics() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try await ServeHarness.withServer(Fixtures.miniLM) { client, _ in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let info = try ServeHarness.json(try await client.execute(uri: "/info", method: .get)) as? [String: Any]
            #expect(info?["model_id"] as? String == "test-model")
            #expect((info?["model_type"] as? [String: Any])?["embedding"] as? [String: String] == ["pooling": "mean"])
            #expect(info?["max_input_length"] as? Int == 256 && info?["max_batch_tokens"] as? Int == 16384)
            #expect(info?["max_client_batch_size"] as? Int == 32 && info?["max_batch_requests"] is NSNull)
            #expect(info?["model_dtype"] as? String == "float32")
            _ = try await ServeHarness.post(client, "/embed", "{\"inputs\":[\"a\",\"b\"]}")
            _ = try await ServeHarness.post(client, "/embed", "{\"inputs\":\"\"}")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            for name in [
                "te_request_count{method=\"batch\"} 1", "te_request_success{method=\"batch\"} 1", "te_request_failure{err=\"empty\"} 1",
                "te_batch_next_size_count", "te_batch_next_tokens_bucket", "te_request_queue_duration_bucket",
                "te_request_inference_duration_sum", "te_request_tokenization_duration_count", "te_queue_size",
            ] {
                #expect(metrics.contains(name), "\(name) in /metrics")
            }
        }
    }
}
