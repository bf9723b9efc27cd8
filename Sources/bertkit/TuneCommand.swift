import ArgumentParser
import BertBench
import BertBackends
import BertKit
import Foundation

/// `bertkit tune`: the fastest setup for this model, data and machine, written to tune.json for `--config`.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Find the fastest setup (backend, precision, threads, batching) for your model, data and machine.",
        discussion: """
        Successive halving over backend × precision × threads × ordering × batch size on a sample of --data, within \
        --budget: every candidate on an eighth of the sample, the best quarter on a quarter of it, the best of those on \
        all of it. Precisions under the accuracy floors (against fp32 on the sample) and candidates over --p95-ms are \
        dropped with the reason. Writes tune.json (the chosen setup, the runner-up, every candidate), report.md, charts \
        and index.html to --out. Then: bertkit embed|classify|bench|serve --config OUT/tune.json. Ctrl-C keeps what was \
        measured.
        """)

    @Option(name: .long, help: "Model folder.")
    var model: String

    @Option(name: .long, help: "Data file: one input per line, text or JSON Lines.")
    var data: String

    @Option(name: .long, help: "Output folder.")
    var out = "tune-out"

    @Option(name: .long, help: "throughput (most sequences/s) or latency (lowest p95 batch time).")
    var objective: TuneGoal.Objective = .throughput

    @Option(name: .long, help: "Drop candidates whose 95th-percentile batch time is above this (ms).")
    var p95Ms: Double?

    @Option(name: .long, help: "Lowest cosine to fp32 an embedding may have (reduced precisions).")
    var minCosine = 0.99

    @Option(name: .long, help: "Lowest arg-max agreement with fp32 a classifier may have (reduced precisions).")
    var minAgreement = 0.99

    @Option(name: .long, help: "Time budget: 300, 300s, 5m, 1h.")
    var budget = "5m"

    @Option(name: .long, help: "Inputs of --data to tune on (the first ones).")
    var sample = 512

    @Option(name: .long, help: "Backends, comma-separated (default: every available one).")
    var backends: String?

    @Option(name: .long, help: "Precisions of the native engine to consider.")
    var precisions = "fp32,bf16,fp16,int8"

    @Option(name: .long, help: "Thread counts (default: 1, 2, 4, ... up to the cores).")
    var threads: String?

    @Option(name: .long, help: "Orderings: unsorted, sorted, tokens.")
    var orderings = "unsorted,sorted,tokens"

    @Option(name: .long, help: "Batch sizes.")
    var batchSizes = "1,4,8,16,32,64"

    @OptionGroup var files: EngineFiles

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            var c = TuneConfiguration(modelPath: model, dataPath: data, outputFolder: out)
            c.goal = TuneGoal(objective: objective, p95Ms: p95Ms)
            c.minCosine = minCosine
            c.minAgreement = minAgreement
            c.budget = try Self.seconds(budget)
            c.sample = sample
            c.backends = backends.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            c.precisions = try parsePrecisions(precisions, option: "--precisions")
            c.threads = try threads.map { try BenchCommand.numbers($0, "--threads") } ?? []
            c.batchSizes = try BenchCommand.numbers(batchSizes, "--batch-sizes")
            c.orderings = try BenchCommand.orderings(orderings)
            c.onnxFile = files.onnx
            c.ortLibrary = files.ortLibrary
            c.torchscriptFile = files.torchscript
            c.command = CommandLine.arguments
            let session = try TuneSession(c)
            for warning in session.warnings { standardError("bertkit: warning: \(warning)") }
            let stop = StopSignal()
            stop.install()
            let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
            let clock = ContinuousClock(), start = clock.now
            let results = try session.run(shouldStop: { stop.requested }) { what, fraction in
                bar.show(fraction: fraction, "\(what)  \(ProgressBar.clock((clock.now - start).milliseconds / 1000)) of \(ProgressBar.clock(c.budget))")
            }
            bar.finish()
            guard let setup = results.setup, let chosen = results.chosen else {
                throw CLIError("no setup found: nothing could be measured within the budget and targets (see \(out)/report.md)")
            }
            print("chosen: \(chosen.candidate) — \(String(format: "%.1f", setup.sequencesPerSecond)) sequences/s, p95 batch \(String(format: "%.2f", setup.p95BatchMs)) ms"
                + (results.complete ? "" : " (search cut short: \(stop.requested ? "stopped" : "budget"))"))
            print("\(results.candidates) candidates, \(String(format: "%.0f", results.spentSeconds)) s; report: \(out)/index.html; use it: --config \(out)/tune.json")
        }
    }

    /// `300`, `300s`, `5m`, `1h` in seconds.
    static func seconds(_ text: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = text.trimmingCharacters(in: .whitespaces), scale = 1.0
        if let last = number.last, let unit = units[last] { scale = unit; number.removeLast() }
        guard let value = Double(number), value > 0, value.isFinite else { throw CLIError("--budget: '\(text)' is not a duration (300, 300s, 5m, 1h)") }
        return value * scale
    }
}

extension TuneGoal.Objective: ExpressibleByArgument {}

/// Whether `flag` was given on the command line (a `--config` value yields to it).
func given(_ flag: String) -> Bool {
    CommandLine.arguments.contains { $0 == flag || $0.hasPrefix(flag + "=") }
}

/// Reads a tune file for `--config`, warning on standard error when it was measured on another machine.
func loadTunedSetup(_ path: String) throws -> TunedSetup {
    let setup = try TunedSetup(contentsOf: URL(fileURLWithPath: path), catalog: .standard)
    let machine = MachineInfo.current()
    if let warning = setup.machineWarning(current: .current(cpu: machine.cpu, cpuFlags: machine.cpuFlags)) {
        standardError("bertkit: warning: \(warning)")
    }
    return setup
}
