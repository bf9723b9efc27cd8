import BertKit
import Foundation
import TestSupport
import Testing

/// all-MiniLM-L6-v2 against sentence-transformers (Tests/Fixtures/minilm, made by tools/make_fixtures.py).
@Suite struct MiniLMParityTests {
    /// Max absolute difference per component of the normalized embeddings.
    static let tolerance: Float = 1e-5

    static let batchings: [Batching] = [.fixed(size: 1), .fixed(size: 32), .sorted(size: 64), .tokens(maxTokens: 2048)]

    /// Packed and padded, every batching, on every instruction-set path this CPU supports (the others only at two
    /// batchings, to keep the suite short).
    static let runs: [(ExecutionMode, Batching, KernelISA)] = KernelConformanceTests.fp32Paths.flatMap { isa in
        ExecutionMode.allCases.flatMap { mode in
            (isa == .best ? batchings : [batchings[0], batchings[2]]).map { (mode, $0, isa) }
        }
    }

    @Test(arguments: runs)
    func embeddingsMatchSentenceTransformers(mode: ExecutionMode, batching: Batching, isa: KernelISA) throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let meta = try Fixtures.json("minilm/sentences.json")
        let sentences = meta["sentences"] as! [String]
        let dimension = meta["dimension"] as! Int
        let expected = try Fixtures.floats("minilm/embeddings.f32")
        #expect(sentences.count >= 200)
        #expect(expected.count == sentences.count * dimension)
        // sentence-transformers truncates to max_seq_length; ask for the same.
        let model = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true, mode: mode, isa: isa))
        #expect(model.maxLength == meta["max_seq_length"] as! Int)
        let vectors = try model.embed(sentences.map { TextInput($0) }, batching: batching)
        var worst: Float = 0
        var worstCosine: Float = 1
        for (i, v) in vectors.enumerated() {
            #expect(v.count == dimension)
            let reference = expected[(i * dimension)..<((i + 1) * dimension)]
            var dot: Float = 0
            for (a, b) in zip(v, reference) {
                worst = max(worst, abs(a - b))
                dot += a * b
            }
            worstCosine = min(worstCosine, dot)
        }
        #expect(worst <= Self.tolerance, "\(isa) \(mode) \(batching): max abs difference \(worst)")
        #expect(worstCosine >= 0.99999, "min cosine \(worstCosine)")
    }

    @Test func overlongInputIsAnErrorUnlessTruncationIsAsked() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let model = try BertModel(directory: Fixtures.miniLM)
        let long = Array(repeating: "word", count: 300).joined(separator: " ")
        #expect(throws: InputError.self) { try model.embed([TextInput("short"), TextInput(long)]) }
        do {
            _ = try model.embed([TextInput("short"), TextInput(long)])
        } catch let error as InputError {
            #expect(error.index == 1)
            #expect("\(error)".contains("302 tokens"))
        }
        let truncating = try BertModel(directory: Fixtures.miniLM, options: .init(truncate: true))
        #expect(try truncating.tokenize(TextInput(long)).count == 256)
    }

    @Test func weightsAreMappedNotCopied() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let model = try BertModel(directory: Fixtures.miniLM)
        let native = try #require(model.backend as? NativeBackend)
        let store = native.weights
        for name in ["embeddings.word_embeddings.weight", "encoder.layer.5.output.dense.weight"] {
            let tensor = try store.floats(name, shape: try #require(store.shape(name)))
            #expect(!tensor.converted)
            #expect(store.source.mapping.contains(UnsafeRawPointer(tensor.pointer)))
        }
    }

    @Test func emptyInputIsRejectedWithItsIndex() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let model = try BertModel(directory: Fixtures.miniLM)
        #expect(throws: InputError.self) { try model.embed([TextInput("a"), TextInput("")]) }
        #expect(throws: BertKitError.noClassificationHead(path: Fixtures.miniLM + "/model.safetensors")) {
            try model.classify([TextInput("a")])
        }
    }
}
