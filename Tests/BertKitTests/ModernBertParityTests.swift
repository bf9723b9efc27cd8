import BertKit
import BertModelIO
import Foundation
import TestSupport
import Testing

/// ModernBERT against transformers 5 (Tests/Fixtures/models/tiny-modernbert-cls, a ModernBertForSequenceClassification
/// written by save_pretrained, and tiny-modernbert-hub, its encoder in the Hub's layout and config fields; made by
/// tools/make_modernbert_fixtures.py: weights at trained magnitudes, θ 20000 global and 5000 local (neither default),
/// windows of 64 keys each side on layers 1 and 2, inputs of 2 to 2,100 tokens): on every fp32 instruction-set path,
/// packed and padded.
@Suite struct ModernBertParityTests {
    /// Max absolute difference of logits and of mean-pooled hidden states.
    static let tolerance: Float = 1e-4

    /// Mean pooling (the fixture's `classifier_pooling`) before the head.
    @Test(arguments: ArchitectureParityTests.runs)
    func classifierMatchesTransformers(run: RotaryFixtureChecks.Run) throws {
        try RotaryFixtureChecks.classifierMatches("tiny-modernbert-cls", run: run, tolerance: Self.tolerance)
    }

    /// `classifier_pooling: cls`: the first token's hidden state before the head.
    @Test func firstTokenPoolingMatchesTransformers() throws {
        let folder = try Fixtures.copyOfModel("tiny-modernbert-cls")
        try Fixtures.editConfig(folder) { $0["classifier_pooling"] = "cls" }
        let model = try BertModel(directory: folder.path)
        #expect(model.config.classifierPooling == .first)
        let expected = try ArchitectureParityTests.Expected("tiny-modernbert-cls")
        let logits = try model.logits(encodings: try expected.inputs.map { try model.tokenize($0) }, batching: .sorted(size: 4))
        let worst = ArchitectureParityTests.worst(logits, expected.matrix("logits_cls"))
        #expect(worst <= Self.tolerance, "first-token pooling: logits off by \(worst)")
    }

    /// The Hub's config fields (`global_rope_theta`, `local_rope_theta`, `global_attn_every_n_layers`,
    /// `local_attention`) and tensor names without a prefix.
    @Test(arguments: [ExecutionMode.packed, .padded])
    func hubLayoutMatchesTransformers(mode: ExecutionMode) throws {
        let name = "tiny-modernbert-hub"
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: mode))
        #expect(model.config.architecture == .modernBert)
        #expect(model.config.rotary == RotaryEmbedding(theta: 20_000, dimensions: 16))
        let alternating = try #require(model.config.alternating)
        #expect(alternating.localRotary == RotaryEmbedding(theta: 5_000, dimensions: 16))
        #expect(alternating.window == 64 && alternating.local == [false, true, true, false])
        #expect(model.config.layerNormEps == 1e-5 && model.config.intermediateSize == 96 && model.config.typeVocabSize == 0)
        let expected = try ArchitectureParityTests.Expected(name)
        let worst = try RotaryFixtureChecks.worstMean(model, expected, want: expected.matrix("mean"))
        #expect(worst <= Self.tolerance, "\(mode): mean hidden state off by \(worst)")
    }

    /// The tolerance can fail: either θ at its default, the local layers unwindowed (or windowed one key short), the
    /// other GLU half activated, the other epsilon, tanh GELU: each misses transformers' logits by more than ten times
    /// it (the fixture script measured the same changes in transformers).
    @Test(arguments: ["global-theta", "local-theta", "unwindowed", "window-63", "glu-half", "norm_eps", "gelu-tanh"])
    func wrongVariantFailsTheFixture(change: String) throws {
        let folder = try Fixtures.copyOfModel("tiny-modernbert-cls")
        func theta(_ full: Double, _ sliding: Double) -> [String: Any] {
            ["full_attention": ["rope_type": "default", "rope_theta": full], "sliding_attention": ["rope_type": "default", "rope_theta": sliding]]
        }
        switch change {
        case "global-theta": try Fixtures.editConfig(folder) { $0["rope_parameters"] = theta(160_000, 5_000) }
        case "local-theta": try Fixtures.editConfig(folder) { $0["rope_parameters"] = theta(20_000, 10_000) }
        case "unwindowed": try Fixtures.editConfig(folder) { $0["layer_types"] = Array(repeating: "full_attention", count: 4) }
        case "window-63": try Fixtures.editConfig(folder) { $0["local_attention"] = 126 }
        case "glu-half":
            try Fixtures.swapHalves("model.layers.0.mlp.Wi.weight", in: folder.appendingPathComponent("model.safetensors").path)
        case "norm_eps": try Fixtures.editConfig(folder) { $0["norm_eps"] = 1e-12 }
        default: try Fixtures.editConfig(folder) { $0["hidden_activation"] = "gelu_pytorch_tanh" }
        }
        let worst = try RotaryFixtureChecks.worstLogits(of: folder, against: "tiny-modernbert-cls")
        let floor: Float = change == "window-63" ? 2 * Self.tolerance : 10 * Self.tolerance
        #expect(worst > floor, "\(change): max abs difference only \(worst)")
    }

    /// Variants BertKit does not run are refused naming their field.
    @Test(arguments: [
        ("norm_bias", true), ("attention_bias", true), ("mlp_bias", true), ("classifier_pooling", "max"),
        ("local_attention", 0), ("global_attn_every_n_layers", 0), ("rope_scaling", ["rope_type": "linear"] as [String: String]),
    ] as [(String, any Sendable)])
    func unsupportedVariantsNameTheirField(field: String, value: any Sendable) throws {
        let folder = try Fixtures.copyOfModel("tiny-modernbert-hub")
        try Fixtures.editConfig(folder) { $0[field] = value }
        #expect {
            _ = try BertModel(directory: folder.path)
        } throws: { error in
            guard case ModelIOError.invalidConfig(_, let named, _) = error else { return false }
            return named == field
        }
    }

    /// `layer_types` must give one known type per layer.
    @Test(arguments: [["full_attention"], ["full_attention", "sliding_attention", "chunked_attention", "full_attention"]])
    func malformedLayerTypesAreRefused(types: [String]) throws {
        let folder = try Fixtures.copyOfModel("tiny-modernbert-cls")
        try Fixtures.editConfig(folder) { $0["layer_types"] = types }
        #expect {
            _ = try BertModel(directory: folder.path)
        } throws: { error in
            guard case ModelIOError.invalidConfig(_, let named, _) = error else { return false }
            return named.hasPrefix("layer_types")
        }
    }

    /// Largest |logit − transformers fp32| allowed in the reduced precisions, on logits of up to 9.3 over inputs of up
    /// to 2,100 tokens (measured worst on AVX2: fp16 0.011, bf16 0.14, int8 0.59 with 7-bit weights; portable int8
    /// 0.42; AVX-512 BF16's products also round the activations, hence bf16's margin), and the winning labels that
    /// may change (none measured).
    static let logitBounds: [Precision: (Float, Int)] = [.fp16: (0.02, 0), .bf16: (0.3, 0), .int8: (1.0, 2)]

    @Test(arguments: PrecisionParityTests.cases)
    func reducedPrecisionsStayClose(run: (precision: Precision, isa: KernelISA)) throws {
        let (bound, changed) = try #require(Self.logitBounds[run.precision])
        try RotaryFixtureChecks.reducedPrecisionStaysClose("tiny-modernbert-cls", run: run, bound: bound, changed: changed)
    }
}
