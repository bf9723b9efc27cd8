import BertKit
import Foundation
import TestSupport
import Testing

/// The checks every rotary encoder's fixtures go through (GTE, NomicBERT): a classifier's logits and mean-pooled
/// hidden states against transformers', a folder's means, a wrong variant's miss, the reduced precisions' bounds.
enum RotaryFixtureChecks {
    typealias Run = (mode: ExecutionMode, batchSize: Int, isa: KernelISA)

    /// Logits and mean hidden states of the classifier `name` within `tolerance` of the fixture, equal argmax.
    static func classifierMatches(_ name: String, run: Run, tolerance: Float) throws {
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: run.mode, isa: run.isa))
        let native = try #require(model.backend as? NativeBackend)
        let expected = try ArchitectureParityTests.Expected(name)
        let encodings = try expected.inputs.map { try model.tokenize($0) }
        #expect(encodings.map(\.ids) == expected.ids)
        let logits = try ArchitectureParityTests.batches(encodings, run.batchSize) { try native.classify($0) }
        let mean = try ArchitectureParityTests.batches(encodings, run.batchSize) { try native.embed($0) }
        let want = expected.matrix("logits")
        let worstLogit = ArchitectureParityTests.worst(logits, want)
        let worstMean = ArchitectureParityTests.worst(mean, expected.matrix("mean"))
        #expect(worstLogit <= tolerance, "\(name) \(run): logits off by \(worstLogit)")
        #expect(worstMean <= tolerance, "\(name) \(run): mean hidden state off by \(worstMean)")
        #expect(logits.map(VectorMath.argmax) == want.map(VectorMath.argmax))
    }

    /// The largest difference of `model`'s mean hidden states (batches of 8) from `want`.
    static func worstMean(_ model: BertModel, _ expected: ArchitectureParityTests.Expected, want: [[Float]]) throws -> Float {
        let native = try #require(model.backend as? NativeBackend)
        let encodings = try expected.inputs.map { try model.tokenize($0) }
        let mean = try ArchitectureParityTests.batches(encodings, 8) { try native.embed($0) }
        return ArchitectureParityTests.worst(mean, want)
    }

    /// The largest difference of the logits of the classifier in `folder` (an altered copy of `name`) from `name`'s
    /// fixture, each input alone.
    static func worstLogits(of folder: URL, against name: String) throws -> Float {
        let expected = try ArchitectureParityTests.Expected(name)
        let model = try BertModel(directory: folder.path)
        let native = try #require(model.backend as? NativeBackend)
        let logits = try expected.inputs.map { try native.classify(TokenBatch([try model.tokenize($0)]))[0] }
        return ArchitectureParityTests.worst(logits, expected.matrix("logits"))
    }

    /// The classifier `name` in a reduced precision: logits within `bound` of transformers' fp32, at most `changed`
    /// winning labels changed, and not fp32's logits.
    static func reducedPrecisionStaysClose(_ name: String, run: (precision: Precision, isa: KernelISA), bound: Float, changed: Int) throws {
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(isa: run.isa, precision: run.precision))
        let expected = try ArchitectureParityTests.Expected(name)
        let logits = try model.logits(encodings: try expected.inputs.map { try model.tokenize($0) }, batching: .sorted(size: 4))
        let want = expected.matrix("logits")
        let worst = ArchitectureParityTests.worst(logits, want)
        let agree = zip(logits, want).filter { VectorMath.argmax($0) == VectorMath.argmax($1) }.count
        #expect(worst <= bound, "\(name) \(run.precision) on \(run.isa): \(worst)")
        #expect(agree >= want.count - changed, "\(name) \(run.precision) on \(run.isa): \(agree) of \(want.count) winning labels")
        #expect(worst > 1e-6, "\(name) \(run.precision) on \(run.isa) gives fp32's logits: not reduced at all")
    }
}
