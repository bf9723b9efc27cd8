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
            throw DecodingError.dataCorruptedError(
                in: container,
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
    /// The texts (or token ids).
    public var inputs: Inputs
    /// Cut over-long inputs (nil: the server's `--auto-truncate`).
    public var truncate: Bool?
    /// Which end truncation cuts.
    public var truncationDirection: TruncationSide
    /// A prompt of the folder's `config_sentence_transformers.json` to put before each text.
    public var promptName: String?
    /// L2-normalize the vectors (default true).
    public var normalize: Bool
    /// Keep only the first `dimensions` values (Matryoshka), before normalizing.
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
    public init(
        inputs: Inputs, truncate: Bool? = nil, truncationDirection: TruncationSide = .right, promptName: String? = nil,
        normalize: Bool = true, dimensions: UInt? = nil
    ) {
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
    /// A text, a pair, or a batch of texts and pairs.
    public var inputs: PredictInputs
    /// Cut over-long inputs (nil: the server's `--auto-truncate`).
    public var truncate: Bool?
    /// Which end truncation cuts.
    public var truncationDirection: TruncationSide
    /// Return the logits instead of probabilities.
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
    /// The query, first of each pair.
    public var query: String
    /// The texts to score against it.
    public var texts: [String]
    /// Cut over-long pairs (nil: the server's `--auto-truncate`).
    public var truncate: Bool?
    /// Which end truncation cuts.
    public var truncationDirection: TruncationSide
    /// Return the logit instead of its sigmoid.
    public var rawScores: Bool
    /// Include each text in the answer.
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
    /// The sentence and those to compare it with.
    public struct Pair: Sendable, Decodable {
        /// The sentence compared with the others.
        public var sourceSentence: String
        /// The others.
        public var sentences: [String]
        enum CodingKeys: String, CodingKey { case sourceSentence = "source_sentence", sentences }
    }

    /// Tokenization settings, as `/embed`'s.
    public struct Parameters: Sendable, Decodable {
        /// Cut over-long inputs (nil: the server's `--auto-truncate`).
        public var truncate: Bool?
        /// Which end truncation cuts.
        public var truncationDirection: TruncationSide
        /// A prompt of the folder's sentence-transformers configuration.
        public var promptName: String?
        enum CodingKeys: String, CodingKey { case truncate, truncationDirection = "truncation_direction", promptName = "prompt_name" }

        public init(from decoder: any Swift.Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            truncate = try c.decodeIfPresent(Bool.self, forKey: .truncate)
            truncationDirection = try required(c, .truncationDirection, default: .right)
            promptName = try c.decodeIfPresent(String.self, forKey: .promptName)
        }
    }

    /// The sentences.
    public var inputs: Pair
    /// Optional settings.
    public var parameters: Parameters?
}

/// `POST /tokenize`.
public struct TokenizeRequest: Sendable, Decodable {
    /// Texts (a single string is a batch of one; responses are always nested).
    public var inputs: [String]
    /// Whether a list was sent.
    public var isBatch: Bool
    /// Add `[CLS]`/`[SEP]` (or the model's own) as the model sees them (default true).
    public var addSpecialTokens: Bool
    /// A prompt of the folder's sentence-transformers configuration.
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
    /// One list of ids per text.
    public var ids: [[UInt32]]
    /// Leave special tokens out of the text (default true).
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
    /// How vectors are written: JSON numbers, or base64 of little-endian float32.
    public enum EncodingFormat: String, Sendable, Decodable { case float, base64 }
    /// The texts (or token ids).
    public var input: Inputs
    /// The model's name (ignored: the server serves one).
    public var model: String?
    /// The caller's name (ignored).
    public var user: String?
    /// `float` (default) or `base64`.
    public var encodingFormat: EncodingFormat
    /// Keep only the first `dimensions` values.
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
