import BertKit
import BertTokenizers
import Foundation
import TestSupport
import Testing

/// The reduced precisions end to end, against fp32 (and transformers), with stated bounds:
/// - all-MiniLM-L6-v2 on every sentence of the default corpus (1,000 fortunes): the cosine of each sentence's
///   embedding to its fp32 embedding, on every int8 and bf16 path this CPU has;
/// - the tiny classifiers' logits against transformers' fp32 logits (fixtures of realistic magnitude).
@Suite struct PrecisionParityTests {
    /// Lowest cosine to fp32 allowed for any sentence.
    static func cosineFloor(_ precision: Precision, isa: KernelISA) -> Double {
        switch precision {
        case .fp32: 0.999999
        case .fp16: 0.9999
        case .bf16: 0.999
        // Smoothed (SmoothQuant, calibrated at load), measured on Zen 3: 0.99696 with 8-bit weights (portable), 0.99178
        // with the 7-bit weights where vpmaddubsw would saturate (AVX2, AVX-512 without VNNI); without smoothing
        // 0.99401 and 0.98761, which these floors refuse.
        case .int8: isa.int8WeightLevels < 127 ? 0.990 : 0.996
        }
    }

    /// The instruction sets with distinct kernels for `precision` on this CPU.
    static func paths(_ precision: Precision) -> [KernelISA] {
        let supported = KernelISA.supported
        switch precision {
        case .int8: return supported.filter { $0 != .avx512BF16 }  // avx512_bf16's int8 is avx512_vnni's
        case .bf16: return [supported.last { $0.roundsBF16Activations }, supported.last { !$0.roundsBF16Activations }].compactMap { $0 }
        case .fp16, .fp32: return [KernelISA.best]
        }
    }

    static let cases: [(Precision, KernelISA)] = [Precision.int8, .bf16, .fp16].flatMap { p in paths(p).map { (p, $0) } }

    static let corpus: Result<(encodings: [Encoding], fp32: [[Float]]), any Error> = Result {
        let lines = try String(contentsOfFile: Fixtures.corpus, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true))
        let encodings = try model.tokenize(lines.map { TextInput($0) })
        return (encodings, try model.embed(encodings: encodings, batching: .sorted(size: 32)))
    }

    @Test(arguments: cases)
    func miniLMEmbeddingsKeepTheirDirection(precision: Precision, isa: KernelISA) throws {
        if let missing = Fixtures.miniLMMissing ?? Fixtures.corpusMissing { Issue.record(Comment(rawValue: missing)); return }
        let (encodings, reference) = try Self.corpus.get()
        #expect(encodings.count == 1000)
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true, isa: isa, precision: precision))
        let vectors = try model.embed(encodings: encodings, batching: .sorted(size: 32))
        let cosines = zip(vectors, reference).map { a, b in
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let norms = a.reduce(0.0) { $0 + Double($1 * $1) } * b.reduce(0.0) { $0 + Double($1 * $1) }
            return dot / norms.squareRoot()
        }
        let worst = cosines.min() ?? 0
        #expect(worst >= Self.cosineFloor(precision, isa: isa), "\(precision) on \(isa): lowest cosine \(worst)")
        #expect(worst < 0.9999999, "\(precision) on \(isa) gives fp32's embeddings: not reduced at all")
    }

    /// Largest |logit − transformers fp32| allowed, logits of a few units (measured worst: fp16 1.5e-5, bf16 1.6e-4,
    /// int8 1.1e-3 with 7-bit weights, 5.3e-4 with 8-bit).
    static let logitBounds: [Precision: Float] = [.fp16: 4e-5, .bf16: 4e-4, .int8: 2.5e-3]

    @Test(arguments: ["tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls"], cases)
    func classifierLogitsStayClose(name: String, run: (precision: Precision, isa: KernelISA)) throws {
        let expected = try ClassifierParityTests.Expected(name)
        let model = try BertModel(
            directory: Fixtures.path("models/\(name)"),
            options: .init(isa: run.isa, precision: run.precision))
        let logits = try model.logits(encodings: try expected.inputs.map { try model.tokenize($0) }, batching: .sorted(size: 4))
        let worst = zip(logits, expected.logits).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
        let bound = try #require(Self.logitBounds[run.precision])
        #expect(worst <= bound, "\(name) \(run.precision) on \(run.isa): \(worst)")
        #expect(worst > 1e-6, "\(name) \(run.precision) on \(run.isa) gives fp32's logits: not reduced at all")
    }
}
