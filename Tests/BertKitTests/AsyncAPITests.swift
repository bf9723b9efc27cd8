import BertKit
import Foundation
import Synchronization
import Testing
import TestSupport

/// The async API: forward passes on the model's engine thread, the caller suspended, its thread free.
@Suite struct AsyncAPITests {
    static func corpus(_ count: Int) throws -> [String] {
        let lines = try String(contentsOfFile: Fixtures.corpus, encoding: .utf8).split(separator: "\n").map(String.init)
        return Array(lines.prefix(count))
    }

    @Test func sixtyFourConcurrentCallsGiveTheSequentialResultsWithoutHoldingTheCallersThread() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try #require(Fixtures.corpusMissing == nil, "\(Fixtures.corpusMissing ?? "")")
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true))
        let texts = try Self.corpus(64 * 6)
        let calls = (0..<64).map { Array(texts[$0 * 6..<($0 + 1) * 6]) }
        let sequential = try calls.map { try model.embed($0.map { TextInput($0) }) }

        // The 64 callers and a probe share one thread (a task executor, which other suites running in parallel cannot
        // occupy as they can the cooperative pool), in that order. The engine thread is held by a gate that only the
        // probe opens: the probe can run, and the calls finish, only if every call left the thread while it waited.
        // No clock is read, so a loaded machine cannot fail it; a call holding the thread would wait out the gate's
        // 120 s and be reported.
        let executor = OneThreadExecutor()
        let gate = DispatchSemaphore(value: 0)
        let gateTimedOut = Mutex(false)
        #expect(model.engineThread.submit {
            if gate.wait(timeout: .now() + .seconds(120)) == .timedOut { gateTimedOut.withLock { $0 = true } }
        })
        let (results, finishedBeforeProbe) = try await Self.callsThenProbe(on: executor, count: calls.count) { index in
            try await model.embed(calls[index])
        } probe: {
            gate.signal()
        }
        // The control, that the probe can fail: the synchronous API called from the same 64 tasks holds the thread,
        // so every call has finished when the probe runs.
        let (blocked, blockedBeforeProbe) = try await Self.callsThenProbe(on: executor, count: calls.count) { index in
            try { try model.embed(calls[index].map { TextInput($0) }) }()
        } probe: {}

        #expect(results == sequential, "the same vectors, bit for bit, as one call after another")
        #expect(blocked == sequential)
        #expect(finishedBeforeProbe == 0, "\(finishedBeforeProbe) of 64 async calls had finished when the probe ran")
        #expect(!gateTimedOut.withLock { $0 }, "the probe never ran while the calls waited on the engine thread")
        #expect(blockedBeforeProbe == 64, "the control: \(blockedBeforeProbe) of 64 synchronous calls before the probe")
    }

    /// Starts `count` calls and then `probe` as tasks on `executor` (one thread, jobs in order); returns the calls'
    /// results in order and how many calls had finished when the probe ran.
    static func callsThenProbe(
        on executor: OneThreadExecutor, count: Int,
        _ call: @escaping @Sendable (Int) async throws -> [[Float]], probe: @escaping @Sendable () -> Void
    ) async throws -> ([[[Float]]], Int) {
        let finished = Shared(0), seenByProbe = Shared(-1)
        let results = try await Task(executorPreference: executor) {
            try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let vectors = try await call(index)
                        finished.value.withLock { $0 += 1 }
                        return (index, vectors)
                    }
                }
                group.addTask {
                    seenByProbe.value.withLock { $0 = finished.value.withLock { $0 } }
                    probe()
                    return (-1, [])
                }
                return try await Self.gather(&group, count: count)
            }
        }.value
        return (results, seenByProbe.value.withLock { $0 })
    }

    static func gather(_ group: inout ThrowingTaskGroup<(Int, [[Float]]), any Error>, count: Int) async throws -> [[[Float]]] {
        var results = [[[Float]]](repeating: [], count: count)
        for try await (index, vectors) in group where index >= 0 { results[index] = vectors }
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

    /// A long async call tokenizes its inputs a chunk at a time (so that cancelling it stops it while tokenizing);
    /// an input found too long in a later chunk is still named by its place in the whole call.
    @Test func aLongCallNamesTheInputAtFaultAcrossTokenizingChunks() async throws {
        let model = try BertModel(directory: Fixtures.path("models/tiny-bert-cls"), options: .init(maxLength: 32))
        var texts = Array(repeating: "hello world", count: 700)
        texts[601] = Array(repeating: "hello", count: 60).joined(separator: " ")
        await #expect {
            _ = try await model.classify(texts)
        } throws: { error in
            (error as? InputError)?.index == 601 && "\(error)".hasPrefix("input 602:")
        }
        let synchronous = Result { try model.classify(texts.map { TextInput($0) }) }
        #expect(throws: InputError.self) { try synchronous.get() }
        if case .failure(let error as InputError) = synchronous { #expect(error.index == 601) }
    }

    @Test func cancellingTheCallerStopsTheCallBetweenBatches() async throws {
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try #require(Fixtures.corpusMissing == nil, "\(Fixtures.corpusMissing ?? "")")
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true))
        let texts = try Self.corpus(1000)
        // The engine thread is held until both calls are queued on it in order (their tasks and the opener share one
        // thread, jobs in order), so neither can start early on a loaded machine.
        let executor = OneThreadExecutor()
        let gate = DispatchSemaphore(value: 0)
        #expect(model.engineThread.submit { _ = gate.wait(timeout: .now() + .seconds(120)) })
        // One call in batches of one: 10,000 sequences, tens of seconds of work, cancelled once it runs.
        let long = Task(executorPreference: executor) {
            try await model.embed(Array(repeating: texts, count: 10).flatMap { $0 }, batching: .fixed(size: 1))
        }
        // A call queued behind it, cancelled before the engine thread reaches it.
        let queued = Task(executorPreference: executor) { try await model.embed(Array(texts.prefix(4))) }
        // The opener also cancels, on the executor's own thread: nothing from here to the stop waits for the
        // cooperative pool, which other suites may hold for tens of seconds (CI saw a 100 ms sleep outlast the call).
        let stoppedAfter = Shared(-1)  // milliseconds
        let probed = DispatchSemaphore(value: 0)
        await Task(executorPreference: executor) {
            gate.signal()
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(100))  // the long call running
            let start = ContinuousClock.now
            long.cancel()
            queued.cancel()
            // Read on the engine thread itself, when it comes free after both calls.
            _ = model.engineThread.submit {
                let elapsed = (ContinuousClock.now - start).components
                stoppedAfter.value.withLock { $0 = Int(elapsed.seconds) * 1000 + Int(elapsed.attoseconds / 1_000_000_000_000_000) }
                probed.signal()
            }
        }.value
        #expect(probed.wait(timeout: .now() + .seconds(120)) == .success)
        await #expect(throws: CancellationError.self) { _ = try await long.value }
        await #expect(throws: CancellationError.self) { _ = try await queued.value }
        // The engine thread is free again: a new call runs and matches the synchronous one.
        #expect(try await model.embed(Array(texts.prefix(3))) == (try { try model.embed(texts.prefix(3).map { TextInput($0) }) }()))
        let stop = stoppedAfter.value.withLock { $0 }
        #expect((0..<2000).contains(stop), "the long call stopped after its current batch (\(stop) ms)")
    }
}

/// A counter the tasks of a group share.
final class Shared: Sendable {
    let value: Mutex<Int>
    init(_ value: Int) { self.value = Mutex(value) }
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
