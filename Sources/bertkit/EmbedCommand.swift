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
        try reportingErrors {
            let model = try options.load()
            let reader = try InputReader(path: options.input)
            let inputs = try reader.inputs()
            var out = JSONLineWriter()
            for start in stride(from: 0, to: inputs.count, by: chunkSize) {
                let chunk = Array(inputs[start..<min(start + chunkSize, inputs.count)])
                let vectors: [[Float]]
                do { vectors = try model.embed(chunk, batchSize: batchSize) } catch {
                    throw lineError(error, offset: start, source: reader.source)
                }
                for v in vectors { out.line("{\"embedding\":\(JSONLineWriter.array(v))}") }
            }
            out.flush()
        }
    }
}

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Print the label, score and logits of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Sequences per batch.")
    var batchSize = 32

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            guard (model.backend as? NativeBackend)?.hasClassificationHead ?? true else {
                throw BertKitError.noClassificationHead(path: model.directory.weightsPath)
            }
            let reader = try InputReader(path: options.input)
            let inputs = try reader.inputs()
            var out = JSONLineWriter()
            for start in stride(from: 0, to: inputs.count, by: chunkSize) {
                let chunk = Array(inputs[start..<min(start + chunkSize, inputs.count)])
                let results: [Classification]
                do { results = try model.classify(chunk, batchSize: batchSize) } catch {
                    throw lineError(error, offset: start, source: reader.source)
                }
                for r in results {
                    out.line("{\"label\":\(JSONLineWriter.quote(r.label)),\"score\":\(r.score),\"logits\":\(JSONLineWriter.array(r.logits))}")
                }
            }
            out.flush()
        }
    }
}
