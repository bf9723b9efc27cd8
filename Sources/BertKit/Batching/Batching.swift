/// How inputs are grouped into batches — the study's second lever after the engine. Every strategy returns the
/// results in input order; only the grouping (and so the padding a padded engine pays) changes.
public enum Batching: Sendable, Equatable, CustomStringConvertible {
    /// The strategies by name (`bertkit --batching`, a tune file's `batching.kind`).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case fixed, sorted, tokens
    }

    /// This strategy's kind.
    public var kind: Kind {
        switch self {
        case .fixed: .fixed
        case .sorted: .sorted
        case .tokens: .tokens
        }
    }

    /// Consecutive inputs, `size` at a time, in input order.
    case fixed(size: Int)
    /// Inputs sorted by length, then `size` at a time: batches of similar lengths carry little padding.
    case sorted(size: Int)
    /// Inputs sorted by length, then batches filled while `count × longest` (the tokens a padded engine
    /// computes) stays within `maxTokens`, and `count` within `maxSize`. A sequence longer than the budget
    /// forms a batch of its own.
    case tokens(maxTokens: Int, maxSize: Int = 256)

    /// The default: length-sorted batches of 32, as sentence-transformers does.
    public static let `default` = Batching.sorted(size: 32)

    public var description: String {
        switch self {
        case let .fixed(size): return "fixed(\(size))"
        case let .sorted(size): return "sorted(\(size))"
        case let .tokens(maxTokens, maxSize): return "tokens(\(maxTokens), max \(maxSize))"
        }
    }

    /// Checks the sizes are positive.
    public func validate() throws {
        switch self {
        case let .fixed(size), let .sorted(size):
            guard size > 0 else { throw BertKitError.invalidArgument("batch size must be positive, got \(size)") }
        case let .tokens(maxTokens, maxSize):
            guard maxTokens > 0 else { throw BertKitError.invalidArgument("max batch tokens must be positive, got \(maxTokens)") }
            guard maxSize > 0 else { throw BertKitError.invalidArgument("batch size must be positive, got \(maxSize)") }
        }
    }

    /// The batches for inputs of these token `lengths`, as lists of input indices; every index appears once.
    public func plan(lengths: [Int]) throws -> [[Int]] {
        try validate()
        switch self {
        case let .fixed(size):
            return stride(from: 0, to: lengths.count, by: size).map { Array($0..<min($0 + size, lengths.count)) }
        case let .sorted(size):
            let order = Self.byLength(lengths)
            return stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
        case let .tokens(maxTokens, maxSize):
            var batches: [[Int]] = []
            var current: [Int] = []
            var longest = 0
            for index in Self.byLength(lengths) {
                let length = lengths[index]
                let widened = max(longest, length)
                if !current.isEmpty && ((current.count + 1) * widened > maxTokens || current.count == maxSize) {
                    batches.append(current)
                    current = []
                    longest = 0
                }
                current.append(index)
                longest = max(longest, length)
            }
            if !current.isEmpty { batches.append(current) }
            return batches
        }
    }

    /// Indices ordered by length (stable: equal lengths keep input order).
    static func byLength(_ lengths: [Int]) -> [Int] {
        lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
    }
}
