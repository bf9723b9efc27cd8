import Foundation

func fileExists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
}

/// The most bytes a configuration file (config.json, modules.json, a module's config) may have: the largest real
/// ones are a few kB (config.json with thousands of labels, a few MB).
let maxConfigFileBytes = 64 << 20

/// Reads a configuration file whole, refusing one over `maxConfigFileBytes` before reading it.
func readConfigFile(_ path: String) throws -> Data {
    let size: Int
    do {
        size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    } catch {
        throw ModelIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    guard size <= maxConfigFileBytes else {
        throw ModelIOError.unreadable(
            path: path, reason: "\(size) bytes, more than the \(maxConfigFileBytes) a configuration file may have")
    }
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ModelIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
}

/// A top-level JSON array file (`modules.json`).
struct JSONArrayFile {
    let path: String
    func objects() throws -> [JSONObject] {
        let data = try readConfigFile(path)
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw ModelIOError.malformedJSON(path: path, field: "", reason: "expected a JSON array")
        }
        return try list.enumerated().map { index, item in
            guard let dict = item as? [String: Any] else {
                throw ModelIOError.malformedJSON(path: path, field: "[\(index)]", reason: "expected an object")
            }
            return JSONObject(dict, path: path)
        }
    }
}

/// A Hugging Face model folder: `config.json`, `tokenizer.json`, `model.safetensors`, and for
/// sentence-transformers models `modules.json` with its pooling settings.
public struct ModelDirectory: Sendable {
    /// The folder.
    public let path: String
    /// The parsed `config.json`.
    public let config: BertConfig
    /// Sentence-transformers settings, if the folder has `modules.json`.
    public let sentenceTransformers: SentenceTransformersConfig?

    /// Path of `tokenizer.json` (a folder may have the slow tokenizer's files instead: `SlowTokenizerFiles`).
    public var tokenizerPath: String { path + "/tokenizer.json" }
    /// Path of `config.json`.
    public var configPath: String { path + "/config.json" }

    /// Opens the folder and parses its configuration files (weights are opened by `weights()`).
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelIOError.missingFile(path)
        }
        guard isDirectory.boolValue else {
            throw ModelIOError.unreadable(path: path, reason: "expected a model folder, found a file")
        }
        self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        config = try BertConfig(contentsOf: self.path + "/config.json")
        sentenceTransformers = try SentenceTransformersConfig.load(directory: self.path)
        let slowFiles = ["vocab.txt", "vocab.json", "sentencepiece.bpe.model", "spm.model", "spiece.model"]
        guard
            FileManager.default.fileExists(atPath: tokenizerPath)
                || slowFiles.contains(where: { FileManager.default.fileExists(atPath: self.path + "/" + $0) })
        else {
            throw ModelIOError.missingFile(tokenizerPath + " (nor the slow tokenizer's vocab.txt, or vocab.json + merges.txt)")
        }
    }

    /// Path of the weights file: `model.safetensors`, else `pytorch_model.bin`, else `model.pt` (the first present).
    public var weightsPath: String {
        for name in ["model.safetensors", "pytorch_model.bin", "model.pt"] where fileExists(path + "/" + name) {
            return path + "/" + name
        }
        return path + "/model.safetensors"
    }

    /// Maps the weights (safetensors, or a PyTorch state_dict read without executing its pickle).
    public func weights() throws -> WeightStore {
        let file = weightsPath
        guard fileExists(file) else { throw ModelIOError.missingFile(file) }
        let source: any TensorSource = file.hasSuffix(".safetensors") ? try SafeTensorsFile(path: file) : try PyTorchCheckpoint(path: file)
        let spec = config.architecture.spec
        // The first of the architecture's task prefixes the checkpoint's names carry (the usual one when none does).
        let prefix = spec.otherTaskPrefixes.first { other in source.tensorNames.contains { $0.hasPrefix(other + ".") } }
        return WeightStore(source: source, prefix: prefix ?? spec.taskPrefix)
    }
}
