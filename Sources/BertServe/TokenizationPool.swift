import Foundation

/// The server's tokenization workers, as Text Embeddings Inference has them: a few threads of their own (named
/// `bk-tokenizer-N`) fed through a lock-protected queue. A request hands its inputs over and suspends; the
/// workers tokenize them and resume it. A long tokenization thus occupies a worker, never one of Swift's cooperative
/// threads, which keep serving the event loops' requests and the other handlers.
final class TokenizationPool: @unchecked Sendable {
    /// Worker threads.
    let workers: Int
    /// The prefix of the workers' thread names (`Thread.nameCurrent`: 15 bytes at most).
    static let threadName = "bk-tokenizer"

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var closed = false
    private var running = 0
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts `workers` threads (at least one).
    init(workers: Int) {
        self.workers = max(workers, 1)
        running = self.workers
        for index in 0..<self.workers {
            Thread { [self] in
                Thread.nameCurrent("\(Self.threadName)-\(index)")
                work()
            }.start()
        }
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
                let taken = submit {
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
        close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [stopped] in
                stopped.wait()
                stopped.signal()  // for another shutdown
                continuation.resume()
            }
        }
    }

    private func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues `job`; false once the pool is shut down (its workers may be gone).
    private func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// A worker: takes jobs in order until the pool is closed and empty.
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
