import ArgumentParser
import BertKit
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Print the sentence embedding of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    func run() throws {
        try streamInputs(options) { model, chunk in
            try model.embed(chunk, batching: options.batchingStrategy()).map { "{\"embedding\":\(JSONLineWriter.array($0))}" }
        }
    }
}
