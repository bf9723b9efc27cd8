import Foundation

/// Per-scalar facts for the Unicode normalization forms below U+3000, computed once per process (Foundation,
/// about 12k scalars): which scalars every form leaves unchanged when they stand alone, and which are safe
/// chunk boundaries (a starter that never composes with what precedes it and does not decompose into a
/// non-starter). Normalizing chunk by chunk between safe boundaries equals normalizing the whole text.
struct NormalizationTable: Sendable {
    static let limit: UInt32 = 0x3000
    static let shared = NormalizationTable()

    private static let boundary: UInt8 = 1, nfcStable: UInt8 = 2, nfkcStable: UInt8 = 4, nfdStable: UInt8 = 8, nfkdStable: UInt8 = 16
    private var flags: [UInt8]

    private init() {
        var flags = [UInt8](repeating: 0, count: Int(Self.limit))
        var composesBackward = Set<UInt32>()
        for v in 0..<Self.limit {
            guard let s = Unicode.Scalar(v) else { continue }
            let alone = String(Character(s))
            let nfd = alone.decomposedStringWithCanonicalMapping.unicodeScalars
            if nfd.count >= 2, let last = nfd.last, last.properties.canonicalCombiningClass.rawValue == 0 {
                composesBackward.insert(last.value)
            }
            var f: UInt8 = 0
            // Scalar by scalar: String's == is canonical equivalence, under which every NFC result equals its
            // input (U+212B ANGSTROM SIGN, U+1FE3, U+0A5B, U+037E, U+2000 would pass as unchanged).
            if Array(alone.precomposedStringWithCanonicalMapping.unicodeScalars) == [s] { f |= Self.nfcStable }
            if Array(alone.precomposedStringWithCompatibilityMapping.unicodeScalars) == [s] { f |= Self.nfkcStable }
            if nfd.count == 1 && nfd.first == s { f |= Self.nfdStable }
            let nfkd = alone.decomposedStringWithCompatibilityMapping.unicodeScalars
            if nfkd.count == 1 && nfkd.first == s { f |= Self.nfkdStable }
            if s.properties.canonicalCombiningClass.rawValue == 0,
                nfkd.first.map({ $0.properties.canonicalCombiningClass.rawValue == 0 }) ?? true
            {
                f |= Self.boundary
            }
            flags[Int(v)] = f
        }
        for v in composesBackward where v < Self.limit { flags[Int(v)] &= ~Self.boundary }
        // Hangul vowels and trailing consonants compose with the syllable before them.
        for v in UInt32(0x1161)...0x11C2 { flags[Int(v)] &= ~Self.boundary }
        self.flags = flags
    }

    /// Whether a chunk may start at `s`.
    @inline(__always)
    func isBoundary(_ s: Unicode.Scalar) -> Bool { s.value < Self.limit && flags[Int(s.value)] & Self.boundary != 0 }

    /// Whether `form` leaves `s` unchanged when it stands alone.
    @inline(__always)
    func isStable(_ s: Unicode.Scalar, _ form: UnicodeFormNormalizer.Form?) -> Bool {
        guard s.value < Self.limit else { return false }
        let mask: UInt8
        switch form {
        case .nfc: mask = Self.nfcStable
        case .nfkc: mask = Self.nfkcStable
        case .nfkd: mask = Self.nfkdStable
        case nil: mask = Self.nfdStable
        }
        return flags[Int(s.value)] & mask != 0
    }
}

extension AlignedNormalization {
    /// Normalizes `text` to `form` (nil: NFD) chunk by chunk between safe boundaries; a chunk of one stable
    /// scalar is copied, others go through decomposition (and composition).
    static func normalize(_ text: inout NormalizedString, form: UnicodeFormNormalizer.Form?) {
        let table = NormalizationTable.shared
        let scalars = text.scalars
        let n = scalars.count
        guard n > 0 else { return }
        var out = NormalizedBuilder(capacity: n + 4)
        var changed = false
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && !table.isBoundary(scalars[end]) { end += 1 }
            if end - start == 1 && table.isStable(scalars[start], form) {
                out.append(scalars[start], alignedTo: text.alignments[start])
            } else {
                var chunk = NormalizedString(rebuilding: Array(scalars[start..<end]), alignments: Array(text.alignments[start..<end]))
                decompose(&chunk, compatibility: form == .nfkc || form == .nfkd)
                if form == .nfc || form == .nfkc { compose(&chunk) }
                if chunk.scalars != Array(scalars[start..<end]) || chunk.alignments != Array(text.alignments[start..<end]) {
                    changed = true
                }
                for (s, a) in zip(chunk.scalars, chunk.alignments) { out.append(s, alignedTo: a) }
            }
            start = end
        }
        if changed { text = out.normalized }
    }
}
