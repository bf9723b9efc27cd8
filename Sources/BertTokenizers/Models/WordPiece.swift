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
    private let longestEntry: Int

    /// Builds the model; throws if the unknown token is not in the vocabulary.
    public init(vocab: [String: Int], unkToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
                maxInputCharsPerWord: Int = 100) throws(TokenizerError) {
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
        var longest = 1
        for (token, id) in vocab {
            reverse[id] = token
            longest = max(longest, token.unicodeScalars.count)
        }
        self.reverse = reverse
        self.longestEntry = longest
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
            var end = min(range.upperBound, start + longestEntry)
            var found: Token?
            while start < end {
                var candidate = String(scalars: scalars[start..<end])
                if start > range.lowerBound { candidate = continuingSubwordPrefix + candidate }
                if let id = vocab[candidate] {
                    found = Token(id: id, value: candidate, range: start..<end)
                    break
                }
                end -= 1
            }
            guard let token = found else {
                tokens.removeLast(tokens.count - firstOut)
                tokens.append(Token(id: unkId, value: unkToken, range: range))
                return
            }
            tokens.append(token)
            start = end
        }
    }
}
