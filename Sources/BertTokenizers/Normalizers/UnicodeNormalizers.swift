import Foundation

/// Unicode full lowercase mapping, scalar by scalar (as Rust's `char::to_lowercase`).
public struct LowercaseNormalizer: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) {
        text.transform { scalar, out in
            if scalar.value < 0x80 {
                out.append(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
    }
}

/// Canonical decomposition (NFD).
public struct NFDNormalizer: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) {
        guard text.scalars.contains(where: { $0.value >= 0xC0 }) else { return }
        AlignedNormalization.normalize(&text, form: nil)
    }
}

/// The other Unicode normalization forms: NFC, NFKC (decomposition then canonical composition) and NFKD.
public struct UnicodeFormNormalizer: Normalizer {
    /// Which form.
    public enum Form: String, Sendable { case nfc = "NFC", nfkc = "NFKC", nfkd = "NFKD" }
    /// The form applied.
    public let form: Form

    /// A normalizer to `form`.
    public init(_ form: Form) { self.form = form }

    public func normalize(_ text: inout NormalizedString) {
        // Below these, scalars are unchanged by the form and never combine with what precedes them.
        let quick: UInt32 = form == .nfc ? 0x300 : 0xA0
        guard text.scalars.contains(where: { $0.value >= quick }) else { return }
        AlignedNormalization.normalize(&text, form: form)
    }
}

/// Removes combining marks (Mn, Mc, Me; meant to follow NFD), as HF's `StripAccents`.
public struct StripAccentsNormalizer: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) {
        text.filter { !UnicodeClasses.isCombiningMark($0) }
    }
}

/// Removes whitespace at the start and/or end (HF `Strip`).
public struct StripNormalizer: Normalizer {
    /// Strip the start.
    public let left: Bool
    /// Strip the end.
    public let right: Bool
    /// A strip normalizer.
    public init(left: Bool, right: Bool) { self.left = left; self.right = right }

    public func normalize(_ text: inout NormalizedString) {
        var start = 0, end = text.scalars.count
        if left { while start < end && text.scalars[start].properties.isWhitespace { start += 1 } }
        if right { while end > start && text.scalars[end - 1].properties.isWhitespace { end -= 1 } }
        guard start > 0 || end < text.scalars.count else { return }
        text.replace(scalars: Array(text.scalars[start..<end]), alignments: Array(text.alignments[start..<end]))
    }
}

/// Inserts a string before non-empty text (HF `Prepend`).
public struct PrependNormalizer: Normalizer {
    /// The inserted text.
    public let prefix: String
    /// A prepend normalizer.
    public init(prefix: String) { self.prefix = prefix }
    public func normalize(_ text: inout NormalizedString) { text.prepend(Array(prefix.unicodeScalars)) }
}

/// Replaces every match of a pattern (a literal string or a regular expression) by a string (HF `Replace`).
public struct ReplaceNormalizer: Normalizer {
    /// What is replaced.
    public let pattern: SplitPattern
    /// The replacement.
    public let content: String

    /// A replace normalizer.
    public init(pattern: SplitPattern, content: String) { self.pattern = pattern; self.content = content }

    public func normalize(_ text: inout NormalizedString) {
        let matches = pattern.matches(in: text.scalars, 0..<text.scalars.count)
        guard matches.contains(where: { $0.isMatch && !$0.range.isEmpty }) else { return }
        let replacement = Array(content.unicodeScalars)
        var out = NormalizedBuilder(capacity: text.scalars.count)
        for m in matches {
            if m.isMatch {
                // HF removes the match, then inserts the content aligned with its last scalar.
                guard let last = m.range.last else { continue }
                for s in replacement { out.append(s, alignedTo: text.alignments[last]) }
            } else {
                for i in m.range { out.append(text.scalars[i], alignedTo: text.alignments[i]) }
            }
        }
        text = out.normalized
    }
}
