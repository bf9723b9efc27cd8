/// The whitespace sentence-transformers removes around an input: Unicode White_Space (as `str.split()` and the
/// `WhitespaceSplit` pre-tokenizer that transformers 5 gives XLM-R-family tokenizers see it). sentence-transformers
/// up to 5 called Python's `str.strip()`, which also removes the information separators U+001C...U+001F;
/// sentence-transformers 6 keeps them, and so does BertKit.
enum SentenceWhitespace {
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    static func strip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
