import BertTokenizers

/// TEI's `truncation_direction`: `Left`/`left` or `Right`/`right` (the default).
public enum TruncationSide: String, Sendable, Decodable {
    case left = "Left", right = "Right"

    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.singleValueContainer()
        switch try container.decode(String.self) {
        case "Left", "left": self = .left
        case "Right", "right": self = .right
        case let other:
            throw DecodingError.dataCorruptedError(in: container,
                                                   debugDescription: "unknown variant `\(other)`, expected one of `Left`, `Right`, `left`, `right`")
        }
    }

    var direction: Truncation.Direction { self == .left ? .left : .right }
}

/// Decodes `key` if present: missing means `fallback`, but `null` is an error (as serde does for a plain field with
/// a default).
private func required<K: CodingKey, T: Decodable>(_ c: KeyedDecodingContainer<K>, _ key: K, default fallback: T) throws -> T {
    c.contains(key) ? try c.decode(T.self, forKey: key) : fallback
}

/// `POST /embed` and `POST /embed_all` (which ignores `normalize` and `dimensions`).
public struct EmbedRequest: Sendable, Decodable {
    public var inputs: Inputs
    public var truncate: Bool?
    public var truncationDirection: TruncationSide
    public var promptName: String?
    public var normalize: Bool
    public var dimensions: UInt?

    enum CodingKeys: String, CodingKey {
        case inputs, truncate, truncationDirection = "truncation_direction", promptName = "prompt_name", normalize, dimensions
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputs = try c.decode(Inputs.self, forKey: .inputs)
        truncate = try c.decodeIfPresent(Bool.self, forKey: .truncate)
        truncationDirection = try required(c, .truncationDirection, default: .right)
        promptName = try c.decodeIfPresent(String.self, forKey: .promptName)
        normalize = try required(c, .normalize, default: true)
        dimensions = try c.decodeIfPresent(UInt.self, forKey: .dimensions)
    }

    /// A request built in code.
    public init(inputs: Inputs, truncate: Bool? = nil, truncationDirection: TruncationSide = .right, promptName: String? = nil,
                normalize: Bool = true, dimensions: UInt? = nil) {
        self.inputs = inputs
        self.truncate = truncate
        self.truncationDirection = truncationDirection
        self.promptName = promptName
        self.normalize = normalize
        self.dimensions = dimensions
    }
}

/// `POST /predict` (and `POST /v1/classify`).
public struct PredictRequest: Sendable, Decodable {
    public var inputs: PredictInputs
    public var truncate: Bool?
    public var truncationDirection: TruncationSide
    public var rawScores: Bool

    enum CodingKeys: String, CodingKey {
        case inputs, truncate, truncationDirection = "truncation_direction", rawScores = "raw_scores"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputs = try c.decode(PredictInputs.self, forKey: .inputs)
        truncate = try c.decodeIfPresent(Bool.self, forKey: .truncate)
        truncationDirection = try required(c, .truncationDirection, default: .right)
        rawScores = try required(c, .rawScores, default: false)
    }
}

/// `POST /rerank`.
public struct RerankRequest: Sendable, Decodable {
    public var query: String
    public var texts: [String]
    public var truncate: Bool?
    public var truncationDirection: TruncationSide
    public var rawScores: Bool
    public var returnText: Bool

    enum CodingKeys: String, CodingKey {
        case query, texts, truncate, truncationDirection = "truncation_direction", rawScores = "raw_scores", returnText = "return_text"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        query = try c.decode(String.self, forKey: .query)
        texts = try c.decode([String].self, forKey: .texts)
        truncate = try c.decodeIfPresent(Bool.self, forKey: .truncate)
        truncationDirection = try required(c, .truncationDirection, default: .right)
        rawScores = try required(c, .rawScores, default: false)
        returnText = try required(c, .returnText, default: false)
    }
}

/// `POST /similarity`: `{"inputs": {"source_sentence", "sentences"}, "parameters": {...}}`.
public struct SimilarityRequest: Sendable, Decodable {
    public struct Pair: Sendable, Decodable {
        public var sourceSentence: String
        public var sentences: [String]
        enum CodingKeys: String, CodingKey { case sourceSentence = "source_sentence", sentences }
    }

    public struct Parameters: Sendable, Decodable {
        public var truncate: Bool?
        public var truncationDirection: TruncationSide
        public var promptName: String?
        enum CodingKeys: String, CodingKey { case truncate, truncationDirection = "truncation_direction", promptName = "prompt_name" }

        public init(from decoder: any Swift.Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            truncate = try c.decodeIfPresent(Bool.self, forKey: .truncate)
            truncationDirection = try required(c, .truncationDirection, default: .right)
            promptName = try c.decodeIfPresent(String.self, forKey: .promptName)
        }
    }

    public var inputs: Pair
    public var parameters: Parameters?
}

/// `POST /tokenize`.
public struct TokenizeRequest: Sendable, Decodable {
    /// Texts (a single string is a batch of one; responses are always nested).
    public var inputs: [String]
    public var isBatch: Bool
    public var addSpecialTokens: Bool
    public var promptName: String?

    enum CodingKeys: String, CodingKey { case inputs, addSpecialTokens = "add_special_tokens", promptName = "prompt_name" }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? c.decode(String.self, forKey: .inputs) {
            inputs = [text]
            isBatch = false
        } else {
            inputs = try c.decode([String].self, forKey: .inputs)
            isBatch = true
        }
        addSpecialTokens = try required(c, .addSpecialTokens, default: true)
        promptName = try c.decodeIfPresent(String.self, forKey: .promptName)
    }
}

/// `POST /decode`: `ids` a list of ids or a list of such lists.
public struct DecodeRequest: Sendable, Decodable {
    public var ids: [[UInt32]]
    public var skipSpecialTokens: Bool

    enum CodingKeys: String, CodingKey { case ids, skipSpecialTokens = "skip_special_tokens" }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let single = try? c.decode([UInt32].self, forKey: .ids) {
            ids = [single]
        } else {
            ids = try c.decode([[UInt32]].self, forKey: .ids)
        }
        skipSpecialTokens = try required(c, .skipSpecialTokens, default: true)
    }
}

/// OpenAI's `POST /v1/embeddings` (and `/embeddings`).
public struct OpenAIEmbeddingsRequest: Sendable, Decodable {
    public enum EncodingFormat: String, Sendable, Decodable { case float, base64 }
    public var input: Inputs
    public var model: String?
    public var user: String?
    public var encodingFormat: EncodingFormat
    public var dimensions: UInt?

    enum CodingKeys: String, CodingKey { case input, model, user, encodingFormat = "encoding_format", dimensions }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = try c.decode(Inputs.self, forKey: .input)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        encodingFormat = try required(c, .encodingFormat, default: .float)
        dimensions = try c.decodeIfPresent(UInt.self, forKey: .dimensions)
    }
}
