import ArgumentParser
import BertKit
import BertTokenizers
import Foundation

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print ids, tokens and attention mask of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let reader = try InputReader(path: options.input)
            let inputs = try reader.inputs()
            var out = JSONLineWriter()
            for start in stride(from: 0, to: inputs.count, by: chunkSize) {
                let chunk = Array(inputs[start..<min(start + chunkSize, inputs.count)])
                let encodings: [Encoding]
                do { encodings = try model.tokenize(chunk) } catch {
                    throw lineError(error, offset: start, source: reader.source)
                }
                for e in encodings {
                    out.line("{\"ids\":\(JSONLineWriter.array(e.ids)),\"tokens\":["
                             + e.tokens.map(JSONLineWriter.quote).joined(separator: ",")
                             + "],\"type_ids\":\(JSONLineWriter.array(e.typeIds)),\"attention_mask\":\(JSONLineWriter.array(e.attentionMask))}")
                }
            }
            out.flush()
        }
    }
}
