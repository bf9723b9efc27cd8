/// Errors raised while reading a checkpoint. Each names the file, field or tensor at fault.
public enum ModelIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A folder or file that should exist does not.
    case missingFile(String)
    /// A file exists but cannot be read or mapped.
    case unreadable(path: String, reason: String)
    /// A JSON file is malformed: the field path and what is wrong.
    case malformedJSON(path: String, field: String, reason: String)
    /// `model_type` (or the architecture) is not one BertKit runs.
    case unsupportedModelType(String, path: String)
    /// A config value is invalid (e.g. hidden size not divisible by heads).
    case invalidConfig(path: String, field: String, reason: String)
    /// A safetensors file is corrupt: its header lies about offsets or sizes, or is not valid.
    case corruptSafetensors(path: String, reason: String)
    /// A PyTorch checkpoint archive is damaged: truncated zip, bad storage sizes, a pickle that is not a state_dict.
    case corruptCheckpoint(path: String, reason: String)
    /// A PyTorch checkpoint's pickle asks for something outside the state_dict allow-list (never executed).
    case unsafeCheckpoint(path: String, reason: String)
    /// A tensor has a dtype BertKit does not handle.
    case unsupportedDType(tensor: String, dtype: String, path: String)
    /// A tensor the model needs is absent.
    case missingTensor(String, path: String)
    /// A tensor has the wrong shape.
    case shapeMismatch(tensor: String, expected: [Int], actual: [Int], path: String)

    public var description: String {
        switch self {
        case let .missingFile(path):
            return "missing file or folder: \(path)"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedJSON(path, field, reason):
            return "malformed JSON in \(path)\(field.isEmpty ? "" : " at field '\(field)'"): \(reason)"
        case let .unsupportedModelType(type, path):
            return "unsupported model type '\(type)' in \(path) (supported: bert, roberta, camembert, xlm-roberta, distilbert)"
        case let .invalidConfig(path, field, reason):
            return "invalid config in \(path), field '\(field)': \(reason)"
        case let .corruptSafetensors(path, reason):
            return "corrupt safetensors file \(path): \(reason)"
        case let .corruptCheckpoint(path, reason):
            return "corrupt PyTorch checkpoint \(path): \(reason)"
        case let .unsafeCheckpoint(path, reason):
            return "unsafe PyTorch checkpoint \(path): \(reason)"
        case let .unsupportedDType(tensor, dtype, path):
            return "tensor '\(tensor)' in \(path) has dtype \(dtype); supported: F32, F16, BF16"
        case let .missingTensor(name, path):
            return "tensor '\(name)' is missing from \(path)"
        case let .shapeMismatch(tensor, expected, actual, path):
            return "tensor '\(tensor)' in \(path) has shape \(actual), expected \(expected)"
        }
    }
}
