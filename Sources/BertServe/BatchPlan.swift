/// The batching rule of the queue, as a pure function: which of the waiting sequences go into the next batch.
///
/// The oldest sequence decides the batch's task. Sequences of that task join in arrival order while the batch stays
/// within `maxTokens` (real tokens: batches are padding-free) and `maxRequests`; the first one that would overflow
/// the budget closes the batch, so nothing overtakes a sequence that has waited longer. Sequences of other tasks
/// keep their place for a later batch.
public struct BatchPlan: Sendable, Equatable {
    /// Positions (in the waiting list) of the sequences taken, in arrival order.
    public var taken: [Int]
    /// Their tokens.
    public var tokens: Int
    /// Whether the batch is full: the next sequence of its task would overflow a limit, or a limit is reached.
    public var full: Bool

    /// The next batch out of `waiting` (each sequence's task and token count, oldest first).
    public static func next(waiting: some Collection<(task: BatchTask, tokens: Int)>, maxTokens: Int, maxRequests: Int) -> BatchPlan {
        var plan = BatchPlan(taken: [], tokens: 0, full: false)
        var task: BatchTask?
        for (position, entry) in waiting.enumerated() {
            if task == nil { task = entry.task }
            guard entry.task == task else { continue }
            guard plan.taken.count < maxRequests, plan.tokens + entry.tokens <= maxTokens || plan.taken.isEmpty else {
                plan.full = true
                break
            }
            plan.taken.append(position)
            plan.tokens += entry.tokens
        }
        if plan.taken.count >= maxRequests || plan.tokens >= maxTokens { plan.full = true }
        return plan
    }
}
