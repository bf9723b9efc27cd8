import Foundation

/// Everything a benchmark run measured, as written to `results.json`. Peers (`scripts/peers/`) write the same schema,
/// so their runs can be compared and reported beside BertKit's.
public struct BenchResults: Codable, Sendable, Equatable {
    /// The schema's name and version.
    public var schema: String = BenchResults.currentSchema
    /// The tool that measured (`bertkit 0.1.0`, `scripts/peers (torch 2.x)`).
    public var tool: String
    /// When the run started, ISO 8601.
    public var createdAt: String
    /// The command line.
    public var command: [String]
    /// False while cells are missing (an interrupted run; `--resume` finishes it).
    public var complete: Bool
    public var machine: MachineInfo
    /// Library versions (`swift`, `torch`, `onnxruntime`, ...) and `kernels`: the native engine's instruction set.
    public var versions: [String: String]
    public var model: ModelSummary
    public var data: DataStatistics
    public var settings: BenchSettings
    /// Backends of the tool, with the reason for each unavailable one.
    public var backends: [BackendInfo]
    /// Lengths of the sweep that the model cannot take.
    public var skippedLengths: [Int]
    /// Tokenization of the whole data set, timed apart from the model.
    public var tokenization: TokenizationResult?
    /// The finished cells, in run order.
    public var cells: [CellResult]
    /// Each reduced precision against fp32 on the whole data set (runs with more than fp32 on the native engine).
    public var accuracy: [PrecisionAccuracy]?

    public static let currentSchema = "bertkit-bench/1"

    /// Reads a `results.json`, or the one inside a results folder.
    public static func load(_ path: String) throws -> BenchResults {
        let (results, file) = try ResultsFile.read(BenchResults.self, path, name: "results.json")
        guard results.schema == currentSchema else {
            throw BenchError.unreadableResults(path: file, reason: "schema '\(results.schema)', expected '\(currentSchema)'")
        }
        return results
    }

    /// The JSON text, pretty-printed with sorted keys.
    public func encoded() throws -> Data { try ResultsFile.encode(self) }
}

/// JSON result files (results.json, tune.json): pretty-printed with sorted keys; read from the file or from the one of
/// that name inside a folder, errors naming the file and the field.
enum ResultsFile {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    static func read<T: Decodable>(_ type: T.Type, _ path: String, name: String) throws -> (T, file: String) {
        var isFolder: ObjCBool = false
        let file =
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
            ? (path as NSString).appendingPathComponent(name) : path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw BenchError.unreadableResults(path: file, reason: "no such file")
        }
        do { return (try JSONDecoder().decode(T.self, from: data), file) } catch let error as DecodingError {
            throw BenchError.unreadableResults(path: file, reason: error.fieldDescription)
        }
    }
}

/// The model as the report describes it.
public struct ModelSummary: Codable, Sendable, Equatable {
    public var path: String
    public var architecture: String
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    /// Weight elements.
    public var parameters: Int
    /// `classify` or `embed`: what each cell runs.
    public var task: String
}

/// Settings of the run besides the grid.
public struct BenchSettings: Codable, Sendable, Equatable {
    public var grid: BenchGrid
    /// Timed passes per cell.
    public var repeats: Int
    /// Sequences per cell of the length sweep.
    public var sweepSize: Int
    /// Inputs read from the data file (nil: all).
    public var limit: Int?
    /// The backend speedups are given against.
    public var baseline: String
}

/// Tokenization of the whole data set, timed apart from the model.
public struct TokenizationResult: Codable, Sendable, Equatable {
    /// Threads it ran on.
    public var threads: Int
    /// Milliseconds per pass over the data set.
    public var repeatsMs: [Double]
    /// Milliseconds per sequence, over passes.
    public var msPerSequence: Summary
    /// Tokens per second at the median pass.
    public var tokensPerSecond: Double
}

/// One measured cell.
public struct CellResult: Codable, Sendable, Equatable {
    public var spec: CellSpec
    /// `spec.key`, for readers of the JSON.
    public var key: String
    /// Sequences per pass.
    public var sequences: Int
    /// Real tokens per pass.
    public var tokens: Int
    /// Tokens a padded engine computes per pass (batch size × longest, summed over batches).
    public var paddedTokens: Int
    /// Batches per pass.
    public var batches: Int
    /// Model milliseconds of each timed pass over the whole set: the raw data.
    public var repeatsMs: [Double]
    /// Milliseconds per sequence, over passes.
    public var msPerSequence: Summary
    /// Batch latencies in milliseconds, over every batch of every pass.
    public var batchMs: Summary
    /// Sequences and tokens per second at the median pass.
    public var sequencesPerSecond: Double
    public var tokensPerSecond: Double
    /// Wall time of the whole cell (planning, warm-up, passes) and the model's part of it, in milliseconds.
    public var cellMs: Double
    public var modelMs: Double
    /// The harness's own share of the cell's time: `(cellMs − modelMs) / cellMs`.
    public var overhead: Double
    /// The precision the engine computed in when it differs from `spec.precision`: a graph backend's file decides
    /// its own (an int8 ONNX export runs as int8 in the cell `onnxruntime/fp32/...`). nil when they agree.
    public var weights: String?

    /// A cell from its raw timings.
    public init(
        spec: CellSpec, sequences: Int, tokens: Int, paddedTokens: Int, batches: Int, repeatsMs: [Double],
        batchMs: [Double], cellMs: Double, modelMs: Double
    ) {
        self.spec = spec
        key = spec.key
        self.sequences = sequences
        self.tokens = tokens
        self.paddedTokens = paddedTokens
        self.batches = batches
        self.repeatsMs = repeatsMs
        msPerSequence = Summary(repeatsMs.map { $0 / Double(max(sequences, 1)) })
        self.batchMs = Summary(batchMs)
        let median = Summary(repeatsMs).median
        sequencesPerSecond = median > 0 ? Double(sequences) / median * 1000 : 0
        tokensPerSecond = median > 0 ? Double(tokens) / median * 1000 : 0
        self.cellMs = cellMs
        self.modelMs = modelMs
        overhead = cellMs > 0 ? max(0, cellMs - modelMs) / cellMs : 0
    }
}
