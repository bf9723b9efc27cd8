/// WordPiece (HF `models/wordpiece`): greedy longest-match-first over the vocabulary; pieces after the first
/// carry the continuing-subword prefix; a word with no full segmentation, or longer than
/// `maxInputCharsPerWord` scalars, becomes the unknown token.
public struct WordPiece: TokenModel {
    private let vocab: [String: Int]
    private let reverse: [Int: String]
    private let unkId: Int
    /// The unknown token.
    public let unkToken: String
    /// Prefix of non-initial pieces, `##` for BERT.
    public let continuingSubwordPrefix: String
    /// Longer words become the unknown token.
    public let maxInputCharsPerWord: Int
    /// The vocabulary as two tries over Unicode scalars (first pieces, and continuing pieces without their prefix),
    /// so the longest match at a position is one walk with no string built per candidate.
    private let tries: VocabularyTries

    /// Builds the model; throws if the unknown token is not in the vocabulary.
    public init(
        vocab: [String: Int], unkToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
        maxInputCharsPerWord: Int = 100
    ) throws(TokenizerError) {
        guard let unkId = vocab[unkToken] else {
            throw TokenizerError.missingToken(unkToken, context: "the WordPiece model (unk_token)")
        }
        self.vocab = vocab
        self.unkId = unkId
        self.unkToken = unkToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        var reverse: [Int: String] = [:]
        reverse.reserveCapacity(vocab.count)
        for (token, id) in vocab { reverse[id] = token }
        self.reverse = reverse
        tries = VocabularyTries(vocab: vocab, continuingPrefix: continuingSubwordPrefix)
    }

    public var vocabularySize: Int { vocab.count }
    public func id(of token: String) -> Int? { vocab[token] }
    public func token(of id: Int) -> String? { reverse[id] }

    public func tokenize(_ text: NormalizedString, _ range: Range<Int>, into tokens: inout [Token]) throws(TokenizerError) {
        if range.count > maxInputCharsPerWord {
            tokens.append(Token(id: unkId, value: unkToken, range: range))
            return
        }
        let scalars = text.scalars
        let firstOut = tokens.count
        var start = range.lowerBound
        while start < range.upperBound {
            // The longest vocabulary entry starting at `start` (with the prefix after the first piece), as HF's
            // greedy search finds it by trying the longest candidate first.
            guard
                let (end, piece) = tries.longestMatch(
                    scalars, from: start, upTo: range.upperBound,
                    continuing: start > range.lowerBound)
            else {
                tokens.removeLast(tokens.count - firstOut)
                tokens.append(Token(id: unkId, value: unkToken, range: range))
                return
            }
            tokens.append(Token(id: piece.id, value: piece.value, range: start..<end))
            start = end
        }
    }
}
