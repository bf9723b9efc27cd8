import ArgumentParser
import BertKit
import BertONNX
import BertTorchScript
import Foundation

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Print the label, score and logits of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    func run() throws {
        try streamInputs(options, check: { model in
            guard model.backend.hasClassificationHead else {
                if let onnx = model.backend as? OnnxBackend { throw onnx.missing("classification (an output named logits)") }
                if let torch = model.backend as? TorchScriptBackend {
                    throw TorchScriptError.unexpectedOutput(path: torch.module.path,
                                                            detail: "outputs hidden states, not logits; use embed for encoder models")
                }
                throw BertKitError.noClassificationHead(path: model.directory.weightsPath)
            }
        }) { model, chunk in
            try model.classify(chunk, batching: options.batchingStrategy()).map { r in
                "{\"label\":\(JSONLineWriter.quote(r.label)),\"score\":\(r.score),\"logits\":\(JSONLineWriter.array(r.logits))}"
            }
        }
    }
}
