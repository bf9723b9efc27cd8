/// The `ByteLevel` post-processor: trims spaces from offsets, adds nothing.
public struct ByteLevelProcessor: PostProcessor {
    /// Trim leading and trailing spaces from offsets.
    public let trimOffsets: Bool
    /// The pre-tokenizer added a space in front.
    public let addPrefixSpace: Bool
    /// A byte-level processor.
    public init(trimOffsets: Bool, addPrefixSpace: Bool) { self.trimOffsets = trimOffsets; self.addPrefixSpace = addPrefixSpace }

    public func addedTokens(isPair: Bool) -> Int { 0 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        guard trimOffsets else { return encodings }
        var encodings = encodings
        for i in encodings.indices { ByteLevelOffsets.trim(&encodings[i], addPrefixSpace: addPrefixSpace) }
        return encodings
    }
}

/// HF's `process_offsets`: offsets lose the spaces (`Ġ` or whitespace) a token starts or ends with.
enum ByteLevelOffsets {
    static func trim(_ encoding: inout Encoding, addPrefixSpace: Bool) {
        let space = ByteLevelAlphabet.scalars[32]
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == space || s.properties.isWhitespace }
        for i in 0..<encoding.count {
            let scalars = encoding.tokens[i].unicodeScalars
            var leading = 0
            for s in scalars { if isSpace(s) { leading += 1 } else { break } }
            var trailing = 0
            for s in scalars.reversed() { if isSpace(s) { trailing += 1 } else { break } }
            guard leading > 0 || trailing > 0 else { continue }
            var range = encoding.offsets[i]
            var start = range.lowerBound, end = range.upperBound
            if leading > 0 {
                let isFirst = i == 0 || start == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                start = min(start + leading, end)
            }
            if trailing > 0 && end >= trailing { end = max(end - trailing, start) }
            range = start..<end
            encoding.offsets[i] = range
        }
        for k in encoding.overflowing.indices { trim(&encoding.overflowing[k], addPrefixSpace: addPrefixSpace) }
    }
}
