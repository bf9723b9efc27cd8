/// A post-processor: adds the special tokens around one sequence or a pair and sets segment ids.
public protocol PostProcessor: Sendable {
    /// How many tokens `process` adds for a single input (`isPair == false`) or a pair.
    func addedTokens(isPair: Bool) -> Int
    /// Joins the encodings of the first and optional second sequence.
    func process(_ first: Encoding, _ second: Encoding?) -> Encoding
}

/// One piece of a template: a special token, or one of the input sequences.
public enum TemplatePiece: Sendable, Equatable {
    /// A special token by name (its ids come from `special_tokens`), with its segment id.
    case special(String, typeId: Int)
    /// Sequence A (0) or B (1), with its segment id.
    case sequence(Int, typeId: Int)
}

/// `TemplateProcessing`, and the BERT and RoBERTa processors expressed as templates.
public struct TemplateProcessor: PostProcessor {
    /// The template for a single input.
    public let single: [TemplatePiece]
    /// The template for a pair.
    public let pair: [TemplatePiece]
    /// Each special token's ids and token strings.
    public let specialTokens: [String: [(id: Int, token: String)]]

    /// A processor from templates and the special tokens they name.
    public init(single: [TemplatePiece], pair: [TemplatePiece], specialTokens: [String: [(id: Int, token: String)]]) {
        self.single = single
        self.pair = pair
        self.specialTokens = specialTokens
    }

    public func addedTokens(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case let .special(name, _) = piece { return count + (specialTokens[name]?.count ?? 0) }
            return count
        }
    }

    public func process(_ first: Encoding, _ second: Encoding?) -> Encoding {
        var out = Encoding()
        for piece in (second == nil ? single : pair) {
            switch piece {
            case let .special(name, typeId):
                for entry in specialTokens[name] ?? [] {
                    out.append(id: entry.id, token: entry.token, typeId: typeId, special: true, offsets: 0..<0, sequence: nil)
                }
            case let .sequence(index, typeId):
                guard let source = index == 0 ? first : second else { continue }
                for i in 0..<source.count {
                    out.append(id: source.ids[i], token: source.tokens[i], typeId: typeId,
                               special: source.specialTokensMask[i] == 1, offsets: source.offsets[i], sequence: index)
                }
            }
        }
        return out
    }
}
