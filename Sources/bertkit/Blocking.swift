import Dispatch
import Synchronization

/// Runs async work from synchronous code on a thread that may block (a command's main thread, not the cooperative
/// pool), and returns its result.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    // The task stored its outcome before it signalled.
    guard let outcome = result.withLock({ $0 }) else { preconditionFailure("blocking: no outcome after the signal") }
    return try outcome.get()
}
