import BertModelIO
import BertTokenizers
import Foundation

/// A Hugging Face BERT-family model folder, loaded and ready: tokenizer, configuration and an engine.
///
/// ```swift
/// let model = try BertModel(directory: "models/all-MiniLM-L6-v2")
/// let vectors = try model.embed([TextInput("A cat sits."), TextInput("A dog runs.")])
/// ```
public struct BertModel: Sendable {
    /// The folder and its parsed configuration.
    public let directory: ModelDirectory
    /// How inputs become token ids for this model: tokenizer, prompt, sentence-transformers rules, length limit.
    public let encoder: InputEncoder
    /// The tokenizer, set up for this model (truncation per `Options`, no padding: batches pad themselves).
    public var tokenizer: Tokenizer { encoder.tokenizer }
    /// The engine.
    public let backend: any InferenceBackend
    /// The pooling used by `embed`: the sentence-transformers module's, else mean pooling without normalization.
    /// With `Dense` modules, the normalization moves to `sentenceHead`, after them.
    public let pooling: Pooling
    /// sentence-transformers' `Dense` modules and `Normalize` after pooling, when the folder has Dense modules.
    public let sentenceHead: SentenceHead?
    /// The text put before every input (a sentence-transformers prompt), if any.
    public var prompt: String? { encoder.prompt }
    /// Longest input in tokens, special tokens included: `max_seq_length` of sentence-transformers if set,
    /// else the model's position limit.
    public var maxLength: Int { encoder.maxLength }
    /// Options it was loaded with.
    public let options: Options
    /// The thread the async API runs passes on (started by the first async call).
    package let engineThread = EngineThread()

    /// The precision the model computes in: what the backend read from its file (an int8 ONNX export), else the
    /// options' precision.
    public var weightPrecision: Precision { backend.weightPrecision ?? options.precision }

    /// How to load and run.
    public struct Options: Sendable {
        /// Cut over-long inputs to `maxLength` (true), or reject them with an error (false).
        public var truncate: Bool
        /// Engine threads; 0 means one per core.
        public var threads: Int
        /// Packed (padding-free, the default) or padded execution.
        public var mode: ExecutionMode
        /// A lower length limit than the model's, in tokens (nil: the model's own).
        public var maxLength: Int?
        /// The native engine's instruction set (nil: `BERTKIT_ISA` if set, else the CPU's best).
        public var isa: KernelISA?
        /// The native engine's weight precision (fp32 by default).
        public var precision: Precision
        /// A prompt of the folder's `config_sentence_transformers.json` to put before every input (nil: its
        /// `default_prompt_name`, if any).
        public var promptName: String?
        /// A text to put before every input, instead of a named prompt.
        public var prompt: String?
        /// `false`: `embed` never L2-normalizes, whatever the folder's sentence-transformers modules say (a server
        /// that normalizes per request loads the model so). `nil` (the default): as the folder says.
        public var normalize: Bool?
        /// Load the masked-language-model head for `sparseEmbed` (SPLADE); loading then fails on a checkpoint
        /// without one, naming the tensor missing.
        public var sparse = false

        /// Options; by default over-long inputs are an error.
        public init(
            truncate: Bool = false, threads: Int = 0, mode: ExecutionMode = .packed, maxLength: Int? = nil,
            isa: KernelISA? = nil, precision: Precision = .fp32
        ) {
            self.truncate = truncate
            self.threads = threads
            self.mode = mode
            self.maxLength = maxLength
            self.isa = isa
            self.precision = precision
        }

        /// These options with a prompt, by name or text.
        public func with(promptName: String? = nil, prompt: String? = nil) -> Options {
            var copy = self
            copy.promptName = promptName
            copy.prompt = prompt
            return copy
        }
    }

    /// Loads the model in `directory` on the native CPU engine.
    /// int8 products are smoothed from a calibration pass over `Int8Calibration`'s sentences at load
    /// (`BERTKIT_INT8_SMOOTHING=off` in the environment: not, to measure what smoothing changes).
    public init(directory path: String, options: Options = Options()) throws {
        try self.init(directory: path, options: options) { directory, pooling, encoder in
            var native = NativeBackend.Options(
                mode: options.mode, threads: options.threads, isa: options.isa, precision: options.precision,
                sparse: options.sparse)
            if options.precision == .int8 && ProcessInfo.processInfo.environment["BERTKIT_INT8_SMOOTHING"] != "off" {
                native.calibration = try Int8Calibration.batch(encoder)
            }
            return try NativeBackend(
                weights: directory.weights(), config: directory.config, pooling: pooling, options: native)
        }
    }

    /// Loads the tokenizer and settings of the model in `directory`, and the engine that `makeBackend` builds for
    /// it (given the folder and the pooling `embed` uses): ONNX Runtime, TorchScript, or one of your own.
    public init(
        directory path: String, options: Options = Options(),
        backend makeBackend: (ModelDirectory, Pooling) throws -> any InferenceBackend
    ) throws {
        try self.init(directory: path, options: options) { directory, pooling, _ in try makeBackend(directory, pooling) }
    }

    /// As `init(directory:options:backend:)`, the engine built with the model's input encoder at hand.
    init(
        directory path: String, options: Options,
        backend makeBackend: (ModelDirectory, Pooling, InputEncoder) throws -> any InferenceBackend
    ) throws {
        let directory = try ModelDirectory(path: path)
        self.directory = directory
        self.options = options
        encoder = try InputEncoder(directory: directory, options: options)
        let st = directory.sentenceTransformers
        let dense = !(st?.dense.isEmpty ?? true)
        let normalize = (st?.normalize ?? false) && options.normalize != false
        let pooling = Pooling(modes: st?.pooling ?? [.mean], normalize: normalize && !dense)
        self.pooling = pooling
        if let st, dense {
            var head = try SentenceHead(
                directory: directory.path, config: st,
                pooled: pooling.dimension(hidden: directory.config.hiddenSize))
            head.normalize = normalize
            sentenceHead = head
        } else {
            sentenceHead = nil
        }
        backend = try makeBackend(directory, pooling, encoder)
    }

    /// The configuration.
    public var config: BertConfig { directory.config }

    /// The width of `embed`'s vectors.
    public var embeddingDimension: Int { sentenceHead?.dimension ?? pooling.dimension(hidden: config.hiddenSize) }

    /// Tokenizes one input as the model will see it (`encoder.encode`); throws if it is too long and truncation is off.
    public func tokenize(_ input: TextInput) throws -> Encoding { try encoder.encode(input) }

    /// Tokenizes one input as the model will see it, truncated to `maxLength` from `truncation` (`nil`: an input
    /// that is too long is an error), with or without the special tokens.
    /// `prompt` replaces the prompt the model was loaded with, for this input.
    public func tokenize(
        _ input: TextInput, truncation: Truncation.Direction?, addSpecialTokens: Bool = true,
        prompt: String? = nil
    ) throws -> Encoding {
        try encoder.encode(input, truncation: truncation, addSpecialTokens: addSpecialTokens, prompt: prompt)
    }

    /// Tokenizes inputs in parallel; an error names the input (1-based) at fault.
    public func tokenize(_ inputs: [TextInput]) throws -> [Encoding] { try encoder.encode(inputs) }

    /// `input` as the tokenizer sees it, with `prompt` (rather than the model's own) before the text.
    public func prepared(_ input: TextInput, prompt: String?) -> (text: String, pair: String?) {
        encoder.prepared(input, prompt: prompt)
    }

    /// Sentence embeddings, in input order, computed in the batches `batching` makes.
    public func embed(_ inputs: [TextInput], batching: Batching = .default) throws -> [[Float]] {
        try embed(inputs, batching: batching, cancellation: nil)
    }

    func embed(_ inputs: [TextInput], batching: Batching, cancellation: CancellationFlag?) throws -> [[Float]] {
        let pooled = try run(inputs, batching: batching, cancellation: cancellation) { try backend.embed($0) }
        return sentenceHead.map { head in pooled.map(head.callAsFunction) } ?? pooled
    }

    /// Classification logits and the winning label, in input order.
    public func classify(_ inputs: [TextInput], batching: Batching = .default) throws -> [Classification] {
        try classify(inputs, batching: batching, cancellation: nil)
    }

    func classify(_ inputs: [TextInput], batching: Batching, cancellation: CancellationFlag?) throws -> [Classification] {
        try run(inputs, batching: batching, cancellation: cancellation) { try backend.classify($0) }.map { logits in
            let best = VectorMath.argmax(logits)
            let score = logits.isEmpty ? 1 : VectorMath.softmax(logits)[best]
            return Classification(label: config.id2label[best] ?? "LABEL_\(best)", score: score, logits: logits)
        }
    }

    /// Sparse (SPLADE) embeddings, in input order: per input, the maximum over its tokens of log(1 + ReLU(logit)) of
    /// the masked-language-model head's vocabulary logits, nonzero entries only. Needs a model loaded with
    /// `Options.sparse` (a `BertForMaskedLM` or `DistilBertForMaskedLM` checkpoint).
    public func sparseEmbed(_ inputs: [TextInput], batching: Batching = .default) throws -> [SparseVector] {
        try sparseEmbed(inputs, batching: batching, cancellation: nil)
    }

    func sparseEmbed(_ inputs: [TextInput], batching: Batching, cancellation: CancellationFlag?) throws -> [SparseVector] {
        try batching.validate()
        for (i, input) in inputs.enumerated() where input.text.isEmpty || input.pair?.isEmpty == true {
            throw InputError(index: i, underlying: BertKitError.emptyInput)
        }
        return try sparseEmbed(
            encodings: try encoder.encode(inputs, cancellation: cancellation), batching: batching,
            cancellation: cancellation)
    }

    /// Sparse (SPLADE) embeddings of already tokenized inputs (from `tokenize`), in their order.
    public func sparseEmbed(encodings: [Encoding], batching: Batching = .default) throws -> [SparseVector] {
        try sparseEmbed(encodings: encodings, batching: batching, cancellation: nil)
    }

    func sparseEmbed(encodings: [Encoding], batching: Batching, cancellation: CancellationFlag?) throws -> [SparseVector] {
        var results = [SparseVector](repeating: SparseVector(indices: [], values: []), count: encodings.count)
        for batch in try batching.plan(lengths: encodings.map(\.count)) {
            try cancellation?.check()
            for (index, output) in zip(batch, try backend.sparseEmbed(TokenBatch(batch.map { encodings[$0] }))) {
                results[index] = output
            }
        }
        return results
    }

    /// Sentence embeddings of already tokenized inputs (from `tokenize`), in their order.
    public func embed(encodings: [Encoding], batching: Batching = .default) throws -> [[Float]] {
        let pooled = try run(encodings: encodings, batching: batching) { try backend.embed($0) }
        return sentenceHead.map { head in pooled.map(head.callAsFunction) } ?? pooled
    }

    /// Classification logits of already tokenized inputs (from `tokenize`), in their order.
    public func logits(encodings: [Encoding], batching: Batching = .default) throws -> [[Float]] {
        try run(encodings: encodings, batching: batching) { try backend.classify($0) }
    }

    private func run(
        _ inputs: [TextInput], batching: Batching, cancellation: CancellationFlag? = nil,
        _ body: (TokenBatch) throws -> [[Float]]
    ) throws -> [[Float]] {
        try batching.validate()
        for (i, input) in inputs.enumerated()
        where input.text.isEmpty || input.pair?.isEmpty == true {
            throw InputError(index: i, underlying: BertKitError.emptyInput)
        }
        return try run(
            encodings: try encoder.encode(inputs, cancellation: cancellation), batching: batching,
            cancellation: cancellation, body)
    }

    private func run(
        encodings: [Encoding], batching: Batching, cancellation: CancellationFlag? = nil,
        _ body: (TokenBatch) throws -> [[Float]]
    ) throws -> [[Float]] {
        var results = [[Float]](repeating: [], count: encodings.count)
        for batch in try batching.plan(lengths: encodings.map(\.count)) {
            try cancellation?.check()
            for (index, output) in zip(batch, try body(TokenBatch(batch.map { encodings[$0] }))) {
                results[index] = output
            }
        }
        return results
    }
}

/// An error tied to one input of a batch (`index` is 0-based; the message counts from 1).
public struct InputError: Error, Sendable, CustomStringConvertible {
    /// The input's position.
    public let index: Int
    /// What went wrong.
    public let underlying: any Error

    /// The error of input `index` (from 0) of a call.
    public init(index: Int, underlying: any Error) {
        self.index = index
        self.underlying = underlying
    }

    public var description: String { "input \(index + 1): \(underlying)" }
}
