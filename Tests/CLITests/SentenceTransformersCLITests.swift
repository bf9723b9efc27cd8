import Foundation
import TestSupport
import Testing

/// sentence-transformers folders through the CLI: prompts by name or text, Dense modules, the embedding width.
@Suite struct SentenceTransformersCLITests {
    static let dense = Fixtures.path("st/bert-dense")

    @Test func promptNameSelectsTheFoldersPrompt() throws {
        let expected = try Fixtures.json("st/bert-dense/expected.json")
        let want = (expected["embeddings_passage"] as! [[Double]])[1]
        let run = try CLITests.run(
            ["embed", "--model", Self.dense, "--prompt-name", "passage"],
            stdin: Data("  leading and trailing  \n".utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let got = CLITests.vectors(run)
        #expect(got.count == 1 && got[0].count == 8)
        #expect(zip(got[0], want).allSatisfy { abs($0 - $1) < 1e-5 })
        let info = try CLITests.run(["info", "--model", Self.dense])
        #expect(info.stdout.contains("\"embedding_dimension\": 8"), "\(info.stdout)")
    }

    @Test func promptErrorsAreOneLine() throws {
        CLITests.expectFailure(
            try CLITests.run(["embed", "--model", Self.dense, "--prompt-name", "summary"], stdin: Data("a\n".utf8)),
            "prompt 'summary' is not one of")
        CLITests.expectFailure(
            try CLITests.run(
                ["embed", "--model", Self.dense, "--prompt-name", "query", "--prompt", "x: "],
                stdin: Data("a\n".utf8)),
            "--prompt-name and --prompt: give one")
        CLITests.expectFailure(
            try CLITests.run(["export", "--model", Self.dense, "--output", NSTemporaryDirectory() + "d.onnx"]),
            "Dense module '2_Dense' is not exported to ONNX yet")
    }
}
