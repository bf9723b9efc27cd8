import ArgumentParser
import BertKit
import Foundation

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print ids, tokens and attention mask of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    func run() throws {
        try streamInputs(options) { model, chunk in
            try model.tokenize(chunk).map { e in
                "{\"ids\":\(JSONLineWriter.array(e.ids)),\"tokens\":["
                    + e.tokens.map(JSONLineWriter.quote).joined(separator: ",")
                    + "],\"type_ids\":\(JSONLineWriter.array(e.typeIds)),\"attention_mask\":\(JSONLineWriter.array(e.attentionMask))}"
            }
        }
    }
}
