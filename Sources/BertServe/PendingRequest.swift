import Foundation

/// One client request's sequences in the queue: their outputs are gathered as batches finish, and the request is
/// resumed once all are in (or once it fails or is cancelled). Guarded by its `BatchQueue`'s lock.
final class PendingRequest: @unchecked Sendable {
    var outputs: [[Float]]
    var remaining: Int
    var continuation: CheckedContinuation<QueueResult, any Error>?
    /// Counted in the queue's `arriving` until submitted or abandoned.
    var arriving = true
    /// Set once: its outputs, or why it ended (the client went away, or it failed). A finished request's sequences
    /// leave the queue, and outputs that arrive later are dropped.
    var result: Result<QueueResult, any Error>?
    var finished: Bool { result != nil }
    let enqueued: ContinuousClock.Instant
    var started: ContinuousClock.Instant?
    var inference: Duration = .zero

    init(count: Int, enqueued: ContinuousClock.Instant) {
        outputs = Array(repeating: [], count: count)
        remaining = count
        self.enqueued = enqueued
    }
}

/// A request's outputs, in its input order, and where its time went.
public struct QueueResult: Sendable {
    /// One output row per sequence.
    public var outputs: [[Float]]
    /// From the first sequence queued to the first taken into a batch.
    public var queueTime: Duration
    /// Engine time of the batches that held its sequences.
    public var inferenceTime: Duration
}

/// A handle on a request in the queue, to cancel it when its client disconnects.
public struct QueueTicket: Sendable {
    let request: PendingRequest
}
