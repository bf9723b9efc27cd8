import BertKit
import BertTokenizers
import Foundation
import Synchronization

/// A loaded model behind the batch queue: validates and tokenizes requests as TEI does, queues their sequences,
/// and turns the engine's outputs into TEI's answers. Transport-free: the HTTP routes call it, and so can tests.
public final class InferenceService: Sendable {
    /// The model.
    public let model: BertModel
    /// What it is (embedding, classifier, reranker).
    public let kind: ModelKind
    /// The server's settings.
    public let options: ServeOptions
    /// The queue its requests go through.
    public let queue: BatchQueue
    let metrics: ServerMetrics
    private let loop: InferenceLoop
    private let inFlight = Atomic<Int>(0)
    private let defaultPrompt: String?

    /// Starts the engine thread for `model` (or `engine`, a stand-in for it) with `options`.
    public init(model: BertModel, options: ServeOptions, metrics: ServerMetrics, engine: (any ServeEngine)? = nil) throws(ServeError) {
        try options.validate(maxInputLength: model.maxLength)
        self.model = model
        self.options = options
        self.metrics = metrics
        kind = ModelKind(model: model)
        if let name = options.defaultPromptName {
            defaultPrompt = try Self.prompt(named: name, in: model, option: "default-prompt-name")
        } else {
            defaultPrompt = nil
        }
        queue = BatchQueue(maxTokens: options.maxBatchTokens, maxRequests: options.maxBatchRequests ?? .max,
                           maxWait: .microseconds(options.maxBatchWaitMicroseconds))
        loop = InferenceLoop(queue: queue, engine: engine ?? ModelEngine(model: model), metrics: metrics)
        loop.start()
    }

    /// Stops taking requests, finishes the queued ones, and waits for the engine thread.
    public func shutdown() async {
        queue.close()
        await loop.join()
    }

    /// Where a request's time went, and its size, for TEI's `x-*` headers and the metrics.
    public struct Timing: Sendable {
        /// Inputs in the request.
        public var inputs = 0
        /// Unicode scalars of its texts (ids for token-id inputs).
        public var characters = 0
        /// Tokens after tokenization, special tokens included.
        public var tokens = 0
        /// Time tokenizing.
        public var tokenization: Duration = .zero
        /// Time queued before its first sequence ran.
        public var queue: Duration = .zero
        /// Engine time of the batches that held its sequences.
        public var inference: Duration = .zero
    }

    // MARK: - Admission

    /// Refuses a request of `count` inputs that is empty or larger than the client batch limit.
    func checkBatch(_ count: Int, empty: String = "Input validation error: `inputs` cannot be empty") throws(ServeError) {
        guard count > 0 else { throw .empty(empty) }
        guard count <= options.maxClientBatchSize else {
            throw .validation("batch size \(count) > maximum allowed batch size \(options.maxClientBatchSize)")
        }
    }

    /// Takes one permit per input, or refuses with 429 when `max-concurrent-requests` are in flight; `release` gives
    /// them back.
    func admit(_ count: Int) throws(ServeError) {
        guard inFlight.add(count, ordering: .relaxed).newValue <= options.maxConcurrentRequests else {
            release(count)
            throw .overloaded("Model is overloaded")
        }
    }

    func release(_ count: Int) { inFlight.subtract(count, ordering: .relaxed) }

    // MARK: - Tokenization

    static func prompt(named name: String, in model: BertModel, option: String) throws(ServeError) -> String {
        let prompts = model.directory.sentenceTransformers?.prompts ?? [:]
        guard let text = prompts[name] else {
            throw .validation(prompts.isEmpty
                ? "Input validation error: `\(option)` is set to `\(name)` but no prompts were found in the Sentence Transformers configuration"
                : "Input validation error: `\(option)` is set to `\(name)` but it was not found in the Sentence Transformers prompts. Available prompts: [\(prompts.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))]")
        }
        return text
    }

    /// The prompt a request asks for: its `prompt_name`, else the server's default, else the model's own.
    func prompt(named name: String?) throws(ServeError) -> String? {
        if let name { return try Self.prompt(named: name, in: model, option: "prompt_name") }
        return defaultPrompt
    }

    /// One input as the engine will see it, or TEI's error for it.
    func encode(_ item: InputItem, pair: String? = nil, truncate: Bool, side: TruncationSide, prompt: String?) throws(ServeError) -> Encoding {
        switch item {
        case .text(let text):
            guard !text.isEmpty || !(pair ?? "").isEmpty else { throw .empty("Input validation error: `inputs` cannot be empty") }
            do {
                return try model.tokenize(TextInput(text, pair: pair), truncation: truncate ? side.direction : nil, prompt: prompt)
            } catch TokenizerError.tooLong(let tokens, let maxLength) {
                throw .validation("Input validation error: `inputs` must have less than \(maxLength) tokens. Given: \(tokens)")
            } catch {
                throw .tokenizer("tokenizer error \(error)")
            }
        case .ids(let ids):
            guard !ids.isEmpty else { throw .empty("Input validation error: `inputs` cannot be empty") }
            let vocabulary = model.config.vocabSize
            if let bad = ids.first(where: { Int($0) >= vocabulary }) {
                throw .validation("Input validation error: token id \(bad) is outside the vocabulary of \(vocabulary) entries")
            }
            var kept = ids
            if kept.count > model.maxLength {
                guard truncate else {
                    throw .validation("Input validation error: `inputs` must have less than \(model.maxLength) tokens. Given: \(ids.count)")
                }
                kept = side == .left ? Array(kept.suffix(model.maxLength)) : Array(kept.prefix(model.maxLength))
            }
            var encoding = Encoding()
            for id in kept {
                encoding.append(id: Int(id), token: model.tokenizer.token(of: Int(id)) ?? "", typeId: 0, special: false,
                                offsets: 0..<0, sequence: 0)
            }
            return encoding
        }
    }

    // MARK: - Running

    /// Tokenizes `items` (the permits taken), queues them for `task`, and waits for their outputs.
    func run(_ task: BatchTask, _ items: [(item: InputItem, pair: String?)], truncate: Bool?, side: TruncationSide,
             prompt: String?, connection: ClientConnection?) async throws(ServeError) -> (outputs: [[Float]], timing: Timing) {
        metrics.request(count: items.count)
        try admit(items.count)
        defer { release(items.count) }
        let clock = ContinuousClock()
        let ticket = queue.ticket(count: items.count)
        var timing = Timing()
        timing.inputs = items.count
        var encodings: [Encoding] = []
        encodings.reserveCapacity(items.count)
        let started = clock.now
        do {
            for (item, pair) in items {
                encodings.append(try encode(item, pair: pair, truncate: truncate ?? options.autoTruncate, side: side, prompt: prompt))
                timing.characters += item.characters + (pair?.unicodeScalars.count ?? 0)
            }
        } catch {
            queue.abandon(ticket)
            throw error
        }
        timing.tokenization = clock.now - started
        timing.tokens = encodings.reduce(0) { $0 + $1.count }
        metrics.inputs(lengths: encodings.map(\.count))
        connection?.onClose { [queue] in queue.cancel(ticket) }
        do {
            let result = try await queue.submit(ticket, task: task, encodings)
            timing.queue = result.queueTime
            timing.inference = result.inferenceTime
            metrics.success(count: items.count, total: clock.now - started, tokenization: timing.tokenization,
                            queue: timing.queue, inference: timing.inference)
            return (result.outputs, timing)
        } catch let error as ServeError {
            throw error
        } catch {
            throw ServeError.unhealthy("the request was cancelled: its client went away")
        }
    }
}
