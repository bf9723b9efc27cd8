/// How to cut inputs that are longer than `maxLength` tokens (special tokens included).
public struct Truncation: Sendable, Equatable {
    /// Which sequence of a pair loses tokens.
    public enum Strategy: String, Sendable {
        /// Remove from the longer sequence (HF `LongestFirst`).
        case longestFirst = "LongestFirst"
        /// Only cut the first sequence.
        case onlyFirst = "OnlyFirst"
        /// Only cut the second sequence.
        case onlySecond = "OnlySecond"
    }
    /// Which end loses tokens.
    public enum Direction: String, Sendable {
        /// Drop tokens at the end (the default).
        case right = "Right"
        /// Drop tokens at the start.
        case left = "Left"
    }

    /// Maximum length, special tokens included.
    public var maxLength: Int
    /// The strategy for pairs.
    public var strategy: Strategy
    /// The end that loses tokens.
    public var direction: Direction
    /// Tokens repeated between consecutive overflowing windows.
    public var stride: Int

    /// A truncation rule.
    public init(maxLength: Int, strategy: Strategy = .longestFirst, direction: Direction = .right, stride: Int = 0) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.direction = direction
        self.stride = stride
    }

    /// Cuts `first` and `second` to at most `budget` tokens together; what is cut goes to their overflowing
    /// windows (HF `truncate_encodings`).
    func apply(budget: Int, _ first: inout Encoding, _ second: inout Encoding?) throws(TokenizerError) {
        if budget == 0 {
            try cut(&first, to: 0)
            if var other = second { try cut(&other, to: 0); second = other }
            return
        }
        let total = first.count + (second?.count ?? 0)
        guard total > budget else { return }
        let toRemove = total - budget
        switch strategy {
        case .longestFirst:
            guard var other = second else {
                try cut(&first, to: budget)
                return
            }
            var n1 = first.count, n2 = other.count
            let swapped = n1 > n2
            if swapped { swap(&n1, &n2) }
            n2 = n1 > budget ? n1 : max(n1, budget - n1)
            if n1 + n2 > budget {
                n1 = budget / 2
                n2 = n1 + budget % 2
            }
            if swapped { swap(&n1, &n2) }
            try cut(&first, to: n1)
            try cut(&other, to: n2)
            second = other
        case .onlyFirst:
            guard first.count > toRemove else {
                throw .truncationImpossible("the first sequence is too short to remove \(toRemove) tokens")
            }
            try cut(&first, to: first.count - toRemove)
        case .onlySecond:
            guard var other = second else {
                throw .truncationImpossible("strategy only_second needs a second sequence")
            }
            guard other.count > toRemove else {
                throw .truncationImpossible("the second sequence is too short to remove \(toRemove) tokens")
            }
            try cut(&other, to: other.count - toRemove)
            second = other
        }
    }

    /// HF `Encoding::truncate`: keeps `length` tokens; the rest becomes overflowing windows of `length` tokens
    /// that overlap by `stride`.
    func cut(_ encoding: inout Encoding, to length: Int) throws(TokenizerError) {
        let n = encoding.count
        guard length < n else { return }
        if length == 0 {
            var all = encoding
            all.overflowing = encoding.overflowing
            encoding = Encoding()
            encoding.overflowing = [all]
            return
        }
        guard stride < length else {
            throw .truncationImpossible("stride \(stride) must be less than the \(length) tokens left for the sequence")
        }
        let step = length - stride
        var parts: [Range<Int>] = []
        switch direction {
        case .right:
            var start = 0
            while true {
                let stop = min(start + length, n)
                parts.append(start..<stop)
                if stop == n { break }
                start += step
            }
        case .left:
            var stop = n
            while true {
                let start = max(stop - length, 0)
                parts.append(start..<stop)
                if start == 0 { break }
                stop -= step
            }
        }
        let source = encoding
        var main = source.slice(parts[0])
        main.overflowing = parts.dropFirst().map { source.slice($0) }
        encoding = main
    }
}

extension Encoding {
    /// The tokens in `range`, without overflowing windows.
    func slice(_ range: Range<Int>) -> Encoding {
        var copy = self
        copy.overflowing = []
        copy.keep(range)
        return copy
    }
}
