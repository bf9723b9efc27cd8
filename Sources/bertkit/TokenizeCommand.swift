import ArgumentParser
import BertKit
import BertModelIO
import BertTokenizers
import Foundation

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print ids, tokens, segment ids and attention mask (and offsets) of each input line as JSON Lines.",
        discussion: """
            --model takes a model folder (its length limit applies) or a folder holding only tokenizer.json;
            --tokenizer takes a tokenizer.json file. Offsets are [start, end) in Unicode code points of the input,
            as Hugging Face tokenizers reports them in Python.
            """)

    @Option(name: .long, help: "Model folder, or a folder holding only tokenizer.json.")
    var model: String?

    @Option(name: .long, help: "A tokenizer.json file (instead of --model).")
    var tokenizer: String?

    @OptionGroup var stream: StreamOptions

    @Option(name: .long, help: "Second sequence paired with every input (overrides text_pair of JSON Lines).")
    var pair: String?

    @Flag(name: .long, help: "Also print each token's [start, end) offsets in the input.")
    var offsets = false

    @Flag(name: .long, help: "Cut inputs longer than the maximum length instead of failing.")
    var truncate = false

    @Option(name: .long, help: "Maximum tokens per input (special tokens included).")
    var maxLength: Int?

    @Flag(name: .long, help: "Do not add the post-processor's special tokens ([CLS], <s>, ...).")
    var noSpecialTokens = false

    func validate() throws {
        guard (model == nil) != (tokenizer == nil) else { throw ValidationError("give exactly one of --model and --tokenizer") }
        if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let (tokenizer, limit) = try load()
            try streamLines(stream) { chunk in
                let encodings = try tokenizer.encodeBatch(chunk.map { ($0.text, pair ?? $0.pair) }, addSpecialTokens: !noSpecialTokens)
                return try encodings.enumerated().map { k, e in
                    if let limit, e.count > limit {
                        throw InputError(index: k, underlying: TokenizerError.tooLong(tokens: e.count, maxLength: limit))
                    }
                    return Self.line(e, offsets: offsets)
                }
            }
        }
    }

    /// The tokenizer and the length inputs must fit in (nil: no limit).
    private func load() throws -> (Tokenizer, Int?) {
        let model = try self.model.map(ModelLocation.folder)
        if let model, FileManager.default.fileExists(atPath: model + "/config.json") {
            let directory = try ModelDirectory(path: model)
            let encoder = try InputEncoder(directory: directory, options: .init(truncate: truncate, maxLength: maxLength))
            return (encoder.tokenizer, encoder.maxLength)
        }
        let file = tokenizer ?? (model.map { $0 + "/tokenizer.json" } ?? "")
        var loaded: Tokenizer
        if let model, tokenizer == nil, !FileManager.default.fileExists(atPath: file) {
            guard let converted = try SlowTokenizerFiles.tokenizer(folder: model) else {
                throw CLIError("\(model) holds neither config.json nor tokenizer.json (nor vocab.txt, or vocab.json + merges.txt)")
            }
            loaded = converted
        } else {
            loaded = try Tokenizer(contentsOf: URL(fileURLWithPath: file))
        }
        loaded.padding = nil
        loaded.truncation = nil
        if truncate, let maxLength {
            let t = Truncation(maxLength: maxLength)
            try loaded.validate(t)
            loaded.truncation = t
        } else if truncate {
            throw CLIError("--truncate needs --max-length with a tokenizer that has no model")
        }
        return (loaded, maxLength)
    }

    static func line(_ e: Encoding, offsets: Bool) -> String {
        var s =
            "{\"ids\":\(JSONLineWriter.array(e.ids)),\"tokens\":["
            + e.tokens.map(JSONLineWriter.quote).joined(separator: ",")
            + "],\"type_ids\":\(JSONLineWriter.array(e.typeIds)),\"attention_mask\":\(JSONLineWriter.array(e.attentionMask))"
        if offsets {
            s += ",\"offsets\":[" + e.offsets.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]"
            s += ",\"special_tokens_mask\":\(JSONLineWriter.array(e.specialTokensMask))"
        }
        return s + "}"
    }
}
