import Foundation
import TestSupport
import Testing

/// `bertkit serve` with the clients teams use against Text Embeddings Inference (huggingface_hub's InferenceClient,
/// openai, tei-client), installed from PyPI into .venv-clients by `make clients-venv`: scripts/serve/check_clients.py
/// runs each against a server process and compares with `bertkit embed` / `bertkit classify`.
@Suite struct RealClientsTests {
    static let python = Fixtures.root.appendingPathComponent(".venv-clients/bin/python").path

    @Test func clientsGetBertkitsOutputs() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python), "\(Self.python) missing: run `make clients-venv` (make test does it)"
        )
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try #require(Fixtures.corpusMissing == nil, "\(Fixtures.corpusMissing ?? "")")
        let (status, text) = try await offPool { () throws -> (Int32, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.python)
            process.arguments = [
                Fixtures.root.appendingPathComponent("scripts/serve/check_clients.py").path, "--bin", CLITests.binary,
                "--embedder", Fixtures.miniLM, "--classifier", Fixtures.path("models/tiny-bert-cls"),
                "--reranker", Fixtures.path("models/tiny-bert-reranker"), "--corpus", Fixtures.corpus,
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        #expect(status == 0, "\(text)")
        let passed = text.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count
        #expect(passed >= 14, "every client check ran: \(text)")
        #expect(!text.contains("FAIL"), "\(text)")
    }
}
