import Foundation
import TestSupport
import Testing

@testable import BertTokenizers

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
        try Self.expectTransformers(tokenizer, "tokenizer/slow/roberta-expected.jsonl.gz")
    }

    /// A SentencePiece Unigram model with nmt_nfkc's precompiled charsmap, on the 5,000 multilingual `xlmr-unigram`
    /// strings, in XLM-R's id layout (+1) and CamemBERT's (+4, `<mask>` taking the space before it).
    @Test(arguments: ["xlmr", "camembert"])
    func unigramFromSentencePieceModelMatchesTransformers(_ layout: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: Fixtures.path("tokenizer/slow/xlmr/sentencepiece.bpe.model"),
            toPath: folder.appendingPathComponent("sentencepiece.bpe.model").path)
        try FileManager.default.copyItem(
            atPath: Fixtures.path("tokenizer/slow/\(layout)/tokenizer_config.json"),
            toPath: folder.appendingPathComponent("tokenizer_config.json").path)
        let tokenizer = try #require(try SlowTokenizerFiles.tokenizer(folder: folder.path))
        try Self.expectTransformers(tokenizer, "tokenizer/slow/\(layout)-expected.jsonl.gz")
    }

    /// DeBERTa-v3's layout (`[PAD] [CLS] [SEP] [UNK]` as pieces 0-3, `[MASK]` added after the last) on the 5,000
    /// `xlmr-unigram` strings and 600 with DeBERTa's special tokens in them: `deberta` with nmt_nfkc's charsmap and
    /// v3's config, `deberta-punct` without a charsmap (transformers' other normalizer), lowercasing and
    /// `split_by_punct`.
    @Test(arguments: [("deberta", "v3"), ("deberta-punct", "punct")])
    func debertaFromSpmModelMatchesTransformers(_ folder: String, _ variant: String) throws {
        let tokenizer = try #require(try SlowTokenizerFiles.tokenizer(folder: Fixtures.path("tokenizer/slow/\(folder)")))
        try Self.expectTransformers(tokenizer, "tokenizer/slow/deberta-expected.jsonl.gz", variant: variant)
    }

    /// Without tokenizer_config.json, config.json's `model_type` picks DebertaV2Tokenizer with its defaults (those of
    /// v3's config: no lowercasing, no punctuation split), as AutoTokenizer does.
    @Test func debertaSpmModelIsPickedByModelType() throws {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: Fixtures.path("tokenizer/slow/deberta/spm.model"), toPath: folder.appendingPathComponent("spm.model").path)
        try Data(#"{"model_type": "deberta-v2"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        let tokenizer = try #require(try SlowTokenizerFiles.tokenizer(folder: folder.path))
        try Self.expectTransformers(tokenizer, "tokenizer/slow/deberta-expected.jsonl.gz", variant: "v3")
    }

    /// Every case of `fixture` (transformers' ids, tokens and type ids, single and paired) encoded alike; with
    /// `variant`, each row holds them under that key.
    static func expectTransformers(_ tokenizer: Tokenizer, _ fixture: String, variant: String? = nil) throws {
        // Parsed with the tokenizers' own JSON reader: Foundation's drops a U+FEFF inside strings.
        let rows = try Fixtures.gzipLines(fixture).map {
            try TokenizerParityTests.plain(JSONValue.parse($0)) as! [String: Any]
        }
        let cases = rows.map { row in variant.map { (row[$0] as! [String: Any]).merging(row) { own, _ in own } } ?? row }
        #expect(cases.count >= 4900)
        var mismatches: [String] = []
        for (index, c) in cases.enumerated() {
            let text = c["text"] as! String, pair = c["pair"] as? String
            // transformers' __call__ reads an empty second text as none (HF tokenizers would add an empty segment).
            if pair?.isEmpty == true { continue }
            let encoding = try tokenizer.encode(text, pair: pair)
            if encoding.ids != c["ids"] as! [Int] || encoding.tokens != c["tokens"] as! [String]
                || encoding.typeIds != c["type_ids"] as! [Int]
            {
                let ids = c["ids"] as! [Int]
                let at =
                    zip(encoding.ids, ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(encoding.ids.count, ids.count)
                mismatches.append(
                    "case \(index) \(text.prefix(60).debugDescription), from token \(at): "
                        + "\(encoding.tokens.dropFirst(at).prefix(6)) \(encoding.ids.dropFirst(at).prefix(6)) "
                        + "vs \((c["tokens"] as! [String]).dropFirst(at).prefix(6)) \(ids.dropFirst(at).prefix(6))")
            }
        }
        let count = mismatches.count
        #expect(count == 0, "\(count) mismatches:\n\(mismatches.prefix(5).joined(separator: "\n"))")
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
        try Data().write(to: piece.appendingPathComponent("spiece.model"))
        do {
            _ = try SlowTokenizerFiles.tokenizer(folder: piece.path)
            Issue.record("an ALBERT/T5 SentencePiece folder loaded")
        } catch {
            #expect("\(error)".contains("spiece.model") && "\(error)".contains("tokenizer.json"), "\(error)")
        }
    }

    /// A folder holding `bytes` as the SentencePiece file `name` (and `config` as its tokenizer_config.json), loaded:
    /// "loaded", or the error, which must be one line naming the file or the config.
    static func load(_ name: String, _ bytes: [UInt8], config: String?) throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        if let config { try Data(config.utf8).write(to: folder.appendingPathComponent("tokenizer_config.json")) }
        do {
            _ = try SlowTokenizerFiles.tokenizer(folder: folder.path)
            return "loaded"
        } catch {
            let message = "\(error)"
            #expect(message.contains(name) || message.contains("tokenizer_config.json"), "\(message)")
            #expect(!message.contains("\n"), "\(message)")
            return message
        }
    }

    /// Hostile or foreign SentencePiece files: each a one-line error naming the file and what is wrong.
    @Test func badSentencePieceModelsAreNamed() throws {
        let model = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tokenizer/slow/xlmr/sentencepiece.bpe.model"))))
        func attempt(_ bytes: [UInt8], config: String? = #"{"tokenizer_class": "XLMRobertaTokenizer"}"#) throws -> String {
            try Self.load("sentencepiece.bpe.model", bytes, config: config)
        }
        #expect(try attempt(model, config: nil).contains("tokenizer_class"))
        #expect(try attempt(model, config: #"{"tokenizer_class": "AlbertTokenizer"}"#).contains("AlbertTokenizer"))
        #expect(try attempt(Array(model.prefix(model.count / 2))).contains("runs past the end"))
        #expect(try attempt([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).contains("runs past the end"))
        #expect(try attempt([0x0B]).contains("wire type"))
        #expect(try attempt([0x0A, 0x02, 0x0A, 0x00]).contains("pieces[0] has no text"))
        #expect(try attempt([0x0A, 0x03, 0x0A, 0x01, 0xFF]).contains("UTF-8"))
        // trainer_spec { model_type: BPE }
        #expect(try attempt([0x12, 0x02, 0x18, 0x02]).contains("model_type"))
        #expect(try attempt([]).contains("too few"))
        // Every prefix of a real model file: an error or a tokenizer, never a trap.
        for cut in stride(from: 0, to: model.count, by: 997) { _ = try attempt(Array(model.prefix(cut))) }
    }

    /// The same for DeBERTa's spm.model: one line naming the file (or the config that names another class).
    @Test func badDebertaSpmModelsAreNamed() throws {
        let model = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tokenizer/slow/deberta/spm.model"))))
        func attempt(_ bytes: [UInt8], config: String? = #"{"tokenizer_class": "DebertaV2Tokenizer"}"#) throws -> String {
            try Self.load("spm.model", bytes, config: config)
        }
        #expect(try attempt(model) == "loaded")
        #expect(try attempt(model, config: nil).contains("tokenizer_class"))
        let foreign = try attempt(model, config: #"{"tokenizer_class": "XLMRobertaTokenizer"}"#)
        #expect(foreign.contains("XLMRobertaTokenizer") && foreign.contains("DebertaV2Tokenizer"), "\(foreign)")
        #expect(try attempt(Array(model.prefix(model.count / 2))).contains("runs past the end"))
        #expect(try attempt(Array(model.prefix(5000))).contains("runs past the end"))
        #expect(try attempt([0x0A, 0x02, 0x0A, 0x00]).contains("pieces[0] has no text"))
        #expect(try attempt([]).contains("no pieces"))
        // One piece "a", trainer_spec { unk_id: 5 }: no [UNK] piece and the model's unknown id outside the pieces.
        #expect(try attempt([0x0A, 0x03, 0x0A, 0x01, 0x61, 0x12, 0x03, 0xC0, 0x02, 0x05]).contains("unk_id"))
        for cut in stride(from: 0, to: model.count, by: 1499) { _ = try attempt(Array(model.prefix(cut))) }
    }
}
