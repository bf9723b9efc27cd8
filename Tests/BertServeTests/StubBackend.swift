import BertKit
import BertModelIO

/// A backend that is not `NativeBackend`, with the traits the server must learn through `InferenceBackend` alone:
/// its layout, its label count, whether it gives every token's hidden state. Its outputs are made up from the lengths.
struct StubBackend: InferenceBackend {
    var name = "stub"
    var hasClassificationHead = false
    var batchLayout: ExecutionMode = .packed
    var labelCount: Int?
    var hasTokenEmbeddings = false
    /// Width of each output row.
    var hidden: Int

    func embed(_ batch: TokenBatch) throws -> [[Float]] {
        (0..<batch.count).map { i in Array(repeating: Float(batch.length(i)), count: hidden) }
    }

    func classify(_ batch: TokenBatch) throws -> [[Float]] {
        (0..<batch.count).map { _ in Array(repeating: 0, count: labelCount ?? 2) }
    }

    /// Token `t` of a sequence gives `hidden` copies of `t`.
    func tokenEmbeddings(_ batch: TokenBatch) throws -> [[Float]] {
        guard hasTokenEmbeddings else { throw BertKitError.tokenEmbeddingsUnavailable(backend: name) }
        return (0..<batch.count).map { i in (0..<batch.length(i)).flatMap { t in Array(repeating: Float(t), count: hidden) } }
    }

    /// The model in `path` on a stub made by `configure` (its `hidden` set to the model's).
    static func model(_ path: String, _ configure: (inout StubBackend) -> Void = { _ in }) throws -> BertModel {
        var options = BertModel.Options(threads: 1)
        options.normalize = false
        return try BertModel(directory: path, options: options) { directory, _ in
            var stub = StubBackend(hidden: directory.config.hiddenSize)
            configure(&stub)
            return stub
        }
    }
}
