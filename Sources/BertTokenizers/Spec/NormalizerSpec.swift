import Foundation

/// Builds pipeline components from their tokenizer.json objects, by `type` tag; an unknown tag is an error
/// naming it and its JSON path.
enum ComponentFactory {
    static func normalizer(_ node: JSONNode) throws(TokenizerError) -> any Normalizer {
        let type = try node.typeTag
        switch type {
        case "BertNormalizer":
            let lowercase = try node.bool("lowercase", default: true)
            return BertNormalizer(
                cleanText: try node.bool("clean_text", default: true),
                handleChineseChars: try node.bool("handle_chinese_chars", default: true),
                stripAccents: try node.child("strip_accents")?.bool ?? lowercase,
                lowercase: lowercase)
        case "Lowercase": return LowercaseNormalizer()
        case "StripAccents": return StripAccentsNormalizer()
        case "NFD": return NFDNormalizer()
        case "NFC": return UnicodeFormNormalizer(.nfc)
        case "NFKC": return UnicodeFormNormalizer(.nfkc)
        case "NFKD": return UnicodeFormNormalizer(.nfkd)
        case "Strip":
            return StripNormalizer(left: try node.bool("strip_left", default: true), right: try node.bool("strip_right", default: true))
        case "Prepend": return PrependNormalizer(prefix: try node.string("prepend"))
        case "Replace":
            return ReplaceNormalizer(pattern: try pattern(node.field("pattern")), content: try node.string("content"))
        case "Precompiled":
            guard let encoded = try node.child("precompiled_charsmap")?.string, !encoded.isEmpty else {
                return SequenceNormalizer(stages: [])
            }
            guard let blob = Data(base64Encoded: encoded) else {
                throw TokenizerError.malformed(path: "", jsonPath: node.path + ".precompiled_charsmap", reason: "not valid base64")
            }
            do {
                return try PrecompiledNormalizer(charsmap: Array(blob))
            } catch let TokenizerError.malformed(_, _, reason) {
                throw TokenizerError.malformed(path: "", jsonPath: node.path + ".precompiled_charsmap", reason: reason)
            }
        case "Sequence":
            return SequenceNormalizer(stages: try node.field("normalizers").array.map { (n) throws(TokenizerError) in try normalizer(n) })
        default:
            throw node.unsupported("normalizer", type)
        }
    }

    /// `{"String": "..."}` or `{"Regex": "..."}`.
    static func pattern(_ node: JSONNode) throws(TokenizerError) -> SplitPattern {
        if let literal = node.child("String") { return .string(try literal.string) }
        if let expression = node.child("Regex") {
            let source = try expression.string
            do {
                return .regex(try TokenizerRegex(source))
            } catch {
                throw expression.error("cannot compile regular expression \(source.debugDescription): \(error)")
            }
        }
        throw node.error("expected {\"String\": ...} or {\"Regex\": ...}")
    }

    static func behavior(_ node: JSONNode, _ key: String, default fallback: SplitBehavior) throws(TokenizerError) -> SplitBehavior {
        guard let field = node.child(key) else { return fallback }
        let name = try field.string
        // Serialized names are CamelCase; older files used snake_case.
        let camel = name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        guard let behavior = SplitBehavior(rawValue: name) ?? SplitBehavior(rawValue: camel) else {
            throw field.error("unknown split behavior '\(name)'")
        }
        return behavior
    }
}
