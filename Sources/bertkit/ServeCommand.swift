import ArgumentParser
import BertKit
import BertModelIO
import BertServe
import Foundation
import Logging

/// `bertkit serve`: Text Embeddings Inference's API on a BertKit model. Every flag also reads the environment
/// variable TEI reads for it (flags win).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over HTTP with Text Embeddings Inference's API (embed, predict, rerank, OpenAI embeddings, ...).",
        discussion: """
            Flags fall back to environment variables, as TEI's do: MODEL_ID, HOSTNAME (an IP address), PORT, \
            MAX_CONCURRENT_REQUESTS, MAX_BATCH_TOKENS, MAX_BATCH_REQUESTS, MAX_CLIENT_BATCH_SIZE, MAX_BATCH_WAIT, \
            AUTO_TRUNCATE, PAYLOAD_LIMIT, DEFAULT_PROMPT_NAME, DEFAULT_PROMPT, TOKENIZATION_WORKERS, API_KEY, SERVED_MODEL_NAME, \
            and BERTKIT_BACKEND, \
            BERTKIT_THREADS, BERTKIT_PRECISION, BERTKIT_CONFIG (a tune.json) for the engine.
            """)

    @Option(name: .long, help: "Model folder, or a Hub name ORG/NAME[@REVISION] from the Hugging Face cache, downloaded when missing (env MODEL_ID; HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, HF_HUB_OFFLINE as huggingface_hub reads them).")
    var model: String?

    @Option(name: .long, help: "Name of the model in /info and OpenAI responses (env SERVED_MODEL_NAME; default: the folder's name).")
    var servedModelName: String?

    @Option(name: .long, help: "Address to listen on (env HOSTNAME when it is an IP address; default 0.0.0.0).")
    var hostname: String?

    @Option(name: .shortAndLong, help: "Port (env PORT; default 8080).")
    var port: Int?

    @Option(name: .long, help: "Inputs in flight at once before 429 (env MAX_CONCURRENT_REQUESTS; default 512).")
    var maxConcurrentRequests: Int?

    @Option(
        name: .long,
        help: "Token budget of one batch: real tokens, or count × longest on a padded engine (env MAX_BATCH_TOKENS; default 16384).")
    var maxBatchTokens: Int?

    @Option(name: .long, help: "Sequences per batch at most (env MAX_BATCH_REQUESTS; default: a tune file's largest batch, else no limit).")
    var maxBatchRequests: Int?

    @Option(name: .long, help: "Inputs per client request at most (env MAX_CLIENT_BATCH_SIZE; default 32).")
    var maxClientBatchSize: Int?

    @Option(
        name: .long,
        help:
            "Longest wait in microseconds for requests being tokenized before a batch that is not full runs (env MAX_BATCH_WAIT; default 2000)."
    )
    var maxBatchWait: Int?

    @Option(name: .long, help: "Truncate over-long inputs when a request does not say (env AUTO_TRUNCATE: true/false; default false).")
    var autoTruncate: Bool?

    @Option(name: .long, help: "Largest request body in bytes (env PAYLOAD_LIMIT; default 2000000).")
    var payloadLimit: Int?

    @Option(
        name: .long,
        help:
            "Prompt of config_sentence_transformers.json for requests that name none (env DEFAULT_PROMPT_NAME; default: its default_prompt_name)."
    )
    var defaultPromptName: String?

    @Option(
        name: .long,
        help: "Text put before the inputs of requests that name no prompt, instead of --default-prompt-name (env DEFAULT_PROMPT).")
    var defaultPrompt: String?

    @Option(name: .long, help: "Threads that tokenize requests (env TOKENIZATION_WORKERS; default one per core, up to 16).")
    var tokenizationWorkers: Int?

    @Option(name: .long, help: "Require `Authorization: Bearer KEY` (env API_KEY).")
    var apiKey: String?

    @Option(name: .long, help: "Engine threads, 0 for one per core (env BERTKIT_THREADS).")
    var threads: Int?

    @Option(name: .long, help: "Weight precision of the native engine: fp32, bf16, fp16, int8 (env BERTKIT_PRECISION).")
    var precision: String?

    @Option(name: .long, help: "Engine layout: packed (padding-free) or padded.")
    var execution: ExecutionMode = .packed

    @Option(
        name: .long,
        help:
            "`splade`: serve sparse embeddings (POST /embed_sparse) from a BertForMaskedLM or DistilBertForMaskedLM folder's masked-language-model head (env POOLING). Dense pooling comes from the folder's 1_Pooling."
    )
    var pooling: String?

    @Option(
        name: .long,
        help:
            "A tune.json from `bertkit tune`: its backend, precision, threads, layout and largest batch (options given here win; env BERTKIT_CONFIG)."
    )
    var config: String?

    @OptionGroup var engine: EngineOptions

    /// What `run` starts: the checked settings and the engine's options.
    struct Plan {
        let folder: String
        let name: String
        let options: ServeOptions
        let engine: EngineOptions
        let modelOptions: BertModel.Options
        /// What the tune file promised, to say at start.
        let promise: String?
    }

    func run() async throws {
        var plan: Plan?
        // Flags, variables and the folder are checked before listening; errors are one line and exit status 1.
        try reportingErrors { plan = try makePlan() }
        guard let plan else { throw ExitCode(1) }
        let environment = Environment()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let server = EmbeddingServer(options: plan.options, modelID: plan.name) {
            try plan.engine.load(directory: plan.folder, options: plan.modelOptions)
        }
        do {
            try await server.run { port in
                FileHandle.standardError.write(Data("bertkit: serving \(plan.name) on http://\(plan.options.hostname):\(port)\n".utf8))
                if let promise = plan.promise { FileHandle.standardError.write(Data("bertkit: \(promise)\n".utf8)) }
            }
        } catch {
            FileHandle.standardError.write(Data("bertkit: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func makePlan() throws -> Plan {
        let environment = Environment()
        guard let argument = model ?? environment["MODEL_ID"] else { throw CLIError("give --model or MODEL_ID") }
        let (folder, hubName) = try ModelLocation.resolve(argument)
        var options = ServeOptions()
        if let hostname {
            options.hostname = hostname
        } else if let host = environment["HOSTNAME"], host.isIPAddress {
            options.hostname = host
        }
        options.port = try port ?? environment.int("PORT") ?? options.port
        options.maxConcurrentRequests =
            try maxConcurrentRequests ?? environment.int("MAX_CONCURRENT_REQUESTS") ?? options.maxConcurrentRequests
        options.maxBatchTokens = try maxBatchTokens ?? environment.int("MAX_BATCH_TOKENS") ?? options.maxBatchTokens
        options.maxBatchRequests = try maxBatchRequests ?? environment.int("MAX_BATCH_REQUESTS")
        options.maxClientBatchSize = try maxClientBatchSize ?? environment.int("MAX_CLIENT_BATCH_SIZE") ?? options.maxClientBatchSize
        options.maxBatchWaitMicroseconds = try maxBatchWait ?? environment.int("MAX_BATCH_WAIT") ?? options.maxBatchWaitMicroseconds
        options.autoTruncate = try autoTruncate ?? environment.bool("AUTO_TRUNCATE") ?? options.autoTruncate
        options.payloadLimit = try payloadLimit ?? environment.int("PAYLOAD_LIMIT") ?? options.payloadLimit
        options.defaultPromptName = defaultPromptName ?? environment["DEFAULT_PROMPT_NAME"]
        options.defaultPrompt = defaultPrompt ?? environment["DEFAULT_PROMPT"]
        options.tokenizationWorkers = try tokenizationWorkers ?? environment.int("TOKENIZATION_WORKERS")
        options.apiKey = apiKey ?? environment["API_KEY"]

        var engine = self.engine
        var execution = self.execution, tunedThreads: Int?, tunedPrecision: String?, promise: String?
        if let path = config ?? environment["BERTKIT_CONFIG"] {
            let setup = try loadTunedSetup(path)
            options.adopt(setup)
            let machine = setup.machine.cpu.isEmpty ? "its machine" : setup.machine.cpu
            promise =
                String(format: "the tuned setup measured %.1f sequences/s in the engine alone", setup.sequencesPerSecond)
                + (setup.served.map {
                    String(
                        format: " and %.1f requests/s served at %d connections (p99 %.1f ms)", $0.requestsPerSecond, $0.connections,
                        $0.p99Ms)
                } ?? "")
                + " on \(machine)"
            // Backend and layout as every front end applies a tune file; threads and precision below, after the
            // environment's (TEI-style deployments configure through it), before the defaults.
            let applied = try setup.apply(
                to: RunSettings(backend: engine.backend, execution: execution), except: givenSettings(), catalog: .standard)
            engine.backend = applied.backend
            execution = applied.execution
            tunedThreads = setup.threads
            tunedPrecision = setup.precision.rawValue
        }
        if let name = environment["BERTKIT_BACKEND"], !given("--backend") {
            engine.backend = name
            do { _ = try engine.provider() } catch { throw CLIError("BERTKIT_BACKEND=\(name): \(error)") }
        }
        let precisionName = precision ?? environment["BERTKIT_PRECISION"] ?? tunedPrecision ?? "fp32"
        let parsed = try parsePrecisions(precisionName, option: "--precision")
        guard let format = parsed.first, parsed.count == 1 else { throw CLIError("--precision takes one precision, got \(precisionName)") }
        try engine.check(format)
        var modelOptions = BertModel.Options(
            truncate: false, threads: try threads ?? environment.int("BERTKIT_THREADS") ?? tunedThreads ?? 0,
            mode: execution, precision: format
        ).forServing()
        if let pooling = pooling ?? environment["POOLING"] {
            guard pooling == "splade" else {
                throw CLIError(
                    "--pooling \(pooling): only `splade` is taken here; dense pooling comes from the folder's 1_Pooling/config.json")
            }
            modelOptions.sparse = true
        }

        let directory = try ModelDirectory(path: folder)
        let maxLength = try InputEncoder(directory: directory, options: modelOptions).maxLength
        try options.validate(maxInputLength: maxLength)
        let name = servedModelName ?? environment["SERVED_MODEL_NAME"] ?? hubName?.repo ?? URL(fileURLWithPath: folder).lastPathComponent
        return Plan(folder: folder, name: name, options: options, engine: engine, modelOptions: modelOptions, promise: promise)
    }
}

/// The process environment, with typed reads whose errors name the variable.
struct Environment {
    let values = ProcessInfo.processInfo.environment

    subscript(name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    func int(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw CLIError("\(name)=\(text): not a whole number") }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = self[name]?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw CLIError("\(name)=\(text): expected true or false")
        }
    }
}

extension String {
    /// An IPv4 or IPv6 literal (Docker sets HOSTNAME to a container id, which is not an address to bind).
    var isIPAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, self, &v4) == 1 || inet_pton(AF_INET6, self, &v6) == 1
    }
}
