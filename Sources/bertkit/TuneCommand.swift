import ArgumentParser
import BertBackends
import BertBench
import BertKit
import BertServe
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
            dropped with the reason. Then the chosen setup is served over HTTP on this machine for --serve-check seconds \
            under a --serve-connections load (kept from the budget): tune.json promises that figure to \
            `bertkit serve --config`. Writes tune.json (the chosen setup, the runner-up, every candidate), report.md, charts \
            and index.html to --out. Then: bertkit embed|classify|bench|serve --config OUT/tune.json. Ctrl-C keeps what was \
            measured.
            """)

    @Option(name: .long, help: "Model folder, or a Hub name ORG/NAME[@REVISION] (Hugging Face cache, downloaded when missing).")
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

    @Option(
        name: .long,
        help:
            "Seconds the chosen setup is served over HTTP under load at the end: 2 s of warm-up, then the measured window (kept from the budget; 0: no serve check)."
    )
    var serveCheck: Double = 12

    @Option(name: .long, help: "Connections of the serve check's load.")
    var serveConnections = 64

    @OptionGroup var files: EngineFiles

    @OptionGroup var prompts: PromptOptions

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let model = try ModelLocation.folder(model)
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
            c.files = try files.backendFiles()
            c.command = CommandLine.arguments
            _ = try prompts.applied(to: .init())
            c.promptName = prompts.promptName
            c.prompt = prompts.prompt
            guard serveCheck >= 0, serveCheck.isFinite else { throw CLIError("--serve-check: give 0 or more seconds, got \(serveCheck)") }
            guard serveConnections > 0 else { throw CLIError("--serve-connections must be positive, got \(serveConnections)") }
            // The check's load plus loading the model and starting the server; taken only from a budget four times that.
            let reserve = serveCheck + 3
            let fits = serveCheck > 0 && c.budget >= 4 * reserve
            if fits { c.serveReserve = reserve }
            let session = try TuneSession(c)
            for warning in session.warnings { standardError("bertkit: warning: \(warning)") }
            let stop = StopSignal()
            stop.install()
            let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
            let clock = ContinuousClock(), start = clock.now
            let serve: ((TunedSetup, BenchData) throws -> TunedSetup.Served)? =
                serveCheck == 0
                ? nil
                : { setup, data in
                    guard fits else {
                        throw CLIError(
                            String(format: "the budget (%.0f s) is under four times the serve check's %.0f s", c.budget, reserve))
                    }
                    return try served(setup, inputs: data.inputs)
                }
            let results = try session.run(serve: serve, shouldStop: { stop.requested }) { what, fraction in
                bar.show(
                    fraction: fraction,
                    "\(what)  \(ProgressBar.clock((clock.now - start).milliseconds / 1000)) of \(ProgressBar.clock(c.budget))")
            }
            bar.finish()
            guard let setup = results.setup, let chosen = results.chosen else {
                throw CLIError("no setup found: nothing could be measured within the budget and targets (see \(out)/report.md)")
            }
            print(
                "chosen: \(chosen.candidate) — \(String(format: "%.1f", setup.sequencesPerSecond)) sequences/s, p95 batch \(String(format: "%.2f", setup.p95BatchMs)) ms"
                    + (results.complete ? "" : " (search cut short: \(stop.requested ? "stopped" : "budget"))"))
            if let served = setup.served {
                print(
                    "served over HTTP: \(String(format: "%.1f", served.requestsPerSecond)) requests/s at \(served.connections) connections, p99 \(String(format: "%.1f", served.p99Ms)) ms"
                )
            } else if let note = results.servedNote {
                print("serve check: \(note)")
            }
            print(
                "\(results.candidates) candidates, \(String(format: "%.0f", results.spentSeconds)) s; report: \(out)/index.html; use it: --config \(out)/tune.json"
            )
        }
    }

    /// The serve check: `setup` loaded as `bertkit serve --config` loads it and served under load.
    private func served(_ setup: TunedSetup, inputs: [TextInput]) throws -> TunedSetup.Served {
        var engine = try EngineOptions.parse([])
        engine.files = files
        engine.backend = try setup.apply(to: RunSettings(), catalog: .standard).backend
        // The setup's options carry its layout and precision.
        let model = try engine.load(directory: try ModelLocation.folder(self.model), options: try setup.options(truncate: false).forServing())
        var options = ServeOptions()
        options.adopt(setup)
        var check = ServeCheck()
        check.connections = serveConnections
        let warmUp = min(2, serveCheck / 4)
        check.warmUp = .milliseconds(Int(warmUp * 1000))
        check.window = .milliseconds(Int((serveCheck - warmUp) * 1000))
        return try blocking { [check, options] in try await check.run(model: model, options: options, inputs: inputs) }
    }

    /// `300`, `300s`, `5m`, `1h` in seconds.
    static func seconds(_ text: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = text.trimmingCharacters(in: .whitespaces), scale = 1.0
        if let last = number.last, let unit = units[last] { scale = unit; number.removeLast() }
        guard let value = Double(number), value > 0, value.isFinite else {
            throw CLIError("--budget: '\(text)' is not a duration (300, 300s, 5m, 1h)")
        }
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
