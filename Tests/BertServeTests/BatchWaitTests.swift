import BertTokenizers
import Foundation
import Testing

@testable import BertServe

/// `--max-batch-wait`: a batch that is not full waits for requests being tokenized at that moment, and only then.
@Suite struct BatchWaitTests {
    static func encoding(_ length: Int) -> Encoding {
        var e = Encoding()
        for i in 0..<length { e.append(id: i, token: "t", typeId: 0, special: false, offsets: 0..<0, sequence: 0) }
        return e
    }

    /// Takes the next batch on a plain thread (the queue's engine side blocks).
    /// Set by the consumer thread just before it asks for a batch.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    static func nextBatch(_ queue: BatchQueue, started: Flag? = nil) async -> (sequences: Int, waited: Duration) {
        await withCheckedContinuation { continuation in
            Thread {
                let clock = ContinuousClock(), start = clock.now
                started?.set()
                let batch = queue.next()
                continuation.resume(returning: (batch?.sequences.count ?? 0, clock.now - start))
            }.start()
        }
    }

    /// Timing margins are wide: the suites run in parallel on few cores, so a task may start late.
    @Test func waitsForArrivingRequestsOnly() async throws {
        let queue = BatchQueue(maxTokens: 1000, maxRequests: 100, maxWait: .seconds(20))
        // Nothing arriving: the lone request leaves at once, long before the 20 s limit.
        let alone = Task { try await queue.submit(queue.ticket(count: 1), task: .pooled, [Self.encoding(5)]) }
        while queue.depth.sequences < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let first = await Self.nextBatch(queue)
        #expect(first.sequences == 1 && first.waited < .seconds(5), "no wait without arriving requests: \(first.waited)")
        alone.cancel()

        // A request being tokenized: the batch waits for it and takes both, as soon as it arrives.
        let a = Task { try await queue.submit(queue.ticket(count: 1), task: .pooled, [Self.encoding(5)]) }
        while queue.depth.sequences < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let arriving = queue.ticket(count: 1)
        let started = Flag()
        async let batch = Self.nextBatch(queue, started: started)
        // The consumer thread may start late on a loaded machine: the 50 ms count from when it asks.
        while !started.isSet { try await Task.sleep(for: .milliseconds(1)) }
        try await Task.sleep(for: .milliseconds(50))
        let b = Task { try await queue.submit(arriving, task: .pooled, [Self.encoding(7)]) }
        let second = await batch
        #expect(second.sequences == 2, "the arriving request joined the batch")
        #expect(second.waited >= .milliseconds(40) && second.waited < .seconds(15), "\(second.waited)")
        a.cancel()
        b.cancel()
        queue.close()
    }

    @Test func waitIsBoundedByMaxBatchWait() async throws {
        let queue = BatchQueue(maxTokens: 1000, maxRequests: 100, maxWait: .milliseconds(300))
        let c = Task { try await queue.submit(queue.ticket(count: 1), task: .pooled, [Self.encoding(5)]) }
        while queue.depth.sequences < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let never = queue.ticket(count: 1)  // being tokenized, never submitted
        let third = await Self.nextBatch(queue)
        #expect(third.sequences == 1 && third.waited >= .milliseconds(280), "bounded by max-batch-wait: \(third.waited)")
        queue.abandon(never)
        c.cancel()
        queue.close()
    }
}
