import BertKit

/// How the data set is ordered into batches: the study's "sort by length" lever.
public enum Ordering: String, Codable, Sendable, CaseIterable {
    /// Input order, `batchSize` at a time.
    case unsorted
    /// Sorted by token length, then `batchSize` at a time.
    case sorted
    /// Sorted by length, then filled to a token budget of `batchSize × mean length` padded tokens, at most
    /// `4 × batchSize` sequences: short inputs share a batch, long ones get smaller batches.
    case tokens

    /// The batching this ordering uses for batches of `batchSize` on data whose mean length is `meanLength`.
    public func batching(batchSize: Int, meanLength: Double) -> Batching {
        switch self {
        case .unsorted: return .fixed(size: batchSize)
        case .sorted: return .sorted(size: batchSize)
        case .tokens:
            let budget = max(1, Int((Double(batchSize) * meanLength).rounded()))
            return .tokens(maxTokens: budget, maxSize: 4 * batchSize)
        }
    }
}

/// One cell of the grid: what is measured.
public struct CellSpec: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Backend name (`native-packed`, `onnxruntime`, `torch-eager`, ...).
    public var backend: String
    /// Numeric precision (`fp32`, ...).
    public var precision: String
    /// Engine threads.
    public var threads: Int
    /// Batch ordering.
    public var ordering: Ordering
    /// Sequences per batch (the cap and budget unit for `tokens`).
    public var batchSize: Int
    /// `nil`: the data set as it is. A number: the length sweep, sequences of exactly this many tokens.
    public var length: Int?

    /// A cell.
    public init(
        backend: String, precision: String = "fp32", threads: Int, ordering: Ordering, batchSize: Int,
        length: Int? = nil
    ) {
        self.backend = backend
        self.precision = precision
        self.threads = threads
        self.ordering = ordering
        self.batchSize = batchSize
        self.length = length
    }

    /// A stable identifier, used to match cells across runs (resume, compare).
    public var key: String {
        "\(backend)/\(precision)/t\(threads)/\(ordering.rawValue)/b\(batchSize)/" + (length.map { "len\($0)" } ?? "data")
    }

    /// The same cell without its backend: what two backends are compared on.
    public var condition: String {
        "\(precision)/t\(threads)/\(ordering.rawValue)/b\(batchSize)/" + (length.map { "len\($0)" } ?? "data")
    }

    public var description: String {
        "\(backend) \(precision) \(threads)t \(ordering.rawValue) batch \(batchSize)" + (length.map { " len \($0)" } ?? "")
    }

    public static func < (a: CellSpec, b: CellSpec) -> Bool { a.key < b.key }
}
