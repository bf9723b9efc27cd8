import BertKit
import BertModelIO
import Foundation
import TestSupport
import Testing

/// GTE, the first rotary encoder, against transformers 5 (Tests/Fixtures/models/tiny-gte-cls, a
/// GteForSequenceClassification written by save_pretrained, and tiny-gte-new, its encoder in the layout and config of
/// Alibaba's Hub code, `model_type: new`; made by tools/make_rope_fixtures.py: weights at trained magnitudes, inputs
/// of 2 to 2,100 tokens, so RoPE is read far past BERT's 512 positions and across the attention kernel's key blocks):
/// on every fp32 instruction-set path, packed and padded.
@Suite struct RotaryParityTests {
    /// Max absolute difference of logits and of mean-pooled hidden states.
    static let tolerance: Float = 1e-4

    static let runs = ArchitectureParityTests.runs

    @Test func tokenizerMatchesReference() throws {
        for name in ["tiny-gte-cls", "tiny-gte-new"] {
            let model = try BertModel(directory: Fixtures.path("models/\(name)"))
            let expected = try ArchitectureParityTests.Expected(name)
            #expect(expected.ids.map(\.count).max() == 2100, "the fixture reaches 2,100 tokens")
            for (input, ids) in zip(expected.inputs, expected.ids) {
                #expect(try model.tokenize(input).ids == ids, "\(input.text.prefix(40))")
            }
        }
    }

    @Test(arguments: runs)
    func classifierMatchesTransformers(run: RotaryFixtureChecks.Run) throws {
        try RotaryFixtureChecks.classifierMatches("tiny-gte-cls", run: run, tolerance: Self.tolerance)
    }

    /// The Hub code's layout: no prefix, `model_type: new`, the top-level `rope_theta`, its other fields read.
    @Test(arguments: [ExecutionMode.packed, .padded])
    func hubCodeLayoutMatchesTransformers(mode: ExecutionMode) throws {
        let name = "tiny-gte-new"
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: mode))
        #expect(model.config.architecture == .gte)
        #expect(model.config.rotary == RotaryEmbedding(theta: 20_000, dimensions: 16))
        let expected = try ArchitectureParityTests.Expected(name)
        let worst = try RotaryFixtureChecks.worstMean(model, expected, want: expected.matrix("mean"))
        #expect(worst <= Self.tolerance, "\(mode): mean hidden state off by \(worst)")
    }

    /// GTE's static NTK scaling (gte-multilingual-base's `rope_scaling: {type: ntk, factor: 8}`; factor 4 here), as
    /// the Hub code's config gives it and as the linear `rope_parameters` later transformers convert it to, against
    /// transformers' GteModel checked by the fixture script against the Hub code's formula; the unscaled reference
    /// it moves by 0.5 is missed by more than ten times the tolerance.
    @Test(arguments: ["rope_scaling", "rope_parameters"])
    func ntkScalingMatchesTheHubCode(written: String) throws {
        let folder = try Fixtures.copyOfModel("tiny-gte-new")
        let expected = try ArchitectureParityTests.Expected("tiny-gte-new")
        let ntk = try #require(expected.json["ntk"] as? [String: Any])
        try Fixtures.editConfig(folder) { config in
            if written == "rope_scaling" {
                config["rope_scaling"] = ntk["rope_scaling"]
            } else {
                config["model_type"] = "gte"
                config["rope_theta"] = nil
                config["rope_scaling"] = nil
                config["rope_parameters"] = ntk["rope_parameters"]
            }
        }
        let model = try BertModel(directory: folder.path)
        let rotary = try #require(model.config.rotary)
        #expect(rotary.theta == 80_000 && abs(rotary.linearFactor - 1.189207115002721) < 1e-12, "\(rotary)")
        let want = try #require((ntk["mean"] as? [[Double]])?.map { $0.map(Float.init) })
        let worst = try RotaryFixtureChecks.worstMean(model, expected, want: want)
        #expect(worst <= Self.tolerance, "\(written): mean hidden state off by \(worst)")
        #expect(try RotaryFixtureChecks.worstMean(model, expected, want: expected.matrix("mean")) > 10 * Self.tolerance)
    }

    /// The tolerance can fail: the other LayerNorm epsilon, `gelu_new`, another RoPE θ (transformers' default 160000,
    /// or 10000), the GLU's other half activated, no rotation: each misses transformers' logits by more than ten times
    /// it (the fixture script measured each of them in transformers too).
    @Test(arguments: ["layer_norm_eps", "hidden_act", "theta-10000", "theta-default", "glu-half", "no-rope"])
    func wrongVariantFailsTheFixture(change: String) throws {
        let folder = try Fixtures.copyOfModel("tiny-gte-cls")
        switch change {
        case "hidden_act":
            try Fixtures.editConfig(folder) { $0["hidden_act"] = "gelu_new" }
        case "theta-10000":
            try Fixtures.editConfig(folder) { $0["rope_parameters"] = ["rope_type": "default", "rope_theta": 10_000.0] }
        case "theta-default":
            try Fixtures.editConfig(folder) { $0["rope_parameters"] = nil }
        case "layer_norm_eps":
            try Fixtures.editConfig(folder) { $0["layer_norm_eps"] = 1e-5 }
        case "glu-half":
            try Fixtures.swapHalves("gte.encoder.layer.0.mlp.up_gate_proj.weight", in: folder.appendingPathComponent("model.safetensors").path)
        default:  // no rotation: θ so large every angle is ~0
            try Fixtures.editConfig(folder) { $0["rope_parameters"] = ["rope_type": "default", "rope_theta": 1e30] }
        }
        let worst = try RotaryFixtureChecks.worstLogits(of: folder, against: "tiny-gte-cls")
        #expect(worst > 10 * Self.tolerance, "\(change): max abs difference only \(worst)")
    }

    /// The variants BertKit does not run are refused naming their field.
    @Test(arguments: [
        ("rope_scaling", "rope_scaling.type"), ("mixed_b", "rope_scaling.mixed_b"), ("factor", "rope_scaling.factor"),
        ("rope_type", "rope_parameters.rope_type"), ("logn", "logn_attention_scale"),
        ("pack_qkv", "pack_qkv"), ("layer_norm_type", "layer_norm_type"), ("absolute", "position_embedding_type"),
        ("theta", "rope_theta"),
    ])
    func unsupportedVariantsNameTheirField(change: String, field: String) throws {
        let folder = try Fixtures.copyOfModel("tiny-gte-new")
        try Fixtures.editConfig(folder) { config in
            switch change {
            case "rope_scaling": config["rope_scaling"] = ["type": "dynamic", "factor": 2.0]
            case "mixed_b": config["rope_scaling"] = ["type": "ntk", "factor": 2.0, "mixed_b": 0.5]
            case "factor": config["rope_scaling"] = ["type": "ntk", "factor": 0.5]
            case "rope_type": config["rope_parameters"] = ["rope_type": "yarn", "rope_theta": 10_000.0]
            case "logn": config["logn_attention_scale"] = true
            case "pack_qkv": config["pack_qkv"] = false
            case "layer_norm_type": config["layer_norm_type"] = "rms_norm"
            case "absolute": config["position_embedding_type"] = "absolute"
            default: config["rope_theta"] = -1.0
            }
        }
        #expect {
            _ = try BertModel(directory: folder.path)
        } throws: { error in
            guard case ModelIOError.invalidConfig(_, let named, _) = error else { return false }
            return named == field
        }
    }

    /// Largest |logit − transformers fp32| allowed in the reduced precisions, on logits of up to 5.3 units over inputs
    /// of up to 2,100 tokens with attention logits of a few units (measured worst on AVX2: fp16 0.012, bf16 0.087,
    /// int8 0.38 with 7-bit weights, 0.30 on the portable path), and the winning labels that may change (int8: 1 of
    /// 20 measured).
    static let logitBounds: [Precision: (Float, Int)] = [.fp16: (0.02, 0), .bf16: (0.15, 0), .int8: (0.6, 2)]

    @Test(arguments: PrecisionParityTests.cases)
    func reducedPrecisionsStayClose(run: (precision: Precision, isa: KernelISA)) throws {
        let (bound, changed) = try #require(Self.logitBounds[run.precision])
        try RotaryFixtureChecks.reducedPrecisionStaysClose("tiny-gte-cls", run: run, bound: bound, changed: changed)
    }
}
