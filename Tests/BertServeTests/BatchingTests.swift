import BertKit
import BertServe
import BertTokenizers
import Foundation
import TestSupport
import Testing

/// The batching rule (`BatchPlan`) and the queue behind the routes: shared batches give each request its own
/// outputs, batches keep to their token budget, and a request that goes away is not computed.
@Suite struct BatchingTests {
    typealias Entry = (task: BatchTask, tokens: Int)

    @Test func planTakesOldestTaskWithinBudget() {
        let waiting: [Entry] = [(.pooled, 10), (.logits, 5), (.pooled, 20), (.pooled, 15), (.pooled, 1)]
        let plan = BatchPlan.next(waiting: waiting, maxTokens: 40, maxRequests: 10)
        #expect(plan.taken == [0, 2], "the logits entry waits; the 15-token one would overflow 40 and closes the batch")
        #expect(plan.tokens == 30 && plan.full)
        let limited = BatchPlan.next(waiting: waiting, maxTokens: 1000, maxRequests: 2)
        #expect(limited.taken == [0, 2] && limited.full)
        let open = BatchPlan.next(waiting: waiting, maxTokens: 1000, maxRequests: 10)
        #expect(open.taken == [0, 2, 3, 4] && open.tokens == 46 && !open.full)
        let logitsFirst = BatchPlan.next(waiting: Array(waiting.dropFirst()), maxTokens: 1000, maxRequests: 10)
        #expect(logitsFirst.taken == [0])
        #expect(BatchPlan.next(waiting: [Entry](), maxTokens: 10, maxRequests: 1).taken.isEmpty)
        let exact = BatchPlan.next(waiting: [(.pooled, 6), (.pooled, 4)] as [Entry], maxTokens: 10, maxRequests: 10)
        #expect(exact.taken == [0, 1] && exact.full)
    }

    /// Requests of different lengths queued behind a held batch run as one batch, and each gets what `bertkit embed`
    /// gives it alone.
    @Test func sharedBatchGivesEachRequestItsOwnOutputs() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        let texts = [
            "short", "a somewhat longer sentence about cats and dogs", "mid length text here",
            "The quick brown fox jumps over the lazy dog while the cat watches from the warm windowsill.", "x y",
        ]
        let reference = try BertModel(directory: Fixtures.miniLM, options: BertModel.Options(threads: 2))
        let alone = try texts.map { try reference.embed([TextInput($0)])[0] }
        let model = try ServeHarness.serveModel(Fixtures.miniLM)
        let engine = RecordingEngine(ModelEngine(model: model))
        let service = try InferenceService(model: model, options: ServeOptions(), metrics: ServerMetrics(), engine: engine)
        engine.holdNext()
        let blocker = Task { try await service.embed(EmbedRequest(inputs: Inputs([.text("first")]))) }
        await engine.waitUntilHeld()
        let tasks = texts.map { text in Task { try await service.embed(EmbedRequest(inputs: Inputs([.text(text)]))).0[0] } }
        while service.queue.depth.sequences < texts.count { try await Task.sleep(for: .milliseconds(2)) }
        engine.resume()
        _ = try await blocker.value
        var outputs: [[Float]] = []
        for task in tasks { outputs.append(try await task.value) }
        #expect(Fixtures.maxDifference(outputs, alone) <= 1e-6)
        let batches = engine.recorded
        #expect(batches.count == 2)
        #expect(batches.last?.lengths.count == texts.count, "one batch for all the queued requests")
        #expect(Set(batches.last?.lengths ?? []).count > 3, "of different lengths")
        await service.shutdown()
    }

    /// Many requests queued at once leave in batches that never exceed the token budget or the request cap, and
    /// every request still gets its own logits.
    @Test func batchesKeepToTheirBudget() async throws {
        let model = try ServeHarness.serveModel(ServeHarness.tinyClassifier)
        let engine = RecordingEngine(ModelEngine(model: model))
        var options = ServeOptions()
        options.maxBatchTokens = 48
        options.maxBatchRequests = 5
        options.maxClientBatchSize = 64
        let service = try InferenceService(model: model, options: options, metrics: ServerMetrics(), engine: engine)
        let words = "the cat sat on the mat and a quick brown fox runs over the lazy dog".split(separator: " ")
        let texts = (0..<30).map { i in words.prefix(1 + (i * 7) % words.count).joined(separator: " ") }
        let expected = try texts.map { try model.classify([TextInput($0)])[0].logits }
        engine.holdNext()
        let blocker = Task { try await service.predict(try Self.predict([("tea", nil)])) }
        await engine.waitUntilHeld()
        let tasks = texts.map { text in Task { try await service.predict(try Self.predict([(text, nil)], raw: true)).0[0] } }
        while service.queue.depth.sequences < texts.count { try await Task.sleep(for: .milliseconds(2)) }
        engine.resume()
        _ = try await blocker.value
        for (task, logits) in zip(tasks, expected) {
            let scores = try await task.value
            let byLabel = Dictionary(uniqueKeysWithValues: scores.map { ($0.label, $0.score) })
            let got = ["negative", "neutral", "positive"].map { byLabel[$0] ?? .nan }
            #expect(Fixtures.maxDifference([got], [logits]) <= 1e-6)
        }
        let batches = engine.recorded.dropFirst()
        #expect(batches.count >= 30 * 10 / 48, "split by the budget")
        for batch in batches {
            #expect(batch.lengths.reduce(0, +) <= 48 && batch.lengths.count <= 5, "batch \(batch.lengths)")
        }
        #expect(batches.reduce(0) { $0 + $1.lengths.count } == 30)
        await service.shutdown()
    }

    /// A request cancelled while queued (its client went away) leaves the queue and never reaches the engine.
    @Test func cancelledRequestIsNotComputed() async throws {
        let model = try ServeHarness.serveModel(ServeHarness.tinyClassifier)
        let engine = RecordingEngine(ModelEngine(model: model))
        let service = try InferenceService(model: model, options: ServeOptions(), metrics: ServerMetrics(), engine: engine)
        engine.holdNext()
        let blocker = Task { try await service.predict(try Self.predict([("tea", nil)])) }
        await engine.waitUntilHeld()
        let leaving = Task { try await service.predict(try Self.predict([("paris france tokyo", nil)])) }
        let staying = Task { try await service.predict(try Self.predict([("the dog", nil)])) }
        while service.queue.depth.sequences < 2 { try await Task.sleep(for: .milliseconds(2)) }
        leaving.cancel()
        while service.queue.depth.sequences > 1 { try await Task.sleep(for: .milliseconds(2)) }
        engine.resume()
        _ = try await blocker.value
        _ = try await staying.value
        await #expect(throws: ServeError.self) { try await leaving.value }
        let leavingIds = try model.tokenize(TextInput("paris france tokyo")).ids
        #expect(!engine.recorded.contains { $0.ids.contains(leavingIds) }, "the cancelled request never ran")
        #expect(engine.recorded.count == 2)
        await service.shutdown()
    }

    /// A predict request body for `items`.
    static func predict(_ items: [(String, String?)], raw: Bool = false) throws -> PredictRequest {
        let inputs =
            "[" + items.map { "[\(ServeHarness.quoted($0.0))\($0.1.map { "," + ServeHarness.quoted($0) } ?? "")]" }.joined(separator: ",")
            + "]"
        return try JSONDecoder().decode(PredictRequest.self, from: Data("{\"inputs\":\(inputs),\"raw_scores\":\(raw)}".utf8))
    }
}
