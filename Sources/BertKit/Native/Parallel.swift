import Dispatch
import Synchronization

/// Work split across the process's fixed pool of worker threads (Dispatch's, one per core), with a cap on how
/// many workers one call uses. Tasks are handed out dynamically, so uneven tasks (sequences of different
/// lengths) balance themselves.
enum Parallel {
    /// Calls `body(task, worker)` for every task in `0..<count`; `worker` is in `0..<min(workers, count)` and no two
    /// concurrent calls share one, so it can index per-worker scratch.
    static func forEach(_ count: Int, workers: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        let used = min(max(workers, 1), count)
        if used <= 1 {
            for task in 0..<count { body(task, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = Unchecked(body)
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: used) { worker in
                while true {
                    let task = next.take()
                    if task >= count { return }
                    work.value(task, worker)
                }
            }
        }
    }

    /// Splits `rows` into chunks of at least `minimum` rows and calls `body(range)` for each, in parallel.
    static func rows(_ rows: Int, workers: Int, minimum: Int = 16, _ body: (Range<Int>) -> Void) {
        let chunks = min(max(workers, 1), max(rows / max(minimum, 1), 1))
        if chunks <= 1 {
            body(0..<rows)
            return
        }
        let size = (rows + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let work = Unchecked(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * size
                if start < rows { work.value(start..<min(start + size, rows)) }
            }
        }
    }
}

/// A closure handed to Dispatch's workers. Unchecked because `concurrentPerform` returns only after every worker is
/// done (the closure never outlives the call) and the engine's tasks write disjoint rows.
private struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The next task index, shared by the workers of one `forEach`.
private final class Counter: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
