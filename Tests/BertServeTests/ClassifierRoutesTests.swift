import BertKit
import BertServe
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

/// `/predict`, `/v1/classify`, `/rerank` and the default route on the tiny classifier and reranker fixtures, against
/// transformers' logits (expected.json, tools/make_fixtures.py and tools/make_serve_fixtures.py).
@Suite struct ClassifierRoutesTests {
    static let tolerance: Float = 1e-4

    static func softmax(_ logits: [Float]) -> [Float] {
        let top = logits.max() ?? 0
        let e = logits.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    struct Case { let text: String; let pair: String?; let logits: [Float] }

    static func cases(_ name: String = "tiny-bert-cls") throws -> [Case] {
        let expected = try Fixtures.json("models/\(name)/expected.json")
        let inputs = expected["inputs"] as? [[String: Any]] ?? []
        let logits = (expected["logits"] as? [[NSNumber]] ?? []).map { $0.map(\.floatValue) }
        return zip(inputs, logits).compactMap { input, logits in
            guard let text = input["text"] as? String, !text.isEmpty else { return nil }
            return Case(text: text, pair: input["text_pair"] as? String, logits: logits)
        }
    }

    /// `[{score, label}]` lists into label → score.
    static func scores(_ list: Any?) -> [String: Float] {
        Dictionary(
            uniqueKeysWithValues: (list as? [[String: Any]] ?? []).map {
                ($0["label"] as? String ?? "", ($0["score"] as? NSNumber)?.floatValue ?? .nan)
            })
    }

    /// The rotary classifiers (GTE, NomicBERT; inputs to 2,100 tokens) through `/predict`: every input's logits, in
    /// one batch of singles and pairs, within the tolerance of transformers'.
    @Test(arguments: ["tiny-gte-cls", "tiny-nomic-cls", "tiny-modernbert-cls"])
    func rotaryClassifiersPredictTransformersLogits(name: String) async throws {
        let cases = try Self.cases(name)
        let labels = ["negative", "neutral", "positive"]
        try await ServeHarness.withServer(Fixtures.path("models/\(name)")) { client, _ in
            let batch =
                "["
                + cases.map { c in
                    c.pair.map { "[\(ServeHarness.quoted(c.text)),\(ServeHarness.quoted($0))]" } ?? "[\(ServeHarness.quoted(c.text))]"
                }
                .joined(separator: ",") + "]"
            let nested =
                try ServeHarness.json(try await ServeHarness.post(client, "/predict", "{\"inputs\":\(batch),\"raw_scores\":true}")) as? [Any]
            #expect(nested?.count == cases.count)
            for (answer, c) in zip(nested ?? [], cases) {
                let got = Self.scores(answer)
                for (i, label) in labels.enumerated() {
                    #expect(abs((got[label] ?? .nan) - c.logits[i]) <= Self.tolerance, "\(name) \(c.text.prefix(40))")
                }
            }
        }
    }

    @Test func predictSingleBatchPairAndRaw() async throws {
        let cases = try Self.cases()
        let labels = ["negative", "neutral", "positive"]
        try await ServeHarness.withServer(ServeHarness.tinyClassifier) { client, _ in
            // Single text: a flat list, one entry per label, best first.
            let first = cases[0]
            let single =
                try ServeHarness.json(try await ServeHarness.post(client, "/predict", "{\"inputs\":\(ServeHarness.quoted(first.text))}"))
                as? [[String: Any]]
            #expect(single?.count == 3)
            let singleScores = (single ?? []).compactMap { ($0["score"] as? NSNumber)?.floatValue }
            #expect(singleScores == singleScores.sorted(by: >))
            let expected = Self.softmax(first.logits)
            for (i, label) in labels.enumerated() { #expect(abs((Self.scores(single)[label] ?? .nan) - expected[i]) <= Self.tolerance) }

            // A batch of singles and pairs: nested, in input order; raw_scores gives the logits.
            let batch =
                "["
                + cases.map { c in
                    c.pair.map { "[\(ServeHarness.quoted(c.text)),\(ServeHarness.quoted($0))]" } ?? "[\(ServeHarness.quoted(c.text))]"
                }
                .joined(separator: ",") + "]"
            for path in ["/predict", "/v1/classify", "/", "/invocations"] {
                let nested =
                    try ServeHarness.json(try await ServeHarness.post(client, path, "{\"inputs\":\(batch),\"raw_scores\":true}")) as? [Any]
                #expect(nested?.count == cases.count, "\(path)")
                for (answer, c) in zip(nested ?? [], cases) {
                    let got = Self.scores(answer)
                    for (i, label) in labels.enumerated() {
                        #expect(abs((got[label] ?? .nan) - c.logits[i]) <= Self.tolerance, "\(path) \(c.text)")
                    }
                }
            }
            // A pair as a flat [a, b].
            let pairCase = try #require(cases.first { $0.pair != nil })
            let pair = try ServeHarness.json(
                try await ServeHarness.post(
                    client, "/predict",
                    "{\"inputs\":[\(ServeHarness.quoted(pairCase.text)),\(ServeHarness.quoted(pairCase.pair ?? ""))],\"raw_scores\":true}"))
            for (i, label) in labels.enumerated() {
                #expect(abs((Self.scores(pair)[label] ?? .nan) - pairCase.logits[i]) <= Self.tolerance)
            }

            let info = try ServeHarness.json(try await client.execute(uri: "/info", method: .get)) as? [String: Any]
            let classifier = (info?["model_type"] as? [String: Any])?["classifier"] as? [String: Any]
            #expect(classifier?["id2label"] as? [String: String] == ["0": "negative", "1": "neutral", "2": "positive"])

            // Embedding routes refuse a classifier, as TEI does.
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/embed", "{\"inputs\":\"a\"}"), 424, "Backend", contains: "not an embedding model")
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/rerank", "{\"query\":\"a\",\"texts\":[\"b\"]}"), 424, "Backend",
                contains: "not a re-ranker")
        }
    }

    @Test func rerankMatchesTransformers() async throws {
        let expected = try Fixtures.json("models/tiny-bert-reranker/expected.json")
        let query = try #require(expected["query"] as? String)
        let texts = try #require(expected["texts"] as? [String])
        let scores = (expected["scores"] as? [NSNumber] ?? []).map(\.floatValue)
        let logits = (expected["logits"] as? [NSNumber] ?? []).map(\.floatValue)
        let body = "{\"query\":\(ServeHarness.quoted(query)),\"texts\":[\(texts.map(ServeHarness.quoted).joined(separator: ","))]"
        try await ServeHarness.withServer(ServeHarness.tinyReranker) { client, _ in
            for path in ["/rerank", "/"] {
                let ranked =
                    try ServeHarness.json(try await ServeHarness.post(client, path, body + ",\"return_text\":true}")) as? [[String: Any]]
                    ?? []
                #expect(ranked.count == texts.count, "\(path)")
                let got = ranked.map { ($0["score"] as? NSNumber)?.floatValue ?? .nan }
                #expect(got == got.sorted(by: >), "best first")
                for item in ranked {
                    let index = item["index"] as? Int ?? -1
                    #expect(item["text"] as? String == texts[index])
                    #expect(abs(((item["score"] as? NSNumber)?.floatValue ?? .nan) - scores[index]) <= Self.tolerance, "\(texts[index])")
                }
            }
            let raw =
                try ServeHarness.json(try await ServeHarness.post(client, "/rerank", body + ",\"raw_scores\":true}")) as? [[String: Any]]
                ?? []
            #expect(raw.allSatisfy { $0["text"] == nil })
            for item in raw {
                let index = item["index"] as? Int ?? -1
                #expect(abs(((item["score"] as? NSNumber)?.floatValue ?? .nan) - logits[index]) <= Self.tolerance)
            }
            let info = try ServeHarness.json(try await client.execute(uri: "/info", method: .get)) as? [String: Any]
            #expect((info?["model_type"] as? [String: Any])?["reranker"] != nil)
            try ServeHarness.expectError(try await ServeHarness.post(client, "/rerank", "{\"query\":\"a\",\"texts\":[]}"), 400, "Empty")
        }
    }
}
