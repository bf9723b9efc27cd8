/// A token produced by a model from one word, with its range in the word's normalized scalars.
public struct Token: Sendable, Equatable {
    /// Vocabulary id.
    public var id: Int
    /// The token as the vocabulary spells it.
    public var value: String
    /// Range in the normalized text's scalars.
    public var range: Range<Int>
}

/// A subword model: turns one pre-tokenized word into tokens.
public protocol TokenModel: Sendable {
    /// Tokenizes the scalars `range` of `text`, appending to `tokens`.
    func tokenize(_ text: NormalizedString, _ range: Range<Int>, into tokens: inout [Token])
    /// The id of a token string, if in the vocabulary.
    func id(of token: String) -> Int?
    /// The token string of an id, if in the vocabulary.
    func token(of id: Int) -> String?
    /// Vocabulary size.
    var vocabularySize: Int { get }
}

/// The `model` section of tokenizer.json, by `type` tag.
enum ModelSpec: Decodable {
    case wordPiece(vocab: [String: Int], unkToken: String, prefix: String, maxInputCharsPerWord: Int)

    enum CodingKeys: String, CodingKey {
        case type, vocab
        case unkToken = "unk_token", prefix = "continuing_subword_prefix"
        case maxInputCharsPerWord = "max_input_chars_per_word"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Files written by old versions of tokenizers omit the tag of the model; WordPiece is then told by its fields.
        let type = try c.decodeIfPresent(String.self, forKey: .type)
            ?? (c.contains(.maxInputCharsPerWord) ? "WordPiece" : "(missing)")
        switch type {
        case "WordPiece":
            self = .wordPiece(
                vocab: try c.decode([String: Int].self, forKey: .vocab),
                unkToken: try c.decodeIfPresent(String.self, forKey: .unkToken) ?? "[UNK]",
                prefix: try c.decodeIfPresent(String.self, forKey: .prefix) ?? "##",
                maxInputCharsPerWord: try c.decodeIfPresent(Int.self, forKey: .maxInputCharsPerWord) ?? 100)
        default:
            throw TokenizerError.unsupportedComponent(kind: "model", type: type, jsonPath: jsonPath(decoder.codingPath))
        }
    }

    func build() throws -> any TokenModel {
        switch self {
        case let .wordPiece(vocab, unk, prefix, maxChars):
            return try WordPiece(vocab: vocab, unkToken: unk, continuingSubwordPrefix: prefix, maxInputCharsPerWord: maxChars)
        }
    }
}
