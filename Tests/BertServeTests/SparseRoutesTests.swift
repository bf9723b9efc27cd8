import BertKit
import BertServe
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

/// TEI's `POST /embed_sparse` on a SPLADE folder served with `--pooling splade`: the body and answer TEI has
/// (`[[{"index": i, "value": v}, ...]]`), the values of transformers (Tests/Fixtures/models/tiny-splade-bert,
/// tools/make_arch_fixtures.py), and TEI's 424 on a model served without it.
@Suite struct SparseRoutesTests {
    static let folder = Fixtures.path("models/tiny-splade-bert")

    static func sparseModel() throws -> BertModel {
        var options = BertModel.Options().forServing()
        options.sparse = true
        return try BertModel(directory: folder, options: options)
    }

    @Test func embedSparseAnswersAsTEIWithTransformersValues() async throws {
        let expected = try Fixtures.json("models/tiny-splade-bert/expected.json")
        let inputs = (expected["inputs"] as! [[String: Any]]).map { $0["text"] as! String }
        let sparse = (expected["sparse"] as! [[String: Any]]).map {
            (indices: $0["indices"] as! [Int], values: ($0["values"] as! [Double]).map(Float.init))
        }
        let model = try Self.sparseModel()
        let texts = Array(inputs.prefix(4))
        try await ServeHarness.withServer(load: { model }) { client, _ in
            let body = "{\"inputs\":[" + texts.map(ServeHarness.quoted).joined(separator: ",") + "]}"
            let answer = try await ServeHarness.post(client, "/embed_sparse", body)
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            let vectors = try #require(try ServeHarness.json(answer) as? [[[String: NSNumber]]])
            #expect(vectors.count == texts.count)
            for (got, want) in zip(vectors, sparse) {
                #expect(got.map { $0["index"]!.intValue } == want.indices)
                let worst = zip(got.map { $0["value"]!.floatValue }, want.values).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-4, "max abs difference \(worst)")
            }
            let info = try await client.execute(uri: "/info", method: .get)
            #expect(String(buffer: info.body).contains("\"splade\""), "\(String(buffer: info.body))")
        }
    }

    @Test func embedSparseWithoutSpladeIs424() async throws {
        let model = try BertModel(directory: Self.folder, options: BertModel.Options().forServing())
        try await ServeHarness.withServer(load: { model }) { client, _ in
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/embed_sparse", "{\"inputs\":\"the cat\"}"), 424, "Backend",
                contains: "--pooling splade")
        }
    }
}
