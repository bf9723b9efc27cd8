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
    func wrapped(
        before: [(id: Int, token: String)], after: [(id: Int, token: String)], typeId: (Int) -> Int,
        sequence: Int, endTypeId: Int
    ) -> Encoding {
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
