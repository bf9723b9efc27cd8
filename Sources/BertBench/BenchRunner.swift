import BertKit
import BertTokenizers
import Foundation

/// Runs the cells of a grid: for each, the batches are laid out once, a warm-up runs the first and the longest
/// batch, then `repeats` timed passes go over the whole set. Only the engine's calls count as model time; the rest of
/// the cell's wall time is the harness's overhead, recorded per cell.
public struct BenchRunner: Sendable {
    /// The model folder.
    public let modelPath: String
    /// The data set.
    public let data: BenchData
    /// Repeats, sweep size and grid.
    public let settings: BenchSettings
    /// Makes the engine of a cell.
    public let makeEngine: @Sendable (CellSpec) throws -> any BenchEngine

    /// Where the run is, after each timed pass.
    public struct Progress: Sendable {
        /// 1-based index of the cell among all cells, and their count.
        public var cellIndex: Int
        public var cellCount: Int
        public var cell: CellSpec
        /// Seconds since the run started.
        public var elapsed: Double
        /// Estimated seconds left (nil until one pass has finished).
        public var remaining: Double?
        /// Share of the work done, 0...1.
        public var fraction: Double
    }

    /// A runner over `data`.
    public init(
        modelPath: String, data: BenchData, settings: BenchSettings,
        makeEngine: @escaping @Sendable (CellSpec) throws -> any BenchEngine
    ) {
        self.modelPath = modelPath
        self.data = data
        self.settings = settings
        self.makeEngine = makeEngine
    }

    /// Runs every cell of `cells` that `done` lacks, in order, calling `finished` after each. Returns false when
    /// `shouldStop` asked to stop (checked between batches; the cell under way is dropped, finished ones are kept).
    public func run(
        _ cells: [CellSpec], done: [CellResult] = [], shouldStop: () -> Bool = { false },
        progress: (Progress) -> Void = { _ in }, finished: (CellResult) throws -> Void
    ) throws -> Bool {
        let doneKeys = Set(done.map(\.key))
        let todo = cells.filter { !doneKeys.contains($0.key) }
        let work = todo.map { Double(workUnits($0)) }
        let totalWork = max(work.reduce(0, +), 1)
        var doneWork = 0.0
        let start = ContinuousClock.now
        var engine: (key: String, engine: any BenchEngine)?
        for (i, cell) in todo.enumerated() {
            let engineKey = "\(cell.backend)/\(cell.precision)/\(cell.threads)"
            if engine?.key != engineKey {
                engine = nil  // release the previous engine's weights first
                engine = (engineKey, try makeEngine(cell))
            }
            guard let current = engine?.engine else { continue }
            let index = cells.firstIndex(of: cell).map { $0 + 1 } ?? i + 1
            let passWork = work[i] / Double(settings.repeats + 1)
            let result = try measure(cell, on: current, shouldStop: shouldStop) { pass in
                let completed = doneWork + passWork * Double(pass)
                let elapsed = (ContinuousClock.now - start).milliseconds / 1000
                progress(
                    Progress(
                        cellIndex: index, cellCount: cells.count, cell: cell, elapsed: elapsed,
                        remaining: completed > 0 ? elapsed / completed * (totalWork - completed) : nil,
                        fraction: completed / totalWork))
            }
            guard let result else { return false }
            doneWork += work[i]
            try finished(result)
        }
        return true
    }

    /// Tokens a cell processes per pass, times its passes: the unit of the progress estimate.
    func workUnits(_ cell: CellSpec) -> Int {
        let tokens = cell.length.map { $0 * settings.sweepSize } ?? data.statistics.tokens
        return tokens * (settings.repeats + 1)
    }

    /// The batches of a cell, laid out before timing starts.
    public func batches(for cell: CellSpec) throws -> [TokenBatch] {
        if let length = cell.length {
            let sequences = data.sweep(length: length, count: settings.sweepSize)
            return stride(from: 0, to: sequences.count, by: cell.batchSize).map {
                TokenBatch(sequences: Array(sequences[$0..<min($0 + cell.batchSize, sequences.count)]))
            }
        }
        let batching = cell.ordering.batching(batchSize: cell.batchSize, meanLength: data.statistics.length.mean)
        return try batching.plan(lengths: data.encodings.map(\.count)).map { plan in
            TokenBatch(plan.map { data.encodings[$0] })
        }
    }

    /// Times one cell; nil when stopped. `passDone` is called with the number of passes finished, warm-up included.
    func measure(
        _ cell: CellSpec, on engine: any BenchEngine, shouldStop: () -> Bool,
        passDone: (Int) -> Void
    ) throws -> CellResult? {
        let clock = ContinuousClock()
        let cellStart = clock.now
        var model = Duration.zero
        let batches = try batches(for: cell)
        func timed(_ batch: TokenBatch) throws -> Duration {
            let t0 = clock.now
            try engine.run(batch)
            let elapsed = clock.now - t0
            model += elapsed
            return elapsed
        }
        if let longest = batches.indices.max(by: { batches[$0].maxLength < batches[$1].maxLength }) {
            _ = try timed(batches[longest])
            if longest != 0 { _ = try timed(batches[0]) }
        }
        passDone(1)
        var repeats: [Double] = [], latencies: [Double] = []
        latencies.reserveCapacity(batches.count * settings.repeats)
        for pass in 0..<settings.repeats {
            var total = Duration.zero
            for batch in batches {
                if shouldStop() { return nil }
                let elapsed = try timed(batch)
                total += elapsed
                latencies.append(elapsed.milliseconds)
            }
            repeats.append(total.milliseconds)
            passDone(pass + 2)
        }
        let cellTime = clock.now - cellStart
        var result = CellResult(
            spec: cell, sequences: batches.reduce(0) { $0 + $1.count },
            tokens: batches.reduce(0) { $0 + $1.tokenCount },
            paddedTokens: batches.reduce(0) { $0 + $1.count * $1.maxLength }, batches: batches.count,
            repeatsMs: repeats, batchMs: latencies, cellMs: cellTime.milliseconds,
            modelMs: model.milliseconds)
        if let weights = engine.weights?.rawValue, weights != cell.precision { result.weights = weights }
        return result
    }

    /// Times `repeats` passes of `tokenizer` over the data set's inputs (all cores, as the model's tokenize does).
    public func timeTokenization(_ tokenizer: Tokenizer) throws -> TokenizationResult {
        let pairs = data.inputs.map { ($0.text, $0.pair) }
        let clock = ContinuousClock()
        _ = try tokenizer.encodeBatch(pairs)
        var passes: [Double] = []
        for _ in 0..<settings.repeats {
            passes.append(try clock.measure { _ = try tokenizer.encodeBatch(pairs) }.milliseconds)
        }
        let median = Summary(passes).median
        return TokenizationResult(
            threads: ProcessInfo.processInfo.activeProcessorCount, repeatsMs: passes,
            msPerSequence: Summary(passes.map { $0 / Double(data.inputs.count) }),
            tokensPerSecond: median > 0 ? Double(data.statistics.tokens) / median * 1000 : 0)
    }

}
