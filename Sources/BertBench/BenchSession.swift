import BertKit
import BertModelIO
import BertTokenizers
import Foundation

/// What `bertkit bench` was asked to do.
public struct BenchConfiguration: Sendable {
    public var modelPath: String
    public var dataPath: String
    /// The results folder.
    public var outputFolder: String
    /// Backend names (`native` stands for both native layouts); nil: every available backend.
    public var backends: [String]?
    /// Precisions to measure (backends that lack one skip it); more than fp32 adds the accuracy comparison.
    public var precisions: [Precision] = [.fp32]
    public var batchSizes = BenchGrid.defaultBatchSizes
    public var orderings = Ordering.allCases
    /// Engine threads; empty: one per core.
    public var threads: [Int] = []
    public var lengths = BenchGrid.defaultLengths
    public var lengthBatchSizes = BenchGrid.defaultLengthBatchSizes
    public var repeats = 5
    /// Sequences per cell of the length sweep.
    public var sweepSize = 64
    /// Read only the first inputs of the data file.
    public var limit: Int?
    public var baseline = "native-padded"
    /// Keep the finished cells of the results already in `outputFolder` (same model and data) and run the rest.
    public var resume = false
    /// Other results folders whose cells the report shows beside this run's (peers).
    public var others: [String] = []
    /// The command line, recorded in the results.
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
}

/// A benchmark run: model and data loaded, grid planned; `run` measures, writing results after each cell and the
/// report at the end (also when stopped early, with the cells finished so far).
public struct BenchSession: Sendable {
    public let configuration: BenchConfiguration
    public let data: BenchData
    public let cells: [CellSpec]
    /// Cells kept from an earlier run (`resume`).
    public let finished: [CellResult]
    /// Things the user should know before the run starts (truncated inputs, skipped lengths, resumed cells).
    public let warnings: [String]
    let runner: BenchRunner
    let tokenizer: Tokenizer
    let skeleton: BenchResults
    let others: [BenchResults]
    /// Whether the run compares reduced precisions with fp32 on the data (native backend, more than fp32).
    let measuresAccuracy: Bool

    /// Loads the model's tokenizer and configuration (weights load per backend when the run reaches it), reads and
    /// tokenizes the data, plans the grid. `makeEngine` replaces the backends (tests).
    public init(_ configuration: BenchConfiguration, makeEngine: (@Sendable (CellSpec) throws -> any BenchEngine)? = nil) throws {
        self.configuration = configuration
        let c = configuration
        guard c.repeats > 0 else { throw BenchError.invalidGrid("repeats must be positive, got \(c.repeats)") }
        guard c.sweepSize > 0 else { throw BenchError.invalidGrid("sweep size must be positive, got \(c.sweepSize)") }
        let directory = try ModelDirectory(path: c.modelPath)
        let encoder = try InputEncoder(directory: directory, options: c.inputOptions)
        self.tokenizer = encoder.tokenizer
        let data = try BenchData(path: c.dataPath, encoder: encoder, limit: c.limit)
        self.data = data
        let catalog = BenchBackends(directory: c.modelPath, files: c.files)
        let backends = try catalog.select(c.backends)
        var warnings: [String] = []
        var choices: [BenchGrid.BackendChoice] = []
        for backend in backends {
            let offered = c.precisions.map(\.rawValue).filter(backend.precisions.contains)
            let missing = c.precisions.map(\.rawValue).filter { !backend.precisions.contains($0) }
            if !missing.isEmpty {
                warnings.append(
                    "\(backend.name) has no \(missing.joined(separator: ", ")) (it offers \(backend.precisions.joined(separator: ", "))); "
                        + (offered.isEmpty ? "left out" : "measured at \(offered.joined(separator: ", ")) only"))
            }
            if !offered.isEmpty { choices.append(.init(name: backend.name, precisions: offered)) }
        }
        let grid = try BenchGrid(
            backends: choices,
            batchSizes: c.batchSizes, orderings: c.orderings,
            threads: c.threads.isEmpty ? [ProcessInfo.processInfo.activeProcessorCount] : c.threads,
            lengths: c.lengths, lengthBatchSizes: c.lengthBatchSizes)
        let planned = grid.cells(maxLength: directory.config.maxSequenceLength)
        cells = planned.cells
        let settings = BenchSettings(grid: grid, repeats: c.repeats, sweepSize: c.sweepSize, limit: c.limit, baseline: c.baseline)
        runner = BenchRunner(
            modelPath: c.modelPath, data: data, settings: settings,
            makeEngine: makeEngine ?? { cell in
                try catalog.engine(cell.backend, precision: cell.precision, threads: cell.threads)
            })
        others = try c.others.map(BenchResults.load)
        measuresAccuracy = choices.contains { info in c.precisions.contains { $0 != .fp32 && info.precisions.contains($0.rawValue) } }

        if data.statistics.truncated > 0 {
            warnings.append(
                "\(data.statistics.truncated) of \(data.statistics.sequences) inputs of \(c.dataPath) are longer than the model's \(data.statistics.maxLength) tokens and were truncated to it"
            )
        }
        if !planned.skippedLengths.isEmpty {
            warnings.append(
                "lengths \(planned.skippedLengths.map(String.init).joined(separator: ", ")) are above the model's maximum of \(directory.config.maxSequenceLength) tokens and are left out of the sweep"
            )
        }
        // A folder with only an ONNX graph asks the graph for its task.
        // A folder with only a graph asks the first backend that can run it.
        let model = try ModelSummary(
            path: c.modelPath, directory: directory,
            classifiesWithoutWeights: {
                guard let runner = catalog.available.first else { throw BenchError.invalidGrid("no backend can run \(c.modelPath)") }
                return try catalog.model(runner.name, threads: 1).backend.hasClassificationHead
            })
        let formatter = ISO8601DateFormatter()
        skeleton = BenchResults(
            tool: "bertkit \(BertKitInfo.version)", createdAt: formatter.string(from: Date()), command: c.command, complete: false,
            machine: .current(), versions: catalog.toolVersions,
            model: model, data: data.statistics, settings: settings, backends: catalog.all,
            skippedLengths: planned.skippedLengths, tokenization: nil, cells: [])

        var kept: [CellResult] = []
        if c.resume, let previous = try? BenchResults.load(c.outputFolder) {
            if previous.data.fingerprint == data.statistics.fingerprint && previous.model == model
                && previous.settings.repeats == c.repeats && previous.settings.sweepSize == c.sweepSize
            {
                let wanted = Set(cells.map(\.key))
                kept = previous.cells.filter { wanted.contains($0.key) }
                warnings.append("resuming: \(kept.count) of \(cells.count) cells already measured in \(c.outputFolder)")
            } else {
                warnings.append("not resuming: the results in \(c.outputFolder) are of another model, data set or repeat count")
            }
        } else if c.resume {
            warnings.append("nothing to resume in \(c.outputFolder); starting afresh")
        }
        finished = kept
        self.warnings = warnings
    }

    /// Measures tokenization, then every cell not yet finished. Returns the results, `complete` unless stopped.
    public func run(shouldStop: () -> Bool = { false }, progress: (BenchRunner.Progress) -> Void = { _ in }) throws -> BenchResults {
        var results = skeleton
        results.cells = finished
        results.tokenization = try runner.timeTokenization(tokenizer)
        if measuresAccuracy {
            results.accuracy = try PrecisionAccuracy.measure(
                modelPath: configuration.modelPath, encodings: data.encodings,
                precisions: configuration.precisions)
        }
        let folder = configuration.outputFolder
        try ReportWriter.writeResults(results, to: folder)
        let complete = try runner.run(cells, done: finished, shouldStop: shouldStop, progress: progress) { cell in
            results.cells.append(cell)
            try ReportWriter.writeResults(results, to: folder)
        }
        results.complete = complete
        // Cells in grid order, whatever order they were measured in.
        let order = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($1.key, $0) })
        results.cells.sort { (order[$0.key] ?? .max) < (order[$1.key] ?? .max) }
        try ReportWriter.write(BenchReport(results: results, others: others, baseline: configuration.baseline), to: folder)
        return results
    }
}

extension ModelSummary {
    /// The summary of the model in `directory`: parameters and task from its weights (a classification head makes it
    /// a classifier); `classifiesWithoutWeights` decides the task when the folder has no weights (only a graph).
    init(path: String, directory: ModelDirectory, classifiesWithoutWeights: () throws -> Bool) throws {
        let weights = try? directory.weights()
        let parameters = weights.map { w in w.names.reduce(0) { $0 + (w.shape($1)?.reduce(1, *) ?? 0) } } ?? 0
        let spec = directory.config.architecture.spec
        let classifies =
            try weights.map { w in spec.hasHead { w.contains($0) } }
            ?? classifiesWithoutWeights()
        self.init(
            path: path, architecture: directory.config.architecture.rawValue, hiddenSize: directory.config.hiddenSize,
            layers: directory.config.numHiddenLayers, heads: directory.config.numAttentionHeads, parameters: parameters,
            task: classifies ? "classify" : "embed")
    }
}
