import ArgumentParser
import BertBench
import BertKit
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the model on your data and hardware: ms per sequence by backend, batch size, ordering and length.",
        discussion: """
            Writes results.json, results.csv, report.md, charts (SVG) and index.html to --out. Ctrl-C stops after the \
            current batch and keeps the finished cells; --resume finishes the run. --compare A B diffs two results folders.
            """)

    @Option(name: .long, help: "Model folder (config.json, tokenizer.json, weights), or a Hub name ORG/NAME[@REVISION].")
    var model: String?

    @Option(name: .long, help: "Data file: one input per line, text or JSON Lines {\"text\": ...}.")
    var data: String?

    @Option(name: .long, help: "Results folder.")
    var out = "bench-results"

    @Option(name: .long, help: "Backends, comma-separated (native = native-packed,native-padded). Default: every available one.")
    var backends: String?

    @Option(
        name: .long, help: "Precisions of the native engine: fp32, bf16, fp16, int8 (more than fp32 adds an accuracy table against fp32).")
    var precisions = "fp32"

    @Option(name: .long, help: "Batch sizes over the data set.")
    var batchSizes = "1,2,4,8,16,32,64"

    @Option(name: .long, help: "Orderings: unsorted, sorted, tokens (token budget of batch size × mean length).")
    var orderings = "unsorted,sorted,tokens"

    @Option(name: .long, help: "Sequence lengths of the sweep, or 'none'.")
    var lengths = "16,32,64,128,256,512"

    @Option(name: .long, help: "Batch sizes of the length sweep.")
    var lengthBatchSizes = "1,8"

    @Option(name: .long, help: "Sequences per cell of the length sweep.")
    var sweepSize = 64

    @Option(name: .long, help: "Timed passes over the data set per cell, after a warm-up.")
    var repeats = 5

    @Option(name: .long, help: "Engine threads, one count or a list (default: one per core).")
    var threads: String?

    @Option(name: .long, help: "Use only the first N inputs of the data file.")
    var limit: Int?

    @Option(name: .long, help: "Backend the speedups are given against.")
    var baseline = "native-padded"

    @Option(name: .customLong("with"), help: "Another results folder (e.g. from scripts/peers) to show beside this run.")
    var others: [String] = []

    @Option(name: .long, help: "A tune.json from `bertkit tune`: measure its setup (one cell; options given here win).")
    var config: String?

    @OptionGroup var files: EngineFiles

    @OptionGroup var prompts: PromptOptions

    @Flag(name: .long, help: "Keep the finished cells of an interrupted run in --out and run the rest.")
    var resume = false

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @Option(name: .long, parsing: .upToNextOption, help: "Compare two results folders A B instead of measuring.")
    var compare: [String] = []

    func run() throws {
        try reportingErrors {
            if !compare.isEmpty { return try runCompare() }
            guard let model = try model.map(ModelLocation.folder) else { throw CLIError("bench needs --model (or --compare A B)") }
            guard let data else { throw CLIError("bench needs --data FILE (text lines or JSON Lines)") }
            var configuration = BenchConfiguration(modelPath: model, dataPath: data, outputFolder: out)
            configuration.backends = backends.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            configuration.batchSizes = try Self.numbers(batchSizes, "--batch-sizes")
            configuration.precisions = try parsePrecisions(precisions, option: "--precisions")
            configuration.orderings = try Self.orderings(orderings)
            configuration.lengths = lengths == "none" ? [] : try Self.numbers(lengths, "--lengths")
            configuration.lengthBatchSizes = try Self.numbers(lengthBatchSizes, "--length-batch-sizes")
            configuration.threads = try threads.map { try Self.numbers($0, "--threads") } ?? []
            configuration.repeats = repeats
            configuration.sweepSize = sweepSize
            configuration.limit = limit
            configuration.baseline = baseline
            configuration.resume = resume
            configuration.others = others
            configuration.files = try files.backendFiles()
            configuration.command = CommandLine.arguments
            _ = try prompts.applied(to: .init())
            configuration.promptName = prompts.promptName
            configuration.prompt = prompts.prompt
            if let config {
                let setup = try loadTunedSetup(config)
                let cell = TuneCandidate(setup: setup)
                if !given("--backends") { configuration.backends = [setup.backend] }
                if !given("--precisions") { configuration.precisions = [setup.precision] }
                if !given("--threads") { configuration.threads = [setup.threads] }
                if !given("--orderings") { configuration.orderings = [cell.ordering] }
                if !given("--batch-sizes") { configuration.batchSizes = [cell.batchSize] }
                if !given("--lengths") { configuration.lengths = [] }
                if !given("--baseline") { configuration.baseline = setup.backend }
            }
            try measure(configuration)
        }
    }

    func measure(_ configuration: BenchConfiguration) throws {
        let session = try BenchSession(configuration)
        for warning in session.warnings { standardError("bertkit: warning: \(warning)") }
        let stop = StopSignal()
        stop.install()
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        let results = try session.run(shouldStop: { stop.requested }, progress: bar.update)
        bar.finish()
        let folder = configuration.outputFolder
        guard results.complete else {
            standardError(
                "bertkit: interrupted: \(results.cells.count) of \(session.cells.count) cells kept in \(folder); "
                    + "run the same command with --resume to finish")
            throw ExitCode(130)
        }
        print(
            "\(results.cells.count) cells measured; report: \(folder)/index.html (Markdown: \(folder)/report.md, data: \(folder)/results.json)"
        )
    }

    func runCompare() throws {
        guard compare.count == 2 else { throw CLIError("--compare takes two results folders, got \(compare.count)") }
        let a = try BenchResults.load(compare[0]), b = try BenchResults.load(compare[1])
        print(BenchComparison(a, b).markdown(nameA: compare[0], nameB: compare[1]), terminator: "")
    }

    /// A comma-separated list of orderings (`--orderings`).
    static func orderings(_ text: String) throws -> [Ordering] {
        try text.split(separator: ",").map { name in
            guard let ordering = Ordering(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw CLIError("--orderings: unknown ordering '\(name)' (use unsorted, sorted, tokens)")
            }
            return ordering
        }
    }

    /// A comma-separated list of positive integers.
    static func numbers(_ text: String, _ flag: String) throws -> [Int] {
        try text.split(separator: ",").map { part in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw CLIError("\(flag): '\(part)' is not a positive whole number")
            }
            return value
        }
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
