#if TorchScript
import BertKit
import BertTorchScript
import Foundation
import TestSupport
import Testing

/// The torchscript backend on files traced as the study traces them, against Python torch on the same files (the same
/// libtorch) and against BertKit's native engine, at batch sizes and lengths other than the trace sample's.
@Suite struct TorchScriptBackendTests {
    /// Same library, same file, same padded batch.
    static let samePeerTolerance: Float = 1e-5
    /// Against BertKit's native engine.
    static let nativeTolerance: Float = 1e-4

    static func backend(_ fixture: TorchScriptFixture, freeze: Bool = true) throws -> TorchScriptBackend {
        let model = try BertModel(directory: fixture.modelPath)
        return try TorchScriptBackend(
            file: fixture.path, config: model.config, pooling: model.pooling,
            options: .init(freeze: freeze, int32Inputs: fixture.int32))
    }

    @Test func libtorchIsBuiltIn() {
        #expect(TorchScriptModule.isAvailable)
        #expect(TorchScriptModule.libtorchVersion?.hasPrefix("1.") == true || TorchScriptModule.libtorchVersion?.hasPrefix("2.") == true)
    }

    @Test(arguments: TorchScriptFixture.classifiers)
    func tracedClassifierMatchesPythonTorch(key: String) throws {
        let fixture = try TorchScriptFixture(key)
        let backend = try Self.backend(fixture)
        #expect(backend.hasClassificationHead)
        let rotary = TorchScriptFixture.rotaryClassifiers.contains(key)
        let types = rotary && key != "tiny-modernbert-cls.pt"
        #expect(backend.module.inputNames == ["input_ids", "attention_mask"] + (types ? ["token_type_ids"] : []))
        #expect(backend.takesTokenTypeIds == types)
        #expect(fixture.batches.map(\.ids.count) == (rotary ? [1, 3, 5, 2, 3, 1] : [1, 3, 5, 1]))
        if rotary {  // RoPE past 512 positions and ModernBERT's local window crossed, in padded batches
            #expect(fixture.batches.map { $0.ids.map(\.count).max() ?? 0 }.max() == 2_100)
        }
        for batch in fixture.batches {
            let difference = Fixtures.maxDifference(
                try backend.classify(batch.tokenBatch(segments: backend.takesTokenTypeIds)), batch.output)
            #expect(difference <= Self.samePeerTolerance, "\(key): \(difference)")
            // BERT's second segment on a trace without token_type_ids: refused, never silently read as segment A.
            if batch.hasSecondSegment && backend.segmentsMatter && !backend.takesTokenTypeIds {
                #expect(throws: TorchScriptError.segmentsNotTaken(path: fixture.path)) { try backend.classify(batch.tokenBatch) }
            }
        }
    }

    @Test(arguments: TorchScriptFixture.classifiers)
    func tracedClassifierMatchesNativeEngine(key: String) throws {
        let fixture = try TorchScriptFixture(key)
        let backend = try Self.backend(fixture)
        let native = try BertModel(directory: fixture.modelPath).backend
        for batch in fixture.batches {
            let difference = try Fixtures.zeroTypeLogitDifference(backend, native, batch.ids)
            #expect(difference <= Self.nativeTolerance, "\(key): \(difference)")
        }
    }

    @Test func tracedEncoderEmbedsLikePythonAndNative() throws {
        let fixture = try TorchScriptFixture("tiny-bert-encoder.pt")
        let backend = try Self.backend(fixture)
        #expect(!backend.hasClassificationHead)
        #expect(backend.module.inputNames == ["input_ids", "attention_mask", "token_type_ids"])
        let native = try BertModel(directory: fixture.modelPath).backend
        for batch in fixture.batches {
            let pooled = try backend.embed(batch.tokenBatch)
            #expect(Fixtures.maxDifference(pooled, batch.output) <= Self.samePeerTolerance)
            #expect(Fixtures.maxDifference(pooled, try native.embed(batch.tokenBatch)) <= Self.nativeTolerance)
        }
        #expect(throws: TorchScriptError.self) { try backend.classify(fixture.batches[0].tokenBatch) }
    }

    @Test func frozenAndUnfrozenAgree() throws {
        let fixture = try TorchScriptFixture("tiny-roberta-cls.pt")
        let frozen = try Self.backend(fixture, freeze: true)
        let plain = try Self.backend(fixture, freeze: false)
        #expect(!plain.module.frozen)
        let batch = fixture.batches[2].tokenBatch
        #expect(Fixtures.maxDifference(try frozen.classify(batch), try plain.classify(batch)) <= Self.samePeerTolerance)
    }

    @Test func modelFolderWithATracedFileRunsThroughBertModel() throws {
        let original = Fixtures.path("models/tiny-bert-cls")
        let dir = try Fixtures.temporaryDirectory()
        let fm = FileManager.default
        for file in ["config.json", "tokenizer.json"] {
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent(file).path, withDestinationPath: original + "/" + file)
        }
        try fm.createDirectory(at: dir.appendingPathComponent("torchscript"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(
            atPath: dir.appendingPathComponent("torchscript/model.pt").path,
            withDestinationPath: Fixtures.path("torchscript/tiny-bert-cls.pt"))
        let texts = [TextInput("the cat sat on the mat"), TextInput("tea"), TextInput("terrible film, bad music")]
        let model = try BertModel(directory: dir.path, torchscript: nil)
        let native = try BertModel(directory: original)
        let difference = Fixtures.maxDifference(
            try model.classify(texts, batching: .sorted(size: 2)).map(\.logits),
            try native.classify(texts).map(\.logits))
        #expect(difference <= Self.nativeTolerance)
    }

    @Test func concurrentForwardCallsAgree() async throws {
        let fixture = try TorchScriptFixture("tiny-distilbert-cls.pt")
        let backend = try Self.backend(fixture)
        let results = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for i in 0..<8 {
                group.addTask {
                    var last: [[Float]] = []
                    for _ in 0..<10 { last = try backend.classify(fixture.batches[i % 4].tokenBatch(segments: backend.takesTokenTypeIds)) }
                    return (i % 4, last)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for (index, output) in results {
            #expect(Fixtures.maxDifference(output, fixture.batches[index].output) <= Self.samePeerTolerance)
        }
    }
}
#endif
