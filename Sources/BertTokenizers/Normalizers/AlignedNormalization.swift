import Foundation

/// Unicode normalization that keeps each output scalar's alignment to the original text the way HF's
/// `unicode-normalization-alignments` crate does: a decomposed scalar's pieces share its alignment, canonical
/// reordering moves scalars but not alignments (alignment follows position), and a composed scalar takes the
/// alignment at its position while the scalars merged into it give up theirs.
enum AlignedNormalization {
    /// Full decomposition (canonical, or compatibility) followed by canonical reordering.
    static func decompose(_ text: inout NormalizedString, compatibility: Bool) {
        var scalars: [Unicode.Scalar] = []
        var alignments: [Int] = []
        scalars.reserveCapacity(text.scalars.count + 8)
        alignments.reserveCapacity(text.scalars.count + 8)
        var piece: [Unicode.Scalar] = []
        for (s, origin) in zip(text.scalars, text.alignments) {
            piece.removeAll(keepingCapacity: true)
            decompose(s, compatibility: compatibility, into: &piece)
            for p in piece {
                scalars.append(p)
                alignments.append(origin)
            }
        }
        reorder(&scalars)
        text = NormalizedString(rebuilding: scalars, alignments: alignments)
    }

    /// Canonical composition of decomposed text.
    static func compose(_ text: inout NormalizedString) {
        let source = text.scalars
        var cache: [UInt64: Unicode.Scalar?] = [:]
        // Each output scalar with how many input scalars it consumed.
        var output: [(scalar: Unicode.Scalar, consumed: Int)] = []
        output.reserveCapacity(source.count)
        var composee: Int?  // index into output
        var lastClass: UInt8?  // class of the last scalar kept since the composee
        for c in source {
            let cls = c.properties.canonicalCombiningClass.rawValue
            guard let k = composee else {
                output.append((c, 1))
                if cls == 0 { composee = output.count - 1; lastClass = nil }
                continue
            }
            let blocked = lastClass.map { $0 >= cls } ?? false
            if !blocked, let composite = pair(output[k].scalar, c, &cache) {
                output[k].scalar = composite
                output[k].consumed += 1
                continue
            }
            output.append((c, 1))
            if cls == 0 {
                composee = output.count - 1
                lastClass = nil
            } else {
                lastClass = cls
            }
        }
        guard output.count != source.count || zip(output, source).contains(where: { $0.scalar != $1 }) else { return }
        var scalars: [Unicode.Scalar] = []
        var alignments: [Int] = []
        scalars.reserveCapacity(output.count)
        alignments.reserveCapacity(output.count)
        // Alignment by position: a composed scalar's merged inputs are skipped; buffered marks that stood
        // before a merged one shift onto later positions, exactly as HF's transform accounts for it.
        var position = 0
        for item in output {
            scalars.append(item.scalar)
            alignments.append(text.alignments[min(position, text.alignments.count - 1)])
            position += item.consumed
        }
        text = NormalizedString(rebuilding: scalars, alignments: alignments)
    }

    /// Scalars that take part in no canonical composition, first or second: the CJK unified ideographs (their
    /// compatibility twins decompose to them as singletons, which composition excludes). Chinese and Japanese text
    /// is mostly these, and asking Foundation about each new pair of them dominated NFC/NFKC on such text.
    @inline(__always)
    static func neverComposes(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x3FFFF).contains(v)
    }

    /// The primary composite of `a` followed by `b`, if any.
    private static func pair(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ cache: inout [UInt64: Unicode.Scalar?]) -> Unicode.Scalar? {
        if neverComposes(a) || neverComposes(b) { return nil }
        // Hangul LV and LVT syllables.
        let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
        if (lBase..<(lBase + 19)).contains(a.value) && (vBase..<(vBase + 21)).contains(b.value) {
            return Unicode.Scalar(sBase + ((a.value - lBase) * 21 + (b.value - vBase)) * 28)
        }
        if (sBase..<(sBase + 11172)).contains(a.value) && (a.value - sBase) % 28 == 0 && ((tBase + 1)..<(tBase + 28)).contains(b.value) {
            return Unicode.Scalar(a.value + (b.value - tBase))
        }
        let key = UInt64(a.value) << 32 | UInt64(b.value)
        if let known = cache[key] { return known }
        let composed = String(scalars: [a, b]).precomposedStringWithCanonicalMapping.unicodeScalars
        let result = composed.count == 1 ? composed.first : nil
        cache[key] = result
        return result
    }

    /// Decomposition of one scalar.
    static func decompose(_ s: Unicode.Scalar, compatibility: Bool, into out: inout [Unicode.Scalar]) {
        let v = s.value
        if v < 0xA0 || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x4E00 && v <= 0x9FFF) || (!compatibility && v < 0xC0) {
            out.append(s)
            return
        }
        if !compatibility || (v >= 0xAC00 && v < 0xAC00 + 11172) {
            CanonicalDecomposition.decompose(s, into: &out)
            return
        }
        out.append(contentsOf: String(Character(s)).decomposedStringWithCompatibilityMapping.unicodeScalars)
    }

    /// Stable sort of every run of non-starters by combining class; alignments stay by position.
    static func reorder(_ scalars: inout [Unicode.Scalar]) {
        var i = 0
        let n = scalars.count
        while i < n {
            guard scalars[i].value >= 0x300, scalars[i].properties.canonicalCombiningClass.rawValue != 0 else { i += 1; continue }
            var j = i
            while j < n && scalars[j].properties.canonicalCombiningClass.rawValue != 0 { j += 1 }
            if j - i > 1 {
                let sorted = scalars[i..<j].enumerated().sorted {
                    let a = $0.element.properties.canonicalCombiningClass.rawValue
                    let b = $1.element.properties.canonicalCombiningClass.rawValue
                    return a != b ? a < b : $0.offset < $1.offset
                }
                for (k, item) in sorted.enumerated() { scalars[i + k] = item.element }
            }
            i = j
        }
    }
}
