/// Why an ONNX export failed.
public enum ONNXExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An opset outside the supported range.
    case unsupportedOpset(Int, supported: ClosedRange<Int>)
    /// A tensor the graph needs is not in the checkpoint.
    case missingTensor(String)
    /// `--task classification` on a checkpoint without a classification head.
    case noClassificationHead
    /// A part of the folder the exporter does not write into graphs.
    case unsupportedModule(String)
    /// `--quantize int8` with `--optimize`: the fused contrib ops take float weights.
    case quantizedFusedGraph
    /// `--quantize int8` of a graph with no linear layer (no encoder layer and no classification head).
    case nothingToQuantize
    /// `--task sparse` on a checkpoint without a masked-language-model head: `tensor` is the first one missing.
    case noMaskedLMHead(tensor: String)
    /// The output (or its external data file) could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedOpset(opset, supported):
            return "opset \(opset) is not supported; choose one from \(supported.lowerBound) to \(supported.upperBound)"
        case let .missingTensor(name):
            return "the checkpoint has no tensor \(name)"
        case .noClassificationHead:
            return "the checkpoint has no classification head, so the graph cannot output logits (export it with task embedding)"
        case let .unsupportedModule(what):
            return "\(what) is not exported to ONNX yet; run this model's embeddings on the native engine"
        case .quantizedFusedGraph:
            return "an int8 export is written with standard ops only; drop --optimize (ONNX Runtime fuses the quantized graph itself)"
        case .nothingToQuantize:
            return "the model has no linear layer to quantize (no encoder layer, no classification head); export it without --quantize"
        case let .noMaskedLMHead(tensor):
            return "the checkpoint has no masked-language-model head (no tensor \(tensor)), so the graph cannot output sparse "
                + "(SPLADE) embeddings; export a BertForMaskedLM or DistilBertForMaskedLM folder"
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
