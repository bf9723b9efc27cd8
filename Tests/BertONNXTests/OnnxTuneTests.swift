import BertBench
import BertKit
import BertONNX
import Foundation
import TestSupport
import Testing

/// `bertkit tune` with an int8 ONNX file: its accuracy is checked against the native engine at fp32 and the floors
/// apply to it as to the native precisions; a folder without weights says it could not be checked.
@Suite struct OnnxTuneTests {
    static func configuration(model: String, onnx: String?, minAgreement: Double) throws -> TuneConfiguration {
        let folder = try Fixtures.temporaryDirectory()
        let data = folder.appendingPathComponent("data.txt").path
        let lines = (0..<32).map { ["the cat sat on the mat", "terrible film, bad music", "tea", "I love this movie"][$0 % 4] + " \($0)" }
        try lines.joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
        var c = TuneConfiguration(modelPath: model, dataPath: data, outputFolder: folder.appendingPathComponent("out").path)
        c.files = BackendFiles(models: ["onnx": onnx].compactMapValues { $0 }, libraries: ["onnxruntime": try ORTTestSupport.libraryPath])
        c.sample = 16
        c.budget = 120
        c.precisions = [.fp32]
        c.threads = [1]
        c.orderings = [.sorted]
        c.batchSizes = [4]
        c.minAgreement = minAgreement
        return c
    }

    @Test func int8FileMeetsTheFloorsToo() throws {
        let (_, int8) = try OnnxWeightPrecisionTests.exports()
        var c = try Self.configuration(model: OnnxWeightPrecisionTests.model, onnx: int8, minAgreement: 0)
        c.backends = ["native-packed", "onnxruntime"]
        let kept = try TuneSession(c).run()
        let entry = try #require(kept.accuracy.first { $0.backend == "onnxruntime" })
        #expect(entry.precision == "int8" && entry.task == "classify" && entry.sequences == 16)
        let agreement = try #require(entry.argmaxAgreement)
        #expect(agreement > 0.5 && (entry.logitMaxDrift ?? 0) > 0, "int8 moves the logits")
        #expect(!kept.trials.contains { $0.rung == -1 })
        #expect(try String(contentsOfFile: c.outputFolder + "/report.md", encoding: .utf8).contains("int8 (onnxruntime's file)"))

        // A floor the file cannot meet drops onnxruntime, with the reason, and only it.
        let strict = try TuneSession(
            Self.configuration(model: OnnxWeightPrecisionTests.model, onnx: int8, minAgreement: agreement + 1e-9)
                .with { $0.backends = ["native-packed", "onnxruntime"] }
        ).run()
        let dropped = strict.trials.filter { $0.rung == -1 }
        #expect(!dropped.isEmpty && dropped.allSatisfy { $0.candidate.backend == "onnxruntime" })
        #expect(
            dropped.first?.dropped?.contains("onnxruntime's int8 file: arg-max agreement with fp32") == true,
            "\(dropped.first?.dropped ?? "")")
        #expect(strict.chosen?.candidate.backend == "native-packed")
    }

    @Test func folderWithoutWeightsSaysItCouldNotCheck() throws {
        let (_, int8) = try OnnxWeightPrecisionTests.exports()
        let folder = try Fixtures.temporaryDirectory()
        for file in ["config.json", "tokenizer.json"] {
            try FileManager.default.copyItem(
                atPath: OnnxWeightPrecisionTests.model + "/" + file, toPath: folder.appendingPathComponent(file).path)
        }
        try FileManager.default.copyItem(atPath: int8, toPath: folder.appendingPathComponent("model.onnx").path)
        var c = try Self.configuration(model: folder.path, onnx: nil, minAgreement: 0.99)
        c.backends = ["onnxruntime"]
        let results = try TuneSession(c).run()
        #expect(results.accuracy.isEmpty)
        let note = try #require(results.accuracyNotes?.first)
        #expect(note.contains("onnxruntime's file computes in int8; its accuracy was not checked"), "\(note)")
        #expect(results.chosen != nil)
    }
}

extension TuneConfiguration {
    /// A copy changed by `change`.
    func with(_ change: (inout TuneConfiguration) -> Void) -> TuneConfiguration {
        var copy = self
        change(&copy)
        return copy
    }
}
