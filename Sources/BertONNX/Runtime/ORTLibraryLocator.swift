import Foundation

/// Where BertKit looks for ONNX Runtime's shared library, first match wins: an explicit path (`--ort-library`),
/// `ORT_DYLIB_PATH` (the name the Rust `ort` crate uses), a copy beside the executable, the library inside an
/// installed `onnxruntime` Python package (`$VIRTUAL_ENV/bin/python`, then `python3`), then the system search path.
/// An explicit path or `ORT_DYLIB_PATH` that does not load is an error, not a reason to look elsewhere.
struct ORTLibraryLocator {
    /// A place to try: a file path, or a bare name left to the dynamic loader's search.
    struct Candidate: Equatable {
        var path: String
        var source: String
        /// An explicit choice: failing to load it is an error.
        var required: Bool
    }

    var explicitPath: String?
    var environment: [String: String] = ProcessInfo.processInfo.environment
    var executableDirectory: String? = Self.executableDirectory()
    /// Names left to the dynamic loader's search path, last.
    var systemNames = ["libonnxruntime.so.1", "libonnxruntime.so"]

    /// The places to try, in order, and a description of each step for the not-found message.
    func candidates() -> (candidates: [Candidate], looked: [String]) {
        if let explicitPath { return ([Candidate(path: explicitPath, source: "--ort-library", required: true)], [explicitPath]) }
        if let path = environment["ORT_DYLIB_PATH"], !path.isEmpty {
            return ([Candidate(path: path, source: "ORT_DYLIB_PATH", required: true)], ["ORT_DYLIB_PATH=\(path)"])
        }
        var found: [Candidate] = []
        var looked: [String] = ["ORT_DYLIB_PATH (unset)"]
        if let dir = executableDirectory {
            looked.append("\(dir)/libonnxruntime.so*")
            found += Self.libraries(in: dir).map { Candidate(path: $0, source: "beside the executable", required: false) }
        }
        for python in pythons() {
            looked.append("the onnxruntime package of \(python)")
            if let capi = Self.packageDirectory(python: python) {
                found += Self.libraries(in: capi).map { Candidate(path: $0, source: "Python package (\(python))", required: false) }
            }
        }
        for name in systemNames {
            looked.append("\(name) on the system library path")
            found.append(Candidate(path: name, source: "system library path", required: false))
        }
        return (found, looked)
    }

    /// `$VIRTUAL_ENV/bin/python` when set, then `python3` from `PATH`.
    func pythons() -> [String] {
        var list: [String] = []
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty, FileManager.default.isExecutableFile(atPath: venv + "/bin/python") {
            list.append(venv + "/bin/python")
        }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { list.append(candidate); break }
        }
        return list
    }

    /// `libonnxruntime.so*` files in `directory`, newest version first.
    static func libraries(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("libonnxruntime.so") }
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { directory + "/" + $0 }
    }

    /// The `capi` folder of the `onnxruntime` package that `python` would import, without importing it (fast).
    static func packageDirectory(python: String) -> String? {
        let script =
            "import importlib.util as u,os;s=u.find_spec('onnxruntime');"
            + "print(os.path.join(list(s.submodule_search_locations)[0],'capi') if s else '')"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    /// The folder of the running executable.
    static func executableDirectory() -> String? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return Bundle.main.executableURL?.deletingLastPathComponent().path
        }
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}
