import BertKit
import Foundation
import Synchronization
import Testing
import TestSupport

/// The async API: forward passes on the model's engine thread, the caller suspended, the cooperative pool free.
@Suite struct AsyncAPITests {
    static func corpus(_ count: Int) throws -> [String] {
        let lines = try String(contentsOfFile: Fixtures.corpus, encoding: .utf8).split(separator: "\n").map(String.init)
        return Array(lines.prefix(count))
    }

    @Test func sixtyFourConcurrentCallsGiveTheSequentialResultsWithoutHoldingTheCooperativePool() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try #require(Fixtures.corpusMissing == nil, "\(Fixtures.corpusMissing ?? "")")
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true))
        let texts = try Self.corpus(64 * 6)
        let calls = (0..<64).map { Array(texts[$0 * 6..<($0 + 1) * 6]) }
        let sequential = try calls.map { try model.embed($0.map { TextInput($0) }) }

        // The callers and a ticker share one thread (a task executor standing in for the cooperative pool, which
        // other suites running in parallel cannot occupy): the async API leaves it free during the forward passes;
        // the synchronous API, called from the same 64 tasks as a control that the measure can fail, holds it.
        let executor = OneThreadExecutor()
        let (results, elapsed, longest, ticks) = try await Self.whileTicking(on: executor) {
            try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
                for (index, call) in calls.enumerated() { group.addTask { (index, try await model.embed(call)) } }
                return try await Self.gather(&group, count: calls.count)
            }
        }
        let (blocked, blockingElapsed, blockingLongest, _) = try await Self.whileTicking(on: executor) {
            try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
                for (index, call) in calls.enumerated() {
                    group.addTask { (index, try { try model.embed(call.map { TextInput($0) }) }()) }
                }
                return try await Self.gather(&group, count: calls.count)
            }
        }

        #expect(results == sequential, "the same vectors, bit for bit, as one call after another")
        #expect(blocked == sequential)
        #expect(longest < elapsed / 4, "the ticker waited \(longest) during \(elapsed) of forward passes")
        #expect(ticks > 10, "the ticker kept running: \(ticks) wake-ups in \(elapsed)")
        #expect(blockingLongest > blockingElapsed / 2, "the control: the ticker waited \(blockingLongest) of \(blockingElapsed)")
    }

    /// Runs `work` on `executor` while a task there wakes every 2 ms; returns the work's result and time, the
    /// ticker's longest wait beyond its 2 ms, and its wake-ups.
    static func whileTicking<T: Sendable>(
        on executor: OneThreadExecutor, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> (T, Duration, Duration, Int) {
        let running = Mutex(true)
        let ticker = Task(executorPreference: executor) { () -> (longest: Duration, ticks: Int) in
            var longest = Duration.zero, ticks = 0
            var last = ContinuousClock.now
            while running.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(2))
                let now = ContinuousClock.now
                longest = max(longest, now - last - .milliseconds(2))
                last = now
                ticks += 1
            }
            return (longest, ticks)
        }
        let start = ContinuousClock.now
        let result = try await Task(executorPreference: executor) { try await work() }.value
        let elapsed = ContinuousClock.now - start
        running.withLock { $0 = false }
        let (longest, ticks) = await ticker.value
        return (result, elapsed, longest, ticks)
    }

    static func gather(_ group: inout ThrowingTaskGroup<(Int, [[Float]]), any Error>, count: Int) async throws -> [[[Float]]] {
        var results = [[[Float]]](repeating: [], count: count)
        for try await (index, vectors) in group { results[index] = vectors }
        return results
    }

    @Test func asyncCallsRunOnTheEngineThreadNotTheCallers() async throws {
        let model = try BertModel(directory: Fixtures.path("models/tiny-bert-reranker"))
        let texts = ["A man is eating food.", "A man is eating pasta.", "The sky is blue."]
        let ranked = try await model.rerank(query: "What is the man eating?", texts: texts)
        // The synchronous API, for reference (in a synchronous closure: in async code `classify` is the async one).
        let logits = try { try model.classify(texts.map { TextInput("What is the man eating?", pair: $0) }) }().map { $0.logits[0] }
        #expect(ranked.map(\.index) == logits.indices.sorted { logits[$0] > logits[$1] })
        for result in ranked {
            #expect(result.logit == logits[result.index])
            #expect(abs(result.score - 1 / (1 + exp(-logits[result.index]))) < 1e-7)
        }
        let classified = try await model.classify(texts)
        #expect(classified == (try { try model.classify(texts.map { TextInput($0) }) }()))
        let classifier = try BertModel(directory: Fixtures.path("models/tiny-bert-cls"))
        await #expect(throws: BertKitError.self) { try await classifier.rerank(query: "q", texts: ["a"]) }
        await #expect(throws: InputError.self) { try await model.embed([""]) }
    }

    @Test func cancellingTheCallerStopsTheCallBetweenBatches() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try #require(Fixtures.corpusMissing == nil, "\(Fixtures.corpusMissing ?? "")")
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true))
        let texts = try Self.corpus(1000)
        // One call in batches of one: seconds of work, cancelled as it starts.
        let long = Task { try await model.embed(texts + texts, batching: .fixed(size: 1)) }
        // A call queued behind it, cancelled before the engine thread reaches it.
        let queued = Task { try await model.embed(Array(texts.prefix(4))) }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        long.cancel()
        queued.cancel()
        await #expect(throws: CancellationError.self) { _ = try await long.value }
        await #expect(throws: CancellationError.self) { _ = try await queued.value }
        let stopped = ContinuousClock.now - start
        // The engine thread is free again: a new call runs and matches the synchronous one.
        #expect(try await model.embed(Array(texts.prefix(3))) == (try { try model.embed(texts.prefix(3).map { TextInput($0) }) }()))
        #expect(stopped < .seconds(2), "the long call stopped after its current batch (\(stopped))")
    }
}

/// A task executor with one thread of its own: jobs run there in the order they come.
final class OneThreadExecutor: TaskExecutor, Sendable {
    private let thread = JobThreads(count: 1, name: "bk-test-exec", startNow: true)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        _ = thread.submit { job.runSynchronously(on: executor) }
    }

    deinit { thread.close() }
}
