import Foundation

/// A tokenizer built from a Hugging Face `tokenizer.json`: added tokens, normalizer, pre-tokenizer,
/// subword model and post-processor, run exactly as HF `tokenizers` runs them.
public struct Tokenizer: Sendable {
    /// The normalizer, if the file has one.
    public let normalizer: (any Normalizer)?
    /// The pre-tokenizer, if the file has one.
    public let preTokenizer: (any PreTokenizer)?
    /// The subword model.
    public let model: any TokenModel
    /// The post-processor, if the file has one.
    public let postProcessor: (any PostProcessor)?
    /// Truncation applied by `encode`; taken from the file, settable.
    public var truncation: Truncation?
    /// Fixed-length padding applied by `encode`, from the file's `padding` (`Fixed`), settable.
    public var padding: Padding?
    /// The added tokens (special tokens first among them).
    public var addedTokens: [AddedToken] { added.tokens }
    /// The name of the model type (`WordPiece`, ...).
    public let modelKind: String

    private let added: AddedVocabulary

    /// Padding of single encodings, as HF `PaddingParams`.
    public struct Padding: Sendable, Equatable {
        /// Pad every encoding to this length (nil: no padding for single encodings; batches pad to their longest).
        public var fixedLength: Int?
        /// The padding token's id.
        public var padId: Int
        /// Its segment id.
        public var padTypeId: Int
        /// Its string.
        public var padToken: String
    }

    /// Loads `tokenizer.json` from `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TokenizerError.fileUnreadable(path: url.path, reason: Self.reason(error))
        }
        try self.init(json: data, path: url.path)
    }

    /// Builds a tokenizer from the bytes of a `tokenizer.json`; `path` names it in errors.
    public init(json: Data, path: String = "tokenizer.json") throws {
        let spec: TokenizerSpec
        do {
            spec = try JSONDecoder().decode(TokenizerSpec.self, from: json)
        } catch let error as TokenizerError {
            throw Self.withPath(error, path)
        } catch let error as DecodingError {
            throw Self.describe(error, path: path)
        }
        try self.init(spec: spec, path: path)
    }

    init(spec: TokenizerSpec, path: String) throws {
        let normalizer = spec.normalizer?.build()
        self.normalizer = normalizer
        preTokenizer = spec.preTokenizer?.build()
        do {
            model = try spec.model.build()
        } catch let error as TokenizerError {
            throw Self.withPath(error, path)
        }
        if case .wordPiece = spec.model { modelKind = "WordPiece" } else { modelKind = "unknown" }
        postProcessor = spec.postProcessor?.processor
        added = AddedVocabulary(spec.addedTokens.map {
            AddedToken(id: $0.id, content: $0.content, singleWord: $0.singleWord, lstrip: $0.lstrip,
                       rstrip: $0.rstrip, normalized: $0.normalized, special: $0.special)
        }, normalizer: normalizer)
        if let t = spec.truncation {
            guard let strategy = Truncation.Strategy(rawValue: t.strategy),
                  let direction = Truncation.Direction(rawValue: t.direction) else {
                throw TokenizerError.malformed(path: path, jsonPath: "truncation",
                                               reason: "unknown strategy '\(t.strategy)' or direction '\(t.direction)'")
            }
            truncation = Truncation(maxLength: t.maxLength, strategy: strategy, direction: direction)
        }
        if let p = spec.padding {
            padding = Padding(fixedLength: p.fixedLength, padId: p.padId, padTypeId: p.padTypeId, padToken: p.padToken)
        }
    }

    /// The id of `token` in the model's vocabulary or among the added tokens.
    public func id(of token: String) -> Int? {
        added.token(withContent: token)?.id ?? model.id(of: token)
    }

    /// The token string of `id`.
    public func token(of id: Int) -> String? {
        added.tokens.first { $0.id == id }?.content ?? model.token(of: id)
    }

    /// How many tokens the post-processor adds to a single input or a pair.
    public func specialTokenCount(isPair: Bool) -> Int {
        postProcessor?.addedTokens(isPair: isPair) ?? 0
    }

    /// Tokenizes `text` (and `pair`), adds special tokens, truncates and pads as configured.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws -> Encoding {
        var first = encodeSequence(text, sequence: 0)
        var second = pair.map { encodeSequence($0, sequence: 1) }
        if let truncation {
            let added = addSpecialTokens ? specialTokenCount(isPair: second != nil) : 0
            // As HF: when the special tokens alone exceed `maxLength`, nothing is cut.
            if added <= truncation.maxLength {
                try truncation.apply(budget: truncation.maxLength - added, &first, &second)
            }
        }
        var result: Encoding
        if addSpecialTokens, let postProcessor {
            result = postProcessor.process(first, second)
        } else {
            result = first
            if let second {
                for i in 0..<second.count {
                    result.append(id: second.ids[i], token: second.tokens[i], typeId: 1,
                                  special: second.specialTokensMask[i] == 1, offsets: second.offsets[i], sequence: 1)
                }
            }
        }
        if let padding, let length = padding.fixedLength { pad(&result, to: length, with: padding) }
        return result
    }

    /// Tokenizes many inputs in parallel; results are in input order.
    public func encodeBatch(_ inputs: [(text: String, pair: String?)], addSpecialTokens: Bool = true) throws -> [Encoding] {
        let results = ResultBox<Encoding>(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            results.set(i, Result { try encode(inputs[i].text, pair: inputs[i].pair, addSpecialTokens: addSpecialTokens) })
        }
        return try results.values()
    }

    /// Pads `encoding` at the end to `length` tokens.
    public func pad(_ encoding: inout Encoding, to length: Int, with padding: Padding) {
        while encoding.count < length {
            encoding.append(id: padding.padId, token: padding.padToken, typeId: padding.padTypeId, special: true,
                            offsets: 0..<0, sequence: nil)
            encoding.attentionMask[encoding.count - 1] = 0
        }
    }

    /// Added tokens, normalizer, pre-tokenizer and model over one input; no special tokens.
    private func encodeSequence(_ text: String, sequence: Int) -> Encoding {
        let scalars = Array(text.unicodeScalars)
        var out = Encoding()
        var tokens: [Token] = []
        for segment in added.splitOriginal(scalars) {
            switch segment {
            case let .token(token, range):
                out.append(id: token.id, token: token.content, typeId: 0, special: token.special,
                           offsets: range, sequence: sequence)
            case let .text(range):
                var normalized = NormalizedString(scalars[range], offset: range.lowerBound)
                normalizer?.normalize(&normalized)
                let pieces = added.hasNormalizedTokens
                    ? added.splitNormalized(normalized.scalars, 0..<normalized.scalars.count)
                    : [.text(0..<normalized.scalars.count)]
                for piece in pieces {
                    switch piece {
                    case let .token(token, r):
                        out.append(id: token.id, token: token.content, typeId: 0, special: token.special,
                                   offsets: normalized.originalOffsets(of: r), sequence: sequence)
                    case let .text(r):
                        var words: [Range<Int>] = []
                        if let preTokenizer { preTokenizer.split(normalized, r, into: &words) } else { words = [r] }
                        for word in words {
                            tokens.removeAll(keepingCapacity: true)
                            model.tokenize(normalized, word, into: &tokens)
                            for t in tokens {
                                out.append(id: t.id, token: t.value, typeId: 0, special: false,
                                           offsets: normalized.originalOffsets(of: t.range), sequence: sequence)
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

    /// Turns a `DecodingError` into a message naming the JSON path.
    static func describe(_ error: DecodingError, path: String) -> TokenizerError {
        switch error {
        case let .typeMismatch(type, context):
            return .malformed(path: path, jsonPath: jsonPath(context.codingPath), reason: "expected \(type)")
        case let .valueNotFound(type, context):
            return .malformed(path: path, jsonPath: jsonPath(context.codingPath), reason: "expected \(type), found null")
        case let .keyNotFound(key, context):
            return .malformed(path: path, jsonPath: jsonPath(context.codingPath + [key]), reason: "missing field")
        case let .dataCorrupted(context):
            let underlying = context.underlyingError.map { " (\(($0 as NSError).localizedDescription))" } ?? ""
            return .malformed(path: path, jsonPath: jsonPath(context.codingPath),
                              reason: context.debugDescription + underlying)
        @unknown default:
            return .malformed(path: path, jsonPath: "", reason: "\(error)")
        }
    }
}

/// Collects results written from concurrent iterations, each index written once.
final class ResultBox<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<T, any Error>) {
        lock.lock(); slots[index] = value; lock.unlock()
    }

    func values() throws -> [T] {
        try slots.map { slot in
            guard let slot else { throw TokenizerError.truncationImpossible("internal: missing batch result") }
            return try slot.get()
        }
    }
}
