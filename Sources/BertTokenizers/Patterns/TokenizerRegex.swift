import Foundation

/// A regular expression from tokenizer.json (HF compiles them with Oniguruma), run over Unicode scalars.
/// Patterns of the form `c{n,}` and plain literals, common in SentencePiece conversions (`" {2,}"`), are matched
/// natively; anything else runs on ICU's engine (`NSRegularExpression`), whose Unicode classes (`\\w` with
/// marks, `\\p{L}`, `\\s`) and syntax (lookahead, `(?i:...)`) agree with Oniguruma's on tokenizer patterns.
public struct TokenizerRegex: @unchecked Sendable {
    // NSRegularExpression is immutable once built and documented as safe to use from several threads.
    private enum Engine {
        case repeated(Unicode.Scalar, minimum: Int)
        case literal([Unicode.Scalar])
        case general(NSRegularExpression)
    }
    private let engine: Engine
    /// The pattern as written in the file.
    public let pattern: String

    /// Compiles `pattern`; throws the compiler's message if Swift's regex syntax rejects it.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        if let fast = Self.repeatedScalar(pattern) {
            engine = .repeated(fast.0, minimum: fast.1)
        } else if !pattern.isEmpty, !pattern.unicodeScalars.contains(where: { "\\^$.|?*+()[]{}".unicodeScalars.contains($0) }) {
            engine = .literal(Array(pattern.unicodeScalars))
        } else {
            engine = .general(try NSRegularExpression(pattern: Self.oniguruma(pattern), options: []))
        }
    }

    /// Rewrites the shorthand classes whose Unicode meaning differs between Oniguruma and ICU: `\\w` (ICU adds
    /// the join controls) and `\\s` (ICU omits U+000B and U+0085), as explicit property sets.
    static func oniguruma(_ pattern: String) -> String {
        let word = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}"
        var out = ""
        var depth = 0
        var iterator = pattern.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            if c == "\\" {
                guard let e = iterator.next() else { out.unicodeScalars.append(c); break }
                switch e {
                case "w": out += depth > 0 ? word : "[\(word)]"
                case "W": out += "[^\(word)]"
                case "s": out += "\\p{White_Space}"
                case "S": out += "\\P{White_Space}"
                default: out.unicodeScalars.append(c); out.unicodeScalars.append(e)
                }
                continue
            }
            if c == "[" { depth += 1 } else if c == "]" && depth > 0 { depth -= 1 }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// `c{n,}` with a non-special `c`.
    private static func repeatedScalar(_ pattern: String) -> (Unicode.Scalar, Int)? {
        let s = Array(pattern.unicodeScalars)
        guard s.count >= 5, s[1] == "{", s[s.count - 2] == ",", s[s.count - 1] == "}",
            !"\\^$.|?*+()[]{}".unicodeScalars.contains(s[0]),
            let n = Int(String(scalars: s[2..<(s.count - 2)])), n >= 1
        else { return nil }
        return (s[0], n)
    }

    /// Calls `body` with each match in `range` of `scalars`, leftmost first, non-overlapping.
    func forEachMatch(in scalars: [Unicode.Scalar], _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        switch engine {
        case let .repeated(scalar, minimum):
            var i = range.lowerBound
            while i < range.upperBound {
                guard scalars[i] == scalar else { i += 1; continue }
                var j = i
                while j < range.upperBound && scalars[j] == scalar { j += 1 }
                if j - i >= minimum { body(i..<j) }
                i = j
            }
        case let .literal(needle):
            var i = range.lowerBound
            while i + needle.count <= range.upperBound {
                if (0..<needle.count).allSatisfy({ scalars[i + $0] == needle[$0] }) {
                    body(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
        case let .general(regex):
            let string = String(scalars: scalars[range])
            // UTF-16 offset -> scalar offset.
            var scalarAt = [Int](repeating: 0, count: string.utf16.count + 1)
            var u = 0
            for (k, s) in string.unicodeScalars.enumerated() {
                let width = s.value > 0xFFFF ? 2 : 1
                for w in 0..<width { scalarAt[u + w] = k }
                u += width
            }
            scalarAt[u] = range.count
            let ns = string as NSString
            for match in regex.matches(in: string, options: [], range: NSRange(location: 0, length: ns.length)) {
                let r = match.range
                guard r.location != NSNotFound else { continue }
                body((range.lowerBound + scalarAt[r.location])..<(range.lowerBound + scalarAt[r.location + r.length]))
            }
        }
    }
}
