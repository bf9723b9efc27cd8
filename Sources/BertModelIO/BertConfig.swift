/// The architectures BertKit runs, by `model_type`.
public enum Architecture: String, Sendable, CaseIterable {
    /// BERT and MiniLM (`bert`).
    case bert
    /// RoBERTa (`roberta`).
    case roberta
    /// CamemBERT (`camembert`), a RoBERTa.
    case camembert
    /// XLM-RoBERTa (`xlm-roberta`), a RoBERTa.
    case xlmRoberta = "xlm-roberta"
    /// DistilBERT (`distilbert`): its own tensor names, no token types.
    case distilbert
    /// MPNet (`mpnet`): RoBERTa-style positions, no token types, a relative-position bias shared by every layer.
    case mpnet
    /// ELECTRA's discriminator (`electra`): BERT with embeddings of their own width projected to the hidden size.
    case electra
    /// DeBERTa-v2 and v3 (`deberta-v2`): disentangled attention over log-bucketed relative positions.
    case debertaV2 = "deberta-v2"
    /// Alibaba's GTE (`gte`; `new` in configs written for its Hub code): rotary positions, fused QKV, a gated
    /// feed-forward (GeGLU), post-LayerNorm.
    case gte
    /// NomicBERT (`nomic_bert`): rotary positions, fused QKV, SwiGLU, no biases, post-LayerNorm.
    case nomicBert = "nomic_bert"
    /// ModernBERT (`modernbert`): pre-LayerNorm without biases, rotary positions with a θ per layer type, sliding-window
    /// attention on most layers, GeGLU, a final norm.
    case modernBert = "modernbert"

    /// The architecture of a `model_type`, its aliases included (`new` is GTE).
    public init?(modelType: String) {
        switch modelType {
        case "new": self = .gte
        default: self.init(rawValue: modelType)
        }
    }
}

/// How a classification head reads the sequence (ModernBERT's `classifier_pooling`).
public enum ClassifierPooling: String, Sendable {
    /// The first token's hidden state (`cls`).
    case first = "cls"
    /// The mean of the real tokens' hidden states (`mean`).
    case mean
}

/// Feed-forward activations.
public enum Activation: String, Sendable {
    /// Exact GELU with erf (`gelu`).
    case gelu
    /// GELU, tanh approximation (`gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`).
    case geluTanh = "gelu_new"
    /// ReLU.
    case relu
    /// SiLU (`silu`, `swish`): `x · sigmoid(x)`, the activated half of SwiGLU.
    case silu
}

/// The graph-shaping fields of `config.json`, with transformers' defaults
/// (https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/configuration_bert.py#L99).
/// DistilBERT's own names (`dim`, `n_layers`, ...) are mapped onto the same fields.
public struct BertConfig: Sendable, Equatable {
    /// The architecture.
    public var architecture: Architecture
    /// Width of every hidden state.
    public var hiddenSize: Int = 768
    /// Encoder layers.
    public var numHiddenLayers: Int = 12
    /// Attention heads.
    public var numAttentionHeads: Int = 12
    /// Feed-forward width.
    public var intermediateSize: Int = 3072
    /// Feed-forward activation.
    public var hiddenAct: Activation = .gelu
    /// LayerNorm epsilon.
    public var layerNormEps: Float = 1e-12
    /// Rows of the word-embedding table.
    public var vocabSize: Int = 30522
    /// Rows of the position-embedding table.
    public var maxPositionEmbeddings: Int = 512
    /// Rows of the token-type table (0 for DistilBERT).
    public var typeVocabSize: Int = 2
    /// The padding token id (RoBERTa positions start after it).
    public var padTokenId: Int = 0
    /// Class names by index, from `id2label`.
    public var id2label: [Int: String] = [:]
    /// `architectures` as listed.
    public var architectures: [String] = []
    /// Width of the embedding tables when it differs from the hidden size (ELECTRA's `embedding_size`: the
    /// embeddings are projected to the hidden size after their LayerNorm), else nil.
    public var embeddingSize: Int?
    /// Rows of the relative-position bias table (MPNet's `relative_attention_num_buckets`), when the architecture
    /// has one.
    public var relativeAttentionBuckets: Int?

    /// Width of the embedding tables.
    public var embeddingWidth: Int { embeddingSize ?? hiddenSize }
    /// Whether absolute position embeddings are added (DeBERTa's `position_biased_input`; true elsewhere).
    public var positionBiasedInput = true
    /// DeBERTa's disentangled attention, when the config turns it on (`relative_attention`).
    public var disentangled: DisentangledAttention?
    /// The attention scores' scale is 1/√(head size × this): DeBERTa's 1 + one per `pos_att_type` entry, else 1.
    public var attentionScaleFactor = 1
    /// Rotary position embeddings, for the architectures that have them (GTE); they then add no absolute positions.
    public var rotary: RotaryEmbedding?
    /// ModernBERT's sliding-window layers and their rotation (`rotary` is then the global layers').
    public var alternating: AlternatingAttention?
    /// What the classification head reads: the first token, or (ModernBERT's `classifier_pooling` mean) the mean.
    public var classifierPooling = ClassifierPooling.first
    /// The head's activation when the config chooses it (ModernBERT's `classifier_activation`), else nil: the spec's.
    public var classifierActivation: Activation?
    /// Whether the head's dense product has a bias (ModernBERT's `classifier_bias`; true elsewhere).
    public var classifierBias = true

    /// What the attention scores (and DeBERTa's position terms) are multiplied by: 1/√(head size × factor).
    public var attentionScale: Float { 1 / (Float(headDim) * Float(attentionScaleFactor)).squareRoot() }

    /// Per-head width.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// The first position id (RoBERTa family: `pad_token_id + 1`).
    /// Whether token type ids change the model's output: BERT's segment embeddings (DistilBERT has none, RoBERTa one).
    public var usesSegments: Bool { architecture.spec.config.typeVocabSize != nil && typeVocabSize > 1 }

    public var positionOffset: Int { architecture.spec.positions == .afterPadding ? positionPadId + 1 : 0 }

    /// The id whose tokens take no position of their own (RoBERTa family: the padding id; MPNet fixes it at 1).
    public var positionPadId: Int { architecture.spec.fixedPositionPadId ?? padTokenId }

    /// Longest sequence the position table allows, special tokens included.
    public var maxSequenceLength: Int { maxPositionEmbeddings - positionOffset }

    /// A config with transformers' defaults for `architecture`.
    public init(architecture: Architecture) {
        self.architecture = architecture
    }

    /// Reads `config.json` at `path`.
    public init(contentsOf path: String) throws {
        let json = try JSONObject(contentsOf: path)
        guard let type = try json.string("model_type") else {
            throw ModelIOError.malformedJSON(path: path, field: "model_type", reason: "missing field")
        }
        guard let architecture = Architecture(modelType: type) else {
            throw ModelIOError.unsupportedModelType(type, path: path)
        }
        self.init(architecture: architecture)
        let names = architecture.spec.config
        // The field's name as this config.json writes it: the spec's, else its alias when only that is present.
        func key(_ name: String) -> String { json.has(name) ? name : names.aliases[name].flatMap { json.has($0) ? $0 : nil } ?? name }
        for (field, feature) in architecture.spec.refusedFlags.sorted(by: { $0.key < $1.key }) where try json.bool(field) == true {
            throw ModelIOError.invalidConfig(path: path, field: field, reason: "\(feature): not supported for \(type)")
        }
        hiddenSize = try json.int(key(names.hiddenSize)) ?? hiddenSize
        numHiddenLayers = try json.int(key(names.layers)) ?? names.defaultLayers
        numAttentionHeads = try json.int(key(names.heads)) ?? numAttentionHeads
        intermediateSize = try json.int(key(names.intermediateSize)) ?? names.defaultIntermediateSize
        let activationField = key(names.activation)
        let activationName = try json.string(activationField) ?? "gelu"
        if activationField != names.activation, names.activationAliases[activationName] == nil {
            let known = names.activationAliases.keys.sorted().joined(separator: ", ")
            throw ModelIOError.invalidConfig(
                path: path, field: activationField, reason: "'\(activationName)' is not supported; only \(known)")
        }
        hiddenAct = try Self.activation(
            names.activationAliases[activationName] ?? activationName, field: activationField, path: path)
        if let field = names.layerNormEps.map(key) {
            layerNormEps = Float(try json.double(field) ?? names.defaultLayerNormEps)
        } else if let fixed = architecture.spec.fixedLayerNormEps {
            layerNormEps = fixed
        }
        typeVocabSize = try names.typeVocabSize.map { try json.int($0) ?? names.defaultTypeVocabSize } ?? 0
        if let field = names.embeddingSize {
            let size = try json.int(field) ?? names.defaultEmbeddingSize ?? hiddenSize
            embeddingSize = size == hiddenSize ? nil : size
        }
        if let bias = architecture.spec.relativeBias {
            relativeAttentionBuckets = try json.int(bias.bucketsField) ?? bias.buckets
        }
        if architecture.spec.disentangled != nil { try readDisentangled(json, path: path) }
        if architecture.spec.alternatingAttention {
            try readAlternating(json, path: path)
        } else if let rotary = architecture.spec.rotary {
            try readRotary(json, defaultTheta: rotary.defaultThetaByModelType[type] ?? rotary.defaultTheta, path: path)
        } else if let kind = try json.string("position_embedding_type"), kind != "absolute" {
            throw ModelIOError.invalidConfig(
                path: path, field: "position_embedding_type",
                reason: "'\(kind)' is not supported; only 'absolute'")
        }
        if let field = names.classifierPooling, let name = try json.string(field) {
            guard let pooling = ClassifierPooling(rawValue: name) else {
                throw ModelIOError.invalidConfig(path: path, field: field, reason: "'\(name)' is not supported; only 'cls' and 'mean'")
            }
            classifierPooling = pooling
        }
        if let field = names.classifierActivation {
            classifierActivation = try Self.activation(try json.string(field) ?? "gelu", field: field, path: path)
        }
        if let field = names.classifierBias { classifierBias = try json.bool(field) ?? false }
        vocabSize = try json.int("vocab_size") ?? vocabSize
        maxPositionEmbeddings = try json.int(key("max_position_embeddings")) ?? maxPositionEmbeddings
        let afterPadding = architecture.spec.positions == .afterPadding
        padTokenId = try json.int("pad_token_id") ?? names.defaultPadTokenId ?? (afterPadding ? 1 : 0)
        architectures = (try json.array("architectures") as? [String]) ?? []
        if let labels = try json.object("id2label") {
            for (key, value) in labels {
                guard let index = Int(key), let name = value as? String else {
                    throw ModelIOError.malformedJSON(
                        path: path, field: "id2label.\(key)",
                        reason: "expected an integer key and a string label")
                }
                id2label[index] = name
            }
        }
        try validate(path: path)
    }

    private static func activation(_ name: String, field: String, path: String) throws -> Activation {
        switch name {
        case "gelu": return .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": return .geluTanh
        case "relu": return .relu
        case "silu", "swish": return .silu
        default:
            throw ModelIOError.invalidConfig(path: path, field: field, reason: "activation '\(name)' is not supported")
        }
    }

    private func validate(path: String) throws {
        for (field, value) in [
            ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
            ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
            ("vocab_size", vocabSize), ("max_position_embeddings", maxPositionEmbeddings),
            (architecture.spec.config.embeddingSize ?? "embedding_size", embeddingWidth),
        ] where value <= 0 {
            throw ModelIOError.invalidConfig(path: path, field: field, reason: "must be positive, is \(value)")
        }
        // RoBERTa-family positions start at pad_token_id + 1: an id outside the vocabulary would read positions from
        // outside the table.
        guard padTokenId >= 0, architecture.spec.positions != .afterPadding || padTokenId < vocabSize else {
            throw ModelIOError.invalidConfig(
                path: path, field: "pad_token_id",
                reason: "\(padTokenId) is outside the vocabulary of \(vocabSize) tokens")
        }
        if let bias = architecture.spec.relativeBias, let rows = relativeAttentionBuckets, rows < bias.buckets {
            throw ModelIOError.invalidConfig(
                path: path, field: bias.bucketsField,
                reason: "is \(rows), but \(architecture.rawValue) looks up \(bias.buckets) relative-position buckets")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw ModelIOError.invalidConfig(
                path: path, field: "num_attention_heads",
                reason: "hidden size \(hiddenSize) is not divisible by \(numAttentionHeads) heads")
        }
        guard maxSequenceLength > 0 else {
            throw ModelIOError.invalidConfig(
                path: path, field: "max_position_embeddings",
                reason: "leaves no positions after the padding offset \(positionOffset)")
        }
    }
}
