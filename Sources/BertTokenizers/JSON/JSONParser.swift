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

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = at
        var isInteger = true
        if at < bytes.count && bytes[at] == UInt8(ascii: "-") { at += 1 }
        let digitsStart = at
        while at < bytes.count {
            let c = bytes[at]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { at += 1; continue }
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { isInteger = false; at += 1; continue }
            break
        }
        guard at > digitsStart else { throw fail("expected a value") }
        if isInteger && at - digitsStart <= 15 {
            var value: Int64 = 0
            for k in digitsStart..<at { value = value * 10 + Int64(bytes[k] - UInt8(ascii: "0")) }
            return bytes[start] == UInt8(ascii: "-") ? -Double(value) : Double(value)
        }
        var text = [CChar](repeating: 0, count: at - start + 1)
        for k in start..<at { text[k - start] = CChar(bitPattern: bytes[k]) }
        var end: UnsafeMutablePointer<CChar>?
        let value = text.withUnsafeMutableBufferPointer { buffer in
            let v = strtod(buffer.baseAddress!, &end)
            return (v, end.map { $0 - buffer.baseAddress! } ?? 0)
        }
        guard value.1 == at - start else { throw fail("invalid number") }
        return value.0
    }
}
