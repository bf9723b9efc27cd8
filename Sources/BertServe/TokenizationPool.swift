import BertKit
import Foundation

/// The server's tokenization workers, as Text Embeddings Inference has them: a few threads of their own (named
/// `bk-tokenizer-N`) fed through a lock-protected queue. A request hands its inputs over and suspends; the
/// workers tokenize them and resume it. A long tokenization thus occupies a worker, never one of Swift's cooperative
/// threads, which keep serving the event loops' requests and the other handlers.
final class TokenizationPool: Sendable {
    /// Worker threads.
    var workers: Int { threads.count }
    /// The prefix of the workers' thread names (`Thread.nameCurrent`: 15 bytes at most).
    static let threadName = "bk-tokenizer"

    private let threads: JobThreads

    /// Starts `workers` threads (at least one).
    init(workers: Int) {
        threads = JobThreads(count: workers, name: Self.threadName, startNow: true)
    }

    /// Runs `body(i)` for every `i` in `0..<count` on the workers, in contiguous slices spread over them, and returns
    /// the results in order; the first error by position, if any, is thrown (after every slice has finished). After
    /// `shutdown`, TEI's 503.
    func map<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws(ServeError) -> T) async throws(ServeError) -> [T] {
        guard count > 0 else { return [] }
        let slices = min(count, workers)
        let results: [Result<[T], ServeError>] = await withCheckedContinuation { continuation in
            let gather = Gather<[T]>(slices: slices) { continuation.resume(returning: $0) }
            for slice in 0..<slices {
                let range = (slice * count / slices)..<((slice + 1) * count / slices)
                let taken = threads.submit {
                    var values: [T] = []
                    values.reserveCapacity(range.count)
                    do throws(ServeError) {
                        for i in range { values.append(try body(i)) }
                        gather.set(slice, .success(values))
                    } catch {
                        gather.set(slice, .failure(error))
                    }
                }
                if !taken { gather.set(slice, .failure(.unhealthy("the server is shutting down"))) }
            }
        }
        var values: [T] = []
        values.reserveCapacity(count)
        for result in results { values += try result.get() }
        return values
    }

    /// Stops the workers once the queued jobs are done, and waits for them (off the cooperative pool). Idempotent.
    func shutdown() async {
        threads.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [threads] in
                threads.waitUntilStopped()
                continuation.resume()
            }
        }
    }
}

/// The slices of one `map`, gathered as workers finish them; the last one in hands all of them over.
private final class Gather<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<T, ServeError>?]
    private var remaining: Int
    private let done: @Sendable ([Result<T, ServeError>]) -> Void

    init(slices: Int, done: @escaping @Sendable ([Result<T, ServeError>]) -> Void) {
        results = Array(repeating: nil, count: slices)
        remaining = slices
        self.done = done
    }

    func set(_ slice: Int, _ result: Result<T, ServeError>) {
        let finished: [Result<T, ServeError>]? = lock.withLock {
            results[slice] = result
            remaining -= 1
            return remaining == 0 ? results.compactMap { $0 } : nil
        }
        if let finished { done(finished) }
    }
}
