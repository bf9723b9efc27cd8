import Foundation
import TestSupport
import Testing

/// The architectures beyond BERT through the command line as a user runs it: `embed --sparse` on a SPLADE folder
/// (transformers' values), `classify` on MPNet, ELECTRA, DeBERTa and GTE folders (transformers' logits), and the one-line
/// errors of a folder without the head each asks for.
@Suite struct ArchitectureCLITests {
    @Test func embedSparseWritesIndicesAndValues() throws {
        let expected = try Fixtures.json("models/tiny-splade-distilbert/expected.json")
        let texts = (expected["inputs"] as! [[String: Any]]).prefix(3).map { $0["text"] as! String }
        let sparse = (expected["sparse"] as! [[String: Any]]).prefix(3)
        let run = try CLITests.run(
            ["embed", "--sparse", "--model", Fixtures.path("models/tiny-splade-distilbert")],
            stdin: Data((texts.joined(separator: "\n") + "\n").utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 3)
        for (line, want) in zip(lines, sparse) {
            #expect(line["indices"] as? [Int] == want["indices"] as? [Int])
            let got = line["values"] as! [Double], values = want["values"] as! [Double]
            #expect(zip(got, values).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }

    @Test func embedSparseWithoutTheHeadFailsInOneLine() throws {
        let run = try CLITests.run(["embed", "--sparse", "--model", Fixtures.path("models/tiny-bert-cls")], stdin: Data("a\n".utf8))
        CLITests.expectFailure(run, "cls.predictions.transform.dense.weight")
    }

    @Test(arguments: ["tiny-mpnet-cls", "tiny-electra-cls", "tiny-deberta-v3-cls", "tiny-gte-cls", "tiny-nomic-cls", "tiny-modernbert-cls"])
    func classifyMatchesTransformers(model: String) throws {
        let expected = try Fixtures.json("models/\(model)/expected.json")
        let inputs = (expected["inputs"] as! [[String: Any]]).filter { $0["text_pair"] is NSNull || $0["text_pair"] == nil }
            .map { $0["text"] as! String }.filter { !$0.isEmpty && !$0.contains("\n") }.prefix(4)
        let texts = (expected["inputs"] as! [[String: Any]]).map { $0["text"] as! String }
        let logits = expected["logits"] as! [[Double]]
        #expect(inputs.count == 4)
        let run = try CLITests.run(
            ["classify", "--model", Fixtures.path("models/\(model)")], stdin: Data((inputs.joined(separator: "\n") + "\n").utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == inputs.count)
        for (text, line) in zip(inputs, lines) {
            let want = try #require(texts.firstIndex(of: text).map { logits[$0] })
            let got = line["logits"] as! [Double]
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-4 }, "\(model): \(text)")
        }
    }
}
