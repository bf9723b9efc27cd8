extension ComponentFactory {
    static func postProcessor(_ node: JSONNode) throws(TokenizerError) -> any PostProcessor {
        let type = try node.typeTag
        switch type {
        case "TemplateProcessing":
            var table: [String: [(id: Int, token: String)]] = [:]
            for (name, spec) in try node.field("special_tokens").members {
                let ids = try spec.field("ids").array.map { (n) throws(TokenizerError) in try n.int }
                let tokens = try spec.field("tokens").array.map { (n) throws(TokenizerError) in try n.string }
                guard ids.count == tokens.count else { throw spec.error("ids and tokens have different lengths") }
                table[name] = Array(zip(ids, tokens)).map { (id: $0.0, token: $0.1) }
            }
            return TemplateProcessor(
                single: try template(node.field("single"), known: table),
                pair: try template(node.field("pair"), known: table), specialTokens: table)
        case "BertProcessing":
            return BertProcessor(cls: try tokenPair(node.field("cls")), sep: try tokenPair(node.field("sep")))
        case "RobertaProcessing":
            return RobertaProcessor(
                cls: try tokenPair(node.field("cls")), sep: try tokenPair(node.field("sep")),
                trimOffsets: try node.bool("trim_offsets", default: true),
                addPrefixSpace: try node.bool("add_prefix_space", default: true))
        case "ByteLevel":
            return ByteLevelProcessor(
                trimOffsets: try node.bool("trim_offsets", default: true),
                addPrefixSpace: try node.bool("add_prefix_space", default: true))
        case "Sequence":
            return SequenceProcessor(
                processors: try node.field("processors").array.map { (n) throws(TokenizerError) in try postProcessor(n) })
        default:
            throw node.unsupported("post-processor", type)
        }
    }

    /// `["[CLS]", 101]`.
    private static func tokenPair(_ node: JSONNode) throws(TokenizerError) -> (id: Int, token: String) {
        let items = try node.array
        guard items.count == 2 else { throw node.error("expected [token, id]") }
        return (id: try items[1].int, token: try items[0].string)
    }

    private static func template(_ node: JSONNode, known: [String: [(id: Int, token: String)]]) throws(TokenizerError) -> [TemplatePiece] {
        var pieces: [TemplatePiece] = []
        for item in try node.array {
            if let special = item.child("SpecialToken") {
                let name = try special.string("id")
                guard known[name] != nil else { throw special.error("special token '\(name)' is not listed in special_tokens") }
                pieces.append(.special(name, typeId: try special.optionalInt("type_id") ?? 0))
            } else if let sequence = item.child("Sequence") {
                let name = try sequence.string("id")
                guard name == "A" || name == "B" else { throw sequence.error("sequence id must be A or B, not '\(name)'") }
                pieces.append(.sequence(name == "A" ? 0 : 1, typeId: try sequence.optionalInt("type_id") ?? 0))
            } else {
                throw item.error("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}")
            }
        }
        return pieces
    }
}
