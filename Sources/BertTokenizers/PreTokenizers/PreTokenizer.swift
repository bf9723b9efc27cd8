/// A pre-tokenizer stage: splits normalized text into words, as ranges of its scalars.
public protocol PreTokenizer: Sendable {
    /// Splits `range` of `text` into sub-ranges, appending them to `words` in order.
    func split(_ text: NormalizedString, _ range: Range<Int>, into words: inout [Range<Int>])
}

extension PreTokenizer {
    /// Splits the whole text.
    public func split(_ text: NormalizedString) -> [Range<Int>] {
        var words: [Range<Int>] = []
        split(text, 0..<text.scalars.count, into: &words)
        return words
    }
}

/// The `pre_tokenizer` section of tokenizer.json, by `type` tag.
enum PreTokenizerSpec: Decodable {
    case bert
    case whitespaceSplit
    case sequence([PreTokenizerSpec])

    enum CodingKeys: String, CodingKey { case type, pretokenizers }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "BertPreTokenizer": self = .bert
        case "WhitespaceSplit": self = .whitespaceSplit
        case "Sequence": self = .sequence(try c.decode([PreTokenizerSpec].self, forKey: .pretokenizers))
        default:
            throw TokenizerError.unsupportedComponent(kind: "pre-tokenizer", type: type, jsonPath: jsonPath(decoder.codingPath))
        }
    }

    func build() -> any PreTokenizer {
        switch self {
        case .bert: return BertPreTokenizer()
        case .whitespaceSplit: return WhitespaceSplitPreTokenizer()
        case let .sequence(specs): return SequencePreTokenizer(stages: specs.map { $0.build() })
        }
    }
}

/// Applies several pre-tokenizers, each to every piece the previous one produced.
public struct SequencePreTokenizer: PreTokenizer {
    /// The stages, in order.
    public let stages: [any PreTokenizer]
    public func split(_ text: NormalizedString, _ range: Range<Int>, into words: inout [Range<Int>]) {
        var pieces = [range]
        for stage in stages {
            var next: [Range<Int>] = []
            for piece in pieces { stage.split(text, piece, into: &next) }
            pieces = next
        }
        words.append(contentsOf: pieces)
    }
}
