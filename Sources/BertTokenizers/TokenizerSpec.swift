/// The `tokenizer.json` file as written by Hugging Face `tokenizers`, decoded as it is.
/// Each pipeline component carries a `type` tag; tags this version does not implement are typed errors
/// that name the tag and the JSON path.
struct TokenizerSpec: Decodable {
    var addedTokens: [AddedTokenSpec]
    var normalizer: NormalizerSpec?
    var preTokenizer: PreTokenizerSpec?
    var model: ModelSpec
    var postProcessor: PostProcessorSpec?
    var truncation: TruncationSpec?
    var padding: PaddingSpec?

    enum CodingKeys: String, CodingKey {
        case addedTokens = "added_tokens", normalizer, preTokenizer = "pre_tokenizer", model
        case postProcessor = "post_processor", truncation, padding
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        addedTokens = try c.decodeIfPresent([AddedTokenSpec].self, forKey: .addedTokens) ?? []
        normalizer = try c.decodeIfPresent(NormalizerSpec.self, forKey: .normalizer)
        preTokenizer = try c.decodeIfPresent(PreTokenizerSpec.self, forKey: .preTokenizer)
        model = try c.decode(ModelSpec.self, forKey: .model)
        postProcessor = try c.decodeIfPresent(PostProcessorSpec.self, forKey: .postProcessor)
        truncation = try c.decodeIfPresent(TruncationSpec.self, forKey: .truncation)
        padding = try c.decodeIfPresent(PaddingSpec.self, forKey: .padding)
    }
}

/// A JSON path such as `normalizer.normalizers[1]` for error messages.
func jsonPath(_ codingPath: [any CodingKey]) -> String {
    var path = ""
    for key in codingPath {
        if let index = key.intValue {
            path += "[\(index)]"
        } else {
            path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return path
}

/// Reads the `type` tag of a component.
struct TypeTag: Decodable {
    var type: String
}

/// One entry of `added_tokens`.
struct AddedTokenSpec: Decodable {
    var id: Int
    var content: String
    var singleWord: Bool
    var lstrip: Bool
    var rstrip: Bool
    var normalized: Bool
    var special: Bool

    enum CodingKeys: String, CodingKey {
        case id, content, singleWord = "single_word", lstrip, rstrip, normalized, special
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        content = try c.decode(String.self, forKey: .content)
        singleWord = try c.decodeIfPresent(Bool.self, forKey: .singleWord) ?? false
        lstrip = try c.decodeIfPresent(Bool.self, forKey: .lstrip) ?? false
        rstrip = try c.decodeIfPresent(Bool.self, forKey: .rstrip) ?? false
        special = try c.decodeIfPresent(Bool.self, forKey: .special) ?? false
        normalized = try c.decodeIfPresent(Bool.self, forKey: .normalized) ?? !special
    }
}

/// `truncation` as saved in the file.
struct TruncationSpec: Decodable {
    var maxLength: Int
    var strategy: String
    var stride: Int
    var direction: String

    enum CodingKeys: String, CodingKey { case maxLength = "max_length", strategy, stride, direction }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxLength = try c.decode(Int.self, forKey: .maxLength)
        strategy = try c.decodeIfPresent(String.self, forKey: .strategy) ?? "LongestFirst"
        stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? 0
        direction = try c.decodeIfPresent(String.self, forKey: .direction) ?? "Right"
    }
}

/// `padding` as saved in the file: `{"strategy": "BatchLongest" | {"Fixed": n}, "pad_id", "pad_type_id", "pad_token"}`.
struct PaddingSpec: Decodable {
    var fixedLength: Int?
    var padId: Int
    var padTypeId: Int
    var padToken: String
    var padToMultipleOf: Int?

    enum CodingKeys: String, CodingKey {
        case strategy, padId = "pad_id", padTypeId = "pad_type_id", padToken = "pad_token"
        case padToMultipleOf = "pad_to_multiple_of"
    }
    enum StrategyKeys: String, CodingKey { case fixed = "Fixed" }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let nested = try? c.nestedContainer(keyedBy: StrategyKeys.self, forKey: .strategy) {
            fixedLength = try nested.decode(Int.self, forKey: .fixed)
        } else {
            let name = try c.decode(String.self, forKey: .strategy)
            guard name == "BatchLongest" else {
                throw TokenizerError.unsupportedComponent(
                    kind: "padding strategy", type: name, jsonPath: jsonPath(c.codingPath + [CodingKeys.strategy]))
            }
            fixedLength = nil
        }
        padId = try c.decodeIfPresent(Int.self, forKey: .padId) ?? 0
        padTypeId = try c.decodeIfPresent(Int.self, forKey: .padTypeId) ?? 0
        padToken = try c.decodeIfPresent(String.self, forKey: .padToken) ?? "[PAD]"
        padToMultipleOf = try c.decodeIfPresent(Int.self, forKey: .padToMultipleOf)
    }
}
