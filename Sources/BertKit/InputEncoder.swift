import BertModelIO
import BertTokenizers
import Foundation

/// How a model folder turns inputs into token ids, the one way every front end does it (`embed`, `classify`,
/// `serve`, `bench`, `tune`, `compare-precision`): the folder's tokenizer with the model's length limit, the
/// sentence-transformers prompt, and what `SentenceTransformer.encode` does to a text (leading and trailing
/// whitespace stripped, lowercased when `do_lower_case` is set). Loads no weights.
///
/// ```swift
/// let encoder = try InputEncoder(directory: ModelDirectory(path: "models/e5-small"), options: .init(truncate: true))
/// let encoding = try encoder.encode(TextInput("how do I bake bread?"))
/// ```
public struct InputEncoder: Sendable {
    /// The tokenizer: truncation to `maxLength` when the options ask for it (else off), no padding.
    public let tokenizer: Tokenizer
    /// The text put before every input (a sentence-transformers prompt), if any.
    public let prompt: String?
    /// Longest input in tokens, special tokens included: `max_seq_length` of sentence-transformers if set, else the
    /// model's position limit, lowered by the options' `maxLength`.
    public let maxLength: Int
    /// The folder's sentence-transformers settings (whitespace and case rules), when it has them.
    let sentenceTransformers: SentenceTransformersConfig?

    /// The encoder of `directory` for `options` (truncation, length limit, prompt by name or text; without either,
    /// the folder's `default_prompt_name`, as `SentenceTransformer.encode` applies it).
    public init(directory: ModelDirectory, options: BertModel.Options) throws {
        (tokenizer, maxLength) = try Self.tokenizer(for: directory, truncate: options.truncate, maxLength: options.maxLength)
        sentenceTransformers = directory.sentenceTransformers
        prompt = try Self.prompt(
            directory.sentenceTransformers, text: options.prompt, name: options.promptName,
            path: directory.path)
    }

    /// `input` as the tokenizer sees it, with `prompt` before the text: a sentence-transformers folder strips and
    /// (with `do_lower_case`) lowercases both texts, as `SentenceTransformer.encode` does; others keep them as given.
    public func prepared(_ input: TextInput, prompt: String?) -> (text: String, pair: String?) {
        guard let st = sentenceTransformers else { return ((prompt ?? "") + input.text, input.pair) }
        func clean(_ s: String) -> String {
            let stripped = SentenceWhitespace.strip(s)
            return st.doLowerCase ? stripped.lowercased() : stripped
        }
        return (clean((prompt ?? "") + input.text), input.pair.map(clean))
    }

    /// `input` as the tokenizer sees it, with the encoder's prompt.
    public func prepared(_ input: TextInput) -> (text: String, pair: String?) { prepared(input, prompt: prompt) }

    /// One input's encoding; throws `tooLong` when it is over `maxLength` and truncation is off.
    public func encode(_ input: TextInput) throws -> Encoding {
        let (text, pair) = prepared(input)
        return try checked(tokenizer.encode(text, pair: pair))
    }

    /// One input's encoding, truncated to `maxLength` from `truncation` (`nil`: an input that is too long is an error),
    /// with or without the special tokens; `prompt` (nil: the encoder's own) goes before the text.
    public func encode(
        _ input: TextInput, truncation: Truncation.Direction?, addSpecialTokens: Bool = true,
        prompt: String? = nil
    ) throws -> Encoding {
        var tokenizer = self.tokenizer
        tokenizer.truncation = truncation.map {
            Truncation(maxLength: maxLength, strategy: self.tokenizer.truncation?.strategy ?? .longestFirst, direction: $0)
        }
        let (text, pair) = prepared(input, prompt: prompt ?? self.prompt)
        return try checked(tokenizer.encode(text, pair: pair, addSpecialTokens: addSpecialTokens))
    }

    /// Encodings of `inputs`, in parallel; an error names the input (from 1) at fault.
    public func encode(_ inputs: [TextInput]) throws -> [Encoding] {
        let encodings = try tokenizer.encodeBatch(inputs.map(prepared))
        for (i, encoding) in encodings.enumerated() where encoding.count > maxLength {
            throw InputError(index: i, underlying: TokenizerError.tooLong(tokens: encoding.count, maxLength: maxLength))
        }
        return encodings
    }

    /// Inputs tokenized at a time by a cancellable call: small enough that a cancelled call stops within
    /// milliseconds of tokenizing, large enough that every core has work.
    static let cancellableChunk = 256

    /// Encodings of `inputs` as `encode(_:)` gives them, tokenized `cancellableChunk` at a time with `cancellation`
    /// checked before each, so a cancelled async call stops while tokenizing a long list too.
    func encode(_ inputs: [TextInput], cancellation: CancellationFlag?) throws -> [Encoding] {
        guard let cancellation, inputs.count > Self.cancellableChunk else { return try encode(inputs) }
        var encodings: [Encoding] = []
        encodings.reserveCapacity(inputs.count)
        for start in stride(from: 0, to: inputs.count, by: Self.cancellableChunk) {
            try cancellation.check()
            do {
                encodings += try encode(Array(inputs[start..<min(inputs.count, start + Self.cancellableChunk)]))
            } catch let error as InputError {
                throw InputError(index: start + error.index, underlying: error.underlying)
            }
        }
        return encodings
    }

    /// Token counts of `inputs` without truncation (to count the inputs that truncation cuts).
    public func untruncatedLengths(_ inputs: [TextInput]) throws -> [Int] {
        var untruncated = tokenizer
        untruncated.truncation = nil
        return try untruncated.encodeBatch(inputs.map(prepared)).map(\.count)
    }

    private func checked(_ encoding: Encoding) throws -> Encoding {
        guard encoding.count <= maxLength else { throw TokenizerError.tooLong(tokens: encoding.count, maxLength: maxLength) }
        return encoding
    }

    /// The prompt asked for: `text`, else the named prompt of the folder (an unknown name is an error listing the
    /// folder's prompts), else the folder's default prompt.
    static func prompt(_ st: SentenceTransformersConfig?, text: String?, name: String?, path: String) throws -> String? {
        if let text { return text }
        let prompts = st?.prompts ?? [:]
        if let name {
            guard let text = prompts[name] else {
                throw BertKitError.invalidArgument(
                    prompts.isEmpty
                        ? "prompt '\(name)': \(path) has no prompts (config_sentence_transformers.json)"
                        : "prompt '\(name)' is not one of \(path)'s prompts: \(prompts.keys.sorted().joined(separator: ", "))")
            }
            return text
        }
        return st?.defaultPromptName.flatMap { prompts[$0] }
    }

    /// The tokenizer of `directory` with truncation to the model's length (or off) and no padding, and that length.
    static func tokenizer(for directory: ModelDirectory, truncate: Bool, maxLength requested: Int?) throws -> (Tokenizer, Int) {
        let config = directory.config
        var tokenizer: Tokenizer
        if FileManager.default.fileExists(atPath: directory.tokenizerPath) {
            tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: directory.tokenizerPath))
        } else if let converted = try SlowTokenizerFiles.tokenizer(folder: directory.path) {
            tokenizer = converted
        } else {
            throw ModelIOError.missingFile(directory.tokenizerPath)
        }
        if let requested, requested < 2 {
            throw BertKitError.invalidArgument("maximum length must be at least 2 tokens, got \(requested)")
        }
        let limit = min(
            directory.sentenceTransformers?.maxSeqLength ?? config.maxSequenceLength, config.maxSequenceLength,
            requested ?? .max)
        if truncate {
            let fromFile = tokenizer.truncation
            tokenizer.truncation = Truncation(
                maxLength: limit, strategy: fromFile?.strategy ?? .longestFirst,
                direction: fromFile?.direction ?? .right)
        } else {
            tokenizer.truncation = nil
        }
        tokenizer.padding = nil
        return (tokenizer, limit)
    }
}
