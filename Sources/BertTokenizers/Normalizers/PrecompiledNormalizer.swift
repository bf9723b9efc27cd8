import Foundation

/// SentencePiece's compiled normalization rules (`precompiled_charsmap`): a darts-clone double-array trie over
/// UTF-8 bytes whose values point into a table of NUL-terminated replacements. Applied as HF does: a whole
/// grapheme cluster (under 6 bytes) when the trie knows one of its prefixes, else character by character.
public struct PrecompiledNormalizer: Normalizer {
    private let units: [UInt32]
    private let replacements: [UInt8]
    /// For scalars below U+0300 (each its own grapheme cluster, CR LF aside): the replacement's range in
    /// `replacements`, or nil.
    private var low: [Range<Int>?] = []

    /// Reads the blob: little-endian `u32` trie size in bytes, the trie's `u32` units, then the replacements.
    public init(charsmap: [UInt8]) throws(TokenizerError) {
        func fail(_ reason: String) -> TokenizerError {
            .malformed(path: "", jsonPath: "normalizer.precompiled_charsmap", reason: reason)
        }
        guard charsmap.count >= 4 else { throw fail("shorter than its 4-byte header") }
        let trieSize = Int(UInt32(charsmap[0]) | UInt32(charsmap[1]) << 8 | UInt32(charsmap[2]) << 16 | UInt32(charsmap[3]) << 24)
        guard trieSize % 4 == 0, 4 + trieSize <= charsmap.count, trieSize >= 4 else {
            throw fail("trie size \(trieSize) does not fit the \(charsmap.count)-byte blob")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for k in units.indices {
            let o = 4 + 4 * k
            units[k] = UInt32(charsmap[o]) | UInt32(charsmap[o + 1]) << 8 | UInt32(charsmap[o + 2]) << 16 | UInt32(charsmap[o + 3]) << 24
        }
        self.units = units
        replacements = Array(charsmap[(4 + trieSize)...])
        guard String(validating: replacements, as: UTF8.self) != nil else { throw fail("replacement table is not UTF-8") }
        low = (0..<0x300).map { v in transform(UTF8.encode(Unicode.Scalar(UInt32(v))!)!).map { $0.indices } }
    }

    /// The replacement for the shortest prefix of `key` the trie holds (HF `Precompiled::transform`).
    func transform(_ key: some Sequence<UInt8>) -> ArraySlice<UInt8>? {
        var node = 0
        var unit = units[0]
        node ^= offset(unit)
        for c in key {
            if c == 0 { break }
            node ^= Int(c)
            guard node < units.count else { return nil }
            unit = units[node]
            guard Int(unit & ((1 << 31) | 0xFF)) == Int(c) else { return nil }
            node ^= offset(unit)
            if (unit >> 8) & 1 == 1 {
                guard node < units.count else { return nil }
                let value = Int(units[node] & ((1 << 31) - 1))
                guard value < replacements.count else { return nil }
                var end = value
                while end < replacements.count && replacements[end] != 0 { end += 1 }
                return replacements[value..<end]
            }
        }
        return nil
    }

    @inline(__always)
    private func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }

    public func normalize(_ text: inout NormalizedString) {
        guard !text.scalars.isEmpty else { return }
        if text.scalars.allSatisfy({ $0.value < 0x300 }) {
            normalizeLow(&text)
            return
        }
        let string = text.string
        var changes: [(Unicode.Scalar, Int)] = []
        changes.reserveCapacity(text.scalars.count)
        var modified = false
        var utf8: [UInt8] = []
        for cluster in string {
            utf8.removeAll(keepingCapacity: true)
            utf8.append(contentsOf: cluster.utf8)
            if utf8.count < 6, let replacement = transform(utf8) {
                modified = true
                Self.replace(&changes, oldCount: cluster.unicodeScalars.count, with: replacement)
                continue
            }
            for s in cluster.unicodeScalars {
                if let replacement = transform(UTF8.encode(s)!) {
                    modified = true
                    Self.replace(&changes, oldCount: 1, with: replacement)
                } else {
                    changes.append((s, 0))
                }
            }
        }
        if modified { text.transform(changes: changes) }
    }

    /// Text below U+0300: every scalar is a grapheme cluster of its own except CR LF, looked up in `low`.
    private func normalizeLow(_ text: inout NormalizedString) {
        let scalars = text.scalars
        var changes: [(Unicode.Scalar, Int)] = []
        var modified = false
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" {
                let pair: [UInt8] = [0x0D, 0x0A]
                if let replacement = transform(pair) {
                    if !modified { changes = scalars[..<i].map { ($0, 0) }; modified = true }
                    Self.replace(&changes, oldCount: 2, with: replacement)
                } else {
                    for k in 0..<2 {
                        let c = scalars[i + k]
                        if let r = low[Int(c.value)] {
                            if !modified { changes = scalars[..<(i + k)].map { ($0, 0) }; modified = true }
                            Self.replace(&changes, oldCount: 1, with: replacements[r])
                        } else if modified {
                            changes.append((c, 0))
                        }
                    }
                }
                i += 2
                continue
            }
            if let r = low[Int(s.value)] {
                if !modified { changes = scalars[..<i].map { ($0, 0) }; modified = true }
                Self.replace(&changes, oldCount: 1, with: replacements[r])
            } else if modified {
                changes.append((s, 0))
            }
            i += 1
        }
        if modified { text.transform(changes: changes) }
    }

    /// HF's `replace` helper: new scalars replace old ones (change 0), extra ones are insertions (+1), and a
    /// shrink is charged to the last change written, even one from an earlier cluster.
    private static func replace(_ changes: inout [(Unicode.Scalar, Int)], oldCount: Int, with bytes: ArraySlice<UInt8>) {
        let new = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        for s in new { changes.append((s, 0)) }
        let diff = new.count - oldCount
        if diff > 0 {
            for k in (changes.count - diff)..<changes.count { changes[k].1 = 1 }
        } else if diff < 0, !changes.isEmpty {
            changes[changes.count - 1].1 += diff
        }
    }
}
