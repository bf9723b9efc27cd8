import Foundation

func fileExists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
}

/// A top-level JSON array file (`modules.json`).
struct JSONArrayFile {
    let path: String
    func objects() throws -> [JSONObject] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
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

    /// Path of `tokenizer.json`.
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
        guard FileManager.default.fileExists(atPath: tokenizerPath) else {
            throw ModelIOError.missingFile(tokenizerPath)
        }
    }

    /// Path of the weights file.
    public var weightsPath: String { path + "/model.safetensors" }

    /// Maps the weights.
    public func weights() throws -> WeightStore {
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            for other in ["pytorch_model.bin", "model.pt"] where FileManager.default.fileExists(atPath: path + "/" + other) {
                throw ModelIOError.unreadable(
                    path: path + "/" + other,
                    reason: "PyTorch state_dict files are not read yet; convert with "
                        + "`python -c \"import torch, safetensors.torch as s; s.save_file(torch.load('\(other)'), 'model.safetensors')\"`")
            }
            throw ModelIOError.missingFile(weightsPath)
        }
        return WeightStore(file: try SafeTensorsFile(path: weightsPath), prefix: config.architecture.weightPrefix)
    }
}
