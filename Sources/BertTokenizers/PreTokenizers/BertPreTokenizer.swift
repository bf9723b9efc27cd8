/// Splits on whitespace (dropped) and isolates each punctuation character (HF `pre_tokenizers/bert.rs`).
public struct BertPreTokenizer: SplittingPreTokenizer {
    public init() {}
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        var start = range.lowerBound
        for i in range {
            let s = scalars[i]
            if s.properties.isWhitespace || s == "\t" || s == "\n" || s == "\r" {
                if start < i { words.append(start..<i) }
                start = i + 1
            } else if UnicodeClasses.isPunctuation(s) {
                if start < i { words.append(start..<i) }
                words.append(i..<(i + 1))
                start = i + 1
            }
        }
        if start < range.upperBound { words.append(start..<range.upperBound) }
    }
}
