/// Whole words looked up in a vocabulary, the unknown token otherwise (HF `WordLevel`).
public struct WordLevel: TokenModel {
    private let vocab: [String: Int]
    private let reverse: [Int: String]
    private let unk: (id: Int, token: String)?

    /// Builds the model; the unknown token, when given, must be in the vocabulary.
    public init(vocab: [String: Int], unkToken: String?) throws(TokenizerError) {
        self.vocab = vocab
        reverse = reverseVocabulary(vocab)
        if let unkToken {
            guard let id = vocab[unkToken] else { throw .missingToken(unkToken, context: "the WordLevel model (unk_token)") }
            unk = (id, unkToken)
        } else {
            unk = nil
        }
    }

    public var vocabularySize: Int { vocab.count }
    public func id(of token: String) -> Int? { vocab[token] }
    public func token(of id: Int) -> String? { reverse[id] }

    public func tokenize(_ text: NormalizedString, _ range: Range<Int>, into tokens: inout [Token]) throws(TokenizerError) {
        let word = String(scalars: text.scalars[range])
        // Exact spelling only (Swift's dictionary would also match a canonically equivalent one; HF's does not).
        if let id = vocab[word], reverse[id]?.isIdentical(to: word) == true {
            tokens.append(Token(id: id, value: word, range: range))
        } else if let unk {
            tokens.append(Token(id: unk.id, value: unk.token, range: range))
        } else {
            throw .missingToken("(unk_token)", context: "the WordLevel model: '\(word)' is not in the vocabulary and no unk_token is set")
        }
    }
}
