#if TorchScript
import BertBench
import BertKit
import Foundation
import TestSupport
import Testing

/// The study's three formats in one `bertkit bench`: BertKit native, ONNX Runtime (`torch.onnx.export` file) and
/// TorchScript (`torch.jit.trace` file), side by side in one report.
@Suite struct StudyFormatsBenchTests {
    @Test func threeFormatsSideBySide() throws {
        let library = try #require(Fixtures.onnxRuntimeLibrary, Comment(rawValue: Fixtures.onnxRuntimeMissing))
        let data = try Fixtures.temporaryDirectory().appendingPathComponent("data.txt")
        try (0..<10).map { i in (0...i).map { _ in "word" }.joined(separator: " ") }.joined(separator: "\n")
            .write(to: data, atomically: true, encoding: .utf8)
        let out = try Fixtures.temporaryDirectory().path
        var c = BenchConfiguration(modelPath: Fixtures.path("models/tiny-bert-cls"), dataPath: data.path, outputFolder: out)
        c.backends = ["native-packed", "onnxruntime", "torchscript"]
        c.batchSizes = [1, 4]
        c.orderings = [.sorted]
        c.lengths = [8]
        c.lengthBatchSizes = [2]
        c.repeats = 1
        c.sweepSize = 4
        c.threads = [1]
        c.baseline = "native-packed"
        c.files = BackendFiles(
            models: [
                "onnx": Fixtures.path("onnx/torch-tiny-bert-cls.onnx"),
                "torchscript": Fixtures.path("torchscript/tiny-bert-cls.pt"),
            ],
            libraries: ["onnxruntime": library])
        let results = try BenchSession(c).run()
        #expect(results.complete)
        #expect(Set(results.cells.map(\.spec.backend)) == ["native-packed", "onnxruntime", "torchscript"])
        #expect(results.versions["libtorch"] != nil && results.versions["onnxruntime"] != nil)
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        for backend in ["native-packed", "onnxruntime", "torchscript"] { #expect(report.contains(backend)) }
    }
}
#endif
