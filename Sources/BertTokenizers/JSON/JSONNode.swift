/// A JSON value with its path in the document (`normalizer.normalizers[1].pattern`), so that every error
/// names where the file is wrong.
struct JSONNode {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    func error(_ reason: String) -> TokenizerError {
        .malformed(path: "", jsonPath: path, reason: reason)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key`, or nil when it is absent or null.
    func child(_ key: String) -> JSONNode? {
        guard case let .object(members) = value else { return nil }
        for member in members where member.key == key {
            if case .null = member.value { return nil }
            return JSONNode(member.value, path: childPath(key))
        }
        return nil
    }

    /// Whether the member `key` is present (null included).
    func has(_ key: String) -> Bool {
        guard case let .object(members) = value else { return false }
        return members.contains { $0.key == key }
    }

    /// The member `key`; an error naming it when absent.
    func field(_ key: String) throws(TokenizerError) -> JSONNode {
        guard case .object = value else { throw error("expected an object, found \(value.kindName)") }
        guard let node = child(key) else {
            throw TokenizerError.malformed(path: "", jsonPath: childPath(key), reason: "missing field")
        }
        return node
    }

    var string: String {
        get throws(TokenizerError) {
            guard case let .string(s) = value else { throw error("expected a string, found \(value.kindName)") }
            return s
        }
    }

    var int: Int {
        get throws(TokenizerError) {
            guard case let .number(d) = value, d.rounded() == d, abs(d) < 9e15 else {
                throw error("expected an integer, found \(value.kindName)")
            }
            return Int(d)
        }
    }

    var double: Double {
        get throws(TokenizerError) {
            guard case let .number(d) = value else { throw error("expected a number, found \(value.kindName)") }
            return d
        }
    }

    var bool: Bool {
        get throws(TokenizerError) {
            guard case let .bool(b) = value else { throw error("expected a boolean, found \(value.kindName)") }
            return b
        }
    }

    var array: [JSONNode] {
        get throws(TokenizerError) {
            guard case let .array(items) = value else { throw error("expected an array, found \(value.kindName)") }
            return items.enumerated().map { JSONNode($0.element, path: "\(path)[\($0.offset)]") }
        }
    }

    /// The members of an object, in file order.
    var members: [(key: String, node: JSONNode)] {
        get throws(TokenizerError) {
            guard case let .object(items) = value else { throw error("expected an object, found \(value.kindName)") }
            return items.map { (key: $0.key, node: JSONNode($0.value, path: childPath($0.key))) }
        }
    }

    func string(_ key: String) throws(TokenizerError) -> String { try field(key).string }
    func int(_ key: String) throws(TokenizerError) -> Int { try field(key).int }
    func optionalString(_ key: String) throws(TokenizerError) -> String? { try child(key)?.string }
    func optionalInt(_ key: String) throws(TokenizerError) -> Int? { try child(key)?.int }
    func bool(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool { try child(key)?.bool ?? fallback }

    /// The `type` tag of a pipeline component.
    var typeTag: String {
        get throws(TokenizerError) { try string("type") }
    }

    /// An error for a component whose `type` this version does not implement.
    func unsupported(_ kind: String, _ type: String) -> TokenizerError {
        .unsupportedComponent(kind: kind, type: type, jsonPath: path.isEmpty ? "top level" : path)
    }
}
