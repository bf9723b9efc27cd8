import BertKit
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import BertServe

/// `/info` is TEI's `Info` with nothing made up: every field TEI has, from what the server really runs, null only
/// where TEI's schema makes the field optional, and BertKit's own two fields only where they mean something.
@Suite struct InfoTests {
    /// TEI's `Info` fields (router/src/lib.rs), and which of them are optional.
    static let teiFields: Set<String> = [
        "model_id", "model_sha", "model_dtype", "served_model_name", "model_type", "max_concurrent_requests",
        "max_input_length", "max_batch_tokens", "max_batch_requests", "max_client_batch_size",
        "auto_truncate", "tokenization_workers", "version", "sha", "docker_label",
    ]
    static let optionalFields: Set<String> = ["model_sha", "max_batch_requests", "sha", "docker_label"]

    static func info(_ client: any TestClientProtocol) async throws -> [String: Any] {
        try #require(try ServeHarness.json(try await client.execute(uri: "/info", method: .get)) as? [String: Any])
    }

    static func expectOnlyRealFields(_ info: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        let keys = Set(info.keys)
        #expect(
            keys.isSuperset(of: teiFields), "every field of TEI's: missing \(teiFields.subtracting(keys))", sourceLocation: sourceLocation)
        #expect(
            keys.subtracting(teiFields).isSubset(of: ["backend", "embedding_dimension"]), "\(keys.subtracting(teiFields))",
            sourceLocation: sourceLocation)
        for (key, value) in info where value is NSNull {
            #expect(optionalFields.contains(key), "\(key) is null but TEI's schema requires it", sourceLocation: sourceLocation)
        }
    }

    @Test func classifierInfo() async throws {
        var options = ServeOptions()
        options.tokenizationWorkers = 3
        options.maxBatchRequests = 7
        try await ServeHarness.withServer(ServeHarness.tinyClassifier, options: options) { client, server in
            let info = try await Self.info(client)
            Self.expectOnlyRealFields(info)
            #expect(info["embedding_dimension"] == nil, "a classifier has no embedding dimension to report")
            #expect(info["tokenization_workers"] as? Int == 3, "the workers the server runs")
            #expect(server.state.current?.tokenizers.workers == 3)
            #expect(info["max_batch_requests"] as? Int == 7 && info["max_input_length"] as? Int == 40)
            #expect(info["backend"] as? String == "native-packed" && info["version"] as? String == BertKitInfo.version)
            #expect(info["model_dtype"] as? String == "float32" && info["auto_truncate"] as? Bool == false)
            let classifier = (info["model_type"] as? [String: Any])?["classifier"] as? [String: Any]
            #expect(classifier?["label2id"] as? [String: Int] == ["negative": 0, "neutral": 1, "positive": 2])
        }
    }

    @Test func embeddingInfo() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try await ServeHarness.withServer(Fixtures.miniLM) { client, _ in
            let info = try await Self.info(client)
            Self.expectOnlyRealFields(info)
            #expect(info["embedding_dimension"] as? Int == 384)
            #expect(info["tokenization_workers"] as? Int == ServeOptions().resolvedTokenizationWorkers)
        }
    }
}
