import ArgumentParser
import BertKit
import BertTokenizers
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Print the sentence embedding of each input line as JSON Lines.")

    @OptionGroup var options: ModelOptions

    @Flag(name: .long, help: "Print the time spent tokenizing and in the model, as JSON on standard error.")
    var timing = false

    @Flag(
        name: .long,
        help: "Sparse (SPLADE) embeddings from the masked-language-model head: {\"indices\": [...], \"values\": [...]} per line.")
    var sparse = false

    func run() throws {
        let clock = ContinuousClock()
        var tokenizing = Duration.zero, modelTime = Duration.zero, tokens = 0, sequences = 0
        let sparse = self.sparse
        try streamInputs(options, sparse: sparse) { model, batching, chunk in
            func lines(_ encodings: [Encoding]) throws -> [String] {
                sparse
                    ? try model.sparseEmbed(encodings: encodings, batching: batching).map(\.json)
                    : try model.embed(encodings: encodings, batching: batching).map(Self.line)
            }
            guard timing else {
                return sparse ? try model.sparseEmbed(chunk, batching: batching).map(\.json) : try model.embed(chunk, batching: batching).map(Self.line)
            }
            var encodings: [Encoding] = []
            tokenizing += try clock.measure { encodings = try model.tokenize(chunk) }
            if sequences == 0, let first = encodings.first {
                _ = try lines([first])  // warm-up: first-touch of the weights
            }
            var output: [String] = []
            modelTime += try clock.measure { output = try lines(encodings) }
            tokens += encodings.reduce(0) { $0 + $1.count }
            sequences += encodings.count
            return output
        }
        if timing {
            let peak = ResidentMemory.peakKilobytes.map(String.init) ?? "null"
            let line =
                "{\"sequences\":\(sequences),\"tokens\":\(tokens),\"tokenize_ms\":\(tokenizing.milliseconds),"
                + "\"model_ms\":\(modelTime.milliseconds),\"peak_rss_kb\":\(peak)}\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func line(_ vector: [Float]) -> String { "{\"embedding\":\(JSONLineWriter.array(vector))}" }
}
