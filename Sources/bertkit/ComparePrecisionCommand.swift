import ArgumentParser
import BertBench
import BertKit
import BertModelIO
import Foundation

struct ComparePrecisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-precision",
        abstract: "What a reduced precision costs on your data: each precision's outputs against fp32, input by input.",
        discussion: """
            Embedding models: cosine similarity of each input's two embeddings (min, 1st percentile, mean) and the share \
            of inputs whose most similar other input of the data stays the same. Classifiers: arg-max agreement and the \
            largest and mean absolute logit change. Also the packed weight memory against fp32. Prints a table, or one \
            JSON object per precision with --json.
            """)

    @Option(name: .long, help: "Model folder, or a Hub name ORG/NAME[@REVISION] (Hugging Face cache, downloaded when missing).")
    var model: String

    @Option(name: .long, help: "Data file: one input per line, text or JSON Lines {\"text\": ...}.")
    var data: String

    @Option(name: .long, help: "Precisions to compare with fp32, comma-separated: bf16, fp16, int8.")
    var precision = "int8"

    @Option(name: .long, help: "Use only the first N inputs of the data file.")
    var limit: Int?

    @Option(name: .long, help: "Engine threads (0: one per core).")
    var threads = 0

    @Flag(name: .long, help: "JSON Lines instead of a table.")
    var json = false

    @OptionGroup var prompts: PromptOptions

    func run() throws {
        try reportingErrors {
            let precisions = try parsePrecisions(precision, option: "--precision")
            guard precisions.contains(where: { $0 != .fp32 }) else {
                throw CLIError("--precision: name at least one of bf16, fp16, int8 to compare with fp32")
            }
            if let limit, limit < 1 { throw CLIError("--limit must be positive, got \(limit)") }
            let model = try ModelLocation.folder(model)
            let encoder = try InputEncoder(
                directory: ModelDirectory(path: model),
                options: prompts.applied(to: BertModel.Options(truncate: true)))
            var inputs = try InputFile(path: data).inputs()
            if let limit { inputs = Array(inputs.prefix(limit)) }
            guard !inputs.isEmpty else { throw CLIError("\(data) has no inputs") }
            let encodings = try inputs.enumerated().map { i, input in
                do { return try encoder.encode(input) } catch { throw CLIError("\(data) line \(i + 1): \(error)") }
            }
            let results = try PrecisionAccuracy.measure(
                modelPath: model, encodings: encodings, precisions: precisions,
                threads: threads)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for result in results { print(String(decoding: try encoder.encode(result), as: UTF8.self)) }
                return
            }
            print(
                "\(results.first?.sequences ?? 0) inputs of \(data), each precision against fp32 (kernels: \((try? KernelISA.resolve())?.rawValue ?? "none"))"
            )
            for r in results {
                let memory = r.fp32WeightBytes > 0 ? String(format: "%.2fx", Double(r.weightBytes) / Double(r.fp32WeightBytes)) : "–"
                if r.task == "classify" {
                    print(
                        String(
                            format: "%@: argmax agreement %.2f%%, max |Δ logit| %.4f, mean |Δ logit| %.5f, weights %@ of fp32",
                            r.precision, (r.argmaxAgreement ?? 0) * 100, r.logitMaxDrift ?? 0, r.logitMeanDrift ?? 0, memory))
                } else {
                    print(
                        String(
                            format: "%@: cosine min %.5f, p1 %.5f, mean %.6f; top-1 neighbour agreement %.1f%%; weights %@ of fp32",
                            r.precision, r.cosineMin ?? 0, r.cosineP1 ?? 0, r.cosineMean ?? 0,
                            (r.retrievalAgreement ?? 0) * 100, memory))
                }
            }
        }
    }
}
