import Foundation

/// Threads of their own fed through a lock-protected queue, in order: the model's engine thread (one, started by its
/// first job) and `bertkit serve`'s tokenization workers (several, started at once). Work handed to them never holds
/// one of Swift's cooperative threads.
package final class JobThreads: @unchecked Sendable {
    /// How many threads run the jobs.
    package let count: Int
    private let name: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var closed = false
    private var started = false
    private var running = 0
    private let stopped = DispatchSemaphore(value: 0)

    /// `count` threads (at least one) named `NAME-i` (15 bytes in all at most); started now, or by the first job.
    package init(count: Int, name: String, startNow: Bool) {
        self.count = max(count, 1)
        self.name = name
        if startNow {
            condition.lock()
            start()
            condition.unlock()
        }
    }

    /// Queues `job`; false once closed (the threads may be gone).
    package func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        if !started { start() }
        condition.signal()
        return true
    }

    /// Lets the threads end once the queued jobs are done. Idempotent.
    package func close() {
        condition.lock()
        closed = true
        if !started {
            started = true
            stopped.signal()
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until every thread has ended (after `close`).
    package func waitUntilStopped() {
        stopped.wait()
        stopped.signal()  // for another waiter
    }

    /// Called with the lock held.
    private func start() {
        started = true
        running = count
        for index in 0..<count {
            Thread { [self, name] in
                Thread.nameCurrent("\(name)-\(index)")
                work()
            }.start()
        }
    }

    /// A thread: takes jobs in order until closed and empty.
    private func work() {
        while true {
            condition.lock()
            while head == jobs.count, !closed { condition.wait() }
            guard head < jobs.count else {
                running -= 1
                if running == 0 { stopped.signal() }
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
