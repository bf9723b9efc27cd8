import BertKit
import BertModelIO
import Foundation

/// What `bertkit tune` searches, and how.
public struct TuneConfiguration: Sendable {
    public var modelPath: String
    public var dataPath: String
    public var outputFolder: String
    public var goal = TuneGoal()
    /// Floors against fp32 on the sample: lowest cosine of an embedding, arg-max agreement of a classifier.
    public var minCosine: Double = 0.99
    public var minAgreement: Double = 0.99
    /// Seconds the search may spend.
    public var budget: Double = 300
    /// Seconds of the budget kept for the serve check after the search (0 when there is none).
    public var serveReserve: Double = 0
    /// Inputs of the data file the search runs on (the first ones).
    public var sample = 512
    /// The space (nil: every available backend; the native engine's four precisions; 1 to the core count in powers of
    /// two; every ordering; batch sizes 1 to 64).
    public var backends: [String]?
    public var precisions: [Precision] = Precision.allCases
    public var threads: [Int] = []
    public var orderings: [Ordering] = Ordering.allCases
    public var batchSizes = [1, 4, 8, 16, 32, 64]
    public var command: [String] = []
    /// A sentence-transformers prompt by name, or a text, before every input (nil: the folder's default prompt), so
    /// the inputs are tokenized as `embed` and `serve` tokenize them.
    public var promptName: String?
    public var prompt: String?

    /// How the data is tokenized: as the front ends do, truncated to the model's length.
    public var inputOptions: BertModel.Options { BertModel.Options(truncate: true).with(promptName: promptName, prompt: prompt) }
    /// Model files and engine libraries for the backends (none: each looks in the model folder and searches).
    public var files = BackendFiles()

    public init(modelPath: String, dataPath: String, outputFolder: String) {
        self.modelPath = modelPath
        self.dataPath = dataPath
        self.outputFolder = outputFolder
    }

    /// 1, 2, 4, ... up to the core count, and the core count itself.
    public static func defaultThreads(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Int] {
        var counts: [Int] = []
        var n = 1
        while n < cores { counts.append(n); n *= 2 }
        return counts + [max(cores, 1)]
    }
}

/// A tune run: the sample loaded, the space planned; `run` measures accuracy, searches, and writes `tune.json` and
/// the report (also when stopped, with what was measured).
public struct TuneSession: Sendable {
    public let configuration: TuneConfiguration
    public let data: BenchData
    public let candidates: [TuneCandidate]
    public let warnings: [String]
    let catalog: BenchBackends
    let model: ModelSummary
    let versions: [String: String]

    public init(_ configuration: TuneConfiguration) throws {
        self.configuration = configuration
        let c = configuration
        guard c.budget > 0 else { throw BenchError.invalidGrid("the budget must be positive") }
        guard c.sample >= 16 else { throw BenchError.invalidGrid("the sample must hold at least 16 inputs, got \(c.sample)") }
        let directory = try ModelDirectory(path: c.modelPath)
        data = try BenchData(path: c.dataPath, encoder: InputEncoder(directory: directory, options: c.inputOptions), limit: c.sample)
        catalog = BenchBackends(directory: c.modelPath, files: c.files)
        let backends = try c.backends.map(catalog.select) ?? catalog.available
        let threads = c.threads.isEmpty ? TuneConfiguration.defaultThreads() : c.threads
        if let bad = (threads + c.batchSizes).first(where: { $0 < 1 }) {
            throw BenchError.invalidGrid("thread counts and batch sizes must be positive, got \(bad)")
        }
        var space: [TuneCandidate] = []
        for backend in backends {
            for precision in c.precisions.map(\.rawValue) where backend.precisions.contains(precision) {
                for t in threads {
                    for ordering in c.orderings {
                        for b in c.batchSizes {
                            space.append(
                                TuneCandidate(backend: backend.name, precision: precision, threads: t, ordering: ordering, batchSize: b))
                        }
                    }
                }
            }
        }
        guard !space.isEmpty else { throw BenchError.invalidGrid("no candidate: no backend offers the precisions asked for") }
        candidates = space
        var warnings: [String] = []
        if data.statistics.sequences < c.sample {
            warnings.append("\(c.dataPath) has \(data.statistics.sequences) inputs; the sample is all of them")
        }
        if data.statistics.truncated > 0 {
            warnings.append(
                "\(data.statistics.truncated) of \(data.statistics.sequences) sample inputs are longer than the model's \(data.statistics.maxLength) tokens and were truncated to it"
            )
        }
        self.warnings = warnings
        model = try ModelSummary(path: c.modelPath, directory: directory, classifiesWithoutWeights: { false })
        versions = catalog.toolVersions
    }

    /// Accuracy of the reduced precisions (native engine, on the sample), then the search; `measurer` replaces the
    /// engines (tests). `serve`, when given, serves the chosen setup over HTTP (the CLI's serve check) and its figure
    /// goes into the setup; it runs within `serveReserve`, kept from the search's budget. Writes tune.json and the
    /// report to the output folder.
    public func run(
        measurer custom: (any TuneMeasurer)? = nil, accuracy precomputed: [PrecisionAccuracy]? = nil,
        serve: ((TunedSetup, BenchData) throws -> TunedSetup.Served)? = nil,
        shouldStop: () -> Bool = { false }, progress: (String, Double) -> Void = { _, _ in }
    ) throws -> TuneResults {
        let c = configuration
        let clock = ContinuousClock()
        let start = clock.now
        let reduced = Set(candidates.map(\.precision)).compactMap(Precision.init(rawValue:)).filter { $0 != .fp32 }
        progress("accuracy of \(reduced.map(\.rawValue).sorted().joined(separator: ", ")) against fp32", 0)
        var accuracy =
            try precomputed
            ?? (reduced.isEmpty
                ? []
                : PrecisionAccuracy.measure(
                    modelPath: c.modelPath, encodings: data.encodings, precisions: reduced,
                    threads: TuneConfiguration.defaultThreads().last ?? 0))
        var accuracyNotes: [String] = []
        if precomputed == nil {
            let (files, notes) = try graphFileAccuracy()
            accuracy += files
            accuracyNotes = notes
        }
        var excluded: [TuneCandidate: String] = [:]
        for entry in accuracy {
            guard let reason = floorViolation(entry) else { continue }
            for candidate in candidates where entry.applies(to: candidate) {
                excluded[candidate] = reason
            }
        }
        let accuracySeconds = (clock.now - start).milliseconds / 1000
        let reserve = serve == nil ? 0 : min(max(c.serveReserve, 0), c.budget)
        let search = TuneSearch(rungs: TuneSearch.rungs(sampleSize: data.statistics.sequences), budget: c.budget - reserve, goal: c.goal)
        var measurer = custom ?? BenchTuneMeasurer(modelPath: c.modelPath, data: data, catalog: catalog)
        let outcome = try search.run(
            candidates, excluded: excluded, spentBefore: accuracySeconds, measurer: &measurer, shouldStop: shouldStop
        ) {
            rung, done, count, spent in
            progress("rung \(rung + 1) of \(search.rungs.count): \(done)/\(count) candidates", min(1, spent / c.budget))
        }
        let machine = MachineInfo.current()
        let tuned = TunedSetup.Machine(cpu: machine.cpu, cores: machine.cores, kernels: KernelISA.best.rawValue, cpuFlags: machine.cpuFlags)
        func trial(_ entry: (candidate: TuneCandidate, figures: TuneFigures)?) -> TuneTrial? {
            entry.map { TuneTrial(candidate: $0.candidate, rung: outcome.lastRung, figures: $0.figures, dropped: nil) }
        }
        var setup = outcome.chosen.map { $0.candidate.setup(machine: tuned, figures: $0.figures, meanLength: data.statistics.length.mean) }
        var servedNote: String?
        var serveSeconds = 0.0
        if let chosen = setup, let serve {
            let served = clock.now
            defer { serveSeconds = (clock.now - served).milliseconds / 1000 }
            if shouldStop() {
                servedNote = "not served: stopped"
            } else {
                progress("serving the chosen setup over HTTP", min(1, (clock.now - start).milliseconds / 1000 / c.budget))
                do { setup?.served = try serve(chosen, data) } catch { servedNote = "not served: \(error)" }
            }
        }
        let results = TuneResults(
            tool: "bertkit \(BertKitInfo.version)", createdAt: ISO8601DateFormatter().string(from: Date()), command: c.command,
            complete: outcome.complete, machine: machine, versions: versions, model: model, data: data.statistics, goal: c.goal,
            minCosine: c.minCosine, minAgreement: c.minAgreement, budgetSeconds: c.budget, spentSeconds: outcome.spent + serveSeconds,
            rungs: search.rungs, candidates: candidates.count, setup: setup, servedNote: servedNote,
            chosen: trial(outcome.chosen), runnerUp: trial(outcome.runnerUp), accuracy: accuracy,
            accuracyNotes: accuracyNotes.isEmpty ? nil : accuracyNotes, trials: outcome.trials)
        try TuneReport(results: results).write(to: c.outputFolder)
        return results
    }

    /// Why a precision's accuracy breaks the floors, or nil.
    func floorViolation(_ accuracy: PrecisionAccuracy) -> String? {
        let what = accuracy.backend.map { "\($0)'s \(accuracy.precision) file" } ?? accuracy.precision
        if let cosine = accuracy.cosineMin, cosine < configuration.minCosine {
            return String(format: "%@: lowest cosine to fp32 %.5f is under the floor %.5f", what, cosine, configuration.minCosine)
        }
        if let agreement = accuracy.argmaxAgreement, agreement < configuration.minAgreement {
            return String(
                format: "%@: arg-max agreement with fp32 %.4f is under the floor %.4f", what, agreement, configuration.minAgreement)
        }
        return nil
    }

    /// The graph backends of the space whose file computes in a reduced precision (an int8 ONNX export), each
    /// compared with the native engine at fp32 on the sample as the native precisions are; and notes on those that
    /// could not be compared (a folder without weights has no fp32 reference).
    func graphFileAccuracy() throws -> (accuracy: [PrecisionAccuracy], notes: [String]) {
        let threads = TuneConfiguration.defaultThreads().last ?? 0
        var reference: (task: String, rows: [[Float]], bytes: Int)?
        var accuracy: [PrecisionAccuracy] = [], notes: [String] = []
        for name in Set(candidates.map(\.backend)).sorted() {
            guard let variant = try? catalog.catalog.variant(named: name), variant.provider.fileKind != nil else { continue }
            let model = try catalog.model(name, threads: threads)
            let weights = model.weightPrecision
            guard weights != .fp32 else { continue }
            if reference == nil {
                do {
                    reference = try PrecisionAccuracy.outputs(
                        of: BertModel(directory: configuration.modelPath, options: .init(truncate: true, threads: threads)),
                        encodings: data.encodings)
                } catch {
                    notes.append(
                        "\(name)'s file computes in \(weights.rawValue); its accuracy was not checked against fp32 (the native engine cannot run the folder: \(error))"
                    )
                    continue
                }
            }
            guard let reference else { continue }
            let outputs = try PrecisionAccuracy.outputs(of: model, encodings: data.encodings)
            var entry = PrecisionAccuracy(
                precision: weights.rawValue, task: reference.task, reference: reference.rows, candidate: outputs.rows,
                weightBytes: 0, fp32WeightBytes: reference.bytes)
            entry.backend = name
            accuracy.append(entry)
        }
        return (accuracy, notes)
    }
}
