import Foundation

/// Measures a candidate for the search. The real one runs the engine on the tuning sample (`BenchTuneMeasurer`);
/// tests give one with known costs.
public protocol TuneMeasurer {
    /// Runs `candidate` on the first `sequences` inputs of the sample, `repeats` timed passes after a warm-up.
    mutating func measure(_ candidate: TuneCandidate, sequences: Int, repeats: Int) throws -> TuneFigures
    /// Seconds that measurement would take, if the measurer knows (nil: the search estimates from what it has seen).
    func estimatedSeconds(_ candidate: TuneCandidate, sequences: Int, repeats: Int) -> Double?
}

extension TuneMeasurer {
    public func estimatedSeconds(_ candidate: TuneCandidate, sequences: Int, repeats: Int) -> Double? { nil }
}

/// Successive halving over the candidates: every candidate on a small sample with one pass, the best quarter on a
/// larger sample with more passes, and so on; the pick is the best of the last rung reached. Nothing is picked that was
/// not measured, a candidate breaking the latency target is dropped with the reason, and no measurement starts that
/// the budget (as estimated from the measurements so far) cannot pay for.
public struct TuneSearch: Sendable {
    /// One rung: how much data and how many passes each survivor gets.
    public struct Rung: Codable, Sendable, Equatable {
        public var sequences: Int
        public var repeats: Int
        public init(sequences: Int, repeats: Int) {
            self.sequences = sequences
            self.repeats = repeats
        }
    }

    /// The rungs, smallest first.
    public var rungs: [Rung]
    /// Share kept from one rung to the next: 1 in `eta`.
    public var eta: Int
    /// Seconds the search may spend measuring.
    public var budget: Double
    /// What is optimized, and the latency target.
    public var goal: TuneGoal

    /// A search.
    public init(rungs: [Rung], eta: Int = 4, budget: Double, goal: TuneGoal) {
        self.rungs = rungs
        self.eta = max(2, eta)
        self.budget = budget
        self.goal = goal
    }

    /// The rungs for a sample of `sampleSize` inputs: an eighth, a quarter, then all of it (at least 16 each), with 1,
    /// 2 and 3 passes. With `eta` 4 the whole search costs about a sixth of timing every candidate on all of it.
    public static func rungs(sampleSize: Int) -> [Rung] {
        let sizes = [max(16, sampleSize / 8), max(16, sampleSize / 4), sampleSize].map { min($0, sampleSize) }
        return zip(sizes, [1, 2, 3]).map { Rung(sequences: $0, repeats: $1) }
    }

    /// What the search did.
    public struct Outcome: Sendable {
        /// The best candidate of the last rung reached, with its figures there (nil if nothing could be measured).
        public var chosen: (candidate: TuneCandidate, figures: TuneFigures)?
        /// The second best of that rung.
        public var runnerUp: (candidate: TuneCandidate, figures: TuneFigures)?
        /// Every candidate at every rung it reached.
        public var trials: [TuneTrial]
        /// Seconds spent measuring.
        public var spent: Double
        /// The last rung with measurements.
        public var lastRung: Int
        /// False when stopped (Ctrl-C) or the budget ran out before the last rung.
        public var complete: Bool
    }

    /// Runs the search over `candidates` (minus those in `excluded`, which are recorded with their reason).
    /// `spentBefore` is budget already used (accuracy checks); `shouldStop` is checked before each measurement;
    /// `progress` gets (rung, measured so far in the rung, the rung's size, seconds spent).
    public func run(
        _ candidates: [TuneCandidate], excluded: [TuneCandidate: String] = [:], spentBefore: Double = 0,
        measurer: inout some TuneMeasurer, shouldStop: () -> Bool = { false },
        progress: (Int, Int, Int, Double) -> Void = { _, _, _, _ in }
    ) throws -> Outcome {
        var trials: [TuneTrial] = excluded.sorted { $0.key < $1.key }.map {
            TuneTrial(candidate: $0.key, rung: -1, figures: nil, dropped: $0.value)
        }
        var spent = spentBefore
        // Rung 0 in engine order (one engine load per group); later rungs best first, so a rung the budget cuts short
        // has measured its most promising candidates.
        var alive = candidates.filter { excluded[$0] == nil }.sorted { ($0.engineKey, $0) < ($1.engineKey, $1) }
        var previous: [TuneCandidate: TuneFigures] = [:]
        var lastMeasured: [(candidate: TuneCandidate, figures: TuneFigures)] = []
        var lastRung = -1
        var complete = true
        var rungZeroCosts: [Double] = []
        search: for (r, rung) in rungs.enumerated() {
            var measured: [(candidate: TuneCandidate, figures: TuneFigures)] = []
            for (i, candidate) in alive.enumerated() {
                if shouldStop() {
                    complete = false
                    trials += measured.map { TuneTrial(candidate: $0.candidate, rung: r, figures: $0.figures, dropped: nil) }
                    trials += alive[i...].map { TuneTrial(candidate: $0, rung: r, figures: nil, dropped: "not measured: stopped") }
                    if !measured.isEmpty { lastMeasured = measured; lastRung = r }
                    break search
                }
                let estimate =
                    measurer.estimatedSeconds(candidate, sequences: rung.sequences, repeats: rung.repeats)
                    ?? previous[candidate].map {
                        $0.seconds * Double(rung.sequences * (rung.repeats + 1)) / Double($0.sequences * ($0.repeats + 1))
                    }
                    ?? (rungZeroCosts.isEmpty ? 0 : rungZeroCosts.reduce(0, +) / Double(rungZeroCosts.count))
                if spent + estimate > budget {
                    complete = false
                    trials += measured.map { TuneTrial(candidate: $0.candidate, rung: r, figures: $0.figures, dropped: nil) }
                    trials += alive[i...].map {
                        TuneTrial(candidate: $0, rung: r, figures: nil, dropped: "not measured: over the time budget")
                    }
                    if !measured.isEmpty { lastMeasured = measured; lastRung = r }
                    break search
                }
                let figures = try measurer.measure(candidate, sequences: rung.sequences, repeats: rung.repeats)
                spent += figures.seconds
                if r == 0 { rungZeroCosts.append(figures.seconds) }
                progress(r, i + 1, alive.count, spent)
                if let violation = goal.violation(figures) {
                    trials.append(TuneTrial(candidate: candidate, rung: r, figures: figures, dropped: violation))
                    continue
                }
                measured.append((candidate, figures))
            }
            guard !measured.isEmpty else { break }
            lastMeasured = measured
            lastRung = r
            let ranked = measured.sorted { goal.score($0.figures) > goal.score($1.figures) }
            let keep = r == rungs.count - 1 ? ranked.count : max(1, (ranked.count + eta - 1) / eta)
            for (rank, entry) in ranked.enumerated() {
                let promoted = rank < keep && r < rungs.count - 1
                trials.append(
                    TuneTrial(
                        candidate: entry.candidate, rung: r, figures: entry.figures,
                        dropped: promoted || r == rungs.count - 1 ? nil : "rank \(rank + 1) of \(ranked.count) at rung \(r)"))
            }
            previous = Dictionary(uniqueKeysWithValues: measured.map { ($0.candidate, $0.figures) })
            alive = ranked.prefix(keep).map(\.candidate)
        }
        let final = lastMeasured.sorted { goal.score($0.figures) > goal.score($1.figures) }
        if lastRung < rungs.count - 1 { complete = false }
        return Outcome(
            chosen: final.first, runnerUp: final.dropFirst().first, trials: trials, spent: spent, lastRung: lastRung,
            complete: complete)
    }
}
