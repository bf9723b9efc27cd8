/// Metaspace: `▁` becomes a space, except at the start of the first token unless the scheme is `never`.
public struct MetaspaceDecoder: Decoder {
    /// The marker.
    public let replacement: Unicode.Scalar
    /// The pre-tokenizer's prepend scheme.
    public let prependScheme: MetaspacePreTokenizer.PrependScheme
    /// A Metaspace decoder.
    public init(replacement: Unicode.Scalar, prependScheme: MetaspacePreTokenizer.PrependScheme) {
        self.replacement = replacement
        self.prependScheme = prependScheme
    }
    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var view = String.UnicodeScalarView()
            for s in token.unicodeScalars {
                if s == replacement {
                    if !(i == 0 && prependScheme != .never) { view.append(" ") }
                } else {
                    view.append(s)
                }
            }
            return String(view)
        }
    }
}

/// Removes up to `start` leading and `stop` trailing occurrences of a character from each token.
public struct StripDecoder: Decoder {
    /// The character removed.
    public let content: Character
    /// How many at the start, at most.
    public let start: Int
    /// How many at the end, at most.
    public let stop: Int
    /// A strip decoder.
    public init(content: Character, start: Int, stop: Int) { self.content = content; self.start = start; self.stop = stop }
    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            let chars = Array(token.unicodeScalars)
            let c = content.unicodeScalars.first
            var startCut = 0
            for i in 0..<min(start, chars.count) { if chars[i] == c { startCut = i + 1 } else { break } }
            var stopCut = chars.count
            for i in 0..<min(stop, chars.count) {
                let index = chars.count - i - 1
                if chars[index] == c { stopCut = index } else { break }
            }
            return stopCut > startCut ? String(scalars: chars[startCut..<stopCut]) : ""
        }
    }
}

/// Replaces a pattern in each token.
public struct ReplaceDecoder: Decoder {
    /// What is replaced.
    public let pattern: SplitPattern
    /// The replacement.
    public let content: String
    /// A replace decoder.
    public init(pattern: SplitPattern, content: String) { self.pattern = pattern; self.content = content }
    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            let scalars = Array(token.unicodeScalars)
            var out = ""
            for piece in pattern.matches(in: scalars, 0..<scalars.count) {
                out += piece.isMatch ? content : String(scalars: scalars[piece.range])
            }
            return out
        }
    }
}
