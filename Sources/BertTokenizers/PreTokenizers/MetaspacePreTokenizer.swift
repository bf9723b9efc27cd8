/// SentencePiece's word boundary marker (HF `Metaspace`): spaces become `▁`, a `▁` is put before the text as
/// the prepend scheme says, then each `▁` starts a new word.
public struct MetaspacePreTokenizer: PreTokenizer {
    /// When to put the marker before a word.
    public enum PrependScheme: String, Sendable {
        /// Before every word that does not start with one.
        case always
        /// Only before the first word of the input.
        case first
        /// Never.
        case never
    }
    /// The marker, `▁` by default.
    public let replacement: Unicode.Scalar
    /// When the marker is prepended.
    public let prependScheme: PrependScheme
    /// Cut before each marker.
    public let split: Bool

    /// A Metaspace pre-tokenizer.
    public init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: PrependScheme = .always, split: Bool = true) {
        self.replacement = replacement
        self.prependScheme = prependScheme
        self.split = split
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        text.rewrite { normalized, range, out in
            let first = normalized.scalars[range.lowerBound]
            let startsWithMarker = first == " " || first == replacement
            let prepend: Bool
            switch prependScheme {
            case .always: prepend = !startsWithMarker
            case .first: prepend = !startsWithMarker && normalized.alignments[range.lowerBound] == 0
            case .never: prepend = false
            }
            if prepend { out.append(replacement, alignedTo: normalized.alignments[range.lowerBound]) }
            for i in range {
                let s = normalized.scalars[i]
                let mapped = s == " " ? replacement : s
                if split && mapped == replacement { out.cut(at: out.count) }
                out.append(mapped, alignedTo: normalized.alignments[i])
            }
        }
    }
}
