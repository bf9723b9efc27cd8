import BertKit
import BertTokenizers
import Foundation
import TestSupport
import Testing

/// Random-weight classifiers (BERT, RoBERTa, DistilBERT, XLM-R; F32, F16, BF16 weights) against transformers' logits
/// (Tests/Fixtures/models/*/expected.json, made by tools/make_fixtures.py and, for the `-sharp` and `-spm` ones with
/// logits of a few units, tools/make_sharp_fixtures.py). `tiny-xlmr-spm` has no tokenizer.json: its tokenizer is
/// converted from sentencepiece.bpe.model, and its ids and logits are transformers' for that folder.
@Suite struct ClassifierParityTests {
    /// Max absolute difference of logits.
    static let tolerance: Float = 1e-4

    static let models = [
        "tiny-bert-cls", "tiny-bert-cls-f16", "tiny-bert-cls-bf16", "tiny-roberta-cls", "tiny-distilbert-cls",
        "tiny-bert-cls-sharp", "tiny-xlmr-spm",
    ]

    /// Fixtures whose logits reach a few units: transformers moves them by over 1e-3 under another LayerNorm epsilon
    /// or the tanh GELU (expected.json's `sensitivity`).
    static let sharp = ["tiny-bert-cls-sharp", "tiny-xlmr-spm"]

    struct Expected {
        let inputs: [TextInput]
        let ids: [[Int]]
        let logits: [[Float]]

        init(_ name: String) throws {
            let json = try Fixtures.json("models/\(name)/expected.json")
            inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
            ids = json["ids"] as! [[Int]]
            logits = (json["logits"] as! [[Double]]).map { $0.map(Float.init) }
        }
    }

    @Test(arguments: models)
    func tokenizerMatchesReference(name: String) throws {
        let model = try BertModel(directory: Fixtures.path("models/\(name)"))
        let expected = try Expected(name)
        for (input, ids) in zip(expected.inputs, expected.ids) {
            #expect(try model.tokenize(input).ids == ids, "\(input)")
        }
    }

    static let runs: [(mode: ExecutionMode, batchSize: Int, isa: KernelISA)] = KernelConformanceTests.fp32Paths.flatMap { isa in
        [(ExecutionMode.packed, 1), (.packed, 3), (.packed, 7), (.packed, 64), (.padded, 1), (.padded, 5), (.padded, 64)]
            .map { ($0.0, $0.1, isa) }
    }

    /// On every instruction-set path this CPU supports.
    @Test(arguments: models, runs)
    func logitsMatchTransformers(name: String, run: (mode: ExecutionMode, batchSize: Int, isa: KernelISA)) throws {
        let batchSize = run.batchSize
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: run.mode, isa: run.isa))
        let expected = try Expected(name)
        let native = try #require(model.backend as? NativeBackend)
        #expect(native.labelCount == 3)
        // Ids straight from the fixture, so the empty input is covered too; batches mix lengths (padding).
        let encodings = try expected.inputs.map { try model.tokenize($0) }
        var logits: [[Float]] = []
        for start in stride(from: 0, to: encodings.count, by: batchSize) {
            logits += try native.classify(TokenBatch(encodings[start..<min(start + batchSize, encodings.count)]))
        }
        var worst: Float = 0
        for (got, want) in zip(logits, expected.logits) {
            #expect(got.count == want.count)
            for (a, b) in zip(got, want) { worst = max(worst, abs(a - b)) }
        }
        #expect(logits.count == expected.logits.count)
        #expect(worst <= Self.tolerance, "\(name) \(run.isa) \(run.mode) batch \(batchSize): max abs difference \(worst)")
    }

    /// Pad tokens inside the text take position `padding_idx` and are not counted (transformers'
    /// `create_position_ids_from_input_ids`): logits of id sequences with inner pads against transformers
    /// (Tests/Fixtures/models/tiny-roberta-cls/inner-pad.json, made by tools/make_roberta_positions_fixture.py), in
    /// one batch with the pad-free case, packed and padded, on every instruction-set path.
    @Test(arguments: ExecutionMode.allCases, KernelConformanceTests.fp32Paths)
    func robertaPositionsSkipInnerPadTokens(mode: ExecutionMode, isa: KernelISA) throws {
        let json = try Fixtures.json("models/tiny-roberta-cls/inner-pad.json")
        let ids = json["ids"] as! [[Int]]
        let expected = (json["logits"] as! [[Double]]).map { $0.map(Float.init) }
        let model = try BertModel(directory: Fixtures.path("models/tiny-roberta-cls"), options: .init(mode: mode, isa: isa))
        let native = try #require(model.backend as? NativeBackend)
        let logits = try native.classify(TokenBatch(sequences: ids))
        #expect(logits.count == expected.count)
        for (index, (got, want)) in zip(logits, expected).enumerated() {
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-5, "sequence \(index) \(ids[index]): \(worst)")
        }
    }

    /// The tolerance can fail: the same weights under a config with the other usual LayerNorm epsilon (1e-12 and
    /// 1e-5 swapped) or with `gelu_new` miss transformers' logits by more than ten times the tolerance.
    @Test(arguments: sharp, ["layer_norm_eps", "hidden_act"])
    func wrongEpsilonOrGELUFailsTheFixture(name: String, field: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        let source = Fixtures.path("models/\(name)")
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: folder.appendingPathComponent(file).path)
        }
        let configURL = folder.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        if field == "hidden_act" {
            config[field] = "gelu_new"
        } else {
            config[field] = (config[field] as! Double) < 1e-6 ? 1e-5 : 1e-12
        }
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let expected = try Expected(name)
        let model = try BertModel(directory: folder.path)
        let native = try #require(model.backend as? NativeBackend)
        let logits = try native.classify(TokenBatch(try expected.inputs.map { try model.tokenize($0) }))
        let worst = zip(logits, expected.logits).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 0
        #expect(worst > 10 * Self.tolerance, "\(name) with another \(field): max abs difference only \(worst)")
    }

    @Test func classifyReturnsLabelsFromConfig() throws {
        let model = try BertModel(directory: Fixtures.path("models/tiny-bert-cls"))
        let expected = try Expected("tiny-bert-cls")
        let results = try model.classify([expected.inputs[0], expected.inputs[1]])
        for (result, want) in zip(results, expected.logits) {
            let best = want.indices.max { want[$0] < want[$1] }!
            #expect(result.label == ["negative", "neutral", "positive"][best])
            let probabilities = want.map { exp($0 - want[best]) }
            #expect(abs(result.score - 1 / probabilities.reduce(0, +)) < 1e-5)
        }
    }

    @Test func halfPrecisionWeightsAreConverted() throws {
        let f16 = try #require(try BertModel(directory: Fixtures.path("models/tiny-bert-cls-f16")).backend as? NativeBackend)
        let tensor = try f16.weights.floats(
            "bert.embeddings.word_embeddings.weight",
            shape: try #require(f16.weights.shape("embeddings.word_embeddings.weight")))
        #expect(tensor.converted)
    }
}
