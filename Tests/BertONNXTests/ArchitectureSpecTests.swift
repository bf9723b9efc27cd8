import BertModelIO
import Foundation
import TestSupport
import Testing

@testable import BertKit
@testable import BertONNX

/// The model is described once (`ArchitectureSpec`): the native engine and the ONNX exporter read exactly the tensors
/// the architecture's spec names, no more and no fewer, on a checkpoint of each architecture; and the spec claims every
/// tensor those checkpoints hold. A reader that spelled a key of its own, or skipped one, fails here.
@Suite struct ArchitectureSpecTests {
    static let folders = [
        "tiny-bert-cls", "tiny-roberta-cls", "tiny-distilbert-cls", "tiny-xlmr-spm", "tiny-bert-reranker", "tiny-mpnet-cls",
        "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-deberta-v2-cls", "tiny-gte-cls", "tiny-nomic-cls",
        "tiny-modernbert-cls",
    ]

    static func load(_ folder: String) throws -> (ModelDirectory, WeightStore) {
        let directory = try ModelDirectory(path: Fixtures.path("models/" + folder))
        return (directory, try directory.weights())
    }

    /// The spec's names as the checkpoint spells them (with the task prefix where the file has one).
    static func checkpointNames(_ spec: ArchitectureSpec, _ config: BertConfig, _ store: WeightStore, head: Bool) -> Set<String> {
        Set(spec.tensorNames(config, head: head).map { store.source.shape(of: $0) != nil ? $0 : store.prefix + $0 })
    }

    @Test(arguments: Self.folders)
    func theEngineReadsWhatTheSpecNames(folder: String) throws {
        let (directory, store) = try Self.load(folder)
        let spec = directory.config.architecture.spec
        let recording = store.recordingReads()
        _ = try NativeBackend(weights: recording, config: directory.config, pooling: Pooling(modes: [.mean], normalize: false))
        let head = spec.hasHead(store.contains)
        #expect(head, "\(folder) is a classifier")
        #expect(recording.reads?.all == Self.checkpointNames(spec, directory.config, store, head: head))
        // Nothing in the checkpoint is left unclaimed but the buffers transformers saves beside the weights.
        let unclaimed = Set(store.names).subtracting(Self.checkpointNames(spec, directory.config, store, head: true))
        #expect(
            unclaimed.allSatisfy { $0.hasSuffix("position_ids") || $0.hasPrefix("pooler.") || $0.hasPrefix(store.prefix + "pooler.") },
            "\(folder): \(unclaimed.sorted())")
    }

    @Test(arguments: Self.folders, [false, true])
    func theExporterReadsWhatTheSpecNames(folder: String, optimize: Bool) throws {
        let (directory, store) = try Self.load(folder)
        let spec = directory.config.architecture.spec
        let recording = store.recordingReads()
        var graph = BertGraph(
            g: GraphBuilder(opset: 17, sink: InitializerSink()),
            weights: ExportWeights(store: recording, config: directory.config),
            pooling: Pooling(modes: [.mean], normalize: false), optimize: optimize, task: .automatic, quantize: false)
        _ = try graph.build()
        #expect(recording.reads?.all == Self.checkpointNames(spec, directory.config, store, head: true), "\(folder) optimize \(optimize)")
    }

    /// Each architecture's spec, as transformers names its modules.
    @Test func specsMirrorTransformers() {
        #expect(Architecture.bert.spec.layerKeys(2).query == "encoder.layer.2.attention.self.query")
        #expect(Architecture.distilbert.spec.layerKeys(0).outputNorm == "transformer.layer.0.output_layer_norm")
        #expect(Architecture.xlmRoberta.spec.head.projection == "classifier.out_proj")
        #expect(Architecture.camembert.spec.positions == .afterPadding && Architecture.bert.spec.positions == .absolute)
        #expect(Architecture.distilbert.spec.head.activation == .relu && Architecture.distilbert.spec.fixedLayerNormEps == 1e-12)
        #expect(Architecture.mpnet.spec.layerKeys(1).attentionOutput == "encoder.layer.1.attention.attn.o")
        #expect(Architecture.mpnet.spec.relativeBias?.table == "encoder.relative_attention_bias")
        #expect(Architecture.mpnet.spec.fixedPositionPadId == 1 && Architecture.mpnet.spec.config.typeVocabSize == nil)
        #expect(Architecture.electra.spec.embeddingProjection == "embeddings_project" && Architecture.electra.spec.head.activation == .gelu)
        #expect(Architecture.modernBert.spec.layerKeys(3).fusedQKV == "layers.3.attn.Wqkv" && Architecture.modernBert.spec.preLayerNorm)
        #expect(Architecture.modernBert.spec.gatedFeedForward?.activated == .first && Architecture.modernBert.spec.finalNorm == "final_norm")
        for architecture in Architecture.allCases { #expect(architecture.spec.architecture == architecture) }
    }
}
