/// The output of tokenizing one input (or one pair of inputs): what a model consumes, plus the
/// tokens and their offsets for inspection. All arrays have the same length.
public struct Encoding: Sendable, Equatable {
    /// Vocabulary ids.
    public var ids: [Int]
    /// Token strings, as the vocabulary spells them.
    public var tokens: [String]
    /// Segment ids (0 for the first sequence, 1 for the second in BERT-style pairs).
    public var typeIds: [Int]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int]
    /// 1 for tokens added by the post-processor or matched as special added tokens.
    public var specialTokensMask: [Int]
    /// `[start, end)` in Unicode scalars of the input the token came from (`0..<0` for added special tokens).
    public var offsets: [Range<Int>]
    /// Which input each token came from: 0, 1, or nil for tokens the post-processor added.
    public var sequenceIds: [Int?]
    /// The windows cut off by truncation, each a full encoding (special tokens included), when truncation
    /// keeps them (always, as HF; `stride` makes them overlap).
    public var overflowing: [Encoding] = []

    /// An empty encoding.
    public init() {
        ids = []; tokens = []; typeIds = []; attentionMask = []; specialTokensMask = []; offsets = []; sequenceIds = []
    }

    /// Reserves room for `n` tokens.
    mutating func reserve(_ n: Int) {
        ids.reserveCapacity(n); tokens.reserveCapacity(n); typeIds.reserveCapacity(n); attentionMask.reserveCapacity(n)
        specialTokensMask.reserveCapacity(n); offsets.reserveCapacity(n); sequenceIds.reserveCapacity(n)
    }

    /// Number of tokens.
    public var count: Int { ids.count }

    /// Appends one token.
    public mutating func append(id: Int, token: String, typeId: Int, special: Bool, offsets range: Range<Int>, sequence: Int?) {
        ids.append(id)
        tokens.append(token)
        typeIds.append(typeId)
        attentionMask.append(1)
        specialTokensMask.append(special ? 1 : 0)
        offsets.append(range)
        sequenceIds.append(sequence)
    }

    /// Keeps the first `length` tokens.
    public mutating func truncate(to length: Int) {
        guard length < count else { return }
        keep(0..<length)
    }

    /// Appends `other`, combining overflowing windows as HF's `Encoding::merge_with` does.
    mutating func merge(with other: Encoding) {
        var windows: [Encoding] = []
        for mine in overflowing {
            var joined = mine
            joined.merge(with: other)
            windows.append(joined)
            for theirs in other.overflowing {
                var both = mine
                both.merge(with: theirs)
                windows.append(both)
            }
        }
        for theirs in other.overflowing {
            var joined = withoutOverflowing
            joined.merge(with: theirs)
            windows.append(joined)
        }
        ids += other.ids
        tokens += other.tokens
        typeIds += other.typeIds
        attentionMask += other.attentionMask
        specialTokensMask += other.specialTokensMask
        offsets += other.offsets
        sequenceIds += other.sequenceIds
        overflowing = windows
    }

    /// This encoding without its overflowing windows.
    var withoutOverflowing: Encoding {
        var copy = self
        copy.overflowing = []
        return copy
    }

    /// Joins encodings in order.
    static func merged(_ encodings: [Encoding]) -> Encoding {
        var result = Encoding()
        for e in encodings { result.merge(with: e) }
        return result
    }

    /// Pads to `length` tokens at the end or the start; overflowing windows too.
    public mutating func pad(to length: Int, id: Int, typeId: Int, token: String, left: Bool) {
        for i in overflowing.indices { overflowing[i].pad(to: length, id: id, typeId: typeId, token: token, left: left) }
        guard count < length else { return }
        let n = length - count
        func put<T>(_ array: inout [T], _ value: T) {
            if left { array.insert(contentsOf: repeatElement(value, count: n), at: 0) } else { array += repeatElement(value, count: n) }
        }
        put(&ids, id); put(&tokens, token); put(&typeIds, typeId); put(&attentionMask, 0)
        put(&specialTokensMask, 1); put(&offsets, 0..<0); put(&sequenceIds, nil)
    }

    /// Sets every token's segment id.
    mutating func setTypeIds(_ value: Int) { typeIds = Array(repeating: value, count: count) }

    /// Keeps only the tokens in `range`.
    mutating func keep(_ range: Range<Int>) {
        ids = Array(ids[range])
        tokens = Array(tokens[range])
        typeIds = Array(typeIds[range])
        attentionMask = Array(attentionMask[range])
        specialTokensMask = Array(specialTokensMask[range])
        offsets = Array(offsets[range])
        sequenceIds = Array(sequenceIds[range])
    }
}

extension Encoding {
    /// Each token's offsets as a range of the input it came from (`text` for sequence 0, `pair` for sequence 1),
    /// nil for tokens the post-processor added and for padding. Offsets count Unicode scalars, as HF's do in
    /// Python; this turns them into `String` indices.
    public func ranges(in text: String, pair: String? = nil) -> [Range<String.Index>?] {
        let views = [
            Array(text.unicodeScalars.indices) + [text.endIndex],
            pair.map { Array($0.unicodeScalars.indices) + [$0.endIndex] } ?? [],
        ]
        return zip(offsets, sequenceIds).map { range, sequence in
            guard let sequence, sequence < views.count else { return nil }
            let indices = views[sequence]
            guard range.upperBound < indices.count else { return nil }
            return indices[range.lowerBound]..<indices[range.upperBound]
        }
    }
}
