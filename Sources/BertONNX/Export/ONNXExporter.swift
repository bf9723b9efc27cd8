import BertKit
import BertModelIO
import Foundation

/// Exports a Hugging Face checkpoint folder to an ONNX model that ONNX Runtime (or any ONNX runtime) runs.
///
/// The graph takes `input_ids`, `attention_mask` (and `token_type_ids` for BERT-style type vocabularies) as int64
/// `[batch, sequence]` with both axes dynamic, and outputs `logits` (checkpoints with a classification head) or
/// `sentence_embedding` (pooled, and normalized where the sentence-transformers config says so), plus
/// `last_hidden_state`. Weights are initializers, written inline, or to `<output>.data` for models over 2 GB.
///
/// ```swift
/// let summary = try ONNXExporter.export(directory: "models/all-MiniLM-L6-v2", to: "minilm.onnx")
/// ```
public enum ONNXExporter {
    /// The opsets the exporter writes: 14 (every op BERT needs with today's semantics) to 21.
    public static let supportedOpsets = 14...21
    /// Models whose weights exceed this many bytes get external data (protobuf's limit is 2 GiB).
    public static let externalDataThreshold = 1_800_000_000

    /// Which outputs the graph has besides `last_hidden_state`.
    public enum Task: String, Sendable, CaseIterable {
        /// `logits` when the checkpoint has a classification head, else `sentence_embedding`.
        case automatic
        /// `logits`; an error without a classification head.
        case classification
        /// `sentence_embedding` (the folder's pooling), even when the checkpoint has a head.
        case embedding
        /// `sparse_embedding` `[batch, vocabulary]`: SPLADE's maximum over the tokens of log(1 + ReLU(logit)) from the
        /// masked-language-model head (`BertForMaskedLM`, `DistilBertForMaskedLM`); an error without one.
        case sparse
    }

    /// Export settings.
    public struct Options: Sendable {
        /// The default-domain opset.
        public var opset: Int
        /// Emit ONNX Runtime's fused contrib ops (`com.microsoft` domain).
        public var optimize: Bool
        /// Weights in `<output>.data` (true), inline (false), or chosen by size (nil).
        public var externalData: Bool?
        /// The task outputs.
        public var task: Task
        /// Write the linear layers with int8 weights and dynamically quantized inputs (`DynamicQuantizeLinear`,
        /// `MatMulInteger`), as `quantize_dynamic` does; standard-op graphs only.
        public var quantizeInt8: Bool

        /// Opset 17 (the first with LayerNormalization), standard ops, weights inline unless over 2 GB, task outputs
        /// chosen by the checkpoint, fp32.
        public init(
            opset: Int = 17, optimize: Bool = false, externalData: Bool? = nil, task: Task = .automatic,
            quantizeInt8: Bool = false
        ) {
            self.opset = opset
            self.optimize = optimize
            self.externalData = externalData
            self.task = task
            self.quantizeInt8 = quantizeInt8
        }
    }

    /// What was written.
    public struct Summary: Sendable {
        /// The model file.
        public var path: String
        /// The external data file, if any.
        public var externalDataPath: String?
        /// Graph input and output names.
        public var inputs: [String], outputs: [String]
        /// Node count and the opsets imported.
        public var nodeCount: Int, opsets: [String: Int]
        /// Bytes written (model plus external data).
        public var bytes: Int
    }

    /// Exports the model in `directory` to `output`.
    @discardableResult
    public static func export(directory path: String, to output: String, options: Options = Options()) throws -> Summary {
        guard supportedOpsets.contains(options.opset) else {
            throw ONNXExportError.unsupportedOpset(options.opset, supported: supportedOpsets)
        }
        if options.quantizeInt8 && options.optimize { throw ONNXExportError.quantizedFusedGraph }
        let directory = try ModelDirectory(path: path)
        let store = try directory.weights()
        let st = directory.sentenceTransformers
        if let dense = st?.dense.first, options.task != .classification {
            throw ONNXExportError.unsupportedModule("sentence-transformers Dense module '\(dense.path)'")
        }
        let pooling = Pooling(modes: st?.pooling ?? [.mean], normalize: st?.normalize ?? false)
        let weightBytes = store.names.reduce(0) { $0 + (store.shape($1)?.reduce(4, *) ?? 0) }
        let external = options.externalData ?? (weightBytes > externalDataThreshold)
        let dataPath = output + ".data"
        let sink =
            external
            ? try InitializerSink(externalPath: dataPath, location: URL(fileURLWithPath: dataPath).lastPathComponent)
            : InitializerSink()
        var graph = BertGraph(
            g: GraphBuilder(opset: options.opset, sink: sink),
            weights: ExportWeights(store: store, config: directory.config), pooling: pooling, optimize: options.optimize,
            task: options.task, quantize: options.quantizeInt8)
        let proto = try graph.build()
        if options.quantizeInt8 && graph.quantizedLayers == 0 {
            try? sink.close()
            throw ONNXExportError.nothingToQuantize
        }
        try sink.close()
        var opsets: [(domain: String, version: Int64)] = [("", Int64(options.opset))]
        if graph.g.usesContribOps { opsets.append((GraphBuilder.contribDomain, 1)) }
        let model = ModelProto(
            irVersion: irVersion(opset: options.opset), opsets: opsets, producerName: "bertkit",
            producerVersion: BertKitInfo.version, graph: proto,
            metadata: [("model_type", directory.config.architecture.rawValue), ("source", path)])
        let bytes = model.serialized
        guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
            throw ONNXExportError.cannotWrite(path: output, reason: "cannot create the file")
        }
        return Summary(
            path: output, externalDataPath: external ? dataPath : nil,
            inputs: proto.inputs.map(\.name), outputs: proto.outputs.map(\.name), nodeCount: proto.nodes.count,
            opsets: Dictionary(uniqueKeysWithValues: opsets.map { ($0.domain.isEmpty ? "ai.onnx" : $0.domain, Int($0.version)) }),
            bytes: bytes.count + sink.externalBytes)
    }

    /// The IR version onnx pairs with an opset (onnx.helper.VERSION_TABLE).
    static func irVersion(opset: Int) -> Int64 {
        switch opset {
        case ...14: return 7
        case 15...18: return 8
        case 19...20: return 9
        default: return 10
        }
    }
}
