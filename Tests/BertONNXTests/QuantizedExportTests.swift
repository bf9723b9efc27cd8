import BertKit
import BertONNX
import BertTokenizers
import Foundation
import TestSupport
import Testing

/// `bertkit export --quantize int8` against ONNX Runtime's own quantizer (scripts/onnx/check_quantized.py):
/// `quantize_dynamic` applied to BertKit's fp32 export of the same model writes the same int8 weights and scales,
/// and with graph optimizations off both files give the same outputs; ONNX Runtime runs the file on its integer
/// kernels (MatMulInteger, fused to DynamicQuantizeMatMul when optimized), within int8 error of the fp32 engine.
@Suite struct QuantizedExportTests {
    /// The same ops on the same weights in the same runtime, unoptimized: bit-identical.
    static let sameGraphTolerance = 0.0
    /// int8 against fp32 on the tiny models' outputs (logits of a few units; unit-norm embeddings).
    static let int8Tolerance: Float = 0.15

    struct Case: CustomTestStringConvertible, Sendable {
        let model: String
        let task: ONNXExporter.Task
        var testDescription: String { "\(model) \(task)" }
    }

    static let cases: [Case] =
        ["tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls"].map {
            Case(model: $0, task: .classification)
        } + [Case(model: "tiny-bert-cls", task: .embedding)]

    @Test(arguments: cases)
    func exportMatchesQuantizeDynamic(c: Case) throws {
        let folder = try ExportParityTests.folder(.init(model: c.model, task: c.task, optimize: false))
        let native = try BertModel(directory: folder)
        let encodings = try native.tokenize(ExportParityTests.texts)
        let batches = ExportParityTests.batches
        let dir = try Fixtures.temporaryDirectory()
        let fp32 = dir.appendingPathComponent("fp32.onnx").path, int8 = dir.appendingPathComponent("int8.onnx").path
        try ONNXExporter.export(directory: folder, to: fp32, options: .init(task: c.task))
        try ONNXExporter.export(directory: folder, to: int8, options: .init(task: c.task, quantizeInt8: true))
        let output = c.task == .embedding ? "sentence_embedding" : "logits"
        let spec: [[String: Any]] = batches.map { rows in
            ["ids": rows.map { encodings[$0].ids }, "type_ids": rows.map { encodings[$0].typeIds }, "pad": native.config.padTokenId]
        }
        let specPath = dir.appendingPathComponent("batches.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specPath)
        let data = try ORTTestSupport.runPython([
            Fixtures.root.appendingPathComponent("scripts/onnx/check_quantized.py").path,
            fp32, int8, specPath.path, output,
        ])
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ops = try #require(report["ops"] as? [String: [String: Int]])
        let layers = native.config.numHiddenLayers * 6 + (c.task == .classification ? 2 : 0)
        #expect(ops["bertkit"]?["MatMulInteger"] == layers)
        #expect(ops["quantize_dynamic"]?["MatMulInteger"] == layers)
        #expect(ops["bertkit"]?["DynamicQuantizeLinear"] == ops["quantize_dynamic"]?["DynamicQuantizeLinear"])
        #expect((report["weights_compared"] as? Int ?? 0) >= layers * 3)
        #expect(report["weights_identical"] as? Bool == true)
        let ours = try #require(report["bertkit"] as? [String: [[[Double]]]])
        let theirs = try #require(report["quantize_dynamic"] as? [String: [[[Double]]]])
        for (b, rows) in batches.enumerated() {
            let a = try #require(ours["plain"]?[b]), q = try #require(theirs["plain"]?[b])
            let same = zip(a, q).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
            #expect(same <= Self.sameGraphTolerance, "\(c) batch \(b): \(same) from quantize_dynamic")
            let reference =
                c.task == .embedding
                ? try native.backend.embed(TokenBatch(rows.map { encodings[$0] }))
                : try native.backend.classify(TokenBatch(rows.map { encodings[$0] }))
            for level in ["plain", "optimized"] {
                let got = try #require(ours[level]?[b]).map { $0.map(Float.init) }
                let drift = Fixtures.maxDifference(got, reference)
                #expect(drift <= Self.int8Tolerance, "\(c) \(level) batch \(b): \(drift) from fp32")
                #expect(drift > 0, "an int8 graph that gives fp32's outputs exactly has not been quantized")
            }
        }
    }

    /// MPNet, ELECTRA and DeBERTa exported with `--quantize int8`: the file says it computes in int8, ONNX Runtime runs
    /// it (through BertKit's backend) on the fixtures' inputs up to 512 tokens, and its logits move from the fp32
    /// engine's (relative to the largest logit, 6 to 20 there) by no more than half again what the same export moves
    /// BERT's realistic-magnitude fixture (0.30 of its largest logit: `quantize_dynamic`'s per-tensor activation scale
    /// is coarse on such logits; DeBERTa's position keys and queries stay fp32 constants).
    @Test(arguments: ["tiny-mpnet-cls", "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-deberta-v2-cls"])
    func int8ExportOfEachArchitectureRuns(model name: String) throws {
        let baseline = try Self.int8Drift("tiny-bert-cls-sharp")
        let drift = try Self.int8Drift(name)
        #expect(drift > 0, "an int8 graph that gives fp32's outputs exactly has not been quantized")
        #expect(drift <= 1.5 * baseline, "\(name): \(drift) of the largest logit from fp32, BERT's \(baseline)")
    }

    /// The int8 export of fixture `name` through ONNX Runtime against the fp32 engine: the largest logit difference over
    /// the largest logit.
    static func int8Drift(_ name: String) throws -> Float {
        let folder = Fixtures.path("models/\(name)")
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("int8.onnx").path
        try ONNXExporter.export(directory: folder, to: file, options: .init(task: .classification, quantizeInt8: true))
        let native = try BertModel(directory: folder)
        let backend = try OnnxBackend(
            file: file, config: native.config, pooling: native.pooling, runtime: ORTTestSupport.runtime(),
            options: .init(intraOpThreads: 1))
        #expect(backend.weightPrecision == .int8)
        let json = try Fixtures.json("models/\(name)/expected.json")
        let inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
        let encodings = try inputs.map { try native.tokenize($0) }
        let got = try encodings.flatMap { try backend.classify(TokenBatch([$0])) }
        let want = try native.backend.classify(TokenBatch(encodings))
        let largest = want.flatMap { $0 }.map(abs).max() ?? 1
        return Fixtures.maxDifference(got, want) / max(largest, 1)
    }

    @Test func quantizedExportErrorsAreClear() throws {
        let dir = try Fixtures.temporaryDirectory()
        let file = dir.appendingPathComponent("m.onnx").path
        #expect(throws: ONNXExportError.quantizedFusedGraph) {
            try ONNXExporter.export(
                directory: Fixtures.path("models/tiny-bert-cls"), to: file,
                options: .init(optimize: true, quantizeInt8: true))
        }
        // A model with no linear layer to quantize (no encoder layer, embedding task) is refused by the folder's
        // validation already, naming the field; the exporter's own check (nothingToQuantize) stays as a backstop.
        let empty = dir.appendingPathComponent("no-layers")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let original = Fixtures.path("models/tiny-bert-cls")
        var config = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: original + "/config.json"))) as? [String: Any])
        config["num_hidden_layers"] = 0
        try JSONSerialization.data(withJSONObject: config).write(to: empty.appendingPathComponent("config.json"))
        for name in ["tokenizer.json", "model.safetensors"] {
            try FileManager.default.createSymbolicLink(
                atPath: empty.appendingPathComponent(name).path,
                withDestinationPath: original + "/" + name)
        }
        do {
            try ONNXExporter.export(directory: empty.path, to: file, options: .init(task: .embedding, quantizeInt8: true))
            Issue.record("a model without layers was exported")
        } catch {
            #expect("\(error)".contains("num_hidden_layers"), "\(error)")
        }
    }
}
