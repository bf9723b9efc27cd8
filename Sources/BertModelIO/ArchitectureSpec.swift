/// What one architecture computes and where its checkpoint keeps each tensor: the one description the native engine,
/// the ONNX exporter, `bench` and `serve` read. An architecture is added by writing its spec here (`Architecture.spec`)
/// and, only where it computes something BERT does not, the engine and exporter code for that.
public struct ArchitectureSpec: Sendable, Equatable {
    /// How `config.json` names the shape fields (DistilBERT has its own names).
    public struct ConfigNames: Sendable, Equatable {
        public var hiddenSize = "hidden_size", layers = "num_hidden_layers", heads = "num_attention_heads"
        public var intermediateSize = "intermediate_size", activation = "hidden_act"
        /// nil: the architecture has no such field (DistilBERT: a fixed epsilon, no token types).
        public var layerNormEps: String? = "layer_norm_eps", typeVocabSize: String? = "type_vocab_size"
        /// Layers when `config.json` gives none (transformers' default for the architecture).
        public var defaultLayers = 12
        /// The width of the embedding tables when the architecture lets it differ from the hidden size (ELECTRA's
        /// `embedding_size`), and its default; nil: the hidden size.
        public var embeddingSize: String? = nil
        public var defaultEmbeddingSize: Int? = nil
        /// Token types when `config.json` gives none (transformers' default: 2, DeBERTa-v2's 0).
        public var defaultTypeVocabSize = 2
        /// The feed-forward width, LayerNorm epsilon and padding id when `config.json` gives none (transformers'
        /// defaults for the architecture; nil padding id: 1 where positions skip it, else 0).
        public var defaultIntermediateSize = 3072
        public var defaultLayerNormEps = 1e-12
        public var defaultPadTokenId: Int? = nil
        /// The head's fields when the config chooses its pooling, activation and dense bias (ModernBERT's
        /// `classifier_pooling`, `classifier_activation`, `classifier_bias`); nil: the spec's fixed head.
        public var classifierPooling: String? = nil
        public var classifierActivation: String? = nil
        public var classifierBias: String? = nil
        /// Other names of these fields, read when `config.json` lacks the one above (NomicBERT's Hub code writes
        /// GPT-2's: `n_embd` for `hidden_size`, `n_layer`, `n_head`, `n_inner`, `n_positions`, `layer_norm_epsilon`,
        /// `activation_function`).
        public var aliases: [String: String] = [:]
        /// Activation names of the aliases' vocabulary (NomicBERT's `swiglu`: SiLU on the gate of its gated
        /// feed-forward), by the name transformers gives the same function. When the activation is read from an
        /// alias, only these names are accepted (Nomic's `gelu` there means an ungated MLP of other tensors).
        public var activationAliases: [String: String] = [:]
    }

    /// A per-head additive bias by relative position, computed once and added to every layer's attention scores
    /// (MPNet's `relative_attention_bias`, T5-style bidirectional buckets).
    public struct RelativeBias: Sendable, Equatable {
        /// The table `[buckets, heads]` (name without `.weight`).
        public var table: String
        /// The `config.json` field giving the table's rows.
        public var bucketsField: String
        /// The buckets looked up (transformers' MPNet passes 32 whatever the config says).
        public var buckets: Int
        /// The distance from which every key falls in the farthest bucket.
        public var maxDistance: Int
    }

    /// DeBERTa's disentangled attention: the relative-position embeddings shared by every layer, their LayerNorm,
    /// and each layer's own position projections (used when `share_att_key` is false), relative to the layer's
    /// attention prefix.
    public struct Disentangled: Sendable, Equatable {
        public var relativeEmbeddings: String
        public var norm: String
        public var positionKey: String
        public var positionQuery: String
    }

    /// The masked-language-model head (SPLADE reads it): `transform` (a product, the config's activation and a
    /// LayerNorm), then `decoder` to the vocabulary, whose weight is usually tied to the word embeddings.
    public struct MaskedLMHead: Sendable, Equatable {
        /// transformers' class (`BertForMaskedLM`), for messages.
        public var className: String
        public var transform: String
        public var transformNorm: String
        /// The decoder's weight; a checkpoint without it ties it to the word embeddings (safetensors keep one copy).
        public var decoderWeight: String
        /// The decoder's bias, tried in order.
        public var decoderBiases: [String]
        /// The LayerNorm epsilon when the architecture fixes it (nil: the config's).
        public var eps: Float?

        /// The decoder's weight and bias as `store` holds them (the word embeddings `wordEmbeddings` when the weight is
        /// tied); throws `missingTensor` naming the first tensor of the head the store lacks. The one check the engine
        /// and the exporter make before reading the head.
        public func decoder(in store: WeightStore, wordEmbeddings: String) throws -> (weight: String, bias: String) {
            for name in [transform + ".weight", transformNorm + ".weight"] where !store.contains(name) {
                throw ModelIOError.missingTensor(name, path: store.path)
            }
            guard let bias = decoderBiases.first(where: store.contains) else {
                throw ModelIOError.missingTensor(decoderBiases.first ?? decoderWeight, path: store.path)
            }
            return (store.contains(decoderWeight) ? decoderWeight : wordEmbeddings, bias)
        }
    }

    /// Where positions start: at 0, or after the padding id, skipping pad tokens (RoBERTa's
    /// `create_position_ids_from_input_ids`).
    public enum Positions: Sendable, Equatable {
        case absolute
        case afterPadding
    }

    /// The embeddings' tensors (names without `.weight`).
    public struct EmbeddingKeys: Sendable, Equatable {
        public var word = "embeddings.word_embeddings", position = "embeddings.position_embeddings"
        public var tokenType = "embeddings.token_type_embeddings", layerNorm = "embeddings.LayerNorm"
    }

    /// One encoder layer's tensors, relative to the layer's prefix (names without `.weight` / `.bias`).
    public struct LayerKeys: Sendable, Equatable {
        public var query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm: String
        /// Q, K and V as one stacked tensor `[3·hidden, hidden]` (GTE's `qkv_proj`); `query`, `key` and `value` are
        /// then unused.
        public var fusedQKV: String? = nil
        /// The activated half of a gated feed-forward as a tensor of its own `[intermediate, hidden]` (NomicBERT's
        /// `fc12`); `intermediate` is then the other half alone. nil: the halves are stacked in `intermediate`.
        public var gate: String? = nil

        /// The projections of the attention: the fused tensor, or Q, K and V.
        public var attentionInputs: [String] { fusedQKV.map { [$0] } ?? [query, key, value] }

        /// The keys with `prefix` (`encoder.layer.3`) before each.
        public func under(_ prefix: String) -> LayerKeys {
            LayerKeys(
                query: prefix + "." + query, key: prefix + "." + key, value: prefix + "." + value,
                attentionOutput: prefix + "." + attentionOutput, attentionNorm: prefix + "." + attentionNorm,
                intermediate: prefix + "." + intermediate, output: prefix + "." + output,
                outputNorm: prefix + "." + outputNorm, fusedQKV: fusedQKV.map { prefix + "." + $0 },
                gate: gate.map { prefix + "." + $0 })
        }
    }

    /// Rotary position embeddings in place of a position table (GTE): `config.json`'s rope fields, this θ when it
    /// gives none.
    public struct Rotary: Sendable, Equatable {
        public var defaultTheta: Double
        /// The default θ of configs whose `model_type` is an alias with code of its own (Alibaba's `new`: 10000).
        public var defaultThetaByModelType: [String: Double] = [:]
    }

    /// A gated feed-forward (GLU): the intermediate product is `[2·intermediate, hidden]`, two halves of which one
    /// goes through the activation and multiplies the other (GeGLU with GELU, SwiGLU with SiLU). The halves are
    /// either stacked in one tensor (GTE's `up_gate_proj`) or two (NomicBERT's `fc12`, `LayerKeys.gate`, and `fc11`).
    public struct GatedFeedForward: Sendable, Equatable {
        /// Which half of the product's rows is activated.
        public enum Half: Sendable, Equatable {
            case first, second
        }

        /// Of a stacked tensor: GTE activates the second (`up ⊙ act(gate)` of `[up | gate]`), ModernBERT the first.
        public var activated: Half
        /// Whether the intermediate product has a bias (GTE's `up_gate_proj` has none).
        public var bias: Bool
    }

    /// The sequence-classification head on the first token: `dense` + `activation`, then `projection` to the labels.
    public struct Head: Sendable, Equatable {
        /// The activation between the two products.
        public enum Activation: String, Sendable, Equatable {
            case tanh, relu
            /// Exact (erf) GELU: ELECTRA's head.
            case gelu
        }

        /// transformers' class (`BertForSequenceClassification`), for messages and summaries.
        public var className: String
        public var dense: String
        public var activation: Activation
        public var projection: String
        /// A LayerNorm after the activation (ModernBERT's `head.norm`), else nil.
        public var norm: String? = nil
    }

    /// The architecture.
    public var architecture: Architecture
    /// The prefix task checkpoints put before the encoder's tensor names (`bert.`), tried when a name is missing.
    public var taskPrefix: String
    /// Other such prefixes, used when the checkpoint's names carry one of them (GTE's Hub code writes `new.`).
    public var otherTaskPrefixes: [String] = []
    public var config = ConfigNames()
    public var embeddings = EmbeddingKeys()
    public var positions = Positions.absolute
    /// Layer `i` lives under `layerPrefix.i`.
    public var layerPrefix: String
    public var layer: LayerKeys
    /// LayerNorm's epsilon when the architecture fixes it (DistilBERT: 1e-12), else nil: `config.json`'s.
    public var fixedLayerNormEps: Float?
    /// The id skipped by positions when the architecture fixes it (MPNet's `padding_idx` 1), else nil: the config's
    /// `pad_token_id`.
    public var fixedPositionPadId: Int? = nil
    /// The product from the embedding width to the hidden size after the embeddings' LayerNorm, used when the
    /// config's embedding size differs from the hidden size (ELECTRA's `embeddings_project`).
    public var embeddingProjection: String? = nil
    /// The relative-position bias, when the architecture has one (MPNet).
    public var relativeBias: RelativeBias? = nil
    /// Disentangled attention, when the architecture has it (DeBERTa-v2/v3).
    public var disentangled: Disentangled? = nil
    /// Rotary positions, when the architecture has them (GTE).
    public var rotary: Rotary? = nil
    /// The gated feed-forward, when the architecture has one (GTE, NomicBERT).
    public var gatedFeedForward: GatedFeedForward? = nil
    /// Whether the encoder layers' products have biases (NomicBERT's have none: Wqkv, out_proj, fc11, fc12, fc2).
    public var linearBiases = true
    /// Whether the LayerNorms have biases (ModernBERT's have none: `norm_bias` false).
    public var normBiases = true
    /// Pre-LayerNorm layers (ModernBERT): `h += attention(attentionNorm(h))`, then `h += feedForward(outputNorm(h))`,
    /// where layer 0 has no attention norm (its input is the embeddings' LayerNorm), and `finalNorm` follows the last
    /// layer. false: BERT's post-LayerNorm.
    public var preLayerNorm = false
    /// The LayerNorm after the last layer (pre-LayerNorm architectures), else nil.
    public var finalNorm: String? = nil
    /// ModernBERT's sliding-window layers between global ones, each type with its own θ (`AlternatingAttention`).
    public var alternatingAttention = false
    /// `config.json` booleans that must not be true, with what they would turn on that BertKit does not run
    /// (NomicBERT's Hub code: `prenorm`, `use_rms_norm`, biases, ...).
    public var refusedFlags: [String: String] = [:]
    public var head: Head
    /// The masked-language-model head, when the architecture has one BertKit runs (SPLADE).
    public var maskedLM: MaskedLMHead? = nil

    /// Layer `index`'s keys.
    public func layerKeys(_ index: Int) -> LayerKeys { layer.under("\(layerPrefix).\(index)") }

    /// Every tensor a model of `config` reads (names as the spec gives them, `.weight` and `.bias`): the embeddings,
    /// each layer, and the classification head when `head` is true.
    public func tensorNames(_ config: BertConfig, head withHead: Bool) -> Set<String> {
        var names = [embeddings.word + ".weight"]
        if config.positionBiasedInput { names.append(embeddings.position + ".weight") }
        if config.typeVocabSize > 0 { names.append(embeddings.tokenType + ".weight") }
        func norm(_ name: String) -> [String] { normBiases ? [name + ".weight", name + ".bias"] : [name + ".weight"] }
        names += norm(embeddings.layerNorm)
        if let projection = embeddingProjection, config.embeddingSize != nil {
            names += [projection + ".weight", projection + ".bias"]
        }
        if let bias = relativeBias { names.append(bias.table + ".weight") }
        if let keys = disentangled, let attention = config.disentangled {
            names.append(keys.relativeEmbeddings + ".weight")
            if attention.normalizeEmbeddings { names += [keys.norm + ".weight", keys.norm + ".bias"] }
            for index in 0..<config.numHiddenLayers where !attention.shareKey {
                let prefix = "\(layerPrefix).\(index)."
                if attention.contentToPosition { names += [".weight", ".bias"].map { prefix + keys.positionKey + $0 } }
                if attention.positionToContent { names += [".weight", ".bias"].map { prefix + keys.positionQuery + $0 } }
            }
        }
        for index in 0..<config.numHiddenLayers {
            let k = layerKeys(index)
            for part in k.attentionInputs + [k.attentionOutput, k.output] + (k.gate.map { [$0] } ?? []) {
                names.append(part + ".weight")
                if linearBiases { names.append(part + ".bias") }
            }
            if !preLayerNorm || index > 0 { names += norm(k.attentionNorm) }
            names += norm(k.outputNorm)
            names.append(k.intermediate + ".weight")
            if linearBiases, gatedFeedForward?.bias ?? true { names.append(k.intermediate + ".bias") }
        }
        if let finalNorm { names += norm(finalNorm) }
        if withHead {
            names += [head.dense + ".weight", head.projection + ".weight", head.projection + ".bias"]
            if config.classifierBias { names.append(head.dense + ".bias") }
            if let headNorm = head.norm { names += norm(headNorm) }
        }
        return Set(names)
    }

    /// Whether a checkpoint with these tensor names has the classification head.
    public func hasHead(_ names: (String) -> Bool) -> Bool { names(head.projection + ".weight") }
}

extension Architecture {
    /// The architecture's description: keys, head, positions, norms.
    public var spec: ArchitectureSpec {
        switch self {
        case .bert: .bert
        case .roberta, .camembert, .xlmRoberta: .roberta(self)
        case .distilbert: .distilbert
        case .mpnet: .mpnet
        case .electra: .electra
        case .debertaV2: .debertaV2
        case .gte: .gte
        case .nomicBert: .nomicBert
        case .modernBert: .modernBert
        }
    }
}

extension ArchitectureSpec {
    static let bertLayer = LayerKeys(
        query: "attention.self.query", key: "attention.self.key", value: "attention.self.value",
        attentionOutput: "attention.output.dense", attentionNorm: "attention.output.LayerNorm",
        intermediate: "intermediate.dense", output: "output.dense", outputNorm: "output.LayerNorm")

    /// BERT and MiniLM (`modeling_bert.py`): pooler + classifier head.
    static let bert = ArchitectureSpec(
        architecture: .bert, taskPrefix: "bert", layerPrefix: "encoder.layer", layer: bertLayer,
        head: Head(className: "BertForSequenceClassification", dense: "pooler.dense", activation: .tanh, projection: "classifier"),
        maskedLM: bertMaskedLM)

    static let bertMaskedLM = MaskedLMHead(
        className: "BertForMaskedLM", transform: "cls.predictions.transform.dense",
        transformNorm: "cls.predictions.transform.LayerNorm",
        decoderWeight: "cls.predictions.decoder.weight",
        decoderBiases: ["cls.predictions.bias", "cls.predictions.decoder.bias"])

    /// RoBERTa, CamemBERT, XLM-R (`modeling_roberta.py`): positions after the padding id, `RobertaClassificationHead`.
    static func roberta(_ architecture: Architecture) -> ArchitectureSpec {
        ArchitectureSpec(
            architecture: architecture, taskPrefix: "roberta", positions: .afterPadding, layerPrefix: "encoder.layer",
            layer: bertLayer,
            head: Head(
                className: "RobertaForSequenceClassification", dense: "classifier.dense", activation: .tanh,
                projection: "classifier.out_proj"))
    }

    /// DistilBERT (`modeling_distilbert.py`): its own names, no token types, LayerNorm epsilon 1e-12.
    static let distilbert = ArchitectureSpec(
        architecture: .distilbert, taskPrefix: "distilbert",
        config: ConfigNames(
            hiddenSize: "dim", layers: "n_layers", heads: "n_heads", intermediateSize: "hidden_dim",
            activation: "activation", layerNormEps: nil, typeVocabSize: nil, defaultLayers: 6),
        layerPrefix: "transformer.layer",
        layer: LayerKeys(
            query: "attention.q_lin", key: "attention.k_lin", value: "attention.v_lin",
            attentionOutput: "attention.out_lin", attentionNorm: "sa_layer_norm", intermediate: "ffn.lin1",
            output: "ffn.lin2", outputNorm: "output_layer_norm"),
        fixedLayerNormEps: 1e-12,
        head: Head(
            className: "DistilBertForSequenceClassification", dense: "pre_classifier", activation: .relu,
            projection: "classifier"),
        maskedLM: MaskedLMHead(
            className: "DistilBertForMaskedLM", transform: "vocab_transform", transformNorm: "vocab_layer_norm",
            decoderWeight: "vocab_projector.weight",
            decoderBiases: ["vocab_projector.bias"], eps: 1e-12))

    /// MPNet (`modeling_mpnet.py`): RoBERTa-style positions from its fixed `padding_idx` 1, no token types, the
    /// attention under `attention.attn`, one relative-position bias (32 buckets, distances to 128) shared by every
    /// layer, `MPNetClassificationHead` (RoBERTa's).
    static let mpnet = ArchitectureSpec(
        architecture: .mpnet, taskPrefix: "mpnet",
        config: ConfigNames(typeVocabSize: nil),
        positions: .afterPadding, layerPrefix: "encoder.layer",
        layer: LayerKeys(
            query: "attention.attn.q", key: "attention.attn.k", value: "attention.attn.v",
            attentionOutput: "attention.attn.o", attentionNorm: "attention.LayerNorm", intermediate: "intermediate.dense",
            output: "output.dense", outputNorm: "output.LayerNorm"),
        fixedPositionPadId: 1,
        relativeBias: RelativeBias(
            table: "encoder.relative_attention_bias", bucketsField: "relative_attention_num_buckets", buckets: 32,
            maxDistance: 128),
        head: Head(
            className: "MPNetForSequenceClassification", dense: "classifier.dense", activation: .tanh,
            projection: "classifier.out_proj"))

    /// DeBERTa-v2/v3 (`modeling_deberta_v2.py`): `query_proj`/`key_proj`/`value_proj`, no token types by default
    /// (`type_vocab_size` 0), absolute positions only with `position_biased_input`, disentangled attention through
    /// `encoder.rel_embeddings`, and `ContextPooler` (`pooler.dense`, GELU) + `classifier`.
    static let debertaV2 = ArchitectureSpec(
        architecture: .debertaV2, taskPrefix: "deberta",
        config: ConfigNames(defaultTypeVocabSize: 0),
        layerPrefix: "encoder.layer",
        layer: LayerKeys(
            query: "attention.self.query_proj", key: "attention.self.key_proj", value: "attention.self.value_proj",
            attentionOutput: "attention.output.dense", attentionNorm: "attention.output.LayerNorm",
            intermediate: "intermediate.dense", output: "output.dense", outputNorm: "output.LayerNorm"),
        disentangled: Disentangled(
            relativeEmbeddings: "encoder.rel_embeddings", norm: "encoder.LayerNorm",
            positionKey: "attention.self.pos_key_proj", positionQuery: "attention.self.pos_query_proj"),
        head: Head(className: "DebertaV2ForSequenceClassification", dense: "pooler.dense", activation: .gelu, projection: "classifier"))

    /// ELECTRA's discriminator (`modeling_electra.py`): BERT's names under `electra.`, embeddings of
    /// `embedding_size` (transformers' default 128) projected to the hidden size by `embeddings_project` when the two
    /// differ, `ElectraClassificationHead` (dense, exact GELU, out_proj).
    static let electra = ArchitectureSpec(
        architecture: .electra, taskPrefix: "electra",
        config: ConfigNames(embeddingSize: "embedding_size", defaultEmbeddingSize: 128),
        layerPrefix: "encoder.layer", layer: bertLayer, embeddingProjection: "embeddings_project",
        head: Head(
            className: "ElectraForSequenceClassification", dense: "classifier.dense", activation: .gelu,
            projection: "classifier.out_proj"))

    /// Alibaba's GTE (transformers' `modeling_gte.py`; the Hub's `Alibaba-NLP/new-impl`): BERT's embeddings without
    /// a position table (token types only when `type_vocab_size` is set), rotary positions (θ by default 160000 as
    /// transformers' `GteConfig`, 10000 as the Hub code's `NewConfig`), fused `qkv_proj`, post-LayerNorm (`attn_ln`, `mlp_ln`), a GeGLU feed-forward
    /// whose second half is activated (`up_gate_proj` without bias, `down_proj`), and BERT's pooler + classifier
    /// head. Task checkpoints carry `gte.` (transformers) or `new.` (the Hub's code).
    static let gte = ArchitectureSpec(
        architecture: .gte, taskPrefix: "gte", otherTaskPrefixes: ["new"],
        config: ConfigNames(defaultTypeVocabSize: 1),
        layerPrefix: "encoder.layer",
        layer: LayerKeys(
            query: "", key: "", value: "", attentionOutput: "attention.o_proj", attentionNorm: "attn_ln",
            intermediate: "mlp.up_gate_proj", output: "mlp.down_proj", outputNorm: "mlp_ln",
            fusedQKV: "attention.qkv_proj"),
        rotary: Rotary(defaultTheta: 160_000, defaultThetaByModelType: ["new": 10_000]),
        gatedFeedForward: GatedFeedForward(activated: .second, bias: false),
        head: Head(className: "GteForSequenceClassification", dense: "pooler.dense", activation: .tanh, projection: "classifier"))

    /// NomicBERT (transformers' `modeling_nomic_bert.py`; the Hub's `nomic-ai/nomic-bert-2048` code, whose tensor
    /// names transformers also writes): word and token-type embeddings then `emb_ln`, rotary positions (θ by default
    /// 1000, `rotary_emb_base` in the Hub's configs; `rotary_emb_fraction` of each head), fused `attn.Wqkv`,
    /// post-LayerNorm (`norm1`, `norm2`), a SwiGLU feed-forward `fc2(fc11(x) ⊙ silu(fc12(x)))`, no bias on any
    /// product, and BERT's pooler + classifier head. The Hub's configs use GPT-2's field names.
    static let nomicBert = ArchitectureSpec(
        architecture: .nomicBert, taskPrefix: "nomic_bert",
        config: ConfigNames(
            aliases: [
                "hidden_size": "n_embd", "num_hidden_layers": "n_layer", "num_attention_heads": "n_head",
                "intermediate_size": "n_inner", "max_position_embeddings": "n_positions",
                "layer_norm_eps": "layer_norm_epsilon", "hidden_act": "activation_function",
            ],
            activationAliases: ["swiglu": "silu", "geglu": "gelu"]),
        embeddings: EmbeddingKeys(layerNorm: "emb_ln"),
        layerPrefix: "encoder.layers",
        layer: LayerKeys(
            query: "", key: "", value: "", attentionOutput: "attn.out_proj", attentionNorm: "norm1",
            intermediate: "mlp.fc11", output: "mlp.fc2", outputNorm: "norm2", fusedQKV: "attn.Wqkv", gate: "mlp.fc12"),
        rotary: Rotary(defaultTheta: 1000),
        gatedFeedForward: GatedFeedForward(activated: .first, bias: false),
        linearBiases: false,
        refusedFlags: [
            "prenorm": "pre-LayerNorm layers", "parallel_block": "parallel attention and MLP blocks",
            "use_rms_norm": "RMS norms", "causal": "causal attention", "qkv_proj_bias": "a bias on Wqkv",
            "mlp_fc1_bias": "biases on fc11 and fc12", "mlp_fc2_bias": "a bias on fc2",
            "rotary_emb_interleaved": "interleaved rotary pairs (transformers rotates halves)",
        ],
        head: Head(
            className: "NomicBertForSequenceClassification", dense: "pooler.dense", activation: .tanh, projection: "classifier"))

    /// ModernBERT (transformers' `modeling_modernbert.py`): `embeddings.tok_embeddings` then `embeddings.norm`, no
    /// positions or token types; pre-LayerNorm layers (`attn_norm`, absent from layer 0, and `mlp_norm`) with fused
    /// `attn.Wqkv` and `attn.Wo`, a GeGLU `mlp.Wi` whose first half is activated, `mlp.Wo`; no bias on any product or
    /// norm; rotary positions with a θ per layer type (global 160000, local 10000), sliding windows of
    /// `local_attention` tokens on all but every third layer; `final_norm`; and `ModernBertForSequenceClassification`'s
    /// head: the first token or the mean (`classifier_pooling`), `head.dense`, the classifier activation, `head.norm`,
    /// then `classifier`. Task checkpoints carry `model.`.
    static let modernBert = ArchitectureSpec(
        architecture: .modernBert, taskPrefix: "model",
        config: ConfigNames(
            activation: "hidden_activation", layerNormEps: "norm_eps", typeVocabSize: nil, defaultLayers: 22,
            defaultIntermediateSize: 1152, defaultLayerNormEps: 1e-5, defaultPadTokenId: 50283,
            classifierPooling: "classifier_pooling", classifierActivation: "classifier_activation",
            classifierBias: "classifier_bias"),
        embeddings: EmbeddingKeys(word: "embeddings.tok_embeddings", layerNorm: "embeddings.norm"),
        layerPrefix: "layers",
        layer: LayerKeys(
            query: "", key: "", value: "", attentionOutput: "attn.Wo", attentionNorm: "attn_norm",
            intermediate: "mlp.Wi", output: "mlp.Wo", outputNorm: "mlp_norm", fusedQKV: "attn.Wqkv"),
        rotary: Rotary(defaultTheta: 160_000),
        gatedFeedForward: GatedFeedForward(activated: .first, bias: false),
        linearBiases: false, normBiases: false, preLayerNorm: true, finalNorm: "final_norm", alternatingAttention: true,
        refusedFlags: [
            "norm_bias": "biases on the LayerNorms", "attention_bias": "biases on Wqkv and Wo",
            "mlp_bias": "biases on Wi and Wo",
        ],
        head: Head(
            className: "ModernBertForSequenceClassification", dense: "head.dense", activation: .gelu, projection: "classifier",
            norm: "head.norm"))
}
