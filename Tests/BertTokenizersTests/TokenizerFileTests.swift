import BertTokenizers
import Foundation
import TestSupport
import Testing

/// tokenizer.json errors name the component or JSON path; the pieces of the pipeline behave as HF's.
@Suite struct TokenizerFileTests {
    static let tiny = Fixtures.path("models/tiny-bert-cls/tokenizer.json")

    static func mutated(_ body: (inout [String: Any]) -> Void) throws -> Data {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tiny))) as! [String: Any]
        body(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }

    @Test func unknownComponentIsNamed() throws {
        let data = try Self.mutated { $0["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFD"], ["type": "Fancy"]]] }
        #expect(throws: TokenizerError.unsupportedComponent(kind: "normalizer", type: "Fancy", jsonPath: "normalizer.normalizers[1]")) {
            try Tokenizer(json: data)
        }
    }

    @Test func wrongFieldTypeNamesThePath() throws {
        let data = try Self.mutated { json in
            var model = json["model"] as! [String: Any]
            model["max_input_chars_per_word"] = "many"
            json["model"] = model
        }
        do {
            _ = try Tokenizer(json: data, path: "x/tokenizer.json")
            Issue.record("accepted a string for max_input_chars_per_word")
        } catch {
            #expect("\(error)".contains("x/tokenizer.json at model.max_input_chars_per_word"), "\(error)")
        }
    }

    @Test func notJSONAndMissingFileAreErrors() throws {
        #expect(throws: TokenizerError.self) { try Tokenizer(json: Data("{\"model\": ".utf8)) }
        #expect(throws: TokenizerError.fileUnreadable(path: "/no/tokenizer.json", reason: "no such file")) {
            try Tokenizer(contentsOf: URL(fileURLWithPath: "/no/tokenizer.json"))
        }
    }

    @Test func unkTokenMustBeInTheVocabulary() throws {
        let data = try Self.mutated { json in
            var model = json["model"] as! [String: Any]
            model["unk_token"] = "<nope>"
            json["model"] = model
        }
        #expect(throws: TokenizerError.missingToken("<nope>", context: "the WordPiece model (unk_token)")) { try Tokenizer(json: data) }
    }

    @Test func pairsTruncationAndSpecialTokens() throws {
        var tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: Self.tiny))
        let e = try tokenizer.encode("The  cats sat", pair: "a dog")
        #expect(e.tokens == ["[CLS]", "the", "cat", "##s", "sat", "[SEP]", "a", "dog", "[SEP]"])
        #expect(e.typeIds == [0, 0, 0, 0, 0, 0, 1, 1, 1])
        #expect(e.specialTokensMask == [1, 0, 0, 0, 0, 1, 0, 0, 1])
        #expect(e.offsets[1] == 0..<3 && e.offsets[3] == 8..<9 && e.offsets[7] == 2..<5)
        tokenizer.truncation = Truncation(maxLength: 6)
        #expect(try tokenizer.encode("the cat sat on the mat", pair: "a dog").tokens == ["[CLS]", "the", "cat", "[SEP]", "a", "[SEP]"])
        tokenizer.truncation = Truncation(maxLength: 6, direction: .left)
        #expect(try tokenizer.encode("the cat sat on the mat").tokens == ["[CLS]", "sat", "on", "the", "mat", "[SEP]"])
        #expect(try tokenizer.encode("the cat sat on the mat", pair: "a dog").tokens == ["[CLS]", "the", "mat", "[SEP]", "dog", "[SEP]"])
        tokenizer.truncation = Truncation(maxLength: 6, strategy: .onlySecond)
        #expect(throws: TokenizerError.self) { try tokenizer.encode("the cat sat on the mat", pair: "a dog") }
        let batch = try tokenizer.encodeBatch([("the cat", nil), ("a dog", "the mat")])
        #expect(batch.map(\.count) == [4, 6])
    }
}
