import Foundation

/// The setup `bertkit tune` chose for a model, data and machine: engine, precision, threads, layout and batching.
/// Read from `tune.json` (its `setup`) and turned into what `BertModel` and `embed`/`classify` take.
///
/// ```swift
/// let setup = try TunedSetup(contentsOf: URL(fileURLWithPath: "tune-out/tune.json"))
/// if let warning = setup.machineWarning() { print(warning) }
/// let model = try BertModel(directory: "models/all-MiniLM-L6-v2", options: setup.options)
/// let vectors = try model.embed(inputs, batching: setup.batching)
/// ```
public struct TunedSetup: Codable, Sendable, Equatable {
    /// The backend: `native-packed`, `native-padded`, `onnxruntime`, `torchscript`.
    public var backend: String
    /// Weight precision of the native engine (`fp32` for the others).
    public var precision: Precision
    /// Engine threads.
    public var threads: Int
    /// How inputs are grouped: `fixed` (input order), `sorted` (by length), `tokens` (token budget).
    public var batching: BatchingChoice
    /// Where it was measured.
    public var machine: Machine
    /// What it was measured to do on the tuning sample.
    public var sequencesPerSecond: Double
    /// 95th percentile of a batch's time, in milliseconds.
    public var p95BatchMs: Double
    /// What the setup did when `bertkit tune` served it over HTTP on the same machine (nil: not checked).
    public var served: Served?

    /// The batching part of a setup.
    public struct BatchingChoice: Codable, Sendable, Equatable {
        /// `fixed`, `sorted` or `tokens`.
        public var kind: Batching.Kind
        /// Sequences per batch: the bench grid's batch size (for `tokens`, the unit of its budget).
        public var batchSize: Int
        /// For `tokens`: the token budget of a batch (padded tokens, `count × longest`) and the most sequences in one.
        public var maxTokens: Int?
        public var maxSequences: Int?

        /// A batching choice.
        public init(kind: Batching.Kind, batchSize: Int, maxTokens: Int? = nil, maxSequences: Int? = nil) {
            self.kind = kind
            self.batchSize = batchSize
            self.maxTokens = maxTokens
            self.maxSequences = maxSequences
        }
    }

    /// The machine a setup was measured on: what decides whether it carries over.
    public struct Machine: Codable, Sendable, Equatable {
        /// CPU model name.
        public var cpu: String
        /// Cores the process could use.
        public var cores: Int
        /// The native engine's best instruction set there (`avx512_bf16`, `avx2`, ...).
        public var kernels: String
        /// CPU flags that matter to the kernels.
        public var cpuFlags: [String]

        /// A machine description.
        public init(cpu: String, cores: Int, kernels: String, cpuFlags: [String]) {
            self.cpu = cpu
            self.cores = cores
            self.kernels = kernels
            self.cpuFlags = cpuFlags
        }

        /// This machine (the CPU name and flags are the caller's: `bertkit tune` reads /proc/cpuinfo).
        public static func current(cpu: String = "", cpuFlags: [String] = []) -> Machine {
            Machine(cpu: cpu, cores: ProcessInfo.processInfo.activeProcessorCount, kernels: KernelISA.best.rawValue, cpuFlags: cpuFlags)
        }
    }

    /// A setup served over HTTP under a closed-loop load: `connections` clients, each sending its next request when its
    /// last is answered. This is the figure `bertkit serve --config` is held to: unlike `sequencesPerSecond` (the
    /// engine alone) it pays for HTTP, JSON, tokenization and the load's own client on the same cores.
    public struct Served: Codable, Sendable, Equatable {
        /// Connections of the load.
        public var connections: Int
        /// Answered requests (one input each) per second in the measured window.
        public var requestsPerSecond: Double
        /// Latency percentiles of those requests, in milliseconds.
        public var p50Ms: Double
        public var p99Ms: Double
        /// Length of the measured window, in seconds (after a warm-up).
        public var seconds: Double

        /// Served figures.
        public init(connections: Int, requestsPerSecond: Double, p50Ms: Double, p99Ms: Double, seconds: Double) {
            self.connections = connections
            self.requestsPerSecond = requestsPerSecond
            self.p50Ms = p50Ms
            self.p99Ms = p99Ms
            self.seconds = seconds
        }
    }

    /// The most sequences in one batch of this setup's batching: the batch size (for `tokens`, its sequence cap).
    public var largestBatch: Int {
        switch strategy {
        case .fixed(let size), .sorted(let size): size
        case .tokens(_, let maxSize): maxSize
        }
    }

    /// A setup.
    public init(
        backend: String, precision: Precision, threads: Int, batching: BatchingChoice, machine: Machine,
        sequencesPerSecond: Double, p95BatchMs: Double, served: Served? = nil
    ) {
        self.backend = backend
        self.precision = precision
        self.threads = threads
        self.batching = batching
        self.machine = machine
        self.sequencesPerSecond = sequencesPerSecond
        self.p95BatchMs = p95BatchMs
        self.served = served
    }

    /// Reads a setup from `tune.json` (its `setup` object) or from a file holding only a setup; errors name the file
    /// and the field at fault.
    /// Reads a tune file; its backend must be a variant of `catalog` (`BackendCatalog.standard` of the
    /// BertBackends module knows every engine; BertKit's own `.native` only the native layouts).
    public init(contentsOf url: URL, catalog: BackendCatalog = .native) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BertKitError.invalidArgument("\(url.path): cannot read the tune file (\(error.localizedDescription))")
        }
        struct Wrapper: Decodable { let setup: TunedSetup }
        do {
            if let wrapped = try? JSONDecoder().decode(Wrapper.self, from: data) {
                self = wrapped.setup
            } else {
                self = try JSONDecoder().decode(TunedSetup.self, from: data)
            }
        } catch let error as DecodingError {
            throw BertKitError.invalidArgument("\(url.path): not a tune file: \(error.fieldDescription)")
        }
        try validate(path: url.path, catalog: catalog)
    }

    /// The model options of this setup (the native engine's layout, precision and threads). `truncate` as asked.
    public func options(truncate: Bool = false) throws -> BertModel.Options {
        BertModel.Options(
            truncate: truncate, threads: threads, mode: (try? BackendCatalog.native.variant(named: backend))?.layout ?? .packed,
            precision: precision)
    }

    /// The model options, with over-long inputs an error.
    public var options: BertModel.Options {
        get throws { try options(truncate: false) }
    }

    /// The batching strategy of this setup.
    public var strategy: Batching {
        switch batching.kind {
        case .fixed: return .fixed(size: batching.batchSize)
        case .tokens:
            return .tokens(
                maxTokens: batching.maxTokens ?? batching.batchSize * 64, maxSize: batching.maxSequences ?? 4 * batching.batchSize)
        case .sorted: return .sorted(size: batching.batchSize)
        }
    }

    /// A warning when this machine differs from the one the setup was measured on (cores or instruction set): the
    /// choice may not be the best here. nil when they match.
    public func machineWarning(current: Machine = .current()) -> String? {
        var differences: [String] = []
        if current.cores != machine.cores { differences.append("\(machine.cores) cores there, \(current.cores) here") }
        if current.kernels != machine.kernels { differences.append("kernels \(machine.kernels) there, \(current.kernels) here") }
        if !machine.cpuFlags.isEmpty, !current.cpuFlags.isEmpty, Set(machine.cpuFlags) != Set(current.cpuFlags) {
            let missing = Set(machine.cpuFlags).subtracting(current.cpuFlags).sorted()
            let extra = Set(current.cpuFlags).subtracting(machine.cpuFlags).sorted()
            differences.append(
                "CPU flags differ" + (missing.isEmpty ? "" : " (missing here: \(missing.joined(separator: " ")))")
                    + (extra.isEmpty ? "" : " (only here: \(extra.joined(separator: " ")))"))
        }
        guard !differences.isEmpty else { return nil }
        return "the tune file was measured on another machine (\(machine.cpu.isEmpty ? "unknown CPU" : machine.cpu)): "
            + differences.joined(separator: "; ") + "; its choice may not be the fastest here (run `bertkit tune` again)"
    }

    private func validate(path: String, catalog: BackendCatalog) throws {
        do { _ = try catalog.variant(named: backend) } catch {
            let backends = catalog.providers.flatMap(\.variants)
            throw BertKitError.invalidArgument("\(path): setup.backend '\(backend)' is not one of \(backends.joined(separator: ", "))")
        }
        guard threads >= 0 else { throw BertKitError.invalidArgument("\(path): setup.threads must be 0 or more, got \(threads)") }
        guard batching.batchSize > 0, (batching.maxTokens ?? 1) > 0, (batching.maxSequences ?? 1) > 0 else {
            throw BertKitError.invalidArgument("\(path): setup.batching sizes must be positive")
        }
        if let served, served.connections <= 0 || !(served.requestsPerSecond >= 0) || !served.requestsPerSecond.isFinite {
            throw BertKitError.invalidArgument("\(path): setup.served needs positive connections and a finite requestsPerSecond")
        }
    }
}

extension BertModel.Options {
    /// The options of the setup in a `tune.json` (see `TunedSetup`).
    public init(contentsOf url: URL, catalog: BackendCatalog = .native) throws {
        self = try TunedSetup(contentsOf: url, catalog: catalog).options
    }
}

/// The engine settings a command runs with: the defaults, the user's flags, and a tune file's choices, merged by
/// one rule (`TunedSetup.apply`).
public struct RunSettings: Sendable, Equatable {
    /// The backend variant (`native-packed`, `onnxruntime`): a provider's name, or one of its layouts.
    public var backend: String
    public var execution: ExecutionMode
    public var precision: Precision
    public var threads: Int
    public var batching: Batching

    /// Settings as given.
    public init(
        backend: String = "native", execution: ExecutionMode = .packed, precision: Precision = .fp32,
        threads: Int = 0, batching: Batching = .default
    ) {
        self.backend = backend
        self.execution = execution
        self.precision = precision
        self.threads = threads
        self.batching = batching
    }

    /// A setting a user can give on the command line, where it wins over a tune file's.
    public enum Setting: Sendable, Hashable, CaseIterable {
        case backend, execution, precision, threads, batching
    }
}

extension TunedSetup {
    /// `settings` with this setup's backend, layout, precision, threads and batching, except those in `given` (the
    /// user's own flags, which win). The one way every front end applies a tune file.
    public func apply(
        to settings: RunSettings, except given: Set<RunSettings.Setting> = [],
        catalog: BackendCatalog
    ) throws -> RunSettings {
        var result = settings
        let variant = try catalog.variant(named: backend)
        if !given.contains(.backend) { result.backend = variant.provider.name }
        if !given.contains(.execution), let layout = variant.layout { result.execution = layout }
        if !given.contains(.precision) { result.precision = precision }
        if !given.contains(.threads) { result.threads = threads }
        if !given.contains(.batching) { result.batching = strategy }
        return result
    }
}
