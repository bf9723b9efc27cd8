extension ComponentFactory {
    static func preTokenizer(_ node: JSONNode) throws(TokenizerError) -> any PreTokenizer {
        let type = try node.typeTag
        switch type {
        case "BertPreTokenizer": return BertPreTokenizer()
        case "Whitespace": return WhitespacePreTokenizer()
        case "WhitespaceSplit": return WhitespaceSplitPreTokenizer()
        case "ByteLevel":
            return ByteLevelPreTokenizer(
                addPrefixSpace: try node.bool("add_prefix_space", default: true),
                useRegex: try node.bool("use_regex", default: true))
        case "Metaspace":
            return MetaspacePreTokenizer(
                replacement: try replacement(node), prependScheme: try prependScheme(node),
                split: try node.bool("split", default: true))
        case "Punctuation": return PunctuationPreTokenizer(behavior: try behavior(node, "behavior", default: .isolated))
        case "Digits": return DigitsPreTokenizer(individualDigits: try node.bool("individual_digits", default: false))
        case "CharDelimiterSplit":
            let field = try node.field("delimiter")
            let text = try field.string
            guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
                throw field.error("expected a single character")
            }
            return CharDelimiterPreTokenizer(delimiter: scalar)
        case "Split":
            return SplitPreTokenizer(
                pattern: try pattern(node.field("pattern")),
                behavior: try behavior(node, "behavior", default: .removed),
                invert: try node.bool("invert", default: false))
        case "Sequence":
            return SequencePreTokenizer(
                stages: try node.field("pretokenizers").array.map { (n) throws(TokenizerError) in try preTokenizer(n) })
        default:
            throw node.unsupported("pre-tokenizer", type)
        }
    }

    static func replacement(_ node: JSONNode) throws(TokenizerError) -> Unicode.Scalar {
        guard let field = node.child("replacement") else { return "\u{2581}" }
        let text = try field.string
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
            throw field.error("expected a single character")
        }
        return scalar
    }

    /// `prepend_scheme`, or the older `add_prefix_space` flag.
    static func prependScheme(_ node: JSONNode) throws(TokenizerError) -> MetaspacePreTokenizer.PrependScheme {
        if let field = node.child("prepend_scheme") {
            let name = try field.string
            guard let scheme = MetaspacePreTokenizer.PrependScheme(rawValue: name.lowercased()) else {
                throw field.error("unknown prepend scheme '\(name)'")
            }
            return scheme
        }
        return try node.bool("add_prefix_space", default: true) ? .always : .never
    }
}
