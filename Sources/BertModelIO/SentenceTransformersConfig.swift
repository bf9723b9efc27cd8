/// How token vectors become one sentence vector (sentence-transformers `Pooling`).
public enum PoolingMode: String, Sendable, CaseIterable {
    /// Mean over real tokens.
    case mean
    /// The first token (`[CLS]` / `<s>`).
    case cls
    /// Component-wise max over real tokens.
    case max
    /// Sum over real tokens divided by the square root of their count.
    case meanSqrtLen = "mean_sqrt_len"
}

/// A sentence-transformers model's settings: `modules.json`, the pooling module's `config.json`,
/// and `sentence_bert_config.json`.
public struct SentenceTransformersConfig: Sendable, Equatable {
    /// The pooling modes, concatenated in sentence-transformers' order (cls, max, mean, mean_sqrt_len).
    public var pooling: [PoolingMode]
    /// Whether a `Normalize` module follows pooling.
    public var normalize: Bool
    /// `max_seq_length`, if set.
    public var maxSeqLength: Int?

    /// Plain settings.
    public init(pooling: [PoolingMode], normalize: Bool, maxSeqLength: Int? = nil) {
        self.pooling = pooling
        self.normalize = normalize
        self.maxSeqLength = maxSeqLength
    }

    /// Reads the settings of the model in `directory`, or nil if it has no `modules.json`.
    public static func load(directory: String) throws -> SentenceTransformersConfig? {
        let modulesPath = directory + "/modules.json"
        guard fileExists(modulesPath) else { return nil }
        let modules = try JSONArrayFile(path: modulesPath).objects()
        var pooling: [PoolingMode]? = nil
        var normalize = false
        for (index, module) in modules.enumerated() {
            let type = try module.string("type") ?? ""
            let subPath = try module.string("path") ?? ""
            if type.hasSuffix(".Pooling") {
                let configPath = directory + "/" + subPath + "/config.json"
                let config = try JSONObject(contentsOf: configPath)
                var modes: [PoolingMode] = []
                if try config.bool("pooling_mode_cls_token") == true { modes.append(.cls) }
                if try config.bool("pooling_mode_max_tokens") == true { modes.append(.max) }
                if try config.bool("pooling_mode_mean_tokens") == true { modes.append(.mean) }
                if try config.bool("pooling_mode_mean_sqrt_len_tokens") == true { modes.append(.meanSqrtLen) }
                for unsupported in ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"]
                    where try config.bool(unsupported) == true {
                    throw ModelIOError.invalidConfig(path: configPath, field: unsupported, reason: "this pooling mode is not supported")
                }
                guard !modes.isEmpty else {
                    throw ModelIOError.invalidConfig(path: configPath, field: "pooling_mode_*", reason: "no pooling mode is enabled")
                }
                pooling = modes
            } else if type.hasSuffix(".Normalize") {
                normalize = true
            } else if !type.hasSuffix(".Transformer") {
                throw ModelIOError.invalidConfig(path: modulesPath, field: "[\(index)].type",
                                                 reason: "module '\(type)' is not supported (Transformer, Pooling, Normalize are)")
            }
        }
        var maxSeqLength: Int?
        let bertConfigPath = directory + "/sentence_bert_config.json"
        if fileExists(bertConfigPath) {
            maxSeqLength = try JSONObject(contentsOf: bertConfigPath).int("max_seq_length")
        }
        return SentenceTransformersConfig(pooling: pooling ?? [.mean], normalize: normalize, maxSeqLength: maxSeqLength)
    }
}
