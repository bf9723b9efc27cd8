import BertKit
import BertTokenizers
import Foundation

/// The server's queue: requests enqueue their tokenized sequences, and one engine thread takes batches of them
/// (`BatchPlan`, budgeted as the engine lays batches out) and hands each request exactly its own outputs back.
///
/// Waiting for more work (`maxWait`) happens only when it pays: when the batch is not full and other requests are
/// being tokenized at that moment (`arriving`), so they would otherwise miss it by microseconds.
public final class BatchQueue: @unchecked Sendable {
    /// Token budget of one batch, in what a batch costs the engine (`layout.cost(lengths:)`).
    public let maxTokens: Int
    /// Sequences per batch at most.
    public let maxRequests: Int
    /// Longest wait for arriving requests before running a batch that is not full.
    public let maxWait: Duration
    /// How the engine lays a batch out: real tokens when packed, `count × longest` when padded.
    public let layout: ExecutionMode

    struct Sequence {
        let request: PendingRequest
        let index: Int
        let task: BatchTask
        let encoding: Encoding
    }

    private let condition = NSCondition()
    private var waiting: [Sequence] = []
    private var arriving = 0
    private var closed = false
    private var tokensWaiting = 0
    private let clock = ContinuousClock()

    /// A queue with these limits, for an engine that lays batches out as `layout`.
    public init(maxTokens: Int, maxRequests: Int, maxWait: Duration, layout: ExecutionMode = .packed) {
        self.maxTokens = maxTokens
        self.maxRequests = maxRequests
        self.maxWait = maxWait
        self.layout = layout
    }

    /// Sequences and tokens waiting now.
    public var depth: (sequences: Int, tokens: Int) {
        condition.lock(); defer { condition.unlock() }
        return (waiting.count, tokensWaiting)
    }

    /// A ticket for a request of `count` sequences that is about to be tokenized: until it is submitted (or
    /// abandoned), the batcher knows more work is arriving. Enqueue with `submit`, cancel with `cancel`.
    public func ticket(count: Int) -> QueueTicket {
        let request = PendingRequest(count: count, enqueued: clock.now)
        condition.lock()
        arriving += 1
        condition.unlock()
        return QueueTicket(request: request)
    }

    /// The ticket's request will not be submitted (its tokenization failed).
    public func abandon(_ ticket: QueueTicket) {
        condition.lock()
        settleArrival(ticket.request)
        _ = finish(ticket.request, with: .failure(CancellationError()))
        condition.unlock()
    }

    /// The request no longer counts as arriving (under the lock).
    private func settleArrival(_ request: PendingRequest) {
        guard request.arriving else { return }
        request.arriving = false
        arriving -= 1
        condition.broadcast()
    }

    /// Enqueues `sequences` for `task` and waits for their outputs. Cancelling the calling task (or `cancel(ticket)`)
    /// takes the request's sequences out of the queue; a batch already running finishes, but its outputs are dropped.
    public func submit(_ ticket: QueueTicket, task: BatchTask, _ sequences: [Encoding]) async throws -> QueueResult {
        let request = ticket.request
        guard sequences.count == request.remaining else {
            abandon(ticket)
            throw ServeError.backend("a ticket for \(request.remaining) sequences was submitted with \(sequences.count)")
        }
        if sequences.isEmpty {
            abandon(ticket)
            return QueueResult(outputs: [], queueTime: .zero, inferenceTime: .zero)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                condition.lock()
                defer { condition.unlock() }
                settleArrival(request)
                if let result = request.result {
                    continuation.resume(with: result)
                    return
                }
                guard !closed else {
                    continuation.resume(throwing: ServeError.unhealthy("the server is shutting down"))
                    return
                }
                request.continuation = continuation
                for (i, encoding) in sequences.enumerated() {
                    waiting.append(Sequence(request: request, index: i, task: task, encoding: encoding))
                    tokensWaiting += encoding.count
                }
                condition.broadcast()
            }
        } onCancel: {
            cancel(ticket)
        }
    }

    /// Takes a request out of the queue (its client went away); it ends with `CancellationError`.
    public func cancel(_ ticket: QueueTicket) {
        condition.lock()
        settleArrival(ticket.request)
        let continuation = finish(ticket.request, with: .failure(CancellationError()))
        condition.unlock()
        continuation?()
    }

    /// Stops taking requests; the engine thread drains what is queued, then `next()` returns nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// A batch for the engine thread: waits for work, and briefly for arriving requests when the batch is not full.
    /// Returns nil once the queue is closed and empty.
    func next() -> QueueBatch? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty {
            if closed { return nil }
            condition.wait()
        }
        var plan = plan()
        if !plan.full, maxWait > .zero, arriving > 0 {
            let deadline = Date().addingTimeInterval(Double(maxWait.components.attoseconds) / 1e18 + Double(maxWait.components.seconds))
            while !plan.full, arriving > 0, condition.wait(until: deadline) {
                plan = self.plan()
            }
            plan = self.plan()
        }
        let taken = Set(plan.taken)
        var batch: [Sequence] = []
        batch.reserveCapacity(taken.count)
        var kept: [Sequence] = []
        kept.reserveCapacity(waiting.count - taken.count)
        let now = clock.now
        for (position, sequence) in waiting.enumerated() {
            if taken.contains(position) {
                batch.append(sequence)
                if sequence.request.started == nil { sequence.request.started = now }
            } else {
                kept.append(sequence)
            }
        }
        waiting = kept
        tokensWaiting -= plan.tokens
        return QueueBatch(task: batch.first?.task ?? .pooled, sequences: batch, tokens: plan.tokens)
    }

    private func plan() -> BatchPlan {
        BatchPlan.next(
            waiting: waiting.lazy.map { (task: $0.task, tokens: $0.encoding.count) },
            maxTokens: maxTokens, maxRequests: maxRequests, layout: layout)
    }

    /// Hands a batch's outputs (or its error) to its requests; returns how many sequences were still wanted.
    @discardableResult
    func deliver(_ batch: QueueBatch, _ result: Result<[[Float]], any Error>, took: Duration) -> Int {
        var resumes: [() -> Void] = []
        var wanted = 0
        var credited = Set<ObjectIdentifier>()
        condition.lock()
        for (i, sequence) in batch.sequences.enumerated() {
            let request = sequence.request
            guard !request.finished else { continue }
            wanted += 1
            switch result {
            case .success(let outputs):
                request.outputs[sequence.index] = outputs[i]
                request.remaining -= 1
                if credited.insert(ObjectIdentifier(request)).inserted { request.inference += took }
                if request.remaining == 0 {
                    let queued = (request.started ?? request.enqueued) - request.enqueued
                    if let resume = finish(
                        request,
                        with: .success(
                            QueueResult(
                                outputs: request.outputs, queueTime: queued,
                                inferenceTime: request.inference)))
                    {
                        resumes.append(resume)
                    }
                }
            case .failure(let error):
                if let resume = finish(request, with: .failure(error)) { resumes.append(resume) }
            }
        }
        condition.unlock()
        for resume in resumes { resume() }
        return wanted
    }

    /// Whether a batch still has sequences someone waits for (a client may have left while it was queued).
    func stillWanted(_ batch: QueueBatch) -> Bool {
        condition.lock(); defer { condition.unlock() }
        return batch.sequences.contains { !$0.request.finished }
    }

    /// Ends `request` with `result` (under the lock): its sequences leave the queue; the returned closure resumes
    /// its waiter, to call after unlocking.
    private func finish(_ request: PendingRequest, with result: Result<QueueResult, any Error>) -> (() -> Void)? {
        guard !request.finished else { return nil }
        request.result = result
        let before = waiting.count
        waiting.removeAll { sequence in
            guard sequence.request === request else { return false }
            tokensWaiting -= sequence.encoding.count
            return true
        }
        if waiting.count != before { condition.broadcast() }
        guard let continuation = request.continuation else { return nil }
        request.continuation = nil
        return { continuation.resume(with: result) }
    }
}

/// A batch taken from the queue.
struct QueueBatch {
    let task: BatchTask
    let sequences: [BatchQueue.Sequence]
    let tokens: Int
}
