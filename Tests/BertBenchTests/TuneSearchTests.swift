import BertBench
import BertKit
import Foundation
import Testing

/// The tune search on a fake engine with known costs: it finds the optimum, keeps to the budget, drops candidates that
/// break the floors or the latency target with the reason, and never picks what it did not measure.
@Suite struct TuneSearchTests {
    /// A measurer whose throughput, latency and cost per measurement are formulas of the candidate (with a little
    /// deterministic noise at small samples, as real measurements have), recording every call.
    struct FakeMeasurer: TuneMeasurer {
        var calls: [(candidate: TuneCandidate, sequences: Int, repeats: Int)] = []
        /// Seconds per sequence per pass.
        var secondsPerSequence = 0.001
        var noise = 0.03

        static func speed(_ c: TuneCandidate) -> Double {
            let precisions: [String: Double] = ["fp32": 1.0, "bf16": 1.7, "fp16": 1.0, "int8": 2.3]
            let orderings: [String: Double] = ["unsorted": 0.7, "sorted": 1.0, "tokens": 1.05]
            let precision: Double = precisions[c.precision] ?? 1
            let backend: Double = c.backend == "native-packed" ? 1.0 : 0.6
            let ordering: Double = orderings[c.ordering.rawValue] ?? 1
            let batch: Double = 1 - 0.5 / Double(c.batchSize)  // bigger batches amortize more
            let threads = Double(c.threads)
            return 100 * precision * backend * ordering * batch * threads
        }

        static func p95(_ c: TuneCandidate) -> Double { Double(c.batchSize) / speed(c) * 1000 * 1.2 }

        func cost(_ sequences: Int, _ repeats: Int) -> Double { Double(sequences * (repeats + 1)) * secondsPerSequence }

        func estimatedSeconds(_ candidate: TuneCandidate, sequences: Int, repeats: Int) -> Double? { cost(sequences, repeats) }

        mutating func measure(_ candidate: TuneCandidate, sequences: Int, repeats: Int) throws -> TuneFigures {
            calls.append((candidate, sequences, repeats))
            // Noise that shrinks with more data: hashing the key gives each candidate its own fixed offset.
            let code = candidate.key.unicodeScalars.reduce(0) { ($0 * 31 + Int($1.value)) % 1000 }
            let hash = Double(code) / 1000 - 0.5
            let jitter: Double = 1 + noise * hash * 8 / Double(sequences * repeats).squareRoot()
            let speed = Self.speed(candidate) * jitter
            return TuneFigures(
                sequencesPerSecond: speed, medianBatchMs: Self.p95(candidate) / 1.2, p95BatchMs: Self.p95(candidate),
                sequences: sequences, repeats: repeats, seconds: cost(sequences, repeats))
        }
    }

    static func space(precisions: [String] = ["fp32", "bf16", "int8"]) -> [TuneCandidate] {
        var all: [TuneCandidate] = []
        for backend in ["native-packed", "native-padded"] {
            for p in precisions {
                for t in [1, 2] {
                    for o in Ordering.allCases {
                        for b in [1, 4, 8, 16, 32, 64] {
                            all.append(TuneCandidate(backend: backend, precision: p, threads: t, ordering: o, batchSize: b))
                        }
                    }
                }
            }
        }
        return all
    }

    @Test func findsTheOptimumWithFarFewerMeasurementsThanTheGrid() throws {
        let candidates = Self.space()
        let optimum = candidates.max { FakeMeasurer.speed($0) < FakeMeasurer.speed($1) }
        var measurer = FakeMeasurer()
        let search = TuneSearch(rungs: TuneSearch.rungs(sampleSize: 512), budget: 1e9, goal: TuneGoal())
        let outcome = try search.run(candidates, measurer: &measurer)
        #expect(outcome.chosen?.candidate == optimum)
        #expect(outcome.complete && outcome.lastRung == 2)
        // Every candidate once on the small sample, a quarter on the next, a sixteenth on the last.
        #expect(measurer.calls.filter { $0.sequences == 64 }.count == candidates.count)
        #expect(measurer.calls.filter { $0.sequences == 128 }.count == (candidates.count + 3) / 4)
        #expect(measurer.calls.filter { $0.sequences == 512 }.count == ((candidates.count + 3) / 4 + 3) / 4)
        let gridCost = Double(candidates.count) * measurer.cost(512, 3)
        #expect(outcome.spent < gridCost / 5, "a fifth of the full grid's time")
        #expect(outcome.runnerUp != nil && outcome.runnerUp?.candidate != optimum)
    }

    @Test func keepsToTheBudgetAndPicksOnlyWhatItMeasured() throws {
        let candidates = Self.space()
        for budget in [0.5, 20.0, 60.0, 150.0] {
            var measurer = FakeMeasurer()
            let search = TuneSearch(rungs: TuneSearch.rungs(sampleSize: 512), budget: budget, goal: TuneGoal())
            let outcome = try search.run(candidates, spentBefore: 0.2, measurer: &measurer)
            let spent = 0.2 + measurer.calls.reduce(0) { $0 + measurer.cost($1.sequences, $1.repeats) }
            #expect(spent <= budget, "budget \(budget): spent \(spent)")
            #expect(abs(outcome.spent - spent) < 1e-9)
            if let chosen = outcome.chosen {
                #expect(
                    measurer.calls.contains { $0.candidate == chosen.candidate && $0.sequences == chosen.figures.sequences },
                    "the pick was measured at the rung it is reported from")
            }
            if budget < 60 { #expect(!outcome.complete) }
            let skipped = outcome.trials.filter { $0.dropped?.contains("budget") == true }
            #expect(outcome.complete || !skipped.isEmpty || outcome.lastRung < 2)
        }
        // With no budget at all nothing is measured, and nothing is picked.
        var measurer = FakeMeasurer()
        let none = try TuneSearch(rungs: TuneSearch.rungs(sampleSize: 512), budget: 0.1, goal: TuneGoal())
            .run(candidates, spentBefore: 0.1, measurer: &measurer)
        #expect(measurer.calls.count <= 1 && (none.chosen == nil || measurer.calls.count == 1))
    }

    @Test func dropsCandidatesBreakingFloorsAndTargets() throws {
        let candidates = Self.space()
        // int8 breaks an accuracy floor: excluded before any timing, with the reason.
        let excluded = Dictionary(
            uniqueKeysWithValues: candidates.filter { $0.precision == "int8" }.map {
                ($0, "int8: lowest cosine 0.98 is under the floor 0.99")
            })
        var measurer = FakeMeasurer()
        let target = 60.0
        let outcome = try TuneSearch(rungs: TuneSearch.rungs(sampleSize: 512), budget: 1e9, goal: TuneGoal(p95Ms: target))
            .run(candidates, excluded: excluded, measurer: &measurer)
        #expect(!measurer.calls.contains { $0.candidate.precision == "int8" })
        #expect(outcome.trials.filter { $0.rung == -1 }.count == excluded.count)
        #expect(outcome.trials.filter { $0.rung == -1 }.allSatisfy { $0.dropped?.contains("floor") == true })
        let chosen = try #require(outcome.chosen)
        #expect(chosen.candidate.precision != "int8")
        #expect(chosen.figures.p95BatchMs <= target)
        let allowed = candidates.filter { $0.precision != "int8" && FakeMeasurer.p95($0) <= target }
        #expect(chosen.candidate == allowed.max { FakeMeasurer.speed($0) < FakeMeasurer.speed($1) })
        let late = outcome.trials.filter { $0.dropped?.contains("target") == true }
        #expect(!late.isEmpty && late.allSatisfy { ($0.figures?.p95BatchMs ?? 0) > target })

        // The latency objective picks the lowest p95.
        var latency = FakeMeasurer()
        let fastest = try TuneSearch(rungs: TuneSearch.rungs(sampleSize: 512), budget: 1e9, goal: TuneGoal(objective: .latency))
            .run(candidates, excluded: excluded, measurer: &latency)
        let best = candidates.filter { $0.precision != "int8" }.min { FakeMeasurer.p95($0) < FakeMeasurer.p95($1) }
        #expect(fastest.chosen.map { FakeMeasurer.p95($0.candidate) } == best.map(FakeMeasurer.p95))
    }

    @Test func stopKeepsWhatWasMeasured() throws {
        var measurer = FakeMeasurer()
        var asked = 0
        let outcome = try TuneSearch(rungs: TuneSearch.rungs(sampleSize: 512), budget: 1e9, goal: TuneGoal())
            .run(
                Self.space(), measurer: &measurer,
                shouldStop: {
                    asked += 1; return asked > 40
                })
        #expect(measurer.calls.count == 40)
        #expect(!outcome.complete && outcome.chosen != nil)
        #expect(outcome.trials.filter { $0.dropped == "not measured: stopped" }.count == Self.space().count - 40)
    }

    @Test func setupFileRoundTripsAndWarnsOnAnotherMachine() throws {
        let candidate = TuneCandidate(backend: "native-padded", precision: "bf16", threads: 2, ordering: .tokens, batchSize: 16)
        let here = TunedSetup.Machine.current(cpu: "Test CPU", cpuFlags: ["avx2", "fma"])
        let setup = candidate.setup(
            machine: here,
            figures: TuneFigures(sequencesPerSecond: 123, medianBatchMs: 4, p95BatchMs: 6, sequences: 64, repeats: 3, seconds: 1),
            meanLength: 20)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tune-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("tune.json")
        try JSONEncoder().encode(["setup": setup]).write(to: file)
        let read = try TunedSetup(contentsOf: file)
        #expect(read == setup)
        #expect(read.strategy == .tokens(maxTokens: 320, maxSize: 64))
        let options = try BertModel.Options(contentsOf: file)
        #expect(options.threads == 2 && options.mode == .padded && options.precision == .bf16)
        #expect(read.machineWarning(current: here) == nil)
        var other = here
        other.cores = here.cores + 6
        other.cpuFlags = ["avx2", "fma", "avx512f"]
        let warning = try #require(read.machineWarning(current: other))
        #expect(warning.contains("cores") && warning.contains("only here: avx512f") && warning.contains("Test CPU"))
        // Malformed files name the field.
        try Data(
            "{\"setup\": {\"backend\": \"gpu\", \"precision\": \"fp32\", \"threads\": 1, \"batching\": {\"kind\": \"sorted\", \"batchSize\": 8}, \"machine\": {\"cpu\": \"\", \"cores\": 1, \"kernels\": \"avx2\", \"cpuFlags\": []}, \"sequencesPerSecond\": 1, \"p95BatchMs\": 1}}"
                .utf8
        ).write(to: file)
        #expect(throws: BertKitError.self) { try TunedSetup(contentsOf: file) }
        do { _ = try TunedSetup(contentsOf: file) } catch { #expect("\(error)".contains("setup.backend 'gpu'")) }
        try Data("{\"setup\": {\"backend\": \"native-packed\"}}".utf8).write(to: file)
        do { _ = try TunedSetup(contentsOf: file); Issue.record("a setup without fields loaded") } catch {
            #expect("\(error)".contains("missing field"))
        }
    }
}
