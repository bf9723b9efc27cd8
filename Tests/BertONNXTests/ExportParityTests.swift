import BertKit
import BertONNX
import BertTokenizers
import Foundation
import TestSupport
import Testing

/// `bertkit export --format onnx` checked by the ONNX ecosystem: onnx.checker (full check) passes, and Python ONNX
/// Runtime (scripts/onnx/check_export.py) gives BertKit native's outputs, at batch sizes 1 to 6 and mixed lengths,
/// for BERT, RoBERTa and DistilBERT, plain and `--optimize`. The Swift ONNX Runtime backend runs the same files.
@Suite struct ExportParityTests {
    static let logitsTolerance: Float = 1e-4
    static let embeddingTolerance: Float = 1e-5

    static let texts: [TextInput] = [
        TextInput("the cat sat on the mat"), TextInput("tea"), TextInput("A quick brown fox runs over the lazy dog!"),
        TextInput("The dog", pair: "the cat"), TextInput("I love this movie."), TextInput("no", pair: "yes it is good and happy and new"),
        TextInput("Paris is a city in France"), TextInput("naïve café"), TextInput("terrible film, bad music"),
        TextInput("what a great game we play", pair: "we win, you lose"),
    ]
    /// Input indices per batch: sizes 1, 3 and 6, short and long rows mixed.
    static let batches = [[2], [1, 0, 3], [4, 5, 6, 7, 8, 9]]

    struct Case: CustomTestStringConvertible, Sendable {
        let model: String
        let task: ONNXExporter.Task
        let optimize: Bool
        var testDescription: String { "\(model) \(task) \(optimize ? "optimized" : "plain")" }
    }

    static let cases: [Case] = ["tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls"].flatMap { model in
        [false, true].flatMap { optimize in
            [Case(model: model, task: .classification, optimize: optimize), Case(model: model, task: .embedding, optimize: optimize)]
        }
    }

    /// The model folder with sentence-transformers modules added (mean pooling, then Normalize) for embedding cases.
    static func folder(_ c: Case) throws -> String {
        let original = Fixtures.path("models/\(c.model)")
        guard c.task == .embedding else { return original }
        let dir = try Fixtures.temporaryDirectory()
        let fm = FileManager.default
        for file in ["config.json", "tokenizer.json", "model.safetensors"] {
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent(file).path, withDestinationPath: original + "/" + file)
        }
        try fm.createDirectory(at: dir.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("2_Normalize"), withIntermediateDirectories: true)
        try #"{"word_embedding_dimension": 48, "pooling_mode_mean_tokens": true}"#
            .write(to: dir.appendingPathComponent("1_Pooling/config.json"), atomically: true, encoding: .utf8)
        try """
        [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
         {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
         {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
        """.write(to: dir.appendingPathComponent("modules.json"), atomically: true, encoding: .utf8)
        return dir.path
    }

    /// Exports, runs check_export.py, and compares with the native engine; returns Python's outputs per batch.
    static func check(folder: String, task: ONNXExporter.Task, optimize: Bool, texts: [TextInput], batches: [[Int]]) throws {
        let native = try BertModel(directory: folder)
        let encodings = try native.tokenize(texts)
        let tokenBatches = batches.map { TokenBatch($0.map { encodings[$0] }) }
        let dir = try Fixtures.temporaryDirectory()
        let file = dir.appendingPathComponent("model.onnx").path
        let summary = try ONNXExporter.export(directory: folder, to: file, options: .init(optimize: optimize, task: task))
        let output = task == .embedding ? "sentence_embedding" : "logits"
        #expect(summary.outputs.contains(output))
        let spec: [[String: Any]] = batches.map { rows in
            ["ids": rows.map { encodings[$0].ids }, "type_ids": rows.map { encodings[$0].typeIds }, "pad": native.config.padTokenId]
        }
        let specPath = dir.appendingPathComponent("batches.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specPath)
        let data = try ORTTestSupport.runPython([
            Fixtures.root.appendingPathComponent("scripts/onnx/check_export.py").path, file, specPath.path,
        ])
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["checker"] as? String == "passed")
        #expect(report["inputs"] as? [String] == summary.inputs)
        let results = try #require(report["batches"] as? [[String: Any]])
        #expect(results.count == batches.count)
        let swiftORT = try OnnxBackend(
            file: file, config: native.config, pooling: native.pooling, runtime: ORTTestSupport.runtime(),
            options: .init(intraOpThreads: 1))
        let tolerance = task == .embedding ? embeddingTolerance : logitsTolerance
        for (batch, result) in zip(tokenBatches, results) {
            let python = try #require(result[output] as? [[Double]]).map { $0.map(Float.init) }
            let reference = task == .embedding ? try native.backend.embed(batch) : try native.backend.classify(batch)
            let difference = Fixtures.maxDifference(python, reference)
            #expect(difference <= tolerance, "\(folder) \(output): \(difference)")
            let viaSwift = task == .embedding ? try swiftORT.embed(batch) : try swiftORT.classify(batch)
            #expect(Fixtures.maxDifference(viaSwift, reference) <= tolerance)
            if task == .embedding {
                for row in python { #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5) }
            }
        }
    }

    @Test(arguments: cases)
    func exportMatchesNativeInPythonOnnxRuntime(c: Case) throws {
        try Self.check(folder: try Self.folder(c), task: c.task, optimize: c.optimize, texts: Self.texts, batches: Self.batches)
    }

    @Test(arguments: [false, true])
    func miniLMExportMatchesNative(optimize: Bool) throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let lines = try String(contentsOfFile: Fixtures.path("bench/data.txt"), encoding: .utf8).split(separator: "\n").prefix(12)
        let texts = lines.map { TextInput(String($0)) }
        try Self.check(
            folder: Fixtures.miniLM, task: .embedding, optimize: optimize, texts: texts,
            batches: [[0], [1, 2, 3], Array(4..<texts.count)])
    }

    /// The exported graph against transformers itself, not only against our engine: the tiny classifiers' logits
    /// of tools/make_fixtures.py (transformers, fp32) on their fixture inputs, plain and `--optimize`; and the
    /// realistic-magnitude ones of tools/make_sharp_fixtures.py (logits up to 5.8; XLM-R from sentencepiece.bpe.model);
    /// MPNet (its relative-position bias computed in the graph, or fed to ONNX Runtime's `Attention` as its
    /// `attention_bias`), ELECTRA (embeddings projected) and DeBERTa-v3/v2 (c2p and p2c gathered in the graph) of
    /// tools/make_arch_fixtures.py, up to 512 tokens.
    @Test(arguments: [
        "tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls", "tiny-bert-cls-sharp", "tiny-xlmr-spm", "tiny-mpnet-cls",
        "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-deberta-v2-cls", "tiny-gte-cls", "tiny-nomic-cls", "tiny-modernbert-cls",
    ], [false, true])
    func exportMatchesTransformersLogits(model name: String, optimize: Bool) throws {
        let folder = Fixtures.path("models/\(name)")
        let json = try Fixtures.json("models/\(name)/expected.json")
        let inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
        let want = (json["logits"] as! [[Double]]).map { $0.map(Float.init) }
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("model.onnx").path
        try ONNXExporter.export(directory: folder, to: file, options: .init(optimize: optimize, task: .classification))
        let native = try BertModel(directory: folder)
        let backend = try OnnxBackend(
            file: file, config: native.config, pooling: native.pooling, runtime: ORTTestSupport.runtime(),
            options: .init(intraOpThreads: 1))
        let encodings = try inputs.map { try native.tokenize($0) }
        // One input per batch (no padding) and all of them in one padded batch.
        let single = try encodings.flatMap { try backend.classify(TokenBatch([$0])) }
        let batched = try backend.classify(TokenBatch(encodings))
        for got in [single, batched] {
            let worst = Fixtures.maxDifference(got, want)
            #expect(worst <= Self.logitsTolerance, "\(name) \(optimize ? "optimized" : "plain"): \(worst) from transformers")
        }
    }

    @Test func classificationExportOfAnEncoderIsRefused() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("m.onnx").path
        #expect(throws: ONNXExportError.noClassificationHead) {
            try ONNXExporter.export(directory: Fixtures.miniLM, to: file, options: .init(task: .classification))
        }
    }
}

/// SPLADE through ONNX Runtime: `--task sparse` exports the masked-language-model head and the max over tokens of
/// log(1 + ReLU(logit)) as `sparse_embedding`; BertKit's ONNX Runtime backend reads it as sparse vectors equal to
/// transformers' (Tests/Fixtures/models/tiny-splade-*, tools/make_arch_fixtures.py) within 1e-4, one input per batch and
/// all of them in one padded batch.
@Suite struct SparseExportTests {
    @Test(arguments: ["tiny-splade-bert", "tiny-splade-distilbert"])
    func sparseExportMatchesTransformers(model name: String) throws {
        let folder = Fixtures.path("models/\(name)")
        let json = try Fixtures.json("models/\(name)/expected.json")
        let inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
        let want = (json["sparse"] as! [[String: Any]]).map {
            Dictionary(uniqueKeysWithValues: zip($0["indices"] as! [Int], ($0["values"] as! [Double]).map(Float.init)))
        }
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("model.onnx").path
        let summary = try ONNXExporter.export(directory: folder, to: file, options: .init(task: .sparse))
        #expect(summary.outputs.contains("sparse_embedding"))
        let native = try BertModel(directory: folder)
        let backend = try OnnxBackend(
            file: file, config: native.config, pooling: native.pooling, runtime: ORTTestSupport.runtime(),
            options: .init(intraOpThreads: 1))
        #expect(backend.hasSparseHead)
        let encodings = try inputs.map { try native.tokenize($0) }
        let single = try encodings.flatMap { try backend.sparseEmbed(TokenBatch([$0])) }
        let batched = try backend.sparseEmbed(TokenBatch(encodings))
        for got in [single, batched] {
            #expect(got.count == want.count)
            var worst: Float = 0
            for (vector, reference) in zip(got, want) {
                let found = Dictionary(uniqueKeysWithValues: zip(vector.indices, vector.values))
                for key in Set(found.keys).union(reference.keys) { worst = max(worst, abs((found[key] ?? 0) - (reference[key] ?? 0))) }
            }
            #expect(worst <= 1e-4, "\(name): \(worst) from transformers")
        }
    }

    @Test func sparseExportOfAClassifierNamesTheMissingHead() throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("model.onnx").path
        #expect(throws: ONNXExportError.noMaskedLMHead(tensor: "cls.predictions.transform.dense.weight")) {
            try ONNXExporter.export(directory: Fixtures.path("models/tiny-bert-cls"), to: file, options: .init(task: .sparse))
        }
    }
}
