import CBertKernels
import Synchronization

/// A grow-only float buffer.
struct Buffer {
    private(set) var pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var capacity = 1

    /// Makes room for `count` floats; contents are not kept.
    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
    }

    func release() { pointer.deallocate() }
}

/// The activation buffers of one forward pass, planned from the batch's row count and reused: once a workspace has
/// seen the largest batch, later passes allocate nothing.
final class Workspace: @unchecked Sendable {
    // Unchecked: a workspace is only touched by the pass that checked it out of `WorkspacePool`.
    var hidden = Buffer()
    var qkv = Buffer()
    var context = Buffer()
    var intermediate = Buffer()
    var attentionScratch = Buffer()
    /// The embeddings before their projection (ELECTRA), `[rows, embedding width]`.
    var embedding = Buffer()
    /// DeBERTa's c2p and p2c scores of a group of heads.
    var positionScores = Buffer()

    /// Sizes every buffer for `rows` rows, and attention scratch for `workers` workers on sequences of at most
    /// `longest` rows, and `embedding` floats a row for embeddings that are projected (0: none).
    func plan(rows: Int, hidden h: Int, intermediate i: Int, headDim: Int, longest: Int, workers: Int, embedding e: Int = 0) {
        embedding.reserve(rows * e)
        hidden.reserve(rows * h)
        qkv.reserve(rows * 3 * h)
        context.reserve(rows * h)
        intermediate.reserve(rows * i)
        attentionScratch.reserve(bk_attention_scratch_floats(headDim, longest) * max(workers, 1))
    }

    deinit {
        for buffer in [hidden, qkv, context, intermediate, attentionScratch, embedding, positionScores] { buffer.release() }
    }
}

/// Workspaces for concurrent passes: each pass takes one (or makes one when all are busy) and gives it back.
final class WorkspacePool: Sendable {
    private let free = Mutex<[Workspace]>([])

    func withWorkspace<R>(_ body: (Workspace) throws -> R) rethrows -> R {
        let workspace = free.withLock { $0.popLast() } ?? Workspace()
        defer { free.withLock { $0.append(workspace) } }
        return try body(workspace)
    }
}
