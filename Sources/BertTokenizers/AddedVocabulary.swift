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
    /// A special token (skipped when decoding, flagged in the special-tokens mask).
    public var special: Bool
}

/// Finds added tokens in text, leftmost-longest, before the model sees it (HF `added_vocabulary.rs`).
struct AddedVocabulary: Sendable {
    /// A piece of input: plain text to tokenize, or a matched added token.
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(AddedToken, Range<Int>)
    }

    let tokens: [AddedToken]
    private let original: [(token: AddedToken, scalars: [Unicode.Scalar])]
    private let normalizedTokens: [(token: AddedToken, scalars: [Unicode.Scalar])]
    private let byContent: [String: AddedToken]

    init(_ tokens: [AddedToken], normalizer: (any Normalizer)?) {
        self.tokens = tokens
        var plain: [(token: AddedToken, scalars: [Unicode.Scalar])] = []
        var normed: [(token: AddedToken, scalars: [Unicode.Scalar])] = []
        var byContent: [String: AddedToken] = [:]
        for token in tokens where !token.content.isEmpty {
            byContent[token.content] = token
            if token.normalized && !token.special {
                var text = NormalizedString(token.content.unicodeScalars)
                normalizer?.normalize(&text)
                normed.append((token, text.scalars))
            } else {
                plain.append((token, Array(token.content.unicodeScalars)))
            }
        }
        original = plain
        normalizedTokens = normed
        self.byContent = byContent
    }

    /// The added token whose content is `content`.
    func token(withContent content: String) -> AddedToken? { byContent[content] }

    /// Splits original text on the added tokens matched there.
    func splitOriginal(_ scalars: [Unicode.Scalar]) -> [Segment] {
        Self.split(scalars, 0..<scalars.count, patterns: original)
    }

    /// Splits a normalized range on the added tokens matched after normalization.
    func splitNormalized(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> [Segment] {
        Self.split(scalars, range, patterns: normalizedTokens)
    }

    var hasNormalizedTokens: Bool { !normalizedTokens.isEmpty }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
    }

    private static func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>,
                              patterns: [(token: AddedToken, scalars: [Unicode.Scalar])]) -> [Segment] {
        guard !patterns.isEmpty, !range.isEmpty else { return range.isEmpty ? [] : [.text(range)] }
        var segments: [Segment] = []
        var textStart = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            var best: (token: AddedToken, length: Int)?
            for pattern in patterns where pattern.scalars.count > (best?.length ?? 0) {
                let p = pattern.scalars
                guard i + p.count <= range.upperBound, scalars[i] == p[0] else { continue }
                var matches = true
                for k in 1..<p.count where scalars[i + k] != p[k] { matches = false; break }
                guard matches else { continue }
                if pattern.token.singleWord {
                    let before = i > range.lowerBound ? scalars[i - 1] : nil
                    let after = i + p.count < range.upperBound ? scalars[i + p.count] : nil
                    if let b = before, isWordScalar(b), isWordScalar(p[0]) { continue }
                    if let a = after, isWordScalar(a), isWordScalar(p[p.count - 1]) { continue }
                }
                best = (pattern.token, p.count)
            }
            guard let match = best else { i += 1; continue }
            var start = i, end = i + match.length
            if match.token.lstrip {
                while start > textStart && scalars[start - 1].properties.isWhitespace { start -= 1 }
            }
            if match.token.rstrip {
                while end < range.upperBound && scalars[end].properties.isWhitespace { end += 1 }
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
