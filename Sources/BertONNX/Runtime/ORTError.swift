/// Errors of the ONNX Runtime backend: finding and loading the library, loading a model, running it.
public enum ORTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No library was found; `tried` lists every place looked at.
    case libraryNotFound(tried: [String])
    /// A library file exists but could not be loaded (`dlopen`'s message).
    case libraryUnloadable(path: String, reason: String)
    /// The file is not ONNX Runtime: it lacks the `OrtGetApiBase` entry point.
    case notOnnxRuntime(path: String)
    /// The library is older than the API version BertKit needs.
    case apiTooOld(path: String, version: String, needed: Int)
    /// A second, different library was asked for after one was loaded (one per process).
    case alreadyLoaded(loaded: String, requested: String)
    /// An ONNX Runtime call failed: the function, ONNX Runtime's error code and message.
    case call(function: String, code: Int32, message: String)
    /// A model file could not be loaded (missing, corrupt, or not a valid ONNX graph).
    case modelLoad(path: String, reason: String)
    /// No ONNX file was given and none was found in the model folder.
    case modelFileNotFound(tried: [String])
    /// A model input BertKit cannot feed.
    case unexpectedInput(path: String, name: String, detail: String)
    /// A model output BertKit cannot read.
    case unexpectedOutput(path: String, name: String, detail: String)
    /// The model has no output for the task.
    case missingOutput(path: String, task: String, outputs: [String])
    /// The requested execution provider is not in this build of ONNX Runtime.
    case providerUnavailable(name: String, available: [String], path: String)
    /// A pair (second segment) for a model with segment embeddings, on a graph that takes no token_type_ids.
    case segmentsNotTaken(path: String)
    /// A backend setting with a value it does not take.
    case invalidSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .libraryNotFound(tried):
            return "ONNX Runtime's shared library was not found (looked at: \(tried.joined(separator: "; "))). "
                + "Install it with `pip install onnxruntime`, or pass --ort-library PATH, or set ORT_DYLIB_PATH to the libonnxruntime.so file"
        case let .libraryUnloadable(path, reason):
            return "cannot load ONNX Runtime from \(path): \(reason)"
        case let .notOnnxRuntime(path):
            return "\(path) is not ONNX Runtime's library: it has no OrtGetApiBase function"
        case let .apiTooOld(path, version, needed):
            return
                "ONNX Runtime \(version) at \(path) is too old: BertKit needs C API version \(needed) (ONNX Runtime 1.\(needed) or newer)"
        case let .alreadyLoaded(loaded, requested):
            return "ONNX Runtime is already loaded from \(loaded) in this process; cannot also load \(requested)"
        case let .call(function, code, message):
            return "ONNX Runtime \(function) failed (code \(code)): \(message)"
        case let .modelLoad(path, reason):
            return "cannot load ONNX model \(path): \(reason)"
        case let .modelFileNotFound(tried):
            return "no ONNX model found (looked for \(tried.joined(separator: ", "))); pass --onnx FILE, "
                + "or write one with `bertkit export --format onnx`"
        case let .unexpectedInput(path, name, detail):
            return "\(path): input '\(name)' \(detail); BertKit feeds input_ids, attention_mask and token_type_ids (int64 or int32)"
        case let .unexpectedOutput(path, name, detail):
            return "\(path): output '\(name)' \(detail)"
        case let .missingOutput(path, task, outputs):
            return "\(path) has no output for \(task) (its outputs: \(outputs.joined(separator: ", ")))"
        case let .providerUnavailable(name, available, path):
            return "the ONNX Runtime at \(path) has no \(name) (it has \(available.joined(separator: ", "))); "
                + "install the onnxruntime-gpu package for CUDA"
        case let .segmentsNotTaken(path):
            return "\(path) takes no token_type_ids, so the second text of a pair would be read as part of the first; "
                + "export the model with token_type_ids (`bertkit export --format onnx` does) to run pairs"
        case let .invalidSetting(name, value, expected):
            return "onnxruntime setting \(name)=\(value): expected one of \(expected)"
        }
    }
}
