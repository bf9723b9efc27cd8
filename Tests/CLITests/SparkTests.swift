import Foundation
import TestSupport
import Testing

/// BertKit under Apache Spark in local mode (PySpark from PyPI in .venv-spark, Debian's JRE; `make test` installs
/// both): scripts/spark/check_spark.py embeds the default corpus through the DataFrame API (python/bertkit_spark.py,
/// mapInPandas, the model shipped with addFile) and classifies with the tiny classifier, each row within 1e-6 of
/// `bertkit embed` / `bertkit classify`; a row bertkit refuses fails the job with bertkit's message. The Kubernetes
/// example passes kubernetes-validate's strict check.
@Suite struct SparkTests {
    static let venv = Fixtures.root.appendingPathComponent(".venv-spark/bin").path

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice  // Spark's logs (the refused row's Java stack trace)
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func dataFrameEmbeddingsEqualBertkitEmbed() async throws {
        let python = Self.venv + "/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "\(python) missing: run `make spark-venv` (make test does it)")
        try #require(Fixtures.miniLMMissing == nil, "\(Fixtures.miniLMMissing ?? "")")
        try #require(Fixtures.corpusMissing == nil, "\(Fixtures.corpusMissing ?? "")")
        let arguments = [
            Fixtures.root.appendingPathComponent("scripts/spark/check_spark.py").path, "--bin", CLITests.binary,
            "--model", Fixtures.miniLM, "--classifier", Fixtures.path("models/tiny-bert-cls"), "--corpus", Fixtures.corpus,
        ]
        let result = try await offPool { try Self.run(python, arguments) }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == 3, "\(result.output)")
    }

    @Test func kubernetesManifestIsValid() throws {
        let validator = Self.venv + "/kubernetes-validate"
        try #require(FileManager.default.isExecutableFile(atPath: validator), "\(validator) missing: run `make spark-venv`")
        let result = try Self.run(validator, ["--strict", "deploy/kubernetes/bertkit-serve.yaml"])
        #expect(result.status == 0, "\(result.output)")
        for kind in ["deployment", "service", "horizontalpodautoscaler"] {
            #expect(result.output.contains("passed for resource \(kind)/bertkit-serve"), "\(result.output)")
        }
    }
}
