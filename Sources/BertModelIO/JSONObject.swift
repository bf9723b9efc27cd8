import Foundation

/// A parsed JSON object with typed field access whose errors name the file and the field.
struct JSONObject {
    let values: [String: Any]
    let path: String

    /// Reads and parses `path`; a missing file, unreadable file or non-object is an error naming it.
    init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelIOError.missingFile(path) }
        let data = try readConfigFile(path)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
            throw ModelIOError.malformedJSON(path: path, field: "", reason: detail)
        }
        guard let dict = object as? [String: Any] else {
            throw ModelIOError.malformedJSON(path: path, field: "", reason: "expected a JSON object at the top level")
        }
        self.init(dict, path: path)
    }

    init(_ values: [String: Any], path: String) {
        self.values = values
        self.path = path
    }

    func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is NSNull) }

    private func mismatch(_ key: String, _ expected: String) -> ModelIOError {
        .malformedJSON(path: path, field: key, reason: "expected \(expected), found \(Self.describe(values[key]))")
    }

    static func describe(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "null"
        case let b as Bool where type(of: value!) == Bool.self: return "the boolean \(b)"
        case let n as NSNumber: return "the value \(n)"
        case let s as String: return "the string \"\(s.prefix(40))\""
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(type(of: value!))"
        }
    }

    /// True for JSON booleans only (NSNumber holding a number bridges to Bool too, so test the dynamic type).
    private func isBoolean(_ value: Any?) -> Bool {
        guard let value else { return false }
        return type(of: value) == Bool.self
    }

    func int(_ key: String) throws -> Int? {
        guard has(key) else { return nil }
        guard let n = values[key] as? NSNumber, !isBoolean(values[key]), let i = Int(exactly: n.doubleValue) else {
            throw mismatch(key, "an integer")
        }
        return i
    }

    func double(_ key: String) throws -> Double? {
        guard has(key) else { return nil }
        guard let n = values[key] as? NSNumber, !isBoolean(values[key]) else { throw mismatch(key, "a number") }
        return n.doubleValue
    }

    func bool(_ key: String) throws -> Bool? {
        guard has(key) else { return nil }
        guard let b = values[key] as? Bool else { throw mismatch(key, "a boolean") }
        return b
    }

    func string(_ key: String) throws -> String? {
        guard has(key) else { return nil }
        guard let s = values[key] as? String else { throw mismatch(key, "a string") }
        return s
    }

    func object(_ key: String) throws -> [String: Any]? {
        guard has(key) else { return nil }
        guard let o = values[key] as? [String: Any] else { throw mismatch(key, "an object") }
        return o
    }

    func array(_ key: String) throws -> [Any]? {
        guard has(key) else { return nil }
        guard let a = values[key] as? [Any] else { throw mismatch(key, "an array") }
        return a
    }
}
