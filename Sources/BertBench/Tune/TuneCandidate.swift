import BertKit

/// One setup `bertkit tune` can choose: an engine (backend, precision, threads) and a batching.
public struct TuneCandidate: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `native-packed`, `native-padded`, `onnxruntime`, `torchscript`.
    public var backend: String
    /// Weight precision (`fp32` for the graph engines).
    public var precision: String
    /// Engine threads.
    public var threads: Int
    /// Batch ordering: unsorted (fixed), sorted, or token budget.
    public var ordering: Ordering
    /// Sequences per batch (the cap and budget unit for `tokens`).
    public var batchSize: Int

    /// A candidate.
    public init(backend: String, precision: String, threads: Int, ordering: Ordering, batchSize: Int) {
        self.backend = backend
        self.precision = precision
        self.threads = threads
        self.ordering = ordering
        self.batchSize = batchSize
    }

    /// The bench cell that measures it.
    public var cell: CellSpec {
        CellSpec(backend: backend, precision: precision, threads: threads, ordering: ordering, batchSize: batchSize)
    }

    /// Its identifier (the bench cell's key).
    public var key: String { cell.key }

    /// The engine it needs: candidates sharing one are measured back to back.
    public var engineKey: String { "\(backend)/\(precision)/t\(threads)" }

    public var description: String { cell.description }

    /// The candidate a setup file describes (its ordering and bench batch size).
    public init(setup: TunedSetup) {
        let ordering: Ordering =
            switch setup.batching.kind {
            case .fixed: .unsorted
            case .sorted: .sorted
            case .tokens: .tokens
            }
        self.init(
            backend: setup.backend, precision: setup.precision.rawValue, threads: setup.threads, ordering: ordering,
            batchSize: setup.batching.batchSize)
    }

    public static func < (a: TuneCandidate, b: TuneCandidate) -> Bool { a.key < b.key }

    /// The setup file's form of this candidate, for data whose mean length is `meanLength`.
    public func setup(machine: TunedSetup.Machine, figures: TuneFigures, meanLength: Double) -> TunedSetup {
        let batching: TunedSetup.BatchingChoice
        switch ordering.batching(batchSize: batchSize, meanLength: meanLength) {
        case .fixed(let size): batching = .init(kind: .fixed, batchSize: size)
        case .sorted(let size): batching = .init(kind: .sorted, batchSize: size)
        case .tokens(let maxTokens, let maxSize):
            batching = .init(kind: .tokens, batchSize: batchSize, maxTokens: maxTokens, maxSequences: maxSize)
        }
        return TunedSetup(
            backend: backend, precision: (try? Precision.parse(precision)) ?? .fp32, threads: threads, batching: batching, machine: machine,
            sequencesPerSecond: figures.sequencesPerSecond, p95BatchMs: figures.p95BatchMs)
    }
}

/// What one measurement of a candidate gave.
public struct TuneFigures: Codable, Sendable, Equatable {
    /// Throughput: sequences over the median pass's model time.
    public var sequencesPerSecond: Double
    /// Median and 95th percentile of a batch's time, in milliseconds (a request waits for its whole batch).
    public var medianBatchMs: Double
    public var p95BatchMs: Double
    /// The sample it ran on, and the timed passes over it.
    public var sequences: Int
    public var repeats: Int
    /// Wall time the measurement took, engine loading and warm-up included: what it cost the budget.
    public var seconds: Double

    /// Figures.
    public init(sequencesPerSecond: Double, medianBatchMs: Double, p95BatchMs: Double, sequences: Int, repeats: Int, seconds: Double) {
        self.sequencesPerSecond = sequencesPerSecond
        self.medianBatchMs = medianBatchMs
        self.p95BatchMs = p95BatchMs
        self.sequences = sequences
        self.repeats = repeats
        self.seconds = seconds
    }
}

/// What tune optimizes, and the latency it must keep.
public struct TuneGoal: Codable, Sendable, Equatable {
    /// `throughput`: most sequences per second; `latency`: lowest 95th-percentile batch time.
    public enum Objective: String, Codable, Sendable, CaseIterable { case throughput, latency }

    public var objective: Objective
    /// Candidates whose 95th-percentile batch time exceeds this (ms) are dropped.
    public var p95Ms: Double?

    /// A goal.
    public init(objective: Objective = .throughput, p95Ms: Double? = nil) {
        self.objective = objective
        self.p95Ms = p95Ms
    }

    /// Higher is better.
    public func score(_ figures: TuneFigures) -> Double {
        objective == .throughput ? figures.sequencesPerSecond : -figures.p95BatchMs
    }

    /// Why `figures` break the latency target, or nil.
    public func violation(_ figures: TuneFigures) -> String? {
        guard let p95Ms, figures.p95BatchMs > p95Ms else { return nil }
        return String(format: "p95 batch time %.2f ms is over the %.2f ms target", figures.p95BatchMs, p95Ms)
    }
}

/// One candidate at one rung of the search: its figures, or why it was dropped.
public struct TuneTrial: Codable, Sendable, Equatable {
    public var candidate: TuneCandidate
    /// The rung (0: every candidate on the smallest sample). -1: dropped before any measurement.
    public var rung: Int
    public var figures: TuneFigures?
    /// Why it went no further: a broken floor or target, a lower rank, the budget, or a stop.
    public var dropped: String?

    public init(candidate: TuneCandidate, rung: Int, figures: TuneFigures?, dropped: String?) {
        self.candidate = candidate
        self.rung = rung
        self.figures = figures
        self.dropped = dropped
    }
}
