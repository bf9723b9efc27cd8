import Foundation

/// A tokenizer built from a Hugging Face `tokenizer.json`: added tokens, normalizer, pre-tokenizer,
/// subword model, post-processor and decoder, run exactly as HF `tokenizers` runs them.
public struct Tokenizer: Sendable {
    /// The normalizer, if the file has one.
    public let normalizer: (any Normalizer)?
    /// The pre-tokenizer, if the file has one.
    public let preTokenizer: (any PreTokenizer)?
    /// The subword model.
    public let model: any TokenModel
    /// The post-processor, if the file has one.
    public let postProcessor: (any PostProcessor)?
    /// The decoder, if the file has one.
    public let decoder: (any Decoder)?
    /// Truncation applied by `encode`; taken from the file, settable.
    public var truncation: Truncation?
    /// Padding applied by `encode` and `encodeBatch`; taken from the file, settable.
    public var padding: Padding?
    /// The added tokens (special tokens among them), in file order.
    public var addedTokens: [AddedToken] { added.tokens }
    /// The name of the model type (`WordPiece`, `BPE`, `Unigram`, `WordLevel`).
    public let modelKind: String

    private let added: AddedVocabulary

    /// Loads `tokenizer.json` from `url`.
    public init(contentsOf url: URL) throws(TokenizerError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw .fileUnreadable(path: url.path, reason: Self.reason(error))
        }
        try self.init(json: data, path: url.path)
    }

    /// Builds a tokenizer from the bytes of a `tokenizer.json`; `path` names it in errors.
    public init(json: Data, path: String = "tokenizer.json") throws(TokenizerError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(json)
        } catch {
            throw .malformed(path: path, jsonPath: "", reason: "not valid JSON at byte \(error.offset): \(error.reason)")
        }
        do {
            try self.init(root: JSONNode(root))
        } catch {
            throw Self.withPath(error, path)
        }
    }

    private init(root: JSONNode) throws(TokenizerError) {
        guard case .object = root.value else { throw root.error("expected an object, found \(root.value.kindName)") }
        let normalizer = try root.child("normalizer").map { (n) throws(TokenizerError) in try ComponentFactory.normalizer(n) }
        self.normalizer = normalizer
        preTokenizer = try root.child("pre_tokenizer").map { (n) throws(TokenizerError) in try ComponentFactory.preTokenizer(n) }
        (model, modelKind) = try ComponentFactory.model(root.field("model"))
        postProcessor = try root.child("post_processor").map { (n) throws(TokenizerError) in try ComponentFactory.postProcessor(n) }
        decoder = try root.child("decoder").map { (n) throws(TokenizerError) in try ComponentFactory.decoder(n) }
        var tokens: [AddedToken] = []
        for node in try root.child("added_tokens")?.array ?? [] {
            let special = try node.bool("special", default: false)
            tokens.append(
                AddedToken(
                    id: try node.int("id"), content: try node.string("content"),
                    singleWord: try node.bool("single_word", default: false),
                    lstrip: try node.bool("lstrip", default: false), rstrip: try node.bool("rstrip", default: false),
                    normalized: try node.bool("normalized", default: !special), special: special))
        }
        added = AddedVocabulary(tokens, normalizer: normalizer)
        if let t = root.child("truncation") {
            let strategyName = try t.optionalString("strategy") ?? "LongestFirst"
            let directionName = try t.optionalString("direction") ?? "Right"
            guard let strategy = Truncation.Strategy(rawValue: strategyName) else {
                throw TokenizerError.malformed(path: "", jsonPath: "truncation.strategy", reason: "unknown strategy '\(strategyName)'")
            }
            guard let direction = Truncation.Direction(rawValue: directionName) else {
                throw TokenizerError.malformed(path: "", jsonPath: "truncation.direction", reason: "unknown direction '\(directionName)'")
            }
            truncation = Truncation(
                maxLength: try t.int("max_length"), strategy: strategy, direction: direction,
                stride: try t.optionalInt("stride") ?? 0)
        }
        if let p = root.child("padding") {
            var fixed: Int?
            if let strategy = p.child("strategy") {
                if let length = strategy.child("Fixed") {
                    fixed = try length.int
                } else if try strategy.string != "BatchLongest" {
                    throw strategy.error("unknown padding strategy '\(try strategy.string)'")
                }
            }
            padding = Padding(
                fixedLength: fixed, padToMultipleOf: try p.optionalInt("pad_to_multiple_of"),
                left: try p.optionalString("direction") == "Left", padId: try p.optionalInt("pad_id") ?? 0,
                padTypeId: try p.optionalInt("pad_type_id") ?? 0, padToken: try p.optionalString("pad_token") ?? "[PAD]")
        }
    }

    /// The id of `token` among the added tokens or in the model's vocabulary.
    public func id(of token: String) -> Int? {
        added.token(withContent: token)?.id ?? model.id(of: token)
    }

    /// The token string of `id`.
    public func token(of id: Int) -> String? {
        added.token(withId: id)?.content ?? model.token(of: id)
    }

    /// How many tokens the post-processor adds to a single input or a pair.
    public func specialTokenCount(isPair: Bool) -> Int {
        postProcessor?.addedTokens(isPair: isPair) ?? 0
    }

    /// Checks truncation settings as HF's `with_truncation` does: the stride must leave room in a window.
    public func validate(_ truncation: Truncation) throws(TokenizerError) {
        let added = specialTokenCount(isPair: false)
        let effective = truncation.maxLength - added
        if effective < truncation.stride {
            throw .truncationImpossible(
                "stride \(truncation.stride) is not less than the effective maximum length "
                    + "\(effective) (\(truncation.maxLength) minus \(added) special tokens)")
        }
    }

    /// Tokenizes UTF-8 bytes; invalid UTF-8 is an error, never repaired silently.
    public func encode(utf8 bytes: some Collection<UInt8>, addSpecialTokens: Bool = true) throws(TokenizerError) -> Encoding {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return try encode(text, addSpecialTokens: addSpecialTokens)
    }

    /// Tokenizes `text` (and `pair`), adds special tokens, truncates and pads as configured.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws(TokenizerError) -> Encoding {
        var first = try encodeSequence(text, typeId: 0)
        var second = try pair.map { (p) throws(TokenizerError) in try encodeSequence(p, typeId: 1) }
        if let truncation {
            let n = specialTokenCount(isPair: second != nil)
            if addSpecialTokens && n > 0 {
                // As HF (release builds): when the special tokens alone exceed `maxLength`, nothing is cut.
                if n <= truncation.maxLength { try truncation.apply(budget: truncation.maxLength - n, &first, &second) }
            } else {
                try truncation.apply(budget: truncation.maxLength, &first, &second)
            }
        }
        var result: Encoding
        if let postProcessor {
            result = postProcessor.process(first, second, addSpecialTokens: addSpecialTokens)
        } else {
            result = second.map { Encoding.merged([first, $0]) } ?? first
        }
        if let padding {
            var one = [result]
            padding.apply(&one)
            result = one[0]
        }
        return result
    }

    /// Tokenizes many inputs in parallel (all cores); results are in input order, padded together when
    /// padding is set.
    public func encodeBatch(_ inputs: [(text: String, pair: String?)], addSpecialTokens: Bool = true) throws(TokenizerError) -> [Encoding] {
        let unpadded = {
            var copy = self; copy.padding = nil; return copy
        }()
        let results = ResultBox<Encoding>(count: inputs.count)
        let chunk = max(1, inputs.count / (ProcessInfo.processInfo.activeProcessorCount * 4))
        let chunks = (inputs.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(inputs.count, (c + 1) * chunk) {
                results.set(
                    i,
                    Result { () throws(TokenizerError) -> Encoding in
                        try unpadded.encode(inputs[i].text, pair: inputs[i].pair, addSpecialTokens: addSpecialTokens)
                    })
            }
        }
        var encodings = try results.values()
        padding?.apply(&encodings)
        return encodings
    }

    /// Turns ids back into text through the decoder (tokens joined by spaces without one).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        var tokens: [String] = []
        for id in ids {
            if let token = added.token(withId: id) {
                if skipSpecialTokens && token.special { continue }
                tokens.append(token.content)
            } else if let token = model.token(of: id) {
                if skipSpecialTokens, let a = added.token(withContent: token), a.special { continue }
                tokens.append(token)
            }
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }

    /// Added tokens, normalizer, pre-tokenizer and model over one input; no special tokens.
    private func encodeSequence(_ text: String, typeId: Int) throws(TokenizerError) -> Encoding {
        let scalars = Array(text.unicodeScalars)
        var out = Encoding()
        out.reserve(scalars.count / 3 + 4)
        var tokens: [Token] = []
        for segment in added.splitOriginal(scalars) {
            switch segment {
            case let .token(token, range):
                out.append(
                    id: token.id, token: String(scalars: scalars[range]), typeId: typeId, special: false,
                    offsets: range, sequence: typeId)
            case let .text(range):
                var normalized = NormalizedString(scalars[range], offset: range.lowerBound)
                normalizer?.normalize(&normalized)
                let pieces =
                    added.hasNormalizedTokens
                    ? added.splitNormalized(normalized.scalars)
                    : [.text(0..<normalized.scalars.count)]
                for piece in pieces {
                    switch piece {
                    case let .token(token, r):
                        out.append(
                            id: token.id, token: String(scalars: normalized.scalars[r]), typeId: typeId, special: false,
                            offsets: normalized.originalOffsets(of: r), sequence: typeId)
                    case let .text(r):
                        var words = PreTokenizedString(normalized, range: r)
                        preTokenizer?.preTokenize(&words)
                        for word in words.splits {
                            tokens.removeAll(keepingCapacity: true)
                            try model.tokenize(words.text, word, into: &tokens)
                            for t in tokens {
                                out.append(
                                    id: t.id, token: t.value, typeId: typeId, special: false,
                                    offsets: words.text.originalOffsets(of: t.range), sequence: typeId)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }

    private static func withPath(_ error: TokenizerError, _ path: String) -> TokenizerError {
        if case let .malformed(_, jsonPath, reason) = error { return .malformed(path: path, jsonPath: jsonPath, reason: reason) }
        return error
    }
}

/// Collects results written from concurrent iterations, each index written once.
final class ResultBox<T>: @unchecked Sendable {
    private var slots: [Result<T, TokenizerError>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<T, TokenizerError>) {
        lock.lock(); slots[index] = value; lock.unlock()
    }

    func values() throws(TokenizerError) -> [T] {
        var out: [T] = []
        out.reserveCapacity(slots.count)
        for slot in slots {
            guard let slot else { throw .truncationImpossible("internal: missing batch result") }
            out.append(try slot.get())
        }
        return out
    }
}
