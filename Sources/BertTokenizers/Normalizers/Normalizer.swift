/// A normalizer stage: rewrites text in place, keeping alignments to the original.
public protocol Normalizer: Sendable {
    /// Normalizes `text`.
    func normalize(_ text: inout NormalizedString)
}

/// The `normalizer` section of tokenizer.json, by `type` tag.
enum NormalizerSpec: Decodable {
    case bert(BertNormalizer)
    case lowercase
    case stripAccents
    case nfd
    case nfc
    case sequence([NormalizerSpec])

    enum CodingKeys: String, CodingKey {
        case type, normalizers
        case cleanText = "clean_text", handleChineseChars = "handle_chinese_chars"
        case stripAccents = "strip_accents", lowercase
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "BertNormalizer":
            let lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? true
            self = .bert(BertNormalizer(
                cleanText: try c.decodeIfPresent(Bool.self, forKey: .cleanText) ?? true,
                handleChineseChars: try c.decodeIfPresent(Bool.self, forKey: .handleChineseChars) ?? true,
                stripAccents: try c.decodeIfPresent(Bool.self, forKey: .stripAccents) ?? lowercase,
                lowercase: lowercase))
        case "Lowercase": self = .lowercase
        case "StripAccents": self = .stripAccents
        case "NFD": self = .nfd
        case "NFC": self = .nfc
        case "Sequence": self = .sequence(try c.decode([NormalizerSpec].self, forKey: .normalizers))
        default:
            throw TokenizerError.unsupportedComponent(kind: "normalizer", type: type, jsonPath: jsonPath(decoder.codingPath))
        }
    }

    /// The stage this spec describes.
    func build() -> any Normalizer {
        switch self {
        case let .bert(normalizer): return normalizer
        case .lowercase: return LowercaseNormalizer()
        case .stripAccents: return StripAccentsNormalizer()
        case .nfd: return NFDNormalizer()
        case .nfc: return NFCNormalizer()
        case let .sequence(specs): return SequenceNormalizer(stages: specs.map { $0.build() })
        }
    }
}

/// Applies several normalizers in order.
public struct SequenceNormalizer: Normalizer {
    /// The stages, in order.
    public let stages: [any Normalizer]
    public func normalize(_ text: inout NormalizedString) {
        for stage in stages { stage.normalize(&text) }
    }
}
