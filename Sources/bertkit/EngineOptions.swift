import ArgumentParser
import BertKit
import BertONNX
import BertTorchScript

/// The `--backend` values of embed and classify.
enum BackendKind: String, ExpressibleByArgument, CaseIterable {
    case native, onnxruntime, torchscript
}

extension ORTSessionOptions.GraphOptimization: ExpressibleByArgument {}

/// The files of the graph engines: the ONNX and TorchScript models, ONNX Runtime's library.
struct EngineFiles: ParsableArguments {
    @Option(name: .long, help: "ONNX file for the onnxruntime backend (default: model.onnx or onnx/model.onnx in the model folder).")
    var onnx: String?

    @Option(name: .long, help: "Traced TorchScript file for the torchscript backend (default: torchscript/model.pt or traced_model.pt in the model folder).")
    var torchscript: String?

    @Option(name: .long, help: "ONNX Runtime's shared library (default: ORT_DYLIB_PATH, beside bertkit, the onnxruntime Python package, the system).")
    var ortLibrary: String?
}

/// Which engine runs the model, and the ONNX Runtime settings.
struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: "Engine: native (BertKit's CPU engine), onnxruntime, or torchscript (builds with the TorchScript trait).")
    var backend: BackendKind = .native

    @OptionGroup var files: EngineFiles

    @Option(name: .long, help: "ONNX Runtime graph optimization: disabled, basic, extended, all.")
    var ortOptimization: ORTSessionOptions.GraphOptimization = .all

    @Flag(name: .long, help: "Turn off ONNX Runtime's CPU memory arena.")
    var ortNoArena = false

    @Option(name: .long, help: "Run on this CUDA device (onnxruntime: the onnxruntime-gpu library; torchscript: a CUDA libtorch).")
    var cudaDevice: Int?

    /// ONNX Runtime session settings for `threads` intra-op threads (0: its default).
    func sessionOptions(threads: Int) -> ORTSessionOptions {
        ORTSessionOptions(graphOptimization: ortOptimization, intraOpThreads: threads, memoryArena: !ortNoArena,
                          provider: cudaDevice.map { .cuda(device: $0) } ?? .cpu)
    }

    func load(directory: String, options: BertModel.Options) throws -> BertModel {
        try Self.check(options.precision, on: backend)
        switch backend {
        case .native:
            if files.onnx != nil { throw CLIError("--onnx needs --backend onnxruntime") }
            if files.torchscript != nil { throw CLIError("--torchscript needs --backend torchscript") }
            return try BertModel(directory: directory, options: options)
        case .torchscript:
            return try BertModel(directory: directory, torchscript: files.torchscript, options: options,
                                 settings: .init(threads: options.threads, cudaDevice: cudaDevice))
        case .onnxruntime:
            return try BertModel(directory: directory, onnx: files.onnx, options: options, ortLibrary: files.ortLibrary,
                                 session: sessionOptions(threads: options.threads))
        }
    }

    /// The graph engines run their file's own precision: asking them for another is an error that says what to do.
    static func check(_ precision: Precision, on backend: BackendKind) throws {
        guard precision != .fp32 else { return }
        switch backend {
        case .native:
            return
        case .onnxruntime:
            throw CLIError("--precision \(precision.rawValue): the onnxruntime backend runs the ONNX file's own precision; "
                + (precision == .int8 ? "write an int8 file with `bertkit export --format onnx --quantize int8` and pass it with --onnx"
                                      : "only the native backend offers \(precision.rawValue)"))
        case .torchscript:
            throw CLIError("--precision \(precision.rawValue) is not available on the torchscript backend (fp32 only); use --backend native")
        }
    }
}
