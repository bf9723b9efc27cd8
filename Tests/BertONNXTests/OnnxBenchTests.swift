import BertBench
import BertKit
import BertONNX
import Foundation
import TestSupport
import Testing

/// `bertkit bench` with the onnxruntime backend beside the native engine, and on a folder holding only an ONNX graph.
@Suite struct OnnxBenchTests {
    static func configuration(model: String, onnx: String?, out: String) throws -> BenchConfiguration {
        let data = try Fixtures.temporaryDirectory().appendingPathComponent("data.txt")
        try (0..<12).map { i in (0...i).map { _ in "word" }.joined(separator: " ") }.joined(separator: "\n")
            .write(to: data, atomically: true, encoding: .utf8)
        var c = BenchConfiguration(modelPath: model, dataPath: data.path, outputFolder: out)
        c.batchSizes = [1, 4]
        c.orderings = [.unsorted, .sorted]
        c.lengths = [8]
        c.lengthBatchSizes = [2]
        c.repeats = 1
        c.sweepSize = 4
        c.threads = [1]
        c.files = BackendFiles(models: ["onnx": onnx].compactMapValues { $0 }, libraries: ["onnxruntime": try ORTTestSupport.libraryPath])
        return c
    }

    @Test func onnxRuntimeRunsBesideNative() throws {
        _ = try ORTTestSupport.runtime()
        let out = try Fixtures.temporaryDirectory().path
        var c = try Self.configuration(
            model: Fixtures.path("models/tiny-bert-cls"),
            onnx: Fixtures.path("onnx/torch-tiny-bert-cls.onnx"), out: out)
        c.backends = ["native-packed", "onnxruntime"]
        let results = try BenchSession(c).run()
        #expect(results.complete)
        #expect(Set(results.cells.map(\.spec.backend)) == ["native-packed", "onnxruntime"])
        #expect(results.cells.filter { $0.spec.backend == "onnxruntime" }.count == 5)
        #expect(results.versions["onnxruntime"] == (try ORTTestSupport.runtime().version))
        #expect(results.backends.first { $0.name == "onnxruntime" }?.available == true)
        #expect(results.model.task == "classify")
    }

    @Test func onnxOnlyFolderBenchesOnOnnxRuntime() throws {
        _ = try ORTTestSupport.runtime()
        let out = try Fixtures.temporaryDirectory().path
        let c = try Self.configuration(model: Fixtures.path("onnx/optimum-tiny-bert"), onnx: nil, out: out)
        let session = try BenchSession(c)
        // No weights: native cannot run, onnxruntime (model.onnx in the folder) is chosen by default.
        #expect(Set(session.cells.map(\.backend)) == ["onnxruntime"])
        let results = try session.run()
        #expect(results.model.task == "embed")
        #expect(results.backends.first { $0.name == "native-packed" }?.reason?.contains("no weights") == true)
    }
}
