@testable import BertTokenizers
import Foundation
import TestSupport
import Testing

/// Folders without tokenizer.json: the tokenizer built from the slow tokenizer's files against transformers'
/// conversion of the same files (tools/make_slow_tokenizer_fixtures.py).
@Suite struct SlowTokenizerFilesTests {
    /// transformers converts MiniLM's vocab.txt + tokenizer_config.json + special_tokens_map.json to exactly its
    /// tokenizer.json (the fixture script checks it), so the 5,000-string `wordpiece` cases apply unchanged.
    @Test func wordPieceFromVocabTxtMatchesOnTheWordPieceCases() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let folder = try Fixtures.temporaryDirectory()
        for name in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.miniLM + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
        let tokenizer = try #require(try SlowTokenizerFiles.tokenizer(folder: folder.path))
        #expect(try TokenizerParityTests.check("wordpiece", on: tokenizer) >= 5000)
    }

    @Test func byteLevelBPEFromVocabJSONAndMergesMatchesTransformers() throws {
        let tokenizer = try #require(try SlowTokenizerFiles.tokenizer(folder: Fixtures.path("tokenizer/slow/roberta")))
        // Parsed with the tokenizers' own JSON reader: Foundation's drops a U+FEFF inside strings.
        let cases = try Fixtures.gzipLines("tokenizer/slow/roberta-expected.jsonl.gz").map {
            try TokenizerParityTests.plain(JSONValue.parse($0)) as! [String: Any]
        }
        #expect(cases.count >= 5000)
        var mismatches: [String] = []
        for (index, c) in cases.enumerated() {
            let text = c["text"] as! String, pair = c["pair"] as? String
            // transformers' __call__ reads an empty second text as none (HF tokenizers would add an empty segment).
            if pair?.isEmpty == true { continue }
            let encoding = try tokenizer.encode(text, pair: pair)
            if encoding.ids != c["ids"] as! [Int] || encoding.tokens != c["tokens"] as! [String]
                || encoding.typeIds != c["type_ids"] as! [Int] {
                mismatches.append("case \(index) \(text.prefix(60).debugDescription): \(encoding.tokens) vs \(c["tokens"]!)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func badSlowFilesAreNamed() throws {
        let folder = try Fixtures.temporaryDirectory()
        #expect(try SlowTokenizerFiles.tokenizer(folder: folder.path) == nil)
        try Data([0xFF, 0xFE, 0x0A]).write(to: folder.appendingPathComponent("vocab.txt"))
        #expect(throws: TokenizerError.self) { try SlowTokenizerFiles.tokenizer(folder: folder.path) }
        try Data("[PAD]\nhello\n".utf8).write(to: folder.appendingPathComponent("vocab.txt"))
        do {
            _ = try SlowTokenizerFiles.tokenizer(folder: folder.path)
            Issue.record("a vocabulary without [CLS] loaded")
        } catch {
            #expect("\(error)".contains("[CLS]"), "\(error)")
        }
        let bpe = try Fixtures.temporaryDirectory()
        try Data("{\"a\": -1}".utf8).write(to: bpe.appendingPathComponent("vocab.json"))
        try Data("a b\n".utf8).write(to: bpe.appendingPathComponent("merges.txt"))
        #expect(throws: TokenizerError.self) { try SlowTokenizerFiles.tokenizer(folder: bpe.path) }
        let piece = try Fixtures.temporaryDirectory()
        try Data().write(to: piece.appendingPathComponent("sentencepiece.bpe.model"))
        do {
            _ = try SlowTokenizerFiles.tokenizer(folder: piece.path)
            Issue.record("a SentencePiece folder loaded")
        } catch {
            #expect("\(error)".contains("sentencepiece.bpe.model") && "\(error)".contains("tokenizer.json"), "\(error)")
        }
    }
}
