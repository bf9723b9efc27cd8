import ArgumentParser
import BertONNX
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model folder as an ONNX model (dynamic batch and sequence axes, weights as initializers).")

    @Option(name: .long, help: "Model folder (config.json, tokenizer.json, weights), or a Hub name ORG/NAME[@REVISION].")
    var model: String

    @Option(name: .long, help: "Output format (onnx).")
    var format: String = "onnx"

    @Option(name: .long, help: "The ONNX file to write.")
    var output: String

    @Option(name: .long, help: "ONNX opset (\(ONNXExporter.supportedOpsets.lowerBound)-\(ONNXExporter.supportedOpsets.upperBound)).")
    var opset = 17

    @Flag(name: .long, help: "Emit ONNX Runtime's fused ops (EmbedLayerNormalization, Attention, SkipLayerNormalization, BiasGelu).")
    var optimize = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Weights in <output>.data beside the model (default: only for models over 2 GB).")
    var externalData: Bool?

    @Option(name: .long, help: "Quantize the linear layers: int8 (dynamic int8 ops ONNX Runtime runs on its integer kernels).")
    var quantize: String?

    @Option(
        name: .long, help: "Outputs: automatic (logits if the checkpoint has a head, else sentence_embedding), classification, embedding.")
    var task: ONNXExporter.Task = .automatic

    func run() throws {
        try reportingErrors {
            guard format == "onnx" else { throw CLIError("unknown --format \(format); the only format is onnx") }
            if let quantize, quantize != "int8" { throw CLIError("unknown --quantize \(quantize); the only quantization is int8") }
            let summary = try ONNXExporter.export(
                directory: ModelLocation.folder(model), to: output,
                options: .init(
                    opset: opset, optimize: optimize, externalData: externalData,
                    task: task, quantizeInt8: quantize == "int8"))
            let opsets = summary.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            var lines = [
                "wrote \(summary.path): \(summary.nodeCount) nodes, opsets \(opsets), \(summary.bytes) bytes",
                "inputs: \(summary.inputs.joined(separator: ", "))",
                "outputs: \(summary.outputs.joined(separator: ", "))",
            ]
            if let data = summary.externalDataPath { lines.append("weights: \(data)") }
            print(lines.joined(separator: "\n"))
        }
    }
}

extension ONNXExporter.Task: ExpressibleByArgument {}
