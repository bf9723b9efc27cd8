import Foundation

/// A model's own thread for the async API (`bk-engine-0`): calls queue on it and run one at a time, so a forward pass
/// never holds a thread of Swift's cooperative pool (the engine's kernels then fan out to their own worker threads).
/// The thread starts with the first call and ends when the last copy of the model is gone.
package final class EngineThread: Sendable {
    private let thread = JobThreads(count: 1, name: "bk-engine", startNow: false)

    /// Runs `body` on the thread and suspends the caller until it returns.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let queued = thread.submit { continuation.resume(with: Result { try body() }) }
            if !queued { continuation.resume(throwing: CancellationError()) }
        }
    }

    /// Queues `job` behind the calls already queued, without waiting for it (tests hold the thread with it);
    /// false once the thread is closed.
    package func submit(_ job: @escaping @Sendable () -> Void) -> Bool { thread.submit(job) }

    deinit { thread.close() }
}
