/// WordPiece: continuing pieces lose their prefix, others get a space; optional cleanup of spaces before
/// punctuation and contractions.
public struct WordPieceDecoder: Decoder {
    /// The continuing-subword prefix.
    public let prefix: String
    /// Apply HF's cleanup rules.
    public let cleanup: Bool
    /// A WordPiece decoder.
    public init(prefix: String = "##", cleanup: Bool = true) { self.prefix = prefix; self.cleanup = cleanup }

    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var t = token
            if i != 0 {
                let p = prefix.unicodeScalars, u = t.unicodeScalars
                t = u.starts(with: p) ? String(scalars: u.dropFirst(p.count)) : " " + t
            }
            return cleanup ? Self.cleanup(t) : t
        }
    }

    /// HF's `wordpiece::cleanup`.
    static func cleanup(_ s: String) -> String {
        var t = s
        for (a, b) in [
            (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
            (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
        ] {
            t = t.replacingAll(a, with: b)
        }
        return t
    }
}

/// CTC: repeated tokens collapse, the pad token is removed, the word delimiter becomes a space.
public struct CTCDecoder: Decoder {
    /// The blank token.
    public let padToken: String
    /// The word delimiter.
    public let wordDelimiterToken: String
    /// Apply cleanup rules.
    public let cleanup: Bool
    /// A CTC decoder.
    public init(padToken: String, wordDelimiterToken: String, cleanup: Bool) {
        self.padToken = padToken
        self.wordDelimiterToken = wordDelimiterToken
        self.cleanup = cleanup
    }
    public func decodeChain(_ tokens: [String]) -> [String] {
        var deduped: [String] = []
        for t in tokens where deduped.last != t { deduped.append(t) }
        return deduped.compactMap { token in
            var t = token.replacingAll(padToken, with: "")
            if cleanup { t = WordPieceDecoder.cleanup(t).replacingAll(wordDelimiterToken, with: " ") }
            return t.isEmpty ? nil : t
        }
    }
}

/// BPE with an end-of-word suffix: the suffix becomes a space (nothing on the last token).
public struct BPEDecoder: Decoder {
    /// The end-of-word suffix.
    public let suffix: String
    /// A BPE decoder.
    public init(suffix: String = "</w>") { self.suffix = suffix }
    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, t in t.replacingAll(suffix, with: i == tokens.count - 1 ? "" : " ") }
    }
}
