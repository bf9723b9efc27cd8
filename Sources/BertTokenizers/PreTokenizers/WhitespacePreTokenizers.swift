/// Splits on whitespace, dropping it (HF `WhitespaceSplit`).
public struct WhitespaceSplitPreTokenizer: SplittingPreTokenizer {
    public init() {}
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        var start = range.lowerBound
        for i in range where scalars[i].properties.isWhitespace {
            if start < i { words.append(start..<i) }
            start = i + 1
        }
        if start < range.upperBound { words.append(start..<range.upperBound) }
    }
}

/// Runs of word characters and runs of other non-space characters (HF `Whitespace`: `\w+|[^\w\s]+`).
public struct WhitespacePreTokenizer: SplittingPreTokenizer {
    public init() {}
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        var i = range.lowerBound
        while i < range.upperBound {
            let s = scalars[i]
            if UnicodeClasses.isWordCharacter(s) {
                var j = i + 1
                while j < range.upperBound && UnicodeClasses.isWordCharacter(scalars[j]) { j += 1 }
                words.append(i..<j)
                i = j
            } else if !s.properties.isWhitespace {
                var j = i + 1
                while j < range.upperBound && !UnicodeClasses.isWordCharacter(scalars[j]) && !scalars[j].properties.isWhitespace { j += 1 }
                words.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
    }
}

/// Splits on one character, dropping it (HF `CharDelimiterSplit`).
public struct CharDelimiterPreTokenizer: SplittingPreTokenizer {
    /// The delimiter.
    public let delimiter: Unicode.Scalar
    /// A delimiter splitter.
    public init(delimiter: Unicode.Scalar) { self.delimiter = delimiter }
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        words += SplitBehavior.removed.apply(SplitPattern.scalarMatches(in: scalars, range) { $0 == delimiter })
    }
}
