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

    /// An empty encoding.
    public init() {
        ids = []; tokens = []; typeIds = []; attentionMask = []; specialTokensMask = []; offsets = []; sequenceIds = []
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
