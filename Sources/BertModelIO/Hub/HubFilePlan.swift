import Foundation

/// The files of a Hub repo that BertKit reads, and so downloads: `config.json`; `tokenizer.json` and its companions
/// (the slow tokenizer's files only when there is no `tokenizer.json`); `model.safetensors`, else
/// `pytorch_model.bin`; sentence-transformers' `modules.json`, its two configs, and each module folder's `config.json`
/// and weights. Nothing else (no ONNX, TensorFlow or Flax copies, no README).
public enum HubFilePlan {
    static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]
    static let slowTokenizerFiles = ["vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spm.model"]
    static let sentenceTransformersFiles = ["modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"]
    static let weightFiles = ["model.safetensors", "pytorch_model.bin"]

    /// A sentence-transformers module folder that `modules.json` names.
    public struct Module: Sendable, Equatable {
        /// The folder, relative to the model (`2_Dense`).
        public var path: String
        /// Whether it has weights of its own (a `Dense` module).
        public var hasWeights: Bool

        /// A module.
        public init(path: String, hasWeights: Bool) {
            self.path = path
            self.hasWeights = hasWeights
        }
    }

    /// The files to fetch, in order (configuration first, weights last), from the repo's file list `available` and the
    /// module folders that `modules.json` names.
    public static func files(available: Set<String>, modules: [Module]) -> [String] {
        var files = ["config.json"] + sentenceTransformersFiles + tokenizerFiles
        if !available.contains("tokenizer.json") { files += slowTokenizerFiles }
        for module in modules {
            files.append(module.path + "/config.json")
            if let weights = weightFiles.first(where: { available.contains(module.path + "/" + $0) }) {
                files.append(module.path + "/" + weights)
            }
        }
        if let weights = weightFiles.first(where: available.contains) { files.append(weights) }
        return files.filter(available.contains)
    }

    /// The first file BertKit cannot run without that `available` lacks (`config.json`, a tokenizer, the weights, a
    /// module's config, a `Dense` module's weights), or nil.
    public static func missingRequired(available: Set<String>, modules: [Module]) -> String? {
        if let missing = missingRequired(available: available) { return missing }
        for module in modules {
            if !available.contains(module.path + "/config.json") { return module.path + "/config.json" }
            if module.hasWeights, !weightFiles.contains(where: { available.contains(module.path + "/" + $0) }) {
                return module.path + "/model.safetensors"
            }
        }
        return nil
    }

    /// The first file BertKit cannot run without that `available` lacks (`config.json`, a tokenizer, the weights),
    /// or nil.
    public static func missingRequired(available: Set<String>) -> String? {
        if !available.contains("config.json") { return "config.json" }
        if !available.contains("tokenizer.json"), !slowTokenizerFiles.contains(where: available.contains) {
            return "tokenizer.json"
        }
        if !weightFiles.contains(where: available.contains) {
            return available.contains("model.safetensors.index.json")
                ? "model.safetensors (the repo has sharded weights, model.safetensors.index.json, which BertKit does not read)"
                : "model.safetensors"
        }
        return nil
    }

    /// The module folders that `modules.json` (at `modulesJSON`, if it is in `available`) names: every non-empty
    /// `path`, each checked to be a plain relative folder name. Without `modules.json`, none.
    public static func modules(modulesJSON path: String, available: Set<String>) throws -> [Module] {
        guard available.contains("modules.json") else { return [] }
        return try modules(json: readConfigFile(path), path: path)
    }

    /// The module folders named in the `modules.json` text `data` (read from `path`, named in errors).
    public static func modules(json data: Data, path: String) throws -> [Module] {
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw ModelIOError.malformedJSON(path: path, field: "", reason: "expected a JSON array")
        }
        var modules: [Module] = []
        for (index, item) in list.enumerated() {
            guard let module = item as? [String: Any] else {
                throw ModelIOError.malformedJSON(path: path, field: "[\(index)]", reason: "expected an object")
            }
            guard let folder = module["path"] as? String, !folder.isEmpty else { continue }
            guard isSafeRelativePath(folder) else {
                throw ModelIOError.malformedJSON(
                    path: path, field: "[\(index)].path", reason: "'\(folder)' is not a relative folder inside the model")
            }
            let type = module["type"] as? String ?? ""
            modules.append(Module(path: folder, hasWeights: type.hasSuffix(".Dense") || type == "Dense"))
        }
        return modules
    }

    /// A relative path with no empty, `.` or `..` part, no backslash or NUL, not absolute: what a repo's file name
    /// must be before it is joined to a cache folder.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/"),
            !path.contains("\\"), !path.utf8.contains(0)
        else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != "" && $0 != "." && $0 != ".." }
    }
}
