import BertKit
import BertServe
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

/// The server learns what its engine can do through `InferenceBackend` alone, so any backend serves as the native
/// one does: its label count makes the model kind, its token embeddings answer `/embed_all` (or TEI's 424 naming it),
/// and its layout is how the queue budgets batches.
@Suite struct BackendSeamTests {
    /// A one-label head on a folder whose config.json names three labels: a reranker, as the engine says.
    @Test func modelKindTakesTheBackendsLabelCount() throws {
        let oneLabel = try StubBackend.model(ServeHarness.tinyClassifier) {
            $0.hasClassificationHead = true
            $0.labelCount = 1
        }
        #expect(ModelKind(model: oneLabel) == .reranker(labels: ["negative"]))
        let unknown = try StubBackend.model(ServeHarness.tinyClassifier) { $0.hasClassificationHead = true }
        #expect(ModelKind(model: unknown) == .classifier(labels: ["negative", "neutral", "positive"]), "config.json's labels")
        #expect(ModelKind(model: try StubBackend.model(ServeHarness.tinyClassifier)) == .embedding(pooling: "mean"))
    }

    /// `/embed_all` on a backend that gives every token's hidden state: its rows, one per token, split by the width.
    @Test func embedAllUsesAnyBackendsTokenEmbeddings() async throws {
        let model = try StubBackend.model(ServeHarness.tinyClassifier) {
            $0.name = "graph"
            $0.hasTokenEmbeddings = true
        }
        let tokens = try model.tokenize(TextInput("the cat sat")).count
        let hidden = model.config.hiddenSize
        try await ServeHarness.withServer(load: { model }) { client, _ in
            let answer = try await ServeHarness.post(client, "/embed_all", "{\"inputs\":\"the cat sat\"}")
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            let states = try ServeHarness.json(answer) as? [[[NSNumber]]]
            let rows = states?.first ?? []
            #expect(rows.count == tokens)
            for (t, row) in rows.enumerated() {
                #expect(row.count == hidden && row.allSatisfy { $0.floatValue == Float(t) }, "token \(t)")
            }
        }
    }

    /// `/embed_all` on a backend with pooled outputs only: TEI's 424 `Backend`, naming the backend, before any work.
    @Test func embedAllWithoutTokenEmbeddingsIs424() async throws {
        let model = try StubBackend.model(ServeHarness.tinyClassifier) { $0.name = "pooled-graph" }
        try await ServeHarness.withServer(load: { model }) { client, server in
            try ServeHarness.expectError(
                try await ServeHarness.post(client, "/embed_all", "{\"inputs\":\"the cat\"}"), 424, "Backend",
                contains: "pooled-graph")
            #expect(server.state.current?.queue.depth.sequences == 0)
            #expect(try await ServeHarness.post(client, "/embed", "{\"inputs\":\"the cat\"}").status == .ok, "pooled embeddings still work")
        }
    }

    /// The queue budgets batches as the backend lays them out.
    @Test func queueTakesTheBackendsLayout() async throws {
        let padded = try InferenceService(
            model: try StubBackend.model(ServeHarness.tinyClassifier) { $0.batchLayout = .padded },
            options: ServeOptions(), metrics: ServerMetrics())
        #expect(padded.queue.layout == .padded)
        await padded.shutdown()
        let packed = try InferenceService(
            model: try StubBackend.model(ServeHarness.tinyClassifier), options: ServeOptions(),
            metrics: ServerMetrics())
        #expect(packed.queue.layout == .packed)
        await packed.shutdown()
    }
}
