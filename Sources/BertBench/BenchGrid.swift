/// The grid of the study: backends × precisions × threads × orderings × batch sizes over the data set, plus a
/// sweep of fixed sequence lengths at a few batch sizes.
public struct BenchGrid: Sendable, Equatable, Codable {
    /// Backends to run, each with the precisions to measure.
    public var backends: [BackendChoice]
    /// Batch sizes over the data set.
    public var batchSizes: [Int]
    /// Orderings over the data set.
    public var orderings: [Ordering]
    /// Engine thread counts.
    public var threads: [Int]
    /// Sequence lengths of the sweep (empty: no sweep).
    public var lengths: [Int]
    /// Batch sizes of the sweep.
    public var lengthBatchSizes: [Int]

    /// A backend and its precisions.
    public struct BackendChoice: Sendable, Equatable, Codable {
        public var name: String
        public var precisions: [String]
        public init(name: String, precisions: [String] = ["fp32"]) {
            self.name = name
            self.precisions = precisions
        }
    }

    /// The study's defaults: batch sizes 1 to 64, all orderings, lengths 16 to 512 at batch 1 and 8.
    public static let defaultBatchSizes = [1, 2, 4, 8, 16, 32, 64]
    public static let defaultLengths = [16, 32, 64, 128, 256, 512]
    public static let defaultLengthBatchSizes = [1, 8]

    /// A grid; every list must be non-empty except `lengths`, and every number positive.
    public init(
        backends: [BackendChoice], batchSizes: [Int] = defaultBatchSizes, orderings: [Ordering] = Ordering.allCases,
        threads: [Int], lengths: [Int] = defaultLengths, lengthBatchSizes: [Int] = defaultLengthBatchSizes
    ) throws {
        self.backends = backends
        self.batchSizes = batchSizes
        self.orderings = orderings
        self.threads = threads
        self.lengths = lengths
        self.lengthBatchSizes = lengthBatchSizes
        try validate()
    }

    func validate() throws {
        guard !backends.isEmpty else { throw BenchError.invalidGrid("no backend to run") }
        guard !batchSizes.isEmpty else { throw BenchError.invalidGrid("no batch size") }
        guard !orderings.isEmpty else { throw BenchError.invalidGrid("no ordering") }
        guard !threads.isEmpty else { throw BenchError.invalidGrid("no thread count") }
        for (name, values) in [
            ("batch size", batchSizes), ("thread count", threads), ("length", lengths),
            ("sweep batch size", lengthBatchSizes),
        ] {
            if let bad = values.first(where: { $0 < 1 }) { throw BenchError.invalidGrid("\(name) must be positive, got \(bad)") }
        }
        if !lengths.isEmpty && lengthBatchSizes.isEmpty { throw BenchError.invalidGrid("no batch size for the length sweep") }
    }

    /// Every cell, grouped so that each engine (backend, precision, threads) is built once: first the data-set
    /// cells by ordering and batch size, then the sweep. Lengths above `maxLength` are left out and returned.
    public func cells(maxLength: Int) -> (cells: [CellSpec], skippedLengths: [Int]) {
        var cells: [CellSpec] = []
        let sweep = Self.unique(lengths).filter { $0 <= maxLength }
        for backend in backends {
            for precision in Self.unique(backend.precisions) {
                for threads in Self.unique(threads) {
                    for ordering in Self.unique(orderings) {
                        for batch in Self.unique(batchSizes) {
                            cells.append(
                                CellSpec(
                                    backend: backend.name, precision: precision, threads: threads,
                                    ordering: ordering, batchSize: batch))
                        }
                    }
                    for length in sweep {
                        for batch in Self.unique(lengthBatchSizes) {
                            cells.append(
                                CellSpec(
                                    backend: backend.name, precision: precision, threads: threads,
                                    ordering: .unsorted, batchSize: batch, length: length))
                        }
                    }
                }
            }
        }
        return (cells, Self.unique(lengths).filter { $0 > maxLength })
    }

    /// `values` without repeats, first occurrence kept.
    static func unique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }
}
