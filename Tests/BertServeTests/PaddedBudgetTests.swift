import BertKit
import BertServe
import Foundation
import TestSupport
import Testing

/// `--max-batch-tokens` counts what a batch costs the engine: real tokens when packed, `count × longest` when padded
/// (ONNX Runtime, TorchScript, `--execution padded`), as TEI budgets padded backends.
@Suite struct PaddedBudgetTests {
    typealias Entry = (task: BatchTask, tokens: Int)

    @Test func paddedBatchesCountTheLongestTimesTheCount() {
        // Real tokens 4 + 30 + 4 = 38 fit a budget of 40; padded, two of them already cost 2 × 30 = 60.
        let waiting: [Entry] = [(.pooled, 4), (.pooled, 30), (.pooled, 4)]
        let packed = BatchPlan.next(waiting: waiting, maxTokens: 40, maxRequests: 10, layout: .packed)
        #expect(packed.taken == [0, 1, 2] && packed.tokens == 38 && packed.cost == 38 && !packed.full)
        let padded = BatchPlan.next(waiting: waiting, maxTokens: 40, maxRequests: 10, layout: .padded)
        #expect(padded.taken == [0] && padded.tokens == 4 && padded.cost == 4 && padded.full, "the long one closes the batch")
        let rest = BatchPlan.next(waiting: Array(waiting.dropFirst()), maxTokens: 40, maxRequests: 10, layout: .padded)
        #expect(rest.taken == [0] && rest.cost == 30 && rest.full, "30 then 4 costs 2 × 30")
        // Short ones padded together: 4 × 9 = 36 fits, a fifth makes 45.
        let short = BatchPlan.next(
            waiting: [(.pooled, 9), (.pooled, 7), (.pooled, 9), (.pooled, 8), (.pooled, 2)] as [Entry],
            maxTokens: 40, maxRequests: 10, layout: .padded)
        #expect(short.taken == [0, 1, 2, 3] && short.tokens == 33 && short.cost == 36 && short.full)
        // A lone sequence always goes, whatever it costs (the server checks inputs against the budget beforehand).
        #expect(BatchPlan.next(waiting: [(.pooled, 50)] as [Entry], maxTokens: 40, maxRequests: 10, layout: .padded).taken == [0])
    }

    /// The plan's cost is `ExecutionMode.cost(lengths:)` of what it took, for either layout, on any waiting list.
    @Test func costIsTheLayoutsCostOfTheBatch() {
        var generator = SystemRandomNumberGenerator()
        for layout in ExecutionMode.allCases {
            for _ in 0..<200 {
                let waiting: [Entry] = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                    (Bool.random(using: &generator) ? .pooled : .logits, Int.random(in: 1...40, using: &generator))
                }
                let plan = BatchPlan.next(waiting: waiting, maxTokens: 64, maxRequests: 6, layout: layout)
                let lengths = plan.taken.map { waiting[$0].tokens }
                #expect(plan.cost == layout.cost(lengths: lengths), "\(layout) \(waiting)")
                #expect(plan.tokens == lengths.reduce(0, +))
                #expect(plan.cost <= 64 || plan.taken.count == 1)
            }
        }
    }

    /// A padded engine behind the queue: every batch keeps `count × longest` within the budget, so a mix of short and
    /// long inputs splits where a packed engine would have run them together.
    @Test func servedPaddedBatchesKeepToTheBudget() async throws {
        var loadOptions = BertModel.Options(threads: 1, mode: .padded)
        loadOptions.normalize = false
        let model = try BertModel(directory: ServeHarness.tinyClassifier, options: loadOptions)
        #expect(model.backend.batchLayout == .padded)
        let engine = RecordingEngine(ModelEngine(model: model))
        var options = ServeOptions()
        options.maxBatchTokens = 40
        let service = try InferenceService(model: model, options: options, metrics: ServerMetrics(), engine: engine)
        let long = Array(repeating: "cat", count: 30).joined(separator: " ")
        let texts = ["tea", long, "a dog", "the cat sat", long, "mat"]
        let lengths = try texts.map { try model.tokenize(TextInput($0)).count }
        let packedFirst = BatchPlan.next(waiting: lengths.map { (task: BatchTask.logits, tokens: $0) }, maxTokens: 40, maxRequests: .max)
        #expect(packedFirst.taken.count > 2, "packed, the long input would share the first batch: \(lengths)")
        engine.holdNext()
        let blocker = Task { try await service.predict(try BatchingTests.predict([("tea", nil)])) }
        await engine.waitUntilHeld()
        var tasks: [Task<Void, any Error>] = []
        for text in texts {
            tasks.append(Task { _ = try await service.predict(try BatchingTests.predict([(text, nil)])) })
            // One at a time, so the queue holds them in this order.
            while service.queue.depth.sequences < tasks.count { try await Task.sleep(for: .milliseconds(2)) }
        }
        engine.resume()
        _ = try await blocker.value
        for task in tasks { try await task.value }
        let batches = Array(engine.recorded.dropFirst())
        #expect(batches.reduce(0) { $0 + $1.lengths.count } == texts.count)
        for batch in batches {
            #expect(ExecutionMode.padded.cost(lengths: batch.lengths) <= 40, "batch \(batch.lengths)")
        }
        // Padded, each long input goes alone.
        #expect(batches.contains { $0.lengths == [lengths[1]] }, "\(batches.map(\.lengths))")
        await service.shutdown()
    }
}
