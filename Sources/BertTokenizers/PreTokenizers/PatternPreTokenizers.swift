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
