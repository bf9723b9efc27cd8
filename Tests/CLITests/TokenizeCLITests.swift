import Foundation
import TestSupport
import Testing

/// `bertkit tokenize` on tokenizer files and tokenizer-only folders, with pairs and offsets. Expected values are
/// Hugging Face `tokenizers`' output for the same files.
@Suite struct TokenizeCLITests {
    static let roberta = Fixtures.path("tokenizer/trained/roberta-bpe/tokenizer.json")

    static func lines(_ run: CLITests.Run) -> [[String: Any]] {
        run.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func tokenizerFileWithPairAndOffsets() throws {
        let run = try CLITests.run(
            ["tokenize", "--tokenizer", Self.roberta, "--offsets", "--pair", "How are you?"],
            stdin: Data("Hello world\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let line = try #require(Self.lines(run).first)
        #expect(line["tokens"] as? [String] == ["<s>", "Hello", "Ġworld", "</s>", "</s>", "How", "Ġare", "Ġyou", "?", "</s>"])
        #expect(line["ids"] as? [Int] == [0, 7259, 695, 2, 2, 1105, 374, 303, 34, 2])
        #expect(
            line["offsets"] as? [[Int]] == [[0, 0], [0, 5], [6, 11], [0, 0], [0, 0], [0, 3], [4, 7], [8, 11], [11, 12], [0, 0]])
        #expect(line["special_tokens_mask"] as? [Int] == [1, 0, 0, 1, 1, 0, 0, 0, 0, 1])
    }

    @Test func folderHoldingOnlyTokenizerJSON() throws {
        let dir = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: Fixtures.path("tokenizer/trained/french-unigram/tokenizer.json"),
            toPath: dir.appendingPathComponent("tokenizer.json").path)
        let run = try CLITests.run(["tokenize", "--model", dir.path, "--offsets"], stdin: Data("Bonjour à tous\n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let line = try #require(Self.lines(run).first)
        #expect(line["tokens"] as? [String] == ["<s>", "▁B", "on", "j", "ou", "r", "▁à", "▁tous", "</s>"])
        #expect(line["offsets"] as? [[Int]] == [[0, 0], [0, 1], [1, 3], [3, 4], [4, 6], [6, 7], [7, 9], [9, 14], [0, 0]])
    }

    @Test func maxLengthFailsOrTruncatesOnRequest() throws {
        let text = Data("one two three four five six seven eight nine ten\n".utf8)
        let refused = try CLITests.run(["tokenize", "--tokenizer", Self.roberta, "--max-length", "6"], stdin: text)
        CLITests.expectFailure(refused, "stdin line 1: input has")
        let cut = try CLITests.run(["tokenize", "--tokenizer", Self.roberta, "--max-length", "6", "--truncate"], stdin: text)
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect((Self.lines(cut).first?["ids"] as? [Int])?.count == 6)
    }

    @Test func badArgumentsAreNamed() throws {
        let neither = try CLITests.run(["tokenize"], stdin: Data("x\n".utf8))
        #expect(neither.status != 0 && neither.stderr.contains("--model") && neither.stderr.contains("--tokenizer"))
        let empty = try Fixtures.temporaryDirectory()
        CLITests.expectFailure(
            try CLITests.run(["tokenize", "--model", empty.path], stdin: Data("x\n".utf8)),
            "holds neither config.json nor tokenizer.json")
        CLITests.expectFailure(
            try CLITests.run(["tokenize", "--tokenizer", "/no/tokenizer.json"], stdin: Data("x\n".utf8)),
            "cannot read tokenizer file /no/tokenizer.json")
    }
}
