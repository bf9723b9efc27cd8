import Foundation

/// Character classes used by the BERT normalizer and pre-tokenizer, defined as in HF tokenizers
/// (`normalizers/bert.rs`, `pre_tokenizers/bert.rs`).
///
/// HF takes general categories (Mn, Cf, Co, P*) from the `unicode_categories` crate, whose tables are those of
/// Unicode 8.0: a character assigned later (a Unicode 9 combining mark, say) is not in them. Swift's
/// properties follow the newest Unicode, so each such test also asks that the character's age be at most 8.0
/// (checked in the parity fixtures: U+08E3, 8.0, is stripped as an accent; U+08D4, 9.0, is not).
enum UnicodeClasses {
    /// Whether `s` was assigned in Unicode 8.0 or earlier.
    @inline(__always)
    static func inUnicode8(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// Whitespace as BERT sees it: tab, newline, carriage return, and Unicode White_Space.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            return s == " " || s == "\t" || s == "\n" || s == "\r" || s.value == 0x0B || s.value == 0x0C
        }
        return s.properties.isWhitespace
    }

    /// "Other" characters except tab, newline and carriage return: Cc, Cf, Co, Cs. Unassigned code points (Cn)
    /// are kept, as HF tokenizers keeps them.
    @inline(__always)
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        if s.value >= 0x20 && s.value < 0x7F { return false }
        switch s.properties.generalCategory {
        case .control, .surrogate: return true
        case .format, .privateUse: return inUnicode8(s)
        default: return false
        }
    }

    /// CJK Unified Ideographs blocks that BERT surrounds with spaces.
    @inline(__always)
    static func isChineseChar(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// ASCII punctuation or any Unicode punctuation category (Pc, Pd, Pe, Pf, Pi, Po, Ps).
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// Nonspacing marks (Mn), which `strip_accents` removes after NFD.
    @inline(__always)
    static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && s.properties.generalCategory == .nonspacingMark && inUnicode8(s)
    }
}

/// Canonical decomposition (NFD) of a scalar sequence, keeping each output's source index.
enum CanonicalDecomposition {
    /// Full canonical decomposition of one scalar (itself when it has none).
    static func decompose(_ s: Unicode.Scalar, into out: inout [Unicode.Scalar]) {
        if s.value < 0xC0 {
            out.append(s)
            return
        }
        // Hangul syllables decompose algorithmically (Unicode 3.12).
        let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
        let tCount: UInt32 = 28, nCount: UInt32 = 588, sCount: UInt32 = 11172
        if s.value >= sBase && s.value < sBase + sCount {
            let index = s.value - sBase
            out.append(Unicode.Scalar(lBase + index / nCount)!)
            out.append(Unicode.Scalar(vBase + (index % nCount) / tCount)!)
            let t = index % tCount
            if t != 0 { out.append(Unicode.Scalar(tBase + t)!) }
            return
        }
        let decomposed = String(Character(s)).decomposedStringWithCanonicalMapping.unicodeScalars
        out.append(contentsOf: decomposed)
    }

    /// Puts runs of non-starters in canonical order (stable sort by combining class).
    static func reorder(_ scalars: inout [Unicode.Scalar], _ alignments: inout [Int]) {
        var i = 0
        let n = scalars.count
        while i < n {
            guard scalars[i].properties.canonicalCombiningClass.rawValue != 0 else { i += 1; continue }
            var j = i
            while j < n && scalars[j].properties.canonicalCombiningClass.rawValue != 0 { j += 1 }
            if j - i > 1 {
                let run = (i..<j).map { (scalars[$0], alignments[$0]) }
                let sorted = run.enumerated().sorted {
                    let a = $0.element.0.properties.canonicalCombiningClass.rawValue
                    let b = $1.element.0.properties.canonicalCombiningClass.rawValue
                    return a != b ? a < b : $0.offset < $1.offset
                }
                for (k, item) in sorted.enumerated() {
                    scalars[i + k] = item.element.0
                    alignments[i + k] = item.element.1
                }
            }
            i = j
        }
    }
}
