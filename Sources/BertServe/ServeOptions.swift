import Foundation

/// How `bertkit serve` listens and batches. The defaults are Text Embeddings Inference's, but for the port.
public struct ServeOptions: Sendable, Equatable {
    /// Address to listen on.
    public var hostname: String = "0.0.0.0"
    /// Port to listen on.
    public var port: Int = 8080
    /// Requests in flight at once; one more is refused with 429.
    public var maxConcurrentRequests: Int = 512
    /// Token budget of one batch, in what a batch costs the engine: its real tokens on a packed engine, `count ×
    /// longest` on a padded one (as TEI counts padded backends). At least the model's longest input.
    public var maxBatchTokens: Int = 16384
    /// Sequences per batch at most (nil: only the token budget limits).
    public var maxBatchRequests: Int?
    /// Inputs in one client request at most; more is refused with 413.
    public var maxClientBatchSize: Int = 32
    /// Longest wait, in microseconds, for requests being tokenized before a batch that is not full runs.
    public var maxBatchWaitMicroseconds: Int = 2000
    /// Truncate over-long inputs even when a request does not ask for it.
    public var autoTruncate: Bool = false
    /// Largest request body in bytes.
    public var payloadLimit: Int = 2_000_000
    /// The prompt of `config_sentence_transformers.json` used when a request names none (nil: the folder's
    /// `default_prompt_name`, if any).
    public var defaultPromptName: String?
    /// A text put before the inputs of a request that names no prompt, instead of a named one.
    public var defaultPrompt: String?
    /// Threads that tokenize requests (nil: one per core, up to 16).
    public var tokenizationWorkers: Int?
    /// A bearer token every request must carry (`Authorization: Bearer ...`), if set.
    public var apiKey: String?

    /// The defaults.
    public init() {}

    /// The tokenization workers the server starts: `tokenizationWorkers`, else one per core up to 16.
    public var resolvedTokenizationWorkers: Int {
        tokenizationWorkers ?? min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 16)
    }

    /// Checks the numbers against each other and against the model's longest input.
    public func validate(maxInputLength: Int) throws(ServeError) {
        guard (0...65535).contains(port) else { throw .validation("port must be 0...65535, got \(port)") }
        guard maxConcurrentRequests > 0 else { throw .validation("max-concurrent-requests must be positive, got \(maxConcurrentRequests)") }
        guard maxClientBatchSize > 0 else { throw .validation("max-client-batch-size must be positive, got \(maxClientBatchSize)") }
        guard maxBatchTokens >= maxInputLength else {
            throw .validation("max-batch-tokens (\(maxBatchTokens)) must be at least the model's longest input (\(maxInputLength) tokens)")
        }
        if let maxBatchRequests, maxBatchRequests <= 0 {
            throw .validation("max-batch-requests must be positive, got \(maxBatchRequests)")
        }
        guard maxBatchWaitMicroseconds >= 0 else { throw .validation("max-batch-wait must be 0 or more, got \(maxBatchWaitMicroseconds)") }
        guard payloadLimit > 0 else { throw .validation("payload-limit must be positive, got \(payloadLimit)") }
        if let tokenizationWorkers, tokenizationWorkers <= 0 {
            throw .validation("tokenization-workers must be positive, got \(tokenizationWorkers)")
        }
        guard defaultPrompt == nil || defaultPromptName == nil else {
            throw .validation("default-prompt and default-prompt-name cannot both be set")
        }
    }
}
