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
    /// The threads that tokenize requests (and decode ids), off Swift's cooperative pool.
    let tokenizers: TokenizationPool
    private let loop: InferenceLoop
    private let inFlight = Atomic<Int>(0)
    /// The prompt of a request that names none: `--default-prompt`, else `--default-prompt-name`'s, else the folder's
    /// `default_prompt_name`'s (as `SentenceTransformer.encode` and `bertkit embed` apply it), else none.
    let defaultPrompt: String?
    /// Runs on the tokenizing thread before each input is tokenized (tests watch where tokenization runs).
    let willTokenize: (@Sendable () -> Void)?

    /// Starts the engine thread and the tokenization workers for `model` (or `engine`, a stand-in for it) with
    /// `options`. Batches are budgeted as the model's backend lays them out (`batchLayout`).
    public convenience init(
        model: BertModel, options: ServeOptions, metrics: ServerMetrics, engine: (any ServeEngine)? = nil
    ) throws(ServeError) {
        try self.init(model: model, options: options, metrics: metrics, engine: engine, willTokenize: nil)
    }

    /// Checks `options` against the model and picks the default prompt, then starts the service (throwing before
    /// the instance exists: a typed throw out of a class's designated init crashes the 6.3 optimizer).
    convenience init(
        model: BertModel, options: ServeOptions, metrics: ServerMetrics, engine: (any ServeEngine)?,
        willTokenize: (@Sendable () -> Void)?
    ) throws(ServeError) {
        try options.validate(maxInputLength: model.maxLength)
        let prompt = try Self.defaultPrompt(options, model: model)
        self.init(model: model, options: options, metrics: metrics, engine: engine, willTokenize: willTokenize, defaultPrompt: prompt)
    }

    private init(
        model: BertModel, options: ServeOptions, metrics: ServerMetrics, engine: (any ServeEngine)?,
        willTokenize: (@Sendable () -> Void)?, defaultPrompt prompt: String?
    ) {
        self.model = model
        self.options = options
        self.metrics = metrics
        self.willTokenize = willTokenize
        kind = ModelKind(model: model)
        defaultPrompt = prompt
        queue = BatchQueue(
            maxTokens: options.maxBatchTokens, maxRequests: options.maxBatchRequests ?? .max,
            maxWait: .microseconds(options.maxBatchWaitMicroseconds), layout: model.backend.batchLayout)
        tokenizers = TokenizationPool(workers: options.resolvedTokenizationWorkers)
        loop = InferenceLoop(queue: queue, engine: engine ?? ModelEngine(model: model), metrics: metrics)
        loop.start()
    }

    /// Stops taking requests, finishes the queued ones, and waits for the engine thread and the tokenization workers.
    public func shutdown() async {
        queue.close()
        await loop.join()
        await tokenizers.shutdown()
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
            throw .validation(
                prompts.isEmpty
                    ? "Input validation error: `\(option)` is set to `\(name)` but no prompts were found in the Sentence Transformers configuration"
                    : "Input validation error: `\(option)` is set to `\(name)` but it was not found in the Sentence Transformers prompts. Available prompts: [\(prompts.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))]"
            )
        }
        return text
    }

    /// The server's default prompt: `--default-prompt`'s text, else `--default-prompt-name`'s prompt (an unknown name
    /// is an error), else the prompt the folder's `default_prompt_name` names, if any.
    static func defaultPrompt(_ options: ServeOptions, model: BertModel) throws(ServeError) -> String? {
        if let text = options.defaultPrompt { return text }
        if let name = options.defaultPromptName { return try prompt(named: name, in: model, option: "default-prompt-name") }
        guard let st = model.directory.sentenceTransformers else { return nil }
        return st.defaultPromptName.flatMap { st.prompts[$0] }
    }

    /// The prompt a request asks for: its `prompt_name`'s, else the server's default (`""` when there is none, so
    /// that the prompt the model was loaded with never applies behind the server's back).
    func prompt(named name: String?) throws(ServeError) -> String {
        if let name { return try Self.prompt(named: name, in: model, option: "prompt_name") }
        return defaultPrompt ?? ""
    }

    /// One input as the engine will see it, or TEI's error for it.
    func encode(_ item: InputItem, pair: String? = nil, truncate: Bool, side: TruncationSide, prompt: String) throws(ServeError) -> Encoding
    {
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
                encoding.append(
                    id: Int(id), token: model.tokenizer.token(of: Int(id)) ?? "", typeId: 0, special: false,
                    offsets: 0..<0, sequence: 0)
            }
            return encoding
        }
    }

    // MARK: - Running

    /// Tokenizes `items` on the tokenization workers (the permits taken), queues them for `task`, and waits for their
    /// outputs.
    func run(
        _ task: BatchTask, _ items: [(item: InputItem, pair: String?)], truncate: Bool?, side: TruncationSide,
        prompt: String, connection: ClientConnection?
    ) async throws(ServeError) -> (outputs: [[Float]], timing: Timing) {
        metrics.request(count: items.count)
        try admit(items.count)
        defer { release(items.count) }
        let clock = ContinuousClock()
        let ticket = queue.ticket(count: items.count)
        var timing = Timing()
        timing.inputs = items.count
        timing.characters = items.reduce(0) { $0 + $1.item.characters + ($1.pair?.unicodeScalars.count ?? 0) }
        let started = clock.now
        let encodings: [Encoding]
        do {
            let truncate = truncate ?? options.autoTruncate
            encodings = try await tokenizers.map(items.count) { [self] i throws(ServeError) in
                willTokenize?()
                return try encode(items[i].item, pair: items[i].pair, truncate: truncate, side: side, prompt: prompt)
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
            metrics.success(
                count: items.count, total: clock.now - started, tokenization: timing.tokenization,
                queue: timing.queue, inference: timing.inference)
            return (result.outputs, timing)
        } catch let error as ServeError {
            throw error
        } catch {
            throw ServeError.unhealthy("the request was cancelled: its client went away")
        }
    }
}
