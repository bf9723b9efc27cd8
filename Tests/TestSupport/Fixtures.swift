import Foundation

/// Paths of the committed fixtures and of the models that setup (`make models`) fetches.
public enum Fixtures {
    /// The repository root.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<relative>`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// The MiniLM folder: `$BERTKIT_MINILM`, else `models/all-MiniLM-L6-v2` (made by `make models`).
    public static var miniLM: String {
        ProcessInfo.processInfo.environment["BERTKIT_MINILM"]
            ?? root.appendingPathComponent("models/all-MiniLM-L6-v2").path
    }

    /// Says how to get the MiniLM model when it is missing (tests then fail with this message).
    public static var miniLMMissing: String? {
        FileManager.default.fileExists(atPath: miniLM + "/model.safetensors")
            ? nil : "MiniLM not found at \(miniLM): run `make models` (make test does it)"
    }

    /// The all-mpnet-base-v2 folder: `$BERTKIT_MPNET`, else `models/all-mpnet-base-v2` (made by `make mpnet`).
    public static var mpnet: String {
        ProcessInfo.processInfo.environment["BERTKIT_MPNET"] ?? root.appendingPathComponent("models/all-mpnet-base-v2").path
    }

    /// Says how to get all-mpnet-base-v2 when it is missing (tests then fail with this message).
    public static var mpnetMissing: String? {
        FileManager.default.fileExists(atPath: mpnet + "/model.safetensors")
            ? nil : "all-mpnet-base-v2 not found at \(mpnet): run `make mpnet` (make test does it)"
    }

    /// The default corpus (`data/corpus.txt`, 1,000 lines of Debian's fortunes, made by `make corpus`).
    public static var corpus: String { root.appendingPathComponent("data/corpus.txt").path }

    /// Says how to make the corpus when it is missing.
    public static var corpusMissing: String? {
        FileManager.default.fileExists(atPath: corpus) ? nil : "corpus not found at \(corpus): run `make corpus` (make test does it)"
    }

    /// Reads a JSON Lines file as dictionaries.
    public static func jsonLines(_ relative: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
        }
    }

    /// Reads a JSON file as a dictionary.
    public static func json(_ relative: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path(relative)))) as! [String: Any]
    }

    /// Reads a little-endian float32 file.
    public static func floats(_ relative: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }

    /// A fresh temporary folder.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The Python of `.venv-onnx` (onnxruntime, onnx, numpy; made by `make test`), or `$BERTKIT_ONNX_PYTHON`.
    public static var onnxPython: String {
        ProcessInfo.processInfo.environment["BERTKIT_ONNX_PYTHON"] ?? root.appendingPathComponent(".venv-onnx/bin/python").path
    }

    /// ONNX Runtime's library for the tests: `$BERTKIT_ORT_LIBRARY`, else the one in `onnxPython`'s onnxruntime
    /// package (nil when neither exists; tests then fail with `onnxRuntimeMissing`).
    public static let onnxRuntimeLibrary: String? = {
        if let path = ProcessInfo.processInfo.environment["BERTKIT_ORT_LIBRARY"] { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: onnxPython)
        process.arguments = [
            "-c",
            "import glob,os,onnxruntime as o;print(sorted(glob.glob(os.path.join(os.path.dirname(o.__file__),'capi','libonnxruntime.so*')))[-1])",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !path.isEmpty ? path : nil
    }()

    /// Says how to get ONNX Runtime for the tests.
    public static let onnxRuntimeMissing =
        "ONNX Runtime not found in the onnxruntime package of \(onnxPython): run `make test` (it installs it)"

    /// Max absolute difference of two equally shaped matrices (infinity when the shapes differ).
    public static func maxDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
        guard a.count == b.count, zip(a, b).allSatisfy({ $0.count == $1.count }) else { return .infinity }
        return zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 0
    }
}

extension Fixtures {
    /// The lines of a gzip-compressed JSON Lines file (through the system's `gzip`), undecoded: Foundation's
    /// JSON parser drops a U+FEFF that starts a string, so callers decode with a parser that keeps it.
    public static func gzipLines(_ relative: String) throws -> [Data] {
        try gunzipped(relative).split(separator: UInt8(ascii: "\n")).map { Data($0) }
    }

    /// The decompressed bytes of a gzip-compressed fixture (through the system's `gzip`).
    public static func gunzipped(_ relative: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path(relative)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path(relative)])
        }
        return data
    }

    /// The tokenizer.json of a parity fixture kind: the real ones fetched by `make tokenizers`, the trained
    /// ones committed under Tests/Fixtures/tokenizer/trained.
    public static func tokenizerFile(_ kind: String) -> String {
        switch kind {
        case "wordpiece": return miniLM + "/tokenizer.json"
        case "xlmr-unigram": return root.appendingPathComponent("models/multilingual-e5-small/tokenizer.json").path
        default: return path("tokenizer/trained/\(kind)/tokenizer.json")
        }
    }
}
