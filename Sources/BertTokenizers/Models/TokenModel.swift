/// A token produced by a model from one word, with its range in the word's normalized scalars.
public struct Token: Sendable, Equatable {
    /// Vocabulary id.
    public var id: Int
    /// The token as the vocabulary spells it (for Unigram's unknown pieces, the text itself, as HF).
    public var value: String
    /// Range in the normalized text's scalars.
    public var range: Range<Int>
}

/// A subword model: turns one pre-tokenized word into tokens.
public protocol TokenModel: Sendable {
    /// Tokenizes the scalars `range` of `text`, appending to `tokens`.
    func tokenize(_ text: NormalizedString, _ range: Range<Int>, into tokens: inout [Token]) throws(TokenizerError)
    /// The id of a token string, if in the vocabulary.
    func id(of token: String) -> Int?
    /// The token string of an id, if in the vocabulary.
    func token(of id: Int) -> String?
    /// Vocabulary size.
    var vocabularySize: Int { get }
}

extension String {
    /// A string from a run of scalars.
    init(scalars: some Sequence<Unicode.Scalar>) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        self = String(view)
    }
}

/// Maps ids back to tokens for vocabularies given as `token -> id`.
func reverseVocabulary(_ vocab: [String: Int]) -> [Int: String] {
    var reverse: [Int: String] = [:]
    reverse.reserveCapacity(vocab.count)
    for (token, id) in vocab { reverse[id] = token }
    return reverse
}

/// Byte-fallback tokens: `<0x00>` ... `<0xFF>`, spelled as SentencePiece and HF spell them.
enum ByteFallback {
    /// The token of `byte`.
    static func token(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x\(hex.count == 1 ? "0" + hex : hex)>"
    }

    /// The ids of all 256 byte tokens, or nil when the vocabulary lacks any of them (HF then falls back to unk).
    static func ids(_ lookup: (String) -> Int?) -> [Int]? {
        var ids: [Int] = []
        ids.reserveCapacity(256)
        for b in 0...255 {
            guard let id = lookup(token(UInt8(b))) else { return nil }
            ids.append(id)
        }
        return ids
    }
}

/// A string compared and hashed by its UTF-8 bytes, as HF's vocabularies (Rust `String` keys) compare tokens.
/// Swift's `String` equality is canonical equivalence: a decomposed "각" (U+1100 U+1161 U+11A8) would find the
/// composed piece U+AC01, where HF finds nothing and answers the unknown token.
struct ExactText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: ExactText, b: ExactText) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Whether the two strings have the same scalars (not merely canonically equivalent ones).
    func isIdentical(to other: String) -> Bool { utf8.elementsEqual(other.utf8) }
}
