import Foundation

/// A parsed JSON value. Objects keep their keys in file order; tokenizer.json's large tables (a 250k-piece
/// Unigram vocabulary, BPE merges) are read straight from these arrays without a `Decodable` round trip.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses `data` (UTF-8 JSON). Throws `JSONParseError` with the byte offset of the problem.
    static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
            return Result { () throws(JSONParseError) -> JSONValue in try parser.parseDocument() }
        }
        return try result.get()
    }
}

/// Why a document is not JSON, and where.
struct JSONParseError: Error, Sendable {
    var offset: Int
    var reason: String
}
