import Foundation

/// `scripts/hub/fake_hub.py` run for a test: a local server that answers as the Hugging Face Hub's file API does,
/// serving fixture folders as repos (`--repo ORG/NAME=FOLDER[:BEHAVIOUR]`, see the script). Stopped by `stop()`.
public final class FakeHub: Sendable {
    private let process: Process
    private let logFile: String
    /// `http://127.0.0.1:PORT`, what `HF_ENDPOINT` is set to.
    public let endpoint: String

    /// Starts the server with `repos` (`ORG/NAME` → folder, with an optional `:behaviour`).
    public init(repos: [String: String]) throws {
        let logFile = NSTemporaryDirectory() + "fake-hub-\(UUID().uuidString).jsonl"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.root.appendingPathComponent("scripts/hub/fake_hub.py").path]
            + repos.sorted { $0.key < $1.key }.flatMap { ["--repo", "\($0.key)=\($0.value)"] } + ["--log", logFile]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "fake_hub.py exited"]) }
            line.append(chunk)
        }
        let port = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        self.process = process
        self.logFile = logFile
        endpoint = "http://127.0.0.1:\(port)"
    }

    /// The requests the server has seen: method, path, Range and Authorization headers.
    public func log() throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: logFile) else { return [] }
        return try data.split(separator: 10).compactMap { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// Stops the server.
    public func stop() {
        if process.isRunning {
            // SIGKILL: the test process's children may inherit a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logFile)
    }
}
