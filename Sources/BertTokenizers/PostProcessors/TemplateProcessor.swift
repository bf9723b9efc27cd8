/// One piece of a template: a special token, or one of the input sequences.
public enum TemplatePiece: Sendable, Equatable {
    /// A special token by name (its ids come from `special_tokens`), with its segment id.
    case special(String, typeId: Int)
    /// Sequence A (0) or B (1), with its segment id.
    case sequence(Int, typeId: Int)
}

/// `TemplateProcessing`: templates such as `[CLS] $A [SEP] $B:1 [SEP]:1`.
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

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var out: [Encoding] = []
        for piece in (encodings.count == 2 ? pair : single) {
            switch piece {
            case let .special(name, typeId):
                if addSpecialTokens { out.append(.special(specialTokens[name] ?? [], typeId: typeId)) }
            case let .sequence(index, typeId):
                guard index < encodings.count else { continue }
                var e = encodings[index]
                e.setTypeIds(typeId)
                out.append(e)
            }
        }
        return out
    }
}
