import Foundation

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
    /// Mean over real tokens weighted by position (1, 2, 3, ...), as SGPT.
    case weightedMean = "weightedmean"
    /// The last real token.
    case lastToken = "lasttoken"
}

/// A sentence-transformers `Dense` module after pooling: `y = activation(W·x + b)`, weights in its folder.
public struct DenseModuleConfig: Sendable, Equatable {
    /// The module's folder, relative to the model folder.
    public var path: String
    public var inFeatures: Int
    public var outFeatures: Int
    public var bias: Bool
    /// The activation, by its PyTorch class name's last part: `Identity`, `Tanh`, `ReLU`, `GELU`, `Sigmoid`.
    public var activation: String

    /// The activations BertKit applies.
    public static let activations = ["Identity", "Tanh", "ReLU", "GELU", "Sigmoid"]
}

/// A sentence-transformers model's settings: `modules.json`, the pooling module's `config.json`, the `Dense`
/// modules after it, `sentence_bert_config.json` and `config_sentence_transformers.json`.
public struct SentenceTransformersConfig: Sendable, Equatable {
    /// The pooling modes, concatenated in sentence-transformers' order (cls, max, mean, mean_sqrt_len, weightedmean,
    /// lasttoken).
    public var pooling: [PoolingMode]
    /// Whether a `Normalize` module follows pooling (and the Dense modules).
    public var normalize: Bool
    /// `max_seq_length`, if set.
    public var maxSeqLength: Int?
    /// `do_lower_case` of `sentence_bert_config.json`: inputs are lowercased before tokenizing.
    public var doLowerCase: Bool
    /// `Dense` modules after pooling, in order.
    public var dense: [DenseModuleConfig]
    /// Named prompts prepended to inputs (`config_sentence_transformers.json`), and the one used by default.
    public var prompts: [String: String]
    public var defaultPromptName: String?

    /// Plain settings.
    public init(
        pooling: [PoolingMode], normalize: Bool, maxSeqLength: Int? = nil, doLowerCase: Bool = false,
        dense: [DenseModuleConfig] = [], prompts: [String: String] = [:], defaultPromptName: String? = nil
    ) {
        self.pooling = pooling
        self.normalize = normalize
        self.maxSeqLength = maxSeqLength
        self.doLowerCase = doLowerCase
        self.dense = dense
        self.prompts = prompts
        self.defaultPromptName = defaultPromptName
    }

    /// The flags of the pooling config, in sentence-transformers' concatenation order.
    static let poolingFlags: [(String, PoolingMode)] = [
        ("pooling_mode_cls_token", .cls), ("pooling_mode_max_tokens", .max), ("pooling_mode_mean_tokens", .mean),
        ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLen), ("pooling_mode_weightedmean_tokens", .weightedMean),
        ("pooling_mode_lasttoken", .lastToken),
    ]

    /// Reads the settings of the model in `directory`, or nil if it has no `modules.json`.
    public static func load(directory: String) throws -> SentenceTransformersConfig? {
        let modulesPath = directory + "/modules.json"
        guard fileExists(modulesPath) else { return nil }
        let modules = try JSONArrayFile(path: modulesPath).objects()
        var pooling: [PoolingMode]? = nil
        var normalize = false
        var dense: [DenseModuleConfig] = []
        for (index, module) in modules.enumerated() {
            let type = try module.string("type") ?? ""
            let subPath = try module.string("path") ?? ""
            if type.hasSuffix(".Pooling") {
                let configPath = directory + "/" + subPath + "/config.json"
                let config = try JSONObject(contentsOf: configPath)
                var modes: [PoolingMode] = []
                if config.has("pooling_mode") {
                    modes = try poolingModes(config, path: configPath)
                } else {
                    for (flag, mode) in poolingFlags where try config.bool(flag) == true { modes.append(mode) }
                }
                guard !modes.isEmpty else {
                    throw ModelIOError.invalidConfig(path: configPath, field: "pooling_mode_*", reason: "no pooling mode is enabled")
                }
                if try config.bool("include_prompt") == false {
                    throw ModelIOError.invalidConfig(
                        path: configPath, field: "include_prompt",
                        reason: "pooling that leaves out the prompt's tokens is not supported")
                }
                pooling = modes
            } else if type.hasSuffix(".Dense") {
                guard pooling != nil, !normalize else {
                    throw ModelIOError.invalidConfig(
                        path: modulesPath, field: "[\(index)].type",
                        reason: "a Dense module is supported after Pooling and before Normalize only")
                }
                dense.append(try denseConfig(directory: directory, path: subPath))
            } else if type.hasSuffix(".Normalize") {
                normalize = true
            } else if !type.hasSuffix(".Transformer") {
                throw ModelIOError.invalidConfig(
                    path: modulesPath, field: "[\(index)].type",
                    reason: "module '\(type)' is not supported (Transformer, Pooling, Dense, Normalize are)")
            }
        }
        var maxSeqLength: Int?
        var doLowerCase = false
        let bertConfigPath = directory + "/sentence_bert_config.json"
        if fileExists(bertConfigPath) {
            let config = try JSONObject(contentsOf: bertConfigPath)
            maxSeqLength = try config.int("max_seq_length")
            if let length = maxSeqLength, length < 1 {
                throw ModelIOError.invalidConfig(path: bertConfigPath, field: "max_seq_length", reason: "must be positive, is \(length)")
            }
            doLowerCase = try config.bool("do_lower_case") ?? false
        }
        // sentence-transformers 6 keeps the length in the tokenizer's `model_max_length` (transformers' "no limit" is
        // a huge number, ignored).
        let tokenizerConfigPath = directory + "/tokenizer_config.json"
        if maxSeqLength == nil, fileExists(tokenizerConfigPath),
            let length = try? JSONObject(contentsOf: tokenizerConfigPath).int("model_max_length"), length > 0, length <= 1 << 20
        {
            maxSeqLength = length
        }
        var prompts: [String: String] = [:]
        var defaultPromptName: String?
        let stConfigPath = directory + "/config_sentence_transformers.json"
        if fileExists(stConfigPath) {
            let config = try JSONObject(contentsOf: stConfigPath)
            for (name, value) in try config.object("prompts") ?? [:] {
                guard let text = value as? String else {
                    throw ModelIOError.invalidConfig(path: stConfigPath, field: "prompts.\(name)", reason: "must be a string")
                }
                prompts[name] = text
            }
            defaultPromptName = try config.string("default_prompt_name")
            if let name = defaultPromptName, prompts[name] == nil {
                throw ModelIOError.invalidConfig(
                    path: stConfigPath, field: "default_prompt_name",
                    reason: "'\(name)' is not one of the prompts (\(prompts.keys.sorted().joined(separator: ", ")))")
            }
        }
        return SentenceTransformersConfig(
            pooling: pooling ?? [.mean], normalize: normalize, maxSeqLength: maxSeqLength,
            doLowerCase: doLowerCase, dense: dense, prompts: prompts,
            defaultPromptName: defaultPromptName)
    }

    /// sentence-transformers 6's `pooling_mode`: one name or a list, concatenated in the listed order.
    static func poolingModes(_ config: JSONObject, path: String) throws -> [PoolingMode] {
        let names: [String]
        if let one = try? config.string("pooling_mode") {
            names = [one]
        } else if let list = try config.array("pooling_mode"), let strings = list as? [String] {
            names = strings
        } else {
            throw ModelIOError.invalidConfig(path: path, field: "pooling_mode", reason: "must be a name or a list of names")
        }
        let known: [String: PoolingMode] = [
            "cls": .cls, "max": .max, "mean": .mean, "mean_sqrt_len_tokens": .meanSqrtLen,
            "weightedmean": .weightedMean, "lasttoken": .lastToken,
        ]
        return try names.map { name in
            guard let mode = known[name] else {
                throw ModelIOError.invalidConfig(
                    path: path, field: "pooling_mode",
                    reason: "'\(name)' is not a pooling mode (\(known.keys.sorted().joined(separator: ", ")))")
            }
            return mode
        }
    }

    static func denseConfig(directory: String, path: String) throws -> DenseModuleConfig {
        let configPath = directory + "/" + path + "/config.json"
        let config = try JSONObject(contentsOf: configPath)
        func positive(_ field: String) throws -> Int {
            guard let value = try config.int(field) else {
                throw ModelIOError.invalidConfig(path: configPath, field: field, reason: "missing")
            }
            guard value > 0, value <= 1 << 20 else {
                throw ModelIOError.invalidConfig(path: configPath, field: field, reason: "must be in 1...\(1 << 20), is \(value)")
            }
            return value
        }
        let className = try config.string("activation_function") ?? "torch.nn.modules.linear.Identity"
        let activation = String(className.split(separator: ".").last ?? "")
        guard DenseModuleConfig.activations.contains(activation) else {
            throw ModelIOError.invalidConfig(
                path: configPath, field: "activation_function",
                reason: "'\(className)' is not supported (\(DenseModuleConfig.activations.joined(separator: ", ")))")
        }
        return DenseModuleConfig(
            path: path, inFeatures: try positive("in_features"), outFeatures: try positive("out_features"),
            bias: try config.bool("bias") ?? true, activation: activation)
    }
}
