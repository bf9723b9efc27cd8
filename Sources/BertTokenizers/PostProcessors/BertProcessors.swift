/// `BertProcessing`: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, segment 1 for B.
public struct BertProcessor: PostProcessor {
    /// The classification token.
    public let cls: (id: Int, token: String)
    /// The separator token.
    public let sep: (id: Int, token: String)
    /// A BERT processor.
    public init(cls: (id: Int, token: String), sep: (id: Int, token: String)) { self.cls = cls; self.sep = sep }

    public func addedTokens(isPair: Bool) -> Int { isPair ? 3 : 2 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        guard addSpecialTokens else { return encodings }
        return encodings.enumerated().map { i, e in
            i == 0
                ? e.wrapped(before: [cls], after: [sep], typeId: { $0 }, sequence: 0, endTypeId: 0)
                : e.wrapped(before: [], after: [sep], typeId: { $0 }, sequence: 1, endTypeId: 1)
        }
    }
}

/// `RobertaProcessing`: `<s> A </s>` and `<s> A </s></s> B </s>`, all segment 0, offsets trimmed of spaces.
public struct RobertaProcessor: PostProcessor {
    /// The start token.
    public let cls: (id: Int, token: String)
    /// The separator token.
    public let sep: (id: Int, token: String)
    /// Trim leading and trailing spaces from offsets.
    public let trimOffsets: Bool
    /// The pre-tokenizer added a space in front (the first one is then not trimmed).
    public let addPrefixSpace: Bool

    /// A RoBERTa processor.
    public init(cls: (id: Int, token: String), sep: (id: Int, token: String), trimOffsets: Bool, addPrefixSpace: Bool) {
        self.cls = cls
        self.sep = sep
        self.trimOffsets = trimOffsets
        self.addPrefixSpace = addPrefixSpace
    }

    public func addedTokens(isPair: Bool) -> Int { isPair ? 4 : 2 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var encodings = encodings
        if trimOffsets {
            for i in encodings.indices { ByteLevelOffsets.trim(&encodings[i], addPrefixSpace: addPrefixSpace) }
        }
        for i in encodings.indices { encodings[i].setTypeIds(0) }
        guard addSpecialTokens else { return encodings }
        return encodings.enumerated().map { i, e in
            i == 0
                ? e.wrapped(before: [cls], after: [sep], typeId: { _ in 0 }, sequence: 0, endTypeId: 0)
                : e.wrapped(before: [sep], after: [sep], typeId: { _ in 0 }, sequence: 1, endTypeId: 0)
        }
    }
}
