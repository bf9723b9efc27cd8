import BertKit
import Foundation

/// Measures tune candidates as `bertkit bench` measures cells (`BenchRunner`: warm-up, then timed passes, model
/// time only), on the first inputs of the tuning sample. The engine of the last candidate is kept, so candidates that
/// share one (the search orders rung 0 by engine) pay its load once.
public struct BenchTuneMeasurer: TuneMeasurer {
    let modelPath: String
    let data: BenchData
    let catalog: BenchBackends
    private var engine: (key: String, engine: any BenchEngine)?

    /// A measurer over `data` with the backends of `catalog`.
    public init(modelPath: String, data: BenchData, catalog: BenchBackends) {
        self.modelPath = modelPath
        self.data = data
        self.catalog = catalog
    }

    public mutating func measure(_ candidate: TuneCandidate, sequences: Int, repeats: Int) throws -> TuneFigures {
        let clock = ContinuousClock()
        let start = clock.now
        if engine?.key != candidate.engineKey {
            engine = nil  // release the previous engine's weights first
            engine = (
                candidate.engineKey, try catalog.engine(candidate.backend, precision: candidate.precision, threads: candidate.threads)
            )
        }
        guard let current = engine?.engine else { throw BenchError.invalidGrid("no engine for \(candidate)") }
        let sample = data.prefix(sequences)
        let runner = BenchRunner(
            modelPath: modelPath, data: sample,
            settings: BenchSettings(
                grid: try BenchGrid(
                    backends: [.init(name: candidate.backend)], threads: [candidate.threads],
                    lengths: []),
                repeats: repeats, sweepSize: 0, limit: sequences, baseline: candidate.backend),
            makeEngine: { _ in current })
        guard let result = try runner.measure(candidate.cell, on: current, shouldStop: { false }, passDone: { _ in }) else {
            throw BenchError.invalidGrid("the measurement of \(candidate) stopped")
        }
        return TuneFigures(
            sequencesPerSecond: result.sequencesPerSecond, medianBatchMs: result.batchMs.median,
            p95BatchMs: result.batchMs.p95, sequences: result.sequences, repeats: repeats,
            seconds: (clock.now - start).milliseconds / 1000)
    }
}
