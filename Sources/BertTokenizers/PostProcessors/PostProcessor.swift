/// A post-processor: adds the special tokens around one sequence or a pair and sets segment ids
/// (HF `PostProcessor`; overflowing windows get the same treatment).
public protocol PostProcessor: Sendable {
    /// How many tokens it adds for a single input (`isPair == false`) or a pair.
    func addedTokens(isPair: Bool) -> Int
    /// Rewrites the sequences' encodings (their segment ids already set to 0 and 1); the results are joined.
    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding]
}

extension PostProcessor {
    /// Joins the encodings of the first and optional second sequence, as HF's `PostProcessor::process`.
    public func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool = true) -> Encoding {
        var encodings = [first]
        if let second { encodings.append(second) }
        for i in encodings.indices { encodings[i].setTypeIds(i) }
        return Encoding.merged(processEncodings(encodings, addSpecialTokens: addSpecialTokens))
    }
}

extension Encoding {
    /// Special tokens as an encoding of their own (offsets empty, special mask set).
    static func special(_ entries: [(id: Int, token: String)], typeId: Int) -> Encoding {
        var e = Encoding()
        for entry in entries { e.append(id: entry.id, token: entry.token, typeId: typeId, special: true, offsets: 0..<0, sequence: nil) }
        return e
    }

    /// `before`, this encoding's tokens with segment ids `typeIds` and no special mask, then `after`, with this
    /// treatment applied to every overflowing window too (the BERT and RoBERTa processors).
    func wrapped(before: [(id: Int, token: String)], after: [(id: Int, token: String)], typeId: (Int) -> Int,
                 sequence: Int, endTypeId: Int) -> Encoding {
        var out = Encoding.special(before, typeId: 0)
        for i in 0..<count {
            out.append(id: ids[i], token: tokens[i], typeId: typeId(typeIds[i]), special: false, offsets: offsets[i], sequence: sequence)
        }
        out.merge(with: Encoding.special(after, typeId: endTypeId))
        out.overflowing = overflowing.map {
            $0.wrapped(before: before, after: after, typeId: typeId, sequence: sequence, endTypeId: endTypeId)
        }
        return out
    }
}

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
            i == 0 ? e.wrapped(before: [cls], after: [sep], typeId: { $0 }, sequence: 0, endTypeId: 0)
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
            i == 0 ? e.wrapped(before: [cls], after: [sep], typeId: { _ in 0 }, sequence: 0, endTypeId: 0)
                : e.wrapped(before: [sep], after: [sep], typeId: { _ in 0 }, sequence: 1, endTypeId: 0)
        }
    }
}

/// The `ByteLevel` post-processor: trims spaces from offsets, adds nothing.
public struct ByteLevelProcessor: PostProcessor {
    /// Trim leading and trailing spaces from offsets.
    public let trimOffsets: Bool
    /// The pre-tokenizer added a space in front.
    public let addPrefixSpace: Bool
    /// A byte-level processor.
    public init(trimOffsets: Bool, addPrefixSpace: Bool) { self.trimOffsets = trimOffsets; self.addPrefixSpace = addPrefixSpace }

    public func addedTokens(isPair: Bool) -> Int { 0 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        guard trimOffsets else { return encodings }
        var encodings = encodings
        for i in encodings.indices { ByteLevelOffsets.trim(&encodings[i], addPrefixSpace: addPrefixSpace) }
        return encodings
    }
}

/// Several post-processors, each given the previous one's encodings.
public struct SequenceProcessor: PostProcessor {
    /// The processors, in order.
    public let processors: [any PostProcessor]
    /// A sequence of processors.
    public init(processors: [any PostProcessor]) { self.processors = processors }

    public func addedTokens(isPair: Bool) -> Int { processors.reduce(0) { $0 + $1.addedTokens(isPair: isPair) } }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        processors.reduce(encodings) { $1.processEncodings($0, addSpecialTokens: addSpecialTokens) }
    }
}

/// HF's `process_offsets`: offsets lose the spaces (`Ġ` or whitespace) a token starts or ends with.
enum ByteLevelOffsets {
    static func trim(_ encoding: inout Encoding, addPrefixSpace: Bool) {
        let space = ByteLevelAlphabet.scalars[32]
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == space || s.properties.isWhitespace }
        for i in 0..<encoding.count {
            let scalars = encoding.tokens[i].unicodeScalars
            var leading = 0
            for s in scalars { if isSpace(s) { leading += 1 } else { break } }
            var trailing = 0
            for s in scalars.reversed() { if isSpace(s) { trailing += 1 } else { break } }
            guard leading > 0 || trailing > 0 else { continue }
            var range = encoding.offsets[i]
            var start = range.lowerBound, end = range.upperBound
            if leading > 0 {
                let isFirst = i == 0 || start == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                start = min(start + leading, end)
            }
            if trailing > 0 && end >= trailing { end = max(end - trailing, start) }
            range = start..<end
            encoding.offsets[i] = range
        }
        for k in encoding.overflowing.indices { trim(&encoding.overflowing[k], addPrefixSpace: addPrefixSpace) }
    }
}
