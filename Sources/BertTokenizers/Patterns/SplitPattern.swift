/// One piece of a text cut by a pattern: a match or the text between matches (HF `Pattern::find_matches`).
struct PatternPiece: Equatable {
    var range: Range<Int>
    var isMatch: Bool
}

/// What `Split` pre-tokenizers and `Replace` normalizers look for: a literal string or a regular expression.
public enum SplitPattern: Sendable {
    /// Every occurrence of the string, leftmost first, non-overlapping.
    case string(String)
    /// Every match of the expression.
    case regex(TokenizerRegex)

    /// Cuts `range` of `scalars` into matches and the text between them, covering the range; an empty range
    /// gives one empty non-match, as HF.
    func matches(in scalars: [Unicode.Scalar], _ range: Range<Int>) -> [PatternPiece] {
        guard !range.isEmpty else { return [PatternPiece(range: range, isMatch: false)] }
        var found: [Range<Int>] = []
        switch self {
        case let .string(literal):
            let needle = Array(literal.unicodeScalars)
            guard !needle.isEmpty else { return [PatternPiece(range: range, isMatch: false)] }
            var i = range.lowerBound
            while i + needle.count <= range.upperBound {
                if scalars[i] == needle[0] && (1..<needle.count).allSatisfy({ scalars[i + $0] == needle[$0] }) {
                    found.append(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
        case let .regex(regex):
            regex.forEachMatch(in: scalars, range) { found.append($0) }
        }
        return Self.pieces(found, covering: range)
    }

    /// Interleaves `matches` with the non-matching text around them.
    static func pieces(_ matches: [Range<Int>], covering range: Range<Int>) -> [PatternPiece] {
        var pieces: [PatternPiece] = []
        pieces.reserveCapacity(matches.count * 2 + 1)
        var previous = range.lowerBound
        for m in matches {
            if previous != m.lowerBound { pieces.append(PatternPiece(range: previous..<m.lowerBound, isMatch: false)) }
            pieces.append(PatternPiece(range: m, isMatch: true))
            previous = m.upperBound
        }
        if previous != range.upperBound { pieces.append(PatternPiece(range: previous..<range.upperBound, isMatch: false)) }
        return pieces
    }

    /// Each scalar satisfying `predicate` is a match of its own (HF's `Fn(char) -> bool` pattern).
    static func scalarMatches(
        in scalars: [Unicode.Scalar], _ range: Range<Int>,
        _ predicate: (Unicode.Scalar) -> Bool
    ) -> [PatternPiece] {
        guard !range.isEmpty else { return [PatternPiece(range: range, isMatch: false)] }
        var pieces: [PatternPiece] = []
        var last = range.lowerBound
        for i in range where predicate(scalars[i]) {
            if last < i { pieces.append(PatternPiece(range: last..<i, isMatch: false)) }
            pieces.append(PatternPiece(range: i..<(i + 1), isMatch: true))
            last = i + 1
        }
        if last < range.upperBound { pieces.append(PatternPiece(range: last..<range.upperBound, isMatch: false)) }
        return pieces
    }
}

/// How a split treats the pieces its pattern matched (HF `SplitDelimiterBehavior`).
public enum SplitBehavior: String, Sendable {
    /// Matches are dropped.
    case removed = "Removed"
    /// Matches are pieces of their own.
    case isolated = "Isolated"
    /// A match joins the piece before it.
    case mergedWithPrevious = "MergedWithPrevious"
    /// A match joins the piece after it.
    case mergedWithNext = "MergedWithNext"
    /// Consecutive matches form one piece.
    case contiguous = "Contiguous"

    /// The ranges kept, in order, possibly empty (callers drop empty ones), exactly as HF folds them.
    func apply(_ pieces: [PatternPiece], invert: Bool = false) -> [Range<Int>] {
        let items = invert ? pieces.map { PatternPiece(range: $0.range, isMatch: !$0.isMatch) } : pieces
        var out: [Range<Int>] = []
        out.reserveCapacity(items.count)
        switch self {
        case .removed:
            for p in items where !p.isMatch { out.append(p.range) }
        case .isolated:
            for p in items { out.append(p.range) }
        case .contiguous:
            var previous = false
            for p in items {
                if p.isMatch == previous, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<p.range.upperBound
                } else {
                    out.append(p.range)
                }
                previous = p.isMatch
            }
        case .mergedWithPrevious:
            var previous = false
            for p in items {
                if p.isMatch && !previous, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<p.range.upperBound
                } else {
                    out.append(p.range)
                }
                previous = p.isMatch
            }
        case .mergedWithNext:
            var previous = false
            for p in items.reversed() {
                if p.isMatch && !previous, let last = out.last {
                    out[out.count - 1] = p.range.lowerBound..<last.upperBound
                } else {
                    out.append(p.range)
                }
                previous = p.isMatch
            }
            out.reverse()
        }
        return out
    }
}
