/// The BERT normalizer (HF tokenizers `normalizers/bert.rs`): cleans control characters, maps whitespace
/// to spaces, surrounds CJK ideographs with spaces, optionally strips accents and lowercases.
public struct BertNormalizer: Normalizer {
    /// Drop NUL, U+FFFD and control characters; map whitespace to a space.
    public var cleanText: Bool
    /// Put spaces around CJK ideographs so each becomes its own word.
    public var handleChineseChars: Bool
    /// NFD, then drop nonspacing marks.
    public var stripAccents: Bool
    /// Unicode lowercase.
    public var lowercase: Bool

    /// A BERT normalizer; `stripAccents` follows `lowercase` in HF when unset in the file.
    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents ?? lowercase
        self.lowercase = lowercase
    }

    public func normalize(_ text: inout NormalizedString) {
        if cleanText {
            text.transform { scalar, out in
                if scalar.value == 0 || scalar.value == 0xFFFD || UnicodeClasses.isControl(scalar) { return }
                out.append(UnicodeClasses.isWhitespace(scalar) ? " " : scalar)
            }
        }
        if handleChineseChars {
            text.transform { scalar, out in
                if UnicodeClasses.isChineseChar(scalar) {
                    out.append(" "); out.append(scalar); out.append(" ")
                } else {
                    out.append(scalar)
                }
            }
        }
        if stripAccents {
            NFDNormalizer().normalize(&text)
            text.filter { !UnicodeClasses.isNonspacingMark($0) }
        }
        if lowercase {
            LowercaseNormalizer().normalize(&text)
        }
    }
}
