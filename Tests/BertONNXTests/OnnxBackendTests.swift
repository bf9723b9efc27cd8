import BertKit
import Foundation
import TestSupport
import Testing

@testable import BertONNX

/// The ONNX Runtime backend on files exported by PyTorch (`torch.onnx.export`, as the study does, and Optimum's
/// layout), against Python ONNX Runtime on the same files and against BertKit's native engine.
@Suite struct OnnxBackendTests {
    /// Same library, same file, same padded batch: Swift and Python must agree to float rounding.
    static let samePeerTolerance: Float = 1e-6
    /// Against BertKit's native engine (a different implementation): logits.
    static let nativeTolerance: Float = 1e-4

    static func backend(_ fixture: OnnxFixture, options: ORTSessionOptions = .init(intraOpThreads: 1)) throws -> OnnxBackend {
        let model = try BertModel(directory: fixture.modelPath)
        return try OnnxBackend(
            file: fixture.path, config: model.config, pooling: model.pooling,
            runtime: ORTTestSupport.runtime(), options: options)
    }

    @Test(arguments: OnnxFixture.torchFiles)
    func torchExportMatchesPythonOnnxRuntime(file: String) throws {
        let fixture = try OnnxFixture(file)
        let backend = try Self.backend(fixture)
        #expect(backend.hasClassificationHead)
        #expect(fixture.batches.map(\.ids.count) == [1, 3, 5, 1])
        for batch in fixture.batches {
            let logits = try backend.classify(batch.tokenBatch(segments: backend.takesTokenTypeIds))
            #expect(Fixtures.maxDifference(logits, batch.output) <= Self.samePeerTolerance, "\(file) \(batch.ids)")
            // A pair's second segment on a graph without token_type_ids: refused, never silently read as segment A.
            if batch.hasSecondSegment && backend.segmentsMatter && !backend.takesTokenTypeIds {
                #expect(throws: ORTError.segmentsNotTaken(path: fixture.path)) { try backend.classify(batch.tokenBatch) }
            }
        }
    }

    @Test(arguments: OnnxFixture.torchFiles)
    func torchExportMatchesNativeEngine(file: String) throws {
        let fixture = try OnnxFixture(file)
        let backend = try Self.backend(fixture)
        let native = try BertModel(directory: fixture.modelPath).backend
        for batch in fixture.batches {
            let difference = try Fixtures.zeroTypeLogitDifference(backend, native, batch.ids)
            #expect(difference <= Self.nativeTolerance, "\(file): \(difference)")
        }
    }

    @Test func discoversInputNamesAndTypes() throws {
        let int64 = try Self.backend(OnnxFixture("torch-tiny-bert-cls.onnx")).session.inputs
        #expect(int64.map(\.name) == ["input_ids", "attention_mask"])
        #expect(int64.map(\.typeName) == ["int64", "int64"])
        #expect(int64.map(\.shape) == [[-1, -1], [-1, -1]])
        let int32 = try Self.backend(OnnxFixture("torch-tiny-bert-cls-int32.onnx")).session.inputs
        #expect(int32.map(\.typeName) == ["int32", "int32"])
        let optimum = try Self.backend(OnnxFixture("optimum-tiny-bert/model.onnx")).session
        #expect(optimum.inputs.map(\.name) == ["input_ids", "attention_mask", "token_type_ids"])
        #expect(optimum.outputs.map(\.name) == ["last_hidden_state"])
    }

    @Test func optimumFolderRunsThroughBertModel() throws {
        let fixture = try OnnxFixture("optimum-tiny-bert/model.onnx")
        // model.onnx is found beside config.json and tokenizer.json.
        let model = try BertModel(
            directory: Fixtures.path("onnx/optimum-tiny-bert"), onnx: nil, ortLibrary: ORTTestSupport.libraryPath,
            session: .init(intraOpThreads: 1))
        let onnx = try #require(model.backend as? OnnxBackend)
        #expect(!onnx.hasClassificationHead)
        for batch in fixture.batches {
            let pooled = try model.backend.embed(batch.tokenBatch)
            #expect(Fixtures.maxDifference(pooled, batch.output) <= Self.samePeerTolerance)
            let native = try BertModel(directory: fixture.modelPath).backend.embed(batch.tokenBatch)
            #expect(Fixtures.maxDifference(pooled, native) <= Self.nativeTolerance)
        }
        // Text in, through the tokenizer and sorted batches.
        let texts = [TextInput("the cat sat on the mat"), TextInput("tea"), TextInput("The dog", pair: "the cat")]
        let viaText = try model.embed(texts, batching: .sorted(size: 2))
        let native = try BertModel(directory: fixture.modelPath).embed(texts, batching: .sorted(size: 2))
        #expect(Fixtures.maxDifference(viaText, native) <= Self.nativeTolerance)
        #expect(throws: ORTError.self) { try model.classify(texts) }
    }

    @Test func concurrentRunsOnOneSessionAgree() async throws {
        let fixture = try OnnxFixture("torch-tiny-roberta-cls.onnx")
        let backend = try Self.backend(fixture, options: .init(intraOpThreads: 2))
        let results = try await withThrowingTaskGroup(of: [[Float]].self) { group in
            for i in 0..<8 {
                group.addTask {
                    var last: [[Float]] = []
                    for _ in 0..<25 {
                        last = try backend.classify(
                            fixture.batches[i % fixture.batches.count].tokenBatch(segments: backend.takesTokenTypeIds))
                    }
                    return last
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for output in results {
            let match = fixture.batches.contains { Fixtures.maxDifference(output, $0.output) <= Self.samePeerTolerance }
            #expect(match)
        }
    }

    @Test func sessionOptionsAreApplied() throws {
        let fixture = try OnnxFixture("torch-tiny-distilbert-cls.onnx")
        for level in ORTSessionOptions.GraphOptimization.allCases {
            let options = ORTSessionOptions(
                graphOptimization: level, intraOpThreads: 2, interOpThreads: 2,
                parallelExecution: true, memoryArena: false)
            let backend = try Self.backend(fixture, options: options)
            let logits = try backend.classify(fixture.batches[2].tokenBatch(segments: backend.takesTokenTypeIds))
            // Graph rewrites reorder floating-point work: same result to 1e-5, not bit for bit.
            #expect(Fixtures.maxDifference(logits, fixture.batches[2].output) <= 1e-5, "\(level)")
        }
    }

    @Test func cudaOnACPUBuildIsAClearError() throws {
        let runtime = try ORTTestSupport.runtime()
        let providers = try runtime.availableProviders()
        #expect(providers.contains("CPUExecutionProvider"))
        guard !providers.contains("CUDAExecutionProvider") else { return }  // a GPU build: nothing to refuse
        let fixture = try OnnxFixture("torch-tiny-bert-cls.onnx")
        do {
            _ = try Self.backend(fixture, options: .init(provider: .cuda(device: 0)))
            Issue.record("a CPU build accepted the CUDA provider")
        } catch let error as ORTError {
            guard case .providerUnavailable = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("CUDAExecutionProvider"))
            #expect(error.description.contains("onnxruntime-gpu"))
        }
    }
}
