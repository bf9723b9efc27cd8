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

    /// Unicode White_Space (tab, newline, vertical tab, form feed, carriage return, space, ...): BERT's whitespace
    /// and regex `\s`.
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
            return inUnicode8(s)
        default:
            return false
        }
    }

    /// Whether `s` was assigned in Unicode 9.0 or earlier.
    @inline(__always)
    static func inUnicode9(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return age.major <= 9 && (age.major < 9 || age.minor == 0)
    }

    /// A combining mark (Mn, Mc, Me) as HF's `StripAccents` sees it: its alignment-tracking normalization crate
    /// carries Unicode 9.0 tables (U+08D4, 9.0, is stripped; U+1CF7, 10.0, is not).
    @inline(__always)
    static func isCombiningMark(_ s: Unicode.Scalar) -> Bool {
        guard s.value >= 0x300 else { return false }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return inUnicode9(s)
        default: return false
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
}

extension UnicodeClasses {
    /// A regex `\w` character: alphabetic, a mark, a decimal digit, connector punctuation, or a join control.
    @inline(__always)
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
        }
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// Rust's `char::is_numeric`: general categories Nd, Nl, No.
    @inline(__always)
    static func isNumeric(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 48 && v <= 57 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// `\p{L}`.
    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}
