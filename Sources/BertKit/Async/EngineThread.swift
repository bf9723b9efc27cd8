import Foundation

/// A model's own thread for the async API: calls queue on it and run one at a time, so a forward pass never holds a
/// thread of Swift's cooperative pool (the engine's kernels then fan out to their own worker threads). The thread
/// starts with the first call and ends when the last copy of the model is gone.
final class EngineThread: Sendable {
    private let queue = JobQueue()

    /// Runs `body` on the thread and suspends the caller until it returns.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.submit { continuation.resume(with: Result { try body() }) }
        }
    }

    deinit { queue.stop() }
}

/// The jobs waiting for an `EngineThread`, and the thread that runs them (it holds the queue, not the
/// `EngineThread`, so the model's last release stops it).
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0
    private var started = false
    private var stopped = false

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if !started {
            started = true
            let thread = Thread { [self] in work() }
            thread.name = "bertkit-engine"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while next == jobs.count && !stopped { condition.wait() }
            if next == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            condition.unlock()
            job()
        }
    }
}
