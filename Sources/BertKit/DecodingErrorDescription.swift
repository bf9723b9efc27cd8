import Foundation

extension DecodingError {
    /// The error as one line naming the field at fault: `missing field '.a.b'`, `field '.a[2]': expected ...`,
    /// `not valid JSON`. Used for every Codable file BertKit and its tools read (tune.json, results.json).
    public var fieldDescription: String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch self {
        case let .keyNotFound(key, context): return "missing field '\(path(context)).\(key.stringValue)'"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "field '\(path(context))': \(context.debugDescription)"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field '\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}
