import ArgumentParser
import BertBackends
import BertKit
import BertONNX
import Foundation

@main
struct BertKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bertkit",
        abstract: "Run BERT-family models (BERT, RoBERTa, CamemBERT, XLM-R, MiniLM, DistilBERT) from Hugging Face folders.",
        subcommands: [
            TokenizeCommand.self, TokenizerBenchCommand.self, EmbedCommand.self, ClassifyCommand.self, BenchCommand.self,
            ComparePrecisionCommand.self, ExportCommand.self, TuneCommand.self, ServeCommand.self, InfoCommand.self,
        ])
}

/// Options shared by the commands that read inputs and run a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model folder (config.json, tokenizer.json, model.safetensors), or a Hub name ORG/NAME[@REVISION] (from the Hugging Face cache, downloaded into it when missing).")
    var model: String

    @OptionGroup var stream: StreamOptions

    @Flag(name: .long, help: "Cut inputs longer than the model's maximum length instead of failing.")
    var truncate = false

    @Option(name: .long, help: "Maximum tokens per input, below the model's own limit.")
    var maxLength: Int?

    @Option(name: .long, help: "Engine threads (0: one per core).")
    var threads = 0

    @Option(name: .long, help: "Batching: fixed (input order), sorted (by length), tokens (by token budget).")
    var batching: Batching.Kind = .sorted

    @Option(name: .long, help: "Sequences per batch (the cap for --batching tokens).")
    var batchSize = 32

    @Option(name: .long, help: "Token budget per batch for --batching tokens (sequences × longest).")
    var maxBatchTokens = 4096

    @Option(name: .long, help: "Engine layout: packed (padding-free) or padded.")
    var execution: ExecutionMode = .packed

    @Option(name: .long, help: "Weight precision of the native engine: fp32, bf16, fp16, int8.")
    var precision = "fp32"

    @OptionGroup var prompts: PromptOptions

    @Option(
        name: .long, help: "A tune.json from `bertkit tune`: its backend, precision, threads, layout and batching (options given here win)."
    )
    var config: String?

    @OptionGroup var engine: EngineOptions

    /// What this run uses: the flags, with `--config`'s tune file applied (read once) to every setting they leave out.
    func settings() throws -> RunSettings {
        let parsed = try parsePrecisions(precision, option: "--precision")
        guard let format = parsed.first, parsed.count == 1 else { throw CLIError("--precision takes one precision, got \(precision)") }
        let strategy: Batching
        switch batching {
        case .fixed: strategy = .fixed(size: batchSize)
        case .sorted: strategy = .sorted(size: batchSize)
        case .tokens: strategy = .tokens(maxTokens: maxBatchTokens, maxSize: batchSize)
        }
        try strategy.validate()
        let flags = RunSettings(backend: engine.backend, execution: execution, precision: format, threads: threads, batching: strategy)
        guard let config else { return flags }
        return try loadTunedSetup(config).apply(to: flags, except: givenSettings(), catalog: .standard)
    }

    /// The model as `settings` runs it.
    /// `sparse`: with the masked-language-model head, for SPLADE.
    func load(_ settings: RunSettings, sparse: Bool = false) throws -> BertModel {
        var engine = engine
        engine.backend = settings.backend
        var options = BertModel.Options(
            truncate: truncate, threads: settings.threads, mode: settings.execution, maxLength: maxLength,
            precision: settings.precision)
        options.sparse = sparse
        return try engine.load(directory: ModelLocation.folder(model), options: prompts.applied(to: options))
    }
}

/// The settings given on the command line, which a tune file (`--config`) does not override.
func givenSettings() -> Set<RunSettings.Setting> {
    var settings: Set<RunSettings.Setting> = []
    let flags: [(RunSettings.Setting, [String])] = [
        (.backend, ["--backend"]), (.execution, ["--execution"]), (.precision, ["--precision"]), (.threads, ["--threads"]),
        (.batching, ["--batching", "--batch-size", "--max-batch-tokens"]),
    ]
    for (setting, names) in flags where names.contains(where: given) { settings.insert(setting) }
    return settings
}

extension Batching.Kind: ExpressibleByArgument {}

extension ExecutionMode: ExpressibleByArgument {}

/// The comma-separated precisions of `option` (at least one), each parsed by `Precision.parse`; errors name the option.
func parsePrecisions(_ list: String, option: String) throws -> [Precision] {
    let parsed = try list.split(separator: ",").map { name in
        do { return try Precision.parse(name.trimmingCharacters(in: .whitespaces)) } catch { throw CLIError("\(option): \(error)") }
    }
    guard !parsed.isEmpty else { throw CLIError("\(option): name a precision (fp32, bf16, fp16, int8)") }
    return parsed
}

/// Runs `body`, turning any error into one line on standard error and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("bertkit: error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// Loads the model and streams the inputs through `body` (`streamLines`): the JSON lines it makes for each window of
/// inputs are written in input order. `check` runs once after loading, before any input is read.
func streamInputs(
    _ options: ModelOptions, sparse: Bool = false, check: (BertModel) throws -> Void = { _ in },
    _ body: (BertModel, Batching, [TextInput]) throws -> [String]
) throws {
    try reportingErrors {
        let settings = try options.settings()
        let model = try options.load(settings, sparse: sparse)
        try check(model)
        try streamLines(options.stream) { try body(model, settings.batching, $0) }
    }
}

/// Wraps a per-input error with its line number.
func lineError(_ error: any Error, offset: Int, source: String) -> any Error {
    if let inputError = error as? InputError {
        return CLIError("\(source) line \(offset + inputError.index + 1): \(inputError.underlying)")
    }
    return error
}

/// A user-facing error of the command-line tool.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
