import Foundation

/// A recursive-descent JSON parser over UTF-8 bytes: strings without escapes are decoded in one step, numbers
/// with `strtod` (correctly rounded, as Rust's `f64` parsing), invalid UTF-8 in strings is an error.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipSpace()
        guard at == bytes.count else { throw fail("unexpected content after the document") }
        return value
    }

    private func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: at, reason: reason) }

    private mutating func skipSpace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard at < bytes.count else { throw fail("unexpected end of file") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { throw fail("unexpected end of file") }
        for k in 0..<count where bytes[at + k] != word.utf8Start[k] { throw fail("invalid literal") }
        at += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > 512 { throw fail("nesting deeper than 512 levels") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        at += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if at < bytes.count && bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            at += 1
            members.append((key, try parseValue()))
            skipSpace()
            guard at < bytes.count else { throw fail("unexpected end of file in an object") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        at += 1
        var elements: [JSONValue] = []
        skipSpace()
        if at < bytes.count && bytes[at] == UInt8(ascii: "]") { at += 1; return .array(elements) }
        while true {
            elements.append(try parseValue())
            skipSpace()
            guard at < bytes.count else { throw fail("unexpected end of file in an array") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(elements) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        at += 1
        let start = at
        // Fast path: no escapes.
        while at < bytes.count {
            let b = bytes[at]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<at])
                at += 1
                guard let s = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in a string") }
            at += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while at < bytes.count {
            let b = bytes[at]
            if b == UInt8(ascii: "\"") {
                at += 1
                guard let s = String(validating: buffer, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return s
            }
            if b < 0x20 { throw fail("control character in a string") }
            if b != UInt8(ascii: "\\") { buffer.append(b); at += 1; continue }
            at += 1
            guard at < bytes.count else { break }
            let e = bytes[at]
            at += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    at += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(code) {
                    throw fail("unpaired surrogate in \\u escape")
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                buffer.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            at += 1
        }
        return value
    }

    /// Parses a number exactly as `serde_json` (without its `float_roundtrip` feature) does, the parser HF
    /// `tokenizers` reads tokenizer.json with: decimal digits into a `u64` significand (digits past its range
    /// are dropped), then one multiplication or division by a power of ten. The result can differ from the
    /// correctly rounded value by an ulp, and Unigram's Viterbi ties depend on those ulps.
    private mutating func parseNumber() throws(JSONParseError) -> Double {
        var positive = true
        if at < bytes.count && bytes[at] == UInt8(ascii: "-") { positive = false; at += 1 }
        guard at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") else { throw fail("expected a value") }
        var significand: UInt64 = 0
        var exponent = 0
        var overflowed = false
        func push(_ digit: UInt64) -> Bool {
            let limit = UInt64.max / 10
            if significand >= limit && (significand > limit || digit > UInt64.max % 10) { return false }
            significand = significand * 10 + digit
            return true
        }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
            if at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { throw fail("leading zero in a number") }
        } else {
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                // serde_json switches to float parsing past u64: later integer digits still scale the value.
                if !overflowed && !push(UInt64(bytes[at] - UInt8(ascii: "0"))) { overflowed = true }
                if overflowed { exponent += 1 }
                at += 1
            }
        }
        var isInteger = !overflowed
        if at < bytes.count && bytes[at] == UInt8(ascii: ".") {
            isInteger = false
            at += 1
            var digits = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                if !overflowed && push(UInt64(bytes[at] - UInt8(ascii: "0"))) { exponent -= 1 } else { overflowed = true }
                digits += 1
                at += 1
            }
            guard digits > 0 else { throw fail("expected digits after the decimal point") }
        }
        if at < bytes.count && (bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E")) {
            isInteger = false
            at += 1
            var negativeExponent = false
            if at < bytes.count && (bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-")) {
                negativeExponent = bytes[at] == UInt8(ascii: "-")
                at += 1
            }
            var value = 0
            var digits = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                value = min(value * 10 + Int(bytes[at] - UInt8(ascii: "0")), 1_000_000)
                digits += 1
                at += 1
            }
            guard digits > 0 else { throw fail("expected digits in the exponent") }
            exponent += negativeExponent ? -value : value
        }
        if isInteger { return positive ? Double(significand) : -Double(significand) }
        var f = Double(significand)
        var e = exponent
        while true {
            if abs(e) < Self.powersOfTen.count {
                if e >= 0 {
                    f *= Self.powersOfTen[e]
                    if f.isInfinite { throw fail("number out of range") }
                } else {
                    f /= Self.powersOfTen[-e]
                }
                break
            }
            if f == 0 { break }
            if e >= 0 { throw fail("number out of range") }
            f /= 1e308
            e += 308
        }
        return positive ? f : -f
    }

    /// 1e0 ... 1e308, each correctly rounded (as Rust's literals).
    private static let powersOfTen: [Double] = (0...308).map { Double("1e\($0)")! }
}
