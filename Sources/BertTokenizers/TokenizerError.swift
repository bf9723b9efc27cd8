/// Errors raised while loading or running a tokenizer. Each case names the file, JSON path or input at fault.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The tokenizer file could not be read.
    case fileUnreadable(path: String, reason: String)
    /// The tokenizer file is not valid JSON, or a field has the wrong type or is missing.
    case malformed(path: String, jsonPath: String, reason: String)
    /// A pipeline component whose `type` tag this version does not implement.
    case unsupportedComponent(kind: String, type: String, jsonPath: String)
    /// A token the pipeline needs (unknown token, a special token of the post-processor) is not in the vocabulary.
    case missingToken(String, context: String)
    /// The input is longer than the tokenizer may produce and truncation was not requested.
    case tooLong(tokens: Int, maxLength: Int)
    /// Truncation was requested but cannot be done as configured.
    case truncationImpossible(String)
    /// Bytes given as text are not valid UTF-8.
    case invalidUTF8

    public var description: String {
        switch self {
        case let .fileUnreadable(path, reason):
            return "cannot read tokenizer file \(path): \(reason)"
        case let .malformed(path, jsonPath, reason):
            return "malformed tokenizer file \(path) at \(jsonPath.isEmpty ? "top level" : jsonPath): \(reason)"
        case let .unsupportedComponent(kind, type, jsonPath):
            return "unsupported \(kind) type '\(type)' at \(jsonPath) in tokenizer.json"
        case let .missingToken(token, context):
            return "token '\(token)' needed by \(context) is not in the vocabulary"
        case let .tooLong(tokens, maxLength):
            return "input has \(tokens) tokens, more than the maximum of \(maxLength); enable truncation to cut it"
        case let .truncationImpossible(reason):
            return "cannot truncate: \(reason)"
        case .invalidUTF8:
            return "the input is not valid UTF-8"
        }
    }
}
