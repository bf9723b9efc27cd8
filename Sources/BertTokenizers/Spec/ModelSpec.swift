extension ComponentFactory {
    /// The model and the name of its type.
    static func model(_ node: JSONNode) throws(TokenizerError) -> (any TokenModel, String) {
        // Files written by old versions of tokenizers omit the tag; the model is then told by its fields.
        let type: String
        if let tag = node.child("type") {
            type = try tag.string
        } else if node.has("max_input_chars_per_word") {
            type = "WordPiece"
        } else if node.has("merges") {
            type = "BPE"
        } else if node.has("unk_id") {
            type = "Unigram"
        } else {
            throw TokenizerError.malformed(path: "", jsonPath: node.path + ".type", reason: "missing field")
        }
        switch type {
        case "WordPiece":
            return (
                try WordPiece(
                    vocab: try vocabulary(node.field("vocab")),
                    unkToken: try node.optionalString("unk_token") ?? "[UNK]",
                    continuingSubwordPrefix: try node.optionalString("continuing_subword_prefix") ?? "##",
                    maxInputCharsPerWord: try node.optionalInt("max_input_chars_per_word") ?? 100), type
            )
        case "WordLevel":
            return (try WordLevel(vocab: try vocabulary(node.field("vocab")), unkToken: try node.optionalString("unk_token")), type)
        case "BPE":
            if let dropout = try node.child("dropout")?.double, dropout > 0 {
                throw TokenizerError.malformed(
                    path: "", jsonPath: node.path + ".dropout",
                    reason: "BPE dropout \(dropout) makes tokenization random; set it to null for inference")
            }
            return (
                try BPE(
                    vocab: try vocabulary(node.field("vocab")), merges: try merges(node.field("merges")),
                    unkToken: try node.optionalString("unk_token"),
                    continuingSubwordPrefix: try node.optionalString("continuing_subword_prefix"),
                    endOfWordSuffix: try node.optionalString("end_of_word_suffix"),
                    fuseUnk: try node.bool("fuse_unk", default: false),
                    byteFallback: try node.bool("byte_fallback", default: false),
                    ignoreMerges: try node.bool("ignore_merges", default: false)), type
            )
        case "Unigram":
            let field = try node.field("vocab")
            guard case let .array(entries) = field.value else { throw field.error("expected an array, found \(field.value.kindName)") }
            var vocab: [(String, Double)] = []
            vocab.reserveCapacity(entries.count)
            // The raw values, not path-carrying nodes: a 250k-piece vocabulary must load fast; paths only for errors.
            for (index, entry) in entries.enumerated() {
                guard case let .array(pair) = entry, pair.count == 2, case let .string(piece) = pair[0], case let .number(score) = pair[1]
                else {
                    throw TokenizerError.malformed(path: "", jsonPath: "\(field.path)[\(index)]", reason: "expected [piece, score]")
                }
                vocab.append((piece, score))
            }
            return (
                try Unigram(
                    vocab: vocab, unkId: try node.optionalInt("unk_id"),
                    byteFallback: try node.bool("byte_fallback", default: false)), type
            )
        default:
            throw node.unsupported("model", type)
        }
    }

    /// A `{"token": id}` object.
    static func vocabulary(_ node: JSONNode) throws(TokenizerError) -> [String: Int] {
        guard case let .object(members) = node.value else { throw node.error("expected an object, found \(node.value.kindName)") }
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(members.count)
        for member in members {
            guard case let .number(id) = member.value, id >= 0, id.rounded() == id, id < 4e9 else {
                throw TokenizerError.malformed(path: "", jsonPath: "\(node.path).\(member.key)", reason: "expected a token id")
            }
            vocab[member.key] = Int(id)
        }
        return vocab
    }

    /// Merges as `"a b"` strings (older files) or `["a", "b"]` pairs.
    static func merges(_ node: JSONNode) throws(TokenizerError) -> [(String, String)] {
        guard case let .array(items) = node.value else { throw node.error("expected an array, found \(node.value.kindName)") }
        var merges: [(String, String)] = []
        merges.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch item {
            case let .string(text):
                let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.malformed(
                        path: "", jsonPath: "\(node.path)[\(index)]", reason: "expected two tokens separated by a space")
                }
                merges.append((String(parts[0]), String(parts[1])))
            case let .array(pair) where pair.count == 2:
                guard case let .string(a) = pair[0], case let .string(b) = pair[1] else { fallthrough }
                merges.append((a, b))
            default:
                throw TokenizerError.malformed(path: "", jsonPath: "\(node.path)[\(index)]", reason: "expected a merge")
            }
        }
        return merges
    }
}
