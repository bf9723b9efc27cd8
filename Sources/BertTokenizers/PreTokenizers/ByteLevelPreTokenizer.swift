/// GPT-2's byte-level pre-tokenizer (HF `ByteLevel`): optionally a leading space, the GPT-2 word pattern,
/// then every UTF-8 byte mapped to a printable character, each aligned with the character it came from.
public struct ByteLevelPreTokenizer: PreTokenizer {
    /// Insert a space before a word that does not start with one.
    public let addPrefixSpace: Bool
    /// Cut with the GPT-2 pattern (else only map bytes).
    public let useRegex: Bool

    /// A byte-level pre-tokenizer.
    public init(addPrefixSpace: Bool, useRegex: Bool = true) {
        self.addPrefixSpace = addPrefixSpace
        self.useRegex = useRegex
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        var prefixed: [Unicode.Scalar] = []
        var origins: [Int] = []
        var pieces: [Range<Int>] = []
        var utf8 = [UInt8](repeating: 0, count: 4)
        text.rewrite { normalized, range, out in
            prefixed.removeAll(keepingCapacity: true)
            origins.removeAll(keepingCapacity: true)
            if addPrefixSpace && normalized.scalars[range.lowerBound] != " " {
                prefixed.append(" ")
                origins.append(normalized.alignments[range.lowerBound])
            }
            prefixed.append(contentsOf: normalized.scalars[range])
            origins.append(contentsOf: normalized.alignments[range])
            pieces.removeAll(keepingCapacity: true)
            if useRegex {
                GPT2Pattern.split(prefixed, into: &pieces)
            } else {
                pieces.append(0..<prefixed.count)
            }
            for piece in pieces {
                for i in piece {
                    let scalar = prefixed[i]
                    if scalar.value < 0x80 {
                        out.append(ByteLevelAlphabet.scalars[Int(scalar.value)], alignedTo: origins[i])
                    } else {
                        var n = 0
                        for b in UTF8.encode(scalar)! { utf8[n] = b; n += 1 }
                        for k in 0..<n { out.append(ByteLevelAlphabet.scalars[Int(utf8[k])], alignedTo: origins[i]) }
                    }
                }
                out.cut()
            }
        }
    }
}

/// The printable character GPT-2 uses for each byte, and back.
enum ByteLevelAlphabet {
    static let scalars: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    static let bytes: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (b, s) in scalars.enumerated() { map[s] = UInt8(b) }
        return map
    }()
}

/// GPT-2's pattern `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, matched by hand.
enum GPT2Pattern {
    /// Appends the pieces of `s` (matches and the gaps between them; the pattern matches everything).
    static func split(_ s: [Unicode.Scalar], into pieces: inout [Range<Int>]) {
        let n = s.count
        var i = 0
        while i < n {
            let end = match(s, at: i)
            pieces.append(i..<end)
            i = end
        }
    }

    private static func isN(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v >= 48 && v <= 57 }
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    private static func isOther(_ c: Unicode.Scalar) -> Bool {
        !UnicodeClasses.isWhitespace(c) && !UnicodeClasses.isLetter(c) && !isN(c)
    }

    /// The end of the match starting at `i`.
    private static func match(_ s: [Unicode.Scalar], at i: Int) -> Int {
        let n = s.count
        let c = s[i]
        if c == "'" && i + 1 < n {
            let a = s[i + 1]
            if a == "s" || a == "t" || a == "m" || a == "d" { return i + 2 }
            if i + 2 < n {
                let b = s[i + 2]
                if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return i + 3 }
            }
        }
        let j = c == " " && i + 1 < n ? i + 1 : i
        let d = s[j]
        if j < n {
            if UnicodeClasses.isLetter(d) {
                var k = j + 1
                while k < n && UnicodeClasses.isLetter(s[k]) { k += 1 }
                return k
            }
            if isN(d) {
                var k = j + 1
                while k < n && isN(s[k]) { k += 1 }
                return k
            }
            if isOther(d) {
                var k = j + 1
                while k < n && isOther(s[k]) { k += 1 }
                return k
            }
        }
        // Whitespace: a run, leaving its last character to the next word when a non-space follows.
        var k = i
        while k < n && UnicodeClasses.isWhitespace(s[k]) { k += 1 }
        if k == i { return i + 1 }
        if k == n || k - 1 == i { return k }
        return k - 1
    }
}
