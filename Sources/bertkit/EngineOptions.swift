import ArgumentParser
import BertBackends
import BertONNX

extension ORTSessionOptions.GraphOptimization: ExpressibleByArgument {}

/// The files of the graph engines: the ONNX and TorchScript models, ONNX Runtime's library.
struct EngineFiles: ParsableArguments {
    @Option(name: .long, help: "ONNX file for the onnxruntime backend (default: model.onnx or onnx/model.onnx in the model folder).")
    var onnx: String?

    @Option(
        name: .long,
        help: "Traced TorchScript file for the torchscript backend (default: torchscript/model.pt or traced_model.pt in the model folder).")
    var torchscript: String?

    @Option(
        name: .long,
        help: "ONNX Runtime's shared library (default: ORT_DYLIB_PATH, beside bertkit, the onnxruntime Python package, the system).")
    var ortLibrary: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A model file for the backend whose file kind is KIND (onnx, torchscript, or a registered backend's); repeatable.",
            valueName: "KIND=PATH"))
    var modelFile: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An engine library for the backend NAME (onnxruntime, or a registered backend's); repeatable.", valueName: "NAME=PATH"))
    var library: [String] = []

    /// The files given, for `BackendFiles`: --onnx, --torchscript and --ort-library are the named forms of
    /// --model-file onnx=, --model-file torchscript= and --library onnxruntime=.
    func backendFiles() throws -> BackendFiles {
        var files = BackendFiles(models: try Self.pairs(modelFile, "--model-file"), libraries: try Self.pairs(library, "--library"))
        files.models["onnx"] = onnx ?? files.models["onnx"]
        files.models["torchscript"] = torchscript ?? files.models["torchscript"]
        files.libraries["onnxruntime"] = ortLibrary ?? files.libraries["onnxruntime"]
        return files
    }

    /// `NAME=VALUE` options as a dictionary; anything else is an error naming the option.
    static func pairs(_ values: [String], _ option: String) throws -> [String: String] {
        try values.reduce(into: [:]) { result, value in
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex, value.index(after: equals) != value.endIndex else {
                throw CLIError("\(option) \(value): give NAME=VALUE")
            }
            result[String(value[..<equals])] = String(value[value.index(after: equals)...])
        }
    }
}

/// Which engine runs the model (a name of `BackendCatalog.standard`), and the engines' settings.
struct EngineOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Engine: \(BackendCatalog.standard.providers.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).", valueName: "name")
    )
    var backend: String = "native"

    @OptionGroup var files: EngineFiles

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An engine setting of the backend (its `settings`: onnxruntime takes graph-optimization and memory-arena); repeatable.",
            valueName: "NAME=VALUE"))
    var setting: [String] = []

    @Option(name: .long, help: "ONNX Runtime graph optimization: disabled, basic, extended, all (--setting graph-optimization=).")
    var ortOptimization: ORTSessionOptions.GraphOptimization = .all

    @Flag(name: .long, help: "Turn off ONNX Runtime's CPU memory arena (--setting memory-arena=false).")
    var ortNoArena = false

    @Option(name: .long, help: "Run on this CUDA device (onnxruntime: the onnxruntime-gpu library; torchscript: a CUDA libtorch).")
    var cudaDevice: Int?

    /// The chosen backend; the error lists the catalog's names.
    func provider() throws -> any BackendProvider {
        do { return try BackendCatalog.standard.provider(named: backend) } catch { throw CLIError("--backend: \(error)") }
    }

    /// The request for the chosen backend: a model file only of its kind (a file for another backend is an error
    /// that names the backend it is for), the ONNX Runtime library and settings, the CUDA device.
    func request(directory: String, options: BertModel.Options) throws -> BackendRequest {
        let provider = try provider()
        let files = try files.backendFiles()
        if let kind = files.models.keys.sorted().first(where: { $0 != provider.fileKind }) {
            let owner = BackendCatalog.standard.providers.first { $0.fileKind == kind }?.name ?? kind
            throw CLIError("--\(kind) needs --backend \(owner)")
        }
        // The named ONNX Runtime flags reach only a backend that takes those settings; --setting must name one of the
        // chosen backend's.
        let named = ["graph-optimization": ortOptimization.rawValue, "memory-arena": String(!ortNoArena)]
        var settings = provider.settings.keys.reduce(into: [String: String]()) { $0[$1] = named[$1] }
        for (name, value) in try EngineFiles.pairs(setting, "--setting") {
            guard provider.settings[name] != nil else {
                let known = provider.settings.keys.sorted()
                throw CLIError(
                    "--setting \(name): the \(provider.name) backend takes "
                        + (known.isEmpty ? "no settings" : known.joined(separator: ", ")))
            }
            settings[name] = value
        }
        return files.request(for: provider, directory: directory, options: options, cudaDevice: cudaDevice, settings: settings)
    }

    /// Checks the backend and precision (before a server listens, say), without loading anything.
    func check(_ precision: Precision) throws {
        let provider = try provider()
        do {
            try BackendCatalog.standard.check(provider, BackendRequest(directory: "", options: .init(precision: precision)))
        } catch {
            var message = "--precision \(precision.rawValue): \(error)"
            if provider.fileKind == "onnx" && precision == .int8 {
                message +=
                    "; an int8 ONNX file runs as int8: write one with `bertkit export --format onnx --quantize int8` and pass it with --onnx"
            }
            throw CLIError(message)
        }
    }

    func load(directory: String, options: BertModel.Options) throws -> BertModel {
        try check(options.precision)
        let request = try request(directory: directory, options: options)
        return try BackendCatalog.standard.load(backend, request)
    }
}
