import BertKit
import Foundation
import TestSupport
import Testing

@testable import BertServe

/// Requests are tokenized on the server's tokenization workers, threads of their own, never on Swift's cooperative
/// pool: a long tokenization leaves the pool free for everything else.
@Suite struct TokenizationWorkerTests {
    /// Where each tokenization ran, and a gate that can hold them.
    final class Watch: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String] = []
        private var holding = false
        private let release = DispatchSemaphore(value: 0)
        private let entered = DispatchSemaphore(value: 0)
        private(set) var released = false

        /// The hook: notes the thread, and waits at the gate while it is closed.
        func tokenizing() {
            let hold = lock.withLock {
                names.append(Thread.current.name ?? "")
                return holding
            }
            if hold {
                entered.signal()
                release.wait()
            }
        }

        var threadNames: [String] { lock.withLock { names } }

        func close() { lock.withLock { holding = true } }

        /// Opens the gate for `count` held tokenizations (once).
        func open(_ count: Int) {
            let first = lock.withLock {
                defer { released = true; holding = false }
                return !released
            }
            if first { for _ in 0..<count { release.signal() } }
        }

        var isReleased: Bool { lock.withLock { released } }

        /// Waits, off the cooperative pool, until `count` tokenizations are held; then starts a watchdog that opens the
        /// gate after `watchdog` seconds, so a starved pool ends the test (failing it) instead of hanging it. The
        /// watchdog starts only once all are held: other suites may keep the pool busy for a long while before the
        /// requests even start, and that must not open the gate early.
        func waitHeld(_ count: Int, watchdog: Double = 120) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread { [self] in
                    for _ in 0..<count { entered.wait() }
                    Thread { [self] in
                        Thread.sleep(forTimeInterval: watchdog); open(count)
                    }.start()
                    continuation.resume()
                }.start()
            }
        }
    }

    static func service(_ watch: Watch, workers: Int) throws -> InferenceService {
        var options = ServeOptions()
        options.tokenizationWorkers = workers
        options.maxConcurrentRequests = 10_000
        return try InferenceService(
            model: try ServeHarness.serveModel(ServeHarness.tinyClassifier), options: options,
            metrics: ServerMetrics(), engine: nil, willTokenize: { watch.tokenizing() })
    }

    /// Every input of a model request and of `/tokenize` is tokenized on a worker thread, and a request's inputs are
    /// spread over the workers: the first request's tokenizations are held until two of them are in hand at once
    /// (each on its own worker, so it cannot be one thread taking them all while the others wait for a core; a pool
    /// that ran them on one thread would never hold two, and the watchdog would end the test with one name).
    @Test func tokenizationRunsOnTheWorkers() async throws {
        let watch = Watch()
        let service = try Self.service(watch, workers: 3)
        #expect(service.tokenizers.workers == 3)
        watch.close()
        async let first = service.predict(
            try BatchingTests.predict([("the cat", nil), ("a dog", "the mat"), ("tea", nil), ("sat", nil)]))
        await watch.waitHeld(2, watchdog: 60)
        watch.open(4)
        _ = try await first
        _ = try await service.predict(try BatchingTests.predict([("the dog", nil), ("a cat", nil)]))
        _ = try await service.tokenize(try JSONDecoder().decode(TokenizeRequest.self, from: Data("{\"inputs\":[\"the cat\",\"a\"]}".utf8)))
        let names = watch.threadNames
        #expect(names.count == 4 + 2 + 2)
        #expect(names.allSatisfy { $0.hasPrefix(TokenizationPool.threadName + "-") }, "\(names)")
        #expect(Set(names).count > 1, "a batch is spread over the workers: \(names)")
        await service.shutdown()
    }

    /// While as many tokenizations as the cooperative pool has threads are held (a stand-in for very long inputs), a
    /// task on the pool still runs at once. Tokenizing on the requests' own tasks, the held tokenizations would hold
    /// every cooperative thread, and the task would run only once the watchdog opens the gate.
    @Test func heldTokenizationsLeaveTheCooperativePoolFree() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount
        let watch = Watch()
        let service = try Self.service(watch, workers: width)
        watch.close()
        let requests = (0..<width).map { i in
            Task { _ = try await service.predict(try BatchingTests.predict([("the cat \(i)", nil)])) }
        }
        await watch.waitHeld(width)
        let ranWhileHeld = await Task.detached { !watch.isReleased }.value
        #expect(ranWhileHeld, "a task on the cooperative pool ran while every tokenization was held")
        watch.open(width)
        for request in requests { try await request.value }
        await service.shutdown()
    }

    /// The pool: results in order over slices on several workers, the first error by position, and 503 once shut down.
    @Test func poolMapsInOrderAndThrowsTheFirstError() async throws {
        let pool = TokenizationPool(workers: 4)
        let squares = try await pool.map(101) { $0 * $0 }
        #expect(squares == (0..<101).map { $0 * $0 })
        await #expect(throws: ServeError.validation("3")) {
            _ = try await pool.map(50) { i throws(ServeError) in
                if i == 3 || i == 40 { throw .validation(String(i)) }
                return i
            }
        }
        #expect(try await pool.map(0) { $0 }.isEmpty)
        await pool.shutdown()
        await #expect(throws: ServeError.unhealthy("the server is shutting down")) { _ = try await pool.map(3) { $0 } }
    }
}
