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
        text.transform { scalar, out in CanonicalDecomposition.decompose(scalar, into: &out) }
        var scalars = text.scalars, alignments = text.alignments
        CanonicalDecomposition.reorder(&scalars, &alignments)
        text = NormalizedString(rebuilding: scalars, alignments: alignments)
    }
}

/// Canonical composition (NFC). Each composed scalar keeps the alignment of the first scalar it came from.
public struct NFCNormalizer: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) {
        guard text.scalars.contains(where: { $0.value >= 0x300 }) else { return }
        var scalars: [Unicode.Scalar] = [], alignments: [Int] = []
        // Compose cluster by cluster: each grapheme cluster's NFC maps to its first original scalar.
        var start = 0
        let source = text.scalars
        while start < source.count {
            var end = start + 1
            while end < source.count && source[end].properties.canonicalCombiningClass.rawValue != 0 { end += 1 }
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: source[start..<end])
            let composed = String(piece).precomposedStringWithCanonicalMapping.unicodeScalars
            for (k, s) in composed.enumerated() {
                scalars.append(s)
                alignments.append(text.alignments[min(start + k, end - 1)])
            }
            start = end
        }
        text = NormalizedString(rebuilding: scalars, alignments: alignments)
    }
}

/// Removes nonspacing marks (meant to follow NFD).
public struct StripAccentsNormalizer: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) {
        text.filter { !UnicodeClasses.isNonspacingMark($0) }
    }
}

extension NormalizedString {
    /// Rebuilds from parallel arrays produced by a stage.
    init(rebuilding scalars: [Unicode.Scalar], alignments: [Int]) {
        self.init([Unicode.Scalar]())
        self.replace(scalars: scalars, alignments: alignments)
    }
}
