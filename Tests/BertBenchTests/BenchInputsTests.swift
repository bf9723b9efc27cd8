import BertBench
import BertKit
import BertModelIO
import Foundation
import TestSupport
import Testing

/// bench and tune tokenize their data as `embed` does (`InputEncoder`): the folder's default prompt before each text,
/// sentence-transformers' whitespace strip, the length limit; not the bare tokenizer.
@Suite struct BenchInputsTests {
    static let folder = Fixtures.path("st/bert-dense")  // default_prompt_name: query ("query: ")

    @Test func benchDataIsWhatEmbedTokenizes() throws {
        let lines = ["  the cat sat on the mat ", "tea", "A quick brown fox\t", "naïve café"]
        let data = try Fixtures.temporaryDirectory().appendingPathComponent("data.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let directory = try ModelDirectory(path: Self.folder)
        var configuration = BenchConfiguration(modelPath: Self.folder, dataPath: data.path, outputFolder: "/tmp/unused")
        let bench = try BenchData(path: data.path, encoder: InputEncoder(directory: directory, options: configuration.inputOptions))
        let model = try BertModel(directory: Self.folder, options: .init(truncate: true))
        let embedded = try model.tokenize(lines.map { TextInput($0) })
        #expect(bench.encodings.map(\.ids) == embedded.map(\.ids))
        // The bare tokenizer (what bench used) gives other ids: the prompt and the strip matter here.
        let bare = try model.tokenizer.encodeBatch(lines.map { ($0, nil) })
        #expect(bare.map(\.ids) != embedded.map(\.ids))
        // A prompt asked for by name reaches the data's encoder too.
        configuration.promptName = "passage"
        #expect(try InputEncoder(directory: directory, options: configuration.inputOptions).prompt == "passage: ")
    }
}
