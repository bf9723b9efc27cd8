import BertKit

/// The batching rule of the queue, as a pure function: which of the waiting sequences go into the next batch.
///
/// The oldest sequence decides the batch's task. Sequences of that task join in arrival order while the batch stays
/// within `maxTokens` and `maxRequests`; the first one that would overflow the budget closes the batch, so nothing
/// overtakes a sequence that has waited longer. Sequences of other tasks keep their place for a later batch.
///
/// The budget counts what a batch costs the engine (`ExecutionMode.cost(lengths:)`): its real tokens on a packed
/// engine, `count × longest` on a padded one (ONNX Runtime, TorchScript, `--execution padded`), as TEI budgets padded
/// backends.
public struct BatchPlan: Sendable, Equatable {
    /// Positions (in the waiting list) of the sequences taken, in arrival order.
    public var taken: [Int]
    /// Their real tokens.
    public var tokens: Int
    /// What the batch costs under the engine's layout: `tokens` when packed, `count × longest` when padded.
    public var cost: Int
    /// Whether the batch is full: the next sequence of its task would overflow a limit, or a limit is reached.
    public var full: Bool

    /// The next batch out of `waiting` (each sequence's task and token count, oldest first), for an engine that lays
    /// batches out as `layout`.
    public static func next(
        waiting: some Collection<(task: BatchTask, tokens: Int)>, maxTokens: Int, maxRequests: Int,
        layout: ExecutionMode = .packed
    ) -> BatchPlan {
        var plan = BatchPlan(taken: [], tokens: 0, cost: 0, full: false)
        var task: BatchTask?
        var longest = 0
        for (position, entry) in waiting.enumerated() {
            if task == nil { task = entry.task }
            guard entry.task == task else { continue }
            // `layout.cost(lengths:)` of the batch with this entry, kept as a running figure.
            let cost =
                switch layout {
                case .packed: plan.tokens + entry.tokens
                case .padded: max(longest, entry.tokens) * (plan.taken.count + 1)
                }
            guard plan.taken.count < maxRequests, cost <= maxTokens || plan.taken.isEmpty else {
                plan.full = true
                break
            }
            plan.taken.append(position)
            plan.tokens += entry.tokens
            plan.cost = cost
            longest = max(longest, entry.tokens)
        }
        if plan.taken.count >= maxRequests || plan.cost >= maxTokens { plan.full = true }
        return plan
    }
}
