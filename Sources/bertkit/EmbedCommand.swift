import ArgumentParser
import BertKit
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Print the sentence embedding of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Sequences per batch.")
    var batchSize = 32

    func run() throws {
        try streamInputs(options) { model, chunk in
            try model.embed(chunk, batchSize: batchSize).map { "{\"embedding\":\(JSONLineWriter.array($0))}" }
        }
    }
}
