/// The `post_processor` section of tokenizer.json, by `type` tag.
struct PostProcessorSpec: Decodable {
    let processor: TemplateProcessor

    enum CodingKeys: String, CodingKey { case type, single, pair, specialTokens = "special_tokens", cls, sep }
    enum PieceKeys: String, CodingKey { case specialToken = "SpecialToken", sequence = "Sequence" }
    enum PieceBodyKeys: String, CodingKey { case id, typeId = "type_id" }

    struct SpecialTokenSpec: Decodable {
        var ids: [Int]
        var tokens: [String]
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "TemplateProcessing":
            let specials = try c.decode([String: SpecialTokenSpec].self, forKey: .specialTokens)
            var table: [String: [(id: Int, token: String)]] = [:]
            for (name, spec) in specials {
                guard spec.ids.count == spec.tokens.count else {
                    throw TokenizerError.malformed(path: "", jsonPath: jsonPath(c.codingPath + [CodingKeys.specialTokens]) + ".\(name)",
                                                   reason: "ids and tokens have different lengths")
                }
                table[name] = Array(zip(spec.ids, spec.tokens)).map { (id: $0.0, token: $0.1) }
            }
            processor = TemplateProcessor(
                single: try Self.template(c, .single, known: table),
                pair: try Self.template(c, .pair, known: table),
                specialTokens: table)
        case "BertProcessing", "RobertaProcessing":
            let (clsToken, clsId) = try Self.pairTuple(c, .cls)
            let (sepToken, sepId) = try Self.pairTuple(c, .sep)
            let table = ["cls": [(id: clsId, token: clsToken)], "sep": [(id: sepId, token: sepToken)]]
            if type == "BertProcessing" {
                processor = TemplateProcessor(
                    single: [.special("cls", typeId: 0), .sequence(0, typeId: 0), .special("sep", typeId: 0)],
                    pair: [.special("cls", typeId: 0), .sequence(0, typeId: 0), .special("sep", typeId: 0),
                           .sequence(1, typeId: 1), .special("sep", typeId: 1)],
                    specialTokens: table)
            } else {
                processor = TemplateProcessor(
                    single: [.special("cls", typeId: 0), .sequence(0, typeId: 0), .special("sep", typeId: 0)],
                    pair: [.special("cls", typeId: 0), .sequence(0, typeId: 0), .special("sep", typeId: 0),
                           .special("sep", typeId: 0), .sequence(1, typeId: 0), .special("sep", typeId: 0)],
                    specialTokens: table)
            }
        default:
            throw TokenizerError.unsupportedComponent(kind: "post-processor", type: type, jsonPath: jsonPath(decoder.codingPath))
        }
    }

    /// Reads `["[CLS]", 101]`.
    private static func pairTuple(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> (String, Int) {
        var list = try c.nestedUnkeyedContainer(forKey: key)
        return (try list.decode(String.self), try list.decode(Int.self))
    }

    private static func template(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys,
                                 known: [String: [(id: Int, token: String)]]) throws -> [TemplatePiece] {
        var list = try c.nestedUnkeyedContainer(forKey: key)
        var pieces: [TemplatePiece] = []
        while !list.isAtEnd {
            let piece = try list.nestedContainer(keyedBy: PieceKeys.self)
            if piece.contains(.specialToken) {
                let body = try piece.nestedContainer(keyedBy: PieceBodyKeys.self, forKey: .specialToken)
                let name = try body.decode(String.self, forKey: .id)
                guard known[name] != nil else {
                    throw TokenizerError.malformed(path: "", jsonPath: jsonPath(body.codingPath),
                                                   reason: "special token '\(name)' is not listed in special_tokens")
                }
                pieces.append(.special(name, typeId: try body.decodeIfPresent(Int.self, forKey: .typeId) ?? 0))
            } else {
                let body = try piece.nestedContainer(keyedBy: PieceBodyKeys.self, forKey: .sequence)
                let name = try body.decode(String.self, forKey: .id)
                guard name == "A" || name == "B" else {
                    throw TokenizerError.malformed(path: "", jsonPath: jsonPath(body.codingPath),
                                                   reason: "sequence id must be A or B, not '\(name)'")
                }
                pieces.append(.sequence(name == "A" ? 0 : 1, typeId: try body.decodeIfPresent(Int.self, forKey: .typeId) ?? 0))
            }
        }
        return pieces
    }
}
