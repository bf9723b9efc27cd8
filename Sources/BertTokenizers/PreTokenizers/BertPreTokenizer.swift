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

/// Splits on punctuation characters, which the behavior keeps or merges (HF `Punctuation`).
public struct PunctuationPreTokenizer: SplittingPreTokenizer {
    /// What happens to the punctuation.
    public let behavior: SplitBehavior
    /// A punctuation splitter.
    public init(behavior: SplitBehavior = .isolated) { self.behavior = behavior }
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        words += behavior.apply(SplitPattern.scalarMatches(in: scalars, range, UnicodeClasses.isPunctuation))
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

/// Separates digits from the rest, each digit alone or in runs (HF `Digits`).
public struct DigitsPreTokenizer: SplittingPreTokenizer {
    /// One piece per digit (else runs of digits).
    public let individualDigits: Bool
    /// A digits splitter.
    public init(individualDigits: Bool) { self.individualDigits = individualDigits }
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        let pieces = SplitPattern.scalarMatches(in: scalars, range, UnicodeClasses.isNumeric)
        words += (individualDigits ? SplitBehavior.isolated : .contiguous).apply(pieces)
    }
}

/// Splits on a pattern with a behavior, optionally inverted (HF `Split`).
public struct SplitPreTokenizer: SplittingPreTokenizer {
    /// What is looked for.
    public let pattern: SplitPattern
    /// What happens to the matches.
    public let behavior: SplitBehavior
    /// Treat the text between matches as the matches.
    public let invert: Bool
    /// A pattern splitter.
    public init(pattern: SplitPattern, behavior: SplitBehavior, invert: Bool) {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
    }
    public func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        words += behavior.apply(pattern.matches(in: scalars, range), invert: invert)
    }
}
