/// A decoder stage: turns tokens back into text pieces (HF `Decoder::decode_chain`); the pieces are joined.
public protocol Decoder: Sendable {
    /// Rewrites the token strings.
    func decodeChain(_ tokens: [String]) -> [String]
}

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
                t = u.starts(with: p) ? String(String.UnicodeScalarView(u.dropFirst(p.count))) : " " + t
            }
            return cleanup ? Self.cleanup(t) : t
        }
    }

    /// HF's `wordpiece::cleanup`.
    static func cleanup(_ s: String) -> String {
        var t = s
        for (a, b) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
                       (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            t = t.replacingAll(a, with: b)
        }
        return t
    }
}

/// Byte-level: maps GPT-2's printable characters back to bytes, invalid UTF-8 replaced.
public struct ByteLevelDecoder: Decoder {
    public init() {}
    public func decodeChain(_ tokens: [String]) -> [String] {
        var bytes: [UInt8] = []
        for token in tokens {
            var mapped: [UInt8] = []
            var ok = true
            for s in token.unicodeScalars {
                guard let b = ByteLevelAlphabet.bytes[s] else { ok = false; break }
                mapped.append(b)
            }
            bytes += ok ? mapped : Array(token.utf8)
        }
        return [String(decoding: bytes, as: UTF8.self)]
    }
}

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

/// Byte fallback: runs of `<0xXX>` tokens become their UTF-8 text (one U+FFFD per byte when invalid).
public struct ByteFallbackDecoder: Decoder {
    public init() {}
    public func decodeChain(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                out.append(s)
            } else {
                out += Array(repeating: "\u{FFFD}", count: pending.count)
            }
            pending.removeAll()
        }
        for token in tokens {
            let u = Array(token.utf8)
            if u.count == 6, token.hasPrefix("<0x"), u[5] == UInt8(ascii: ">"),
               let b = UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16) {
                pending.append(b)
            } else {
                flush()
                out.append(token)
            }
        }
        flush()
        return out
    }
}

/// Joins all tokens into one.
public struct FuseDecoder: Decoder {
    public init() {}
    public func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
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

/// Several decoders in order.
public struct SequenceDecoder: Decoder {
    /// The stages.
    public let decoders: [any Decoder]
    /// A sequence of decoders.
    public init(decoders: [any Decoder]) { self.decoders = decoders }
    public func decodeChain(_ tokens: [String]) -> [String] { decoders.reduce(tokens) { $1.decodeChain($0) } }
}

extension String {
    /// Every occurrence of `target` replaced (scalar-exact, unlike `Character` comparison).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let source = Array(unicodeScalars), needle = Array(target.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < source.count {
            if i + needle.count <= source.count, source[i] == needle[0],
               (1..<needle.count).allSatisfy({ source[i + $0] == needle[$0] }) {
                out.append(contentsOf: replacement.unicodeScalars)
                i += needle.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(out)
    }
}
