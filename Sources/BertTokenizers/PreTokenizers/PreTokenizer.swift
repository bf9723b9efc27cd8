/// Normalized text cut into words: one buffer of scalars with their alignments, and the word ranges in it
/// (HF `PreTokenizedString`). Stages either cut ranges further or rewrite the buffer (byte-level mapping,
/// the Metaspace replacement); empty words are dropped, as HF drops them.
public struct PreTokenizedString: Sendable {
    /// The text, as the last stage left it.
    public internal(set) var text: NormalizedString
    /// The words, as ranges of `text.scalars`, in order.
    public internal(set) var splits: [Range<Int>]

    /// One word covering `range` of `text`.
    public init(_ text: NormalizedString, range: Range<Int>) {
        self.text = text
        splits = range.isEmpty ? [] : [range]
    }

    /// Replaces each word by the sub-ranges `body` appends.
    mutating func split(_ body: ([Unicode.Scalar], Range<Int>, inout [Range<Int>]) -> Void) {
        var next: [Range<Int>] = []
        next.reserveCapacity(splits.count * 2)
        var pieces: [Range<Int>] = []
        for range in splits {
            pieces.removeAll(keepingCapacity: true)
            body(text.scalars, range, &pieces)
            for piece in pieces where !piece.isEmpty { next.append(piece) }
        }
        splits = next
    }

    /// Rebuilds the text: `body` writes each word's new scalars into the builder, cutting words as it likes.
    mutating func rewrite(_ body: (NormalizedString, Range<Int>, inout SplitBuilder) -> Void) {
        var out = SplitBuilder(capacity: text.scalars.count + splits.count)
        for range in splits {
            body(text, range, &out)
            out.cut()
        }
        text = out.text.normalized
        splits = out.splits
    }
}

/// Writes a rewritten `PreTokenizedString`: scalars with their alignments, and where words end.
struct SplitBuilder {
    var text: NormalizedBuilder
    var splits: [Range<Int>] = []
    private var start = 0

    init(capacity: Int) { text = NormalizedBuilder(capacity: capacity) }

    var count: Int { text.scalars.count }

    @inline(__always)
    mutating func append(_ scalar: Unicode.Scalar, alignedTo origin: Int) { text.append(scalar, alignedTo: origin) }

    /// Ends the current word (nothing when it is empty).
    mutating func cut() {
        if text.scalars.count > start { splits.append(start..<text.scalars.count) }
        start = text.scalars.count
    }

    /// Ends a word at `position` (an offset already written), keeping what follows for the next word.
    mutating func cut(at position: Int) {
        if position > start { splits.append(start..<position) }
        start = max(start, position)
    }
}

/// A pre-tokenizer stage: cuts normalized text into words, possibly rewriting it.
public protocol PreTokenizer: Sendable {
    /// Applies the stage to every word of `text`.
    func preTokenize(_ text: inout PreTokenizedString)
}

/// A stage that only cuts words: it appends the sub-ranges of `range`.
public protocol SplittingPreTokenizer: PreTokenizer {
    /// Appends the pieces of `range` of `scalars` to `words` (empty pieces are dropped by the caller).
    func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>])
}

extension SplittingPreTokenizer {
    public func preTokenize(_ text: inout PreTokenizedString) {
        text.split { scalars, range, out in split(scalars, range, into: &out) }
    }
}

extension PreTokenizer {
    /// The words of a whole text, as ranges of the (possibly rewritten) scalars.
    public func preTokenize(_ text: NormalizedString) -> PreTokenizedString {
        var pre = PreTokenizedString(text, range: 0..<text.scalars.count)
        preTokenize(&pre)
        return pre
    }
}

/// Applies several pre-tokenizers in order.
public struct SequencePreTokenizer: PreTokenizer {
    /// The stages, in order.
    public let stages: [any PreTokenizer]
    /// A sequence of stages.
    public init(stages: [any PreTokenizer]) { self.stages = stages }
    public func preTokenize(_ text: inout PreTokenizedString) {
        for stage in stages { stage.preTokenize(&text) }
    }
}
