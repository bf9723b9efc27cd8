/// How to cut inputs that are longer than `maxLength` tokens (special tokens included).
public struct Truncation: Sendable, Equatable {
    /// Which sequence of a pair loses tokens.
    public enum Strategy: String, Sendable {
        /// Remove from the longer sequence, one token at a time (HF `LongestFirst`).
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

    /// A truncation rule.
    public init(maxLength: Int, strategy: Strategy = .longestFirst, direction: Direction = .right) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.direction = direction
    }

    /// Cuts `first` and `second` so that together they hold at most `budget` tokens (HF `truncate_encodings`).
    func apply(budget: Int, _ first: inout Encoding, _ second: inout Encoding?) throws {
        if budget == 0 {
            // HF empties both sequences when the special tokens alone fill `maxLength`.
            first.truncate(to: 0)
            second?.truncate(to: 0)
            return
        }
        let total = first.count + (second?.count ?? 0)
        guard total > budget else { return }
        let toRemove = total - budget
        switch strategy {
        case .longestFirst:
            guard var other = second else {
                cut(&first, to: budget)
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
            cut(&first, to: n1)
            cut(&other, to: n2)
            second = other
        case .onlyFirst:
            guard first.count > toRemove else {
                throw TokenizerError.truncationImpossible("the first sequence is too short to remove \(toRemove) tokens")
            }
            cut(&first, to: first.count - toRemove)
        case .onlySecond:
            guard var other = second else {
                throw TokenizerError.truncationImpossible("strategy only_second needs a second sequence")
            }
            guard other.count > toRemove else {
                throw TokenizerError.truncationImpossible("the second sequence is too short to remove \(toRemove) tokens")
            }
            cut(&other, to: other.count - toRemove)
            second = other
        }
    }

    private func cut(_ encoding: inout Encoding, to length: Int) {
        guard length < encoding.count else { return }
        encoding.keep(direction == .right ? 0..<length : (encoding.count - length)..<encoding.count)
    }
}
