import BertKit
import BertModelIO
import Foundation
import TestSupport
import Testing

/// NomicBERT against transformers 5 (Tests/Fixtures/models/tiny-nomic-cls, a NomicBertForSequenceClassification
/// written by save_pretrained, and tiny-nomic-hub, its encoder in the layout and GPT-2-named config of
/// nomic-ai/nomic-bert-2048's Hub code; made by tools/make_rope_fixtures.py: weights at trained magnitudes, RoPE θ 3000
/// (neither default), inputs of 2 to 2,100 tokens): on every fp32 instruction-set path, packed and padded.
@Suite struct NomicParityTests {
    /// Max absolute difference of logits and of mean-pooled hidden states.
    static let tolerance: Float = 1e-4

    @Test(arguments: ArchitectureParityTests.runs)
    func classifierMatchesTransformers(run: RotaryFixtureChecks.Run) throws {
        try RotaryFixtureChecks.classifierMatches("tiny-nomic-cls", run: run, tolerance: Self.tolerance)
    }

    /// The Hub code's layout: no prefix, GPT-2's field names (`n_embd`, `rotary_emb_base`, `activation_function:
    /// swiglu`, ...), its flags read.
    @Test(arguments: [ExecutionMode.packed, .padded])
    func hubCodeLayoutMatchesTransformers(mode: ExecutionMode) throws {
        let name = "tiny-nomic-hub"
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: mode))
        #expect(model.config.architecture == .nomicBert)
        #expect(model.config.rotary == RotaryEmbedding(theta: 3000, dimensions: 16))
        #expect(model.config.hiddenSize == 64 && model.config.numHiddenLayers == 2 && model.config.intermediateSize == 96)
        #expect(model.config.hiddenAct == .silu && model.config.maxPositionEmbeddings == 8192)
        let expected = try ArchitectureParityTests.Expected(name)
        let worst = try RotaryFixtureChecks.worstMean(model, expected, want: expected.matrix("mean"))
        #expect(worst <= Self.tolerance, "\(mode): mean hidden state off by \(worst)")
    }

    /// The tolerance can fail: the other LayerNorm epsilon, exact GELU for SiLU, transformers' default θ 1000 (what a
    /// reader that misses `rope_parameters` gets) or 10000, the other GLU half activated, no rotation: each misses
    /// transformers' logits by more than ten times it (the fixture script measured each in transformers too).
    @Test(arguments: ["layer_norm_eps", "hidden_act", "theta-10000", "theta-default", "glu-half", "no-rope"])
    func wrongVariantFailsTheFixture(change: String) throws {
        let folder = try Fixtures.copyOfModel("tiny-nomic-cls")
        switch change {
        case "hidden_act":
            try Fixtures.editConfig(folder) { $0["hidden_act"] = "gelu" }
        case "theta-10000":
            try Fixtures.editConfig(folder) { $0["rope_parameters"] = ["rope_type": "default", "rope_theta": 10_000.0] }
        case "theta-default":
            try Fixtures.editConfig(folder) { $0["rope_parameters"] = nil }
        case "layer_norm_eps":
            try Fixtures.editConfig(folder) { $0["layer_norm_eps"] = 1e-5 }
        case "glu-half":
            let layer = "nomic_bert.encoder.layers.0.mlp"
            try Fixtures.swapTensors(
                "\(layer).fc11.weight", "\(layer).fc12.weight", in: folder.appendingPathComponent("model.safetensors").path)
        default:  // no rotation: θ so large every angle is ~0
            try Fixtures.editConfig(folder) { $0["rope_parameters"] = ["rope_type": "default", "rope_theta": 1e30] }
        }
        let worst = try RotaryFixtureChecks.worstLogits(of: folder, against: "tiny-nomic-cls")
        #expect(worst > 10 * Self.tolerance, "\(change): max abs difference only \(worst)")
    }

    /// The Hub code's variants BertKit does not run are refused naming their field.
    @Test(arguments: [
        ("prenorm", true), ("use_rms_norm", true), ("qkv_proj_bias", true), ("mlp_fc1_bias", true),
        ("rotary_emb_interleaved", true), ("rotary_scaling_factor", 2.0), ("rotary_emb_scale_base", 512.0),
        ("rotary_emb_fraction", 0.0), ("activation_function", "gelu"), ("rotary_emb_base", -1.0),
    ] as [(String, any Sendable)])
    func unsupportedVariantsNameTheirField(field: String, value: any Sendable) throws {
        let folder = try Fixtures.copyOfModel("tiny-nomic-hub")
        try Fixtures.editConfig(folder) { $0[field] = value }
        #expect {
            _ = try BertModel(directory: folder.path)
        } throws: { error in
            guard case ModelIOError.invalidConfig(_, let named, _) = error else { return false }
            return named == field || (field == "rotary_emb_base" && named == "rope_theta")
        }
    }

    /// Largest |logit − transformers fp32| allowed in the reduced precisions, on logits of up to 5.6 over inputs of up
    /// to 2,100 tokens (measured worst on AVX2: fp16 0.0073, bf16 0.043, int8 0.45 with 7-bit weights; portable int8
    /// 0.34), and the winning labels that may change (int8: 1 of 20 measured).
    static let logitBounds: [Precision: (Float, Int)] = [.fp16: (0.015, 0), .bf16: (0.1, 0), .int8: (0.7, 2)]

    @Test(arguments: PrecisionParityTests.cases)
    func reducedPrecisionsStayClose(run: (precision: Precision, isa: KernelISA)) throws {
        let (bound, changed) = try #require(Self.logitBounds[run.precision])
        try RotaryFixtureChecks.reducedPrecisionStaysClose("tiny-nomic-cls", run: run, bound: bound, changed: changed)
    }
}
