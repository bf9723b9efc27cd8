import Foundation

/// Runs blocking work (a subprocess that takes seconds) on a thread of its own and awaits its result, so a long test
/// does not hold one of the few cooperative threads that other suites' tasks need while the suites run in parallel.
/// Make expectations on the result in the test itself: an expectation on another thread is not the test's.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
