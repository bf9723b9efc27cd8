import ArgumentParser
import BertKit
import BertTokenizers
import Foundation

struct TokenizerBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tokenizer",
        abstract: "Time loading a tokenizer.json and tokenizing a corpus; prints one JSON line.",
        discussion: """
            --threads 1 encodes the lines one after another on one thread; --threads 0 uses the parallel batch API
            (all cores). Each repeat tokenizes every line once, special tokens added; the best repeat counts.
            """)

    @Option(name: .long, help: "The tokenizer.json file.")
    var tokenizer: String

    @Option(name: .long, help: "Corpus: one text per line.")
    var data: String

    @Option(name: .long, help: "1: one thread, sequential; 0: the parallel batch API on all cores.")
    var threads = 1

    @Option(name: .long, help: "Timed passes over the corpus.")
    var repeats = 5

    func validate() throws {
        guard threads == 0 || threads == 1 else { throw ValidationError("--threads must be 0 (all cores) or 1") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let clock = ContinuousClock()
            var loaded: Tokenizer?
            let load = try clock.measure { loaded = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer)) }
            guard var tokenizer = loaded else { return }
            tokenizer.padding = nil
            tokenizer.truncation = nil
            let lines = try InputFile(path: data).inputs().map(\.text)
            let tokens = try tokenizer.encodeBatch(lines.map { ($0, nil) }).reduce(0) { $0 + $1.count }
            var runs: [Double] = []
            for _ in 0..<repeats {
                let elapsed = try clock.measure {
                    if threads == 1 {
                        for line in lines { _ = try tokenizer.encode(line) }
                    } else {
                        _ = try tokenizer.encodeBatch(lines.map { ($0, nil) })
                    }
                }
                runs.append(elapsed.milliseconds)
            }
            let best = runs.min() ?? 0
            print(
                "{\"tokenizer\":\(JSONLineWriter.quote(self.tokenizer)),\"model\":\(JSONLineWriter.quote(tokenizer.modelKind)),"
                    + "\"load_ms\":\(load.milliseconds),\"sequences\":\(lines.count),\"tokens\":\(tokens),"
                    + "\"threads\":\(threads == 1 ? 1 : ProcessInfo.processInfo.activeProcessorCount),"
                    + "\"runs_ms\":[\(runs.map { String($0) }.joined(separator: ","))],\"best_ms\":\(best),"
                    + "\"tokens_per_s\":\(Double(tokens) / (best / 1000))}")
        }
    }
}
