/// A token added to the vocabulary outside the model (special tokens such as `[CLS]`, or user tokens).
public struct AddedToken: Sendable, Equatable {
    /// Its id.
    public var id: Int
    /// Its text.
    public var content: String
    /// Only matches a whole word.
    public var singleWord: Bool
    /// Swallows whitespace on its left.
    public var lstrip: Bool
    /// Swallows whitespace on its right.
    public var rstrip: Bool
    /// Matched in normalized text (true) or in the original text (false).
    public var normalized: Bool
    /// A special token (skipped when decoding).
    public var special: Bool

    /// An added token.
    public init(
        id: Int, content: String, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
        normalized: Bool = true, special: Bool = false
    ) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized
        self.special = special
    }
}

/// Finds added tokens in text before the model sees it (HF `added_vocabulary.rs`): tokens with
/// `normalized == false` in the original text, the others in the normalized pieces between them, each
/// leftmost-longest; `single_word`, `lstrip` and `rstrip` as HF applies them.
struct AddedVocabulary: Sendable {
    /// A piece of input: plain text to tokenize, or a matched added token.
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(AddedToken, Range<Int>)
    }

    let tokens: [AddedToken]
    private let original: PatternSet
    private let normalizedPatterns: PatternSet
    private let byContent: [String: AddedToken]
    private let byId: [Int: AddedToken]

    init(_ tokens: [AddedToken], normalizer: (any Normalizer)?) {
        self.tokens = tokens
        var plain: [(AddedToken, [Unicode.Scalar])] = []
        var normed: [(AddedToken, [Unicode.Scalar])] = []
        var byContent: [String: AddedToken] = [:]
        var byId: [Int: AddedToken] = [:]
        for token in tokens {
            byContent[token.content] = token
            byId[token.id] = token
            guard !token.content.isEmpty else { continue }
            if token.normalized {
                var text = NormalizedString(token.content.unicodeScalars)
                normalizer?.normalize(&text)
                if !text.scalars.isEmpty { normed.append((token, text.scalars)) }
            } else {
                plain.append((token, Array(token.content.unicodeScalars)))
            }
        }
        original = PatternSet(plain)
        normalizedPatterns = PatternSet(normed)
        self.byContent = byContent
        self.byId = byId
    }

    /// The added token whose content is `content`.
    func token(withContent content: String) -> AddedToken? { byContent[content] }

    /// The added token with id `id`.
    func token(withId id: Int) -> AddedToken? { byId[id] }

    /// Splits original text on the added tokens matched there.
    func splitOriginal(_ scalars: [Unicode.Scalar]) -> [Segment] {
        original.split(scalars, 0..<scalars.count)
    }

    /// Splits normalized text on the added tokens matched after normalization.
    func splitNormalized(_ scalars: [Unicode.Scalar]) -> [Segment] {
        normalizedPatterns.split(scalars, 0..<scalars.count)
    }

    var hasNormalizedTokens: Bool { !normalizedPatterns.isEmpty }
}

/// Added-token patterns indexed by first scalar, matched leftmost-longest.
private struct PatternSet: Sendable {
    private let byFirst: [Unicode.Scalar: [(token: AddedToken, scalars: [Unicode.Scalar])]]

    init(_ patterns: [(AddedToken, [Unicode.Scalar])]) {
        var table: [Unicode.Scalar: [(token: AddedToken, scalars: [Unicode.Scalar])]] = [:]
        for (token, scalars) in patterns { table[scalars[0], default: []].append((token, scalars)) }
        byFirst = table
    }

    var isEmpty: Bool { byFirst.isEmpty }

    func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> [AddedVocabulary.Segment] {
        guard !byFirst.isEmpty else { return range.isEmpty ? [] : [.text(range)] }
        var segments: [AddedVocabulary.Segment] = []
        var textStart = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            var best: (token: AddedToken, length: Int)?
            for pattern in byFirst[scalars[i]] ?? [] where pattern.scalars.count > (best?.length ?? 0) {
                let p = pattern.scalars
                guard i + p.count <= range.upperBound else { continue }
                var matches = true
                for k in 1..<max(p.count, 1) where scalars[i + k] != p[k] { matches = false; break }
                if matches { best = (pattern.token, p.count) }
            }
            guard let match = best else { i += 1; continue }
            var start = i, end = i + match.length
            i = end
            if match.token.singleWord {
                let beforeIsWord = start > range.lowerBound && UnicodeClasses.isWordCharacter(scalars[start - 1])
                let afterIsWord = end < range.upperBound && UnicodeClasses.isWordCharacter(scalars[end])
                if beforeIsWord || afterIsWord { continue }
            }
            if match.token.lstrip {
                while start > textStart && UnicodeClasses.isWhitespace(scalars[start - 1]) { start -= 1 }
            }
            if match.token.rstrip {
                while end < range.upperBound && UnicodeClasses.isWhitespace(scalars[end]) { end += 1 }
            }
            if textStart < start { segments.append(.text(textStart..<start)) }
            segments.append(.token(match.token, start..<end))
            textStart = end
            i = end
        }
        if textStart < range.upperBound { segments.append(.text(textStart..<range.upperBound)) }
        return segments
    }
}
