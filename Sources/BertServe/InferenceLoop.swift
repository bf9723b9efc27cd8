import Foundation

/// The one thread that runs batches: takes them from the queue, runs the engine, hands the outputs back. A thread
/// of its own (not a Swift task), since the engine blocks for the length of a batch and brings its own workers.
final class InferenceLoop: Sendable {
    let queue: BatchQueue
    let engine: any ServeEngine
    let metrics: ServerMetrics
    private let stopped = DispatchSemaphore(value: 0)

    init(queue: BatchQueue, engine: any ServeEngine, metrics: ServerMetrics) {
        self.queue = queue
        self.engine = engine
        self.metrics = metrics
    }

    /// Starts the thread; it ends once the queue is closed and drained.
    func start() {
        Thread { [self] in
            Thread.nameCurrent("bk-inference")
            while let batch = queue.next() {
                run(batch)
            }
            stopped.signal()
        }.start()
    }

    /// Waits (off the cooperative pool) for the thread to end.
    func join() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [stopped] in
                stopped.wait()
                continuation.resume()
            }
        }
    }

    private func run(_ batch: QueueBatch) {
        metrics.queueDepth(queue.depth)
        guard queue.stillWanted(batch) else {
            metrics.dropped(batch.sequences.count)
            return
        }
        metrics.batch(size: batch.sequences.count, tokens: batch.tokens)
        let clock = ContinuousClock()
        let start = clock.now
        let result = Result { try engine.run(batch.task, batch.sequences.map(\.encoding)) }
        let took = clock.now - start
        metrics.batchInference(took)
        let wanted = queue.deliver(
            batch,
            result.flatMap { outputs in
                outputs.count == batch.sequences.count
                    ? .success(outputs)
                    : .failure(ServeError.backend("the engine returned \(outputs.count) outputs for \(batch.sequences.count) sequences"))
            }.mapError { $0 as? ServeError ?? .backend(String(describing: $0)) }, took: took)
        metrics.dropped(batch.sequences.count - wanted)
    }
}
