import BertTokenizers
import Foundation
import TestSupport
import Testing

/// The MiniLM WordPiece tokenizer against HF `tokenizers` on the committed cases
/// (Tests/Fixtures/tokenizer/minilm_wordpiece.jsonl, made by tools/make_fixtures.py).
@Suite struct WordPieceParityTests {
    @Test func identicalToHuggingFaceOnEveryCase() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        var tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: Fixtures.miniLM + "/tokenizer.json"))
        tokenizer.padding = nil
        let cases = try Fixtures.jsonLines("tokenizer/minilm_wordpiece.jsonl")
        #expect(cases.count >= 2000)
        var mismatches: [String] = []
        for (index, c) in cases.enumerated() {
            let text = c["text"] as! String
            let pair = c["pair"] as? String
            if let maxLength = c["max_length"] as? Int {
                let strategy: Truncation.Strategy = switch c["strategy"] as? String {
                case "only_first": .onlyFirst
                case "only_second": .onlySecond
                default: .longestFirst
                }
                tokenizer.truncation = Truncation(maxLength: maxLength, strategy: strategy)
            } else {
                tokenizer.truncation = nil
            }
            let result = Result { try tokenizer.encode(text, pair: pair) }
            if c["error"] != nil {
                if case .success = result { mismatches.append("case \(index) \(text.debugDescription): expected an error") }
                continue
            }
            guard case let .success(encoding) = result else {
                mismatches.append("case \(index) \(text.debugDescription): threw \(result)")
                continue
            }
            let ids = c["ids"] as! [Int]
            let tokens = c["tokens"] as! [String]
            let typeIds = c["type_ids"] as! [Int]
            let offsets = (c["offsets"] as! [[Int]]).map { $0[0]..<$0[1] }
            if encoding.ids != ids || encoding.tokens != tokens || encoding.typeIds != typeIds || encoding.offsets != offsets {
                mismatches.append("case \(index) \(text.debugDescription) pair \(pair.debugDescription): "
                                  + "got \(encoding.tokens) \(encoding.offsets), expected \(tokens) \(offsets)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }
}
