import ArgumentParser
import BertKit
import Foundation

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Print the label, score and logits of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    func run() throws {
        try streamInputs(
            options,
            check: { model in
                guard model.backend.hasClassificationHead else { throw model.backend.missingClassificationHead(model: model.directory) }
            }
        ) { model, batching, chunk in
            try model.classify(chunk, batching: batching).map { r in
                "{\"label\":\(JSONLineWriter.quote(r.label)),\"score\":\(r.score),\"logits\":\(JSONLineWriter.array(r.logits))}"
            }
        }
    }
}
