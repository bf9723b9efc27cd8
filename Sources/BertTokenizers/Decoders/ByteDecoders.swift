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
                let b = UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16)
            {
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
