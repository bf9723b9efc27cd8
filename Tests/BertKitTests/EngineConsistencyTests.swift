import BertKit
import BertModelIO
import TestSupport
import Testing

/// Packed and padded execution, at every batch size, give the same hidden states as one sequence at a time.
/// Random ids and lengths 1...40, batches up to 64, on the random-weight model of each architecture.
@Suite struct EngineConsistencyTests {
    static let tolerance: Float = 1e-5

    /// A deterministic batch of `count` sequences (LCG, so no dependence on the platform's random source).
    static func sequences(count: Int, vocabulary: Int, seed: UInt64) -> [[Int]] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in (0...next(40)).map { _ in next(vocabulary) } }
    }

    static func backend(_ name: String, mode: ExecutionMode, threads: Int = 0) throws -> NativeBackend {
        let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(threads: threads, mode: mode))
        return try #require(model.backend as? NativeBackend)
    }

    @Test(arguments: ["tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls"], [2, 17, 64])
    func batchedEqualsOneByOne(name: String, batchSize: Int) throws {
        let packed = try Self.backend(name, mode: .packed)
        let padded = try Self.backend(name, mode: .padded)
        let single = try Self.backend(name, mode: .packed, threads: 1)
        let sequences = Self.sequences(count: batchSize, vocabulary: 100, seed: UInt64(batchSize))
        var reference: [Float] = []
        for sequence in sequences { reference += try single.lastHiddenState(TokenBatch(sequences: [sequence])) }
        for backend in [packed, padded] {
            let batched = try backend.lastHiddenState(TokenBatch(sequences: sequences))
            #expect(batched.count == reference.count)
            let worst = zip(batched, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= Self.tolerance, "\(name) \(backend.name) batch \(batchSize): \(worst)")
        }
    }

    /// Every instruction-set path gives the same hidden states as the portable one, within float rounding.
    @Test(arguments: ["tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls"])
    func instructionSetsAgree(name: String) throws {
        let sequences = Self.sequences(count: 23, vocabulary: 100, seed: 7)
        func hidden(_ isa: KernelISA, _ mode: ExecutionMode) throws -> [Float] {
            let model = try BertModel(directory: Fixtures.path("models/\(name)"), options: .init(mode: mode, isa: isa))
            let native = try #require(model.backend as? NativeBackend)
            #expect(native.isa == isa)
            return try native.lastHiddenState(TokenBatch(sequences: sequences))
        }
        let reference = try hidden(.portable, .packed)
        for isa in KernelISA.supported {
            for mode in ExecutionMode.allCases {
                let got = try hidden(isa, mode)
                let worst = zip(got, reference).map { abs($0 - $1) }.max() ?? .infinity
                #expect(got.count == reference.count)
                #expect(worst <= Self.tolerance, "\(name) \(isa) \(mode): \(worst)")
            }
        }
    }

    /// Threads change how work is split, never the arithmetic of an output: results are identical bit for bit.
    @Test func threadCountsGiveIdenticalResults() throws {
        let sequences = Self.sequences(count: 40, vocabulary: 100, seed: 11)
        let one = try Self.backend("tiny-bert-cls", mode: .packed, threads: 1).lastHiddenState(TokenBatch(sequences: sequences))
        let all = try Self.backend("tiny-bert-cls", mode: .packed, threads: 0).lastHiddenState(TokenBatch(sequences: sequences))
        #expect(one == all)
    }

    @Test func concurrentCallsAgree() async throws {
        let backend = try Self.backend("tiny-bert-cls", mode: .packed)
        let batches = (0..<8).map { TokenBatch(sequences: Self.sequences(count: 9, vocabulary: 100, seed: UInt64($0))) }
        let serial = try batches.map { try backend.classify($0) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for (i, batch) in batches.enumerated() { group.addTask { (i, try backend.classify(batch)) } }
            var results = [[[Float]]](repeating: [], count: batches.count)
            for try await (i, logits) in group { results[i] = logits }
            return results
        }
        #expect(concurrent == serial)
    }

    @Test func outOfRangeIdsAreErrors() throws {
        let backend = try Self.backend("tiny-bert-cls", mode: .packed)
        #expect(throws: BertKitError.invalidTokenId(5000, vocabularySize: 189)) {
            try backend.embed(TokenBatch(sequences: [[1, 2], [5000]]))
        }
        #expect(throws: BertKitError.invalidTokenTypeId(7, typeVocabularySize: 2)) {
            try backend.embed(TokenBatch(sequences: [[1, 2]], typeIds: [[0, 7]]))
        }
    }
}
