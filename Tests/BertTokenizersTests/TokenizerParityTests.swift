import Foundation
import TestSupport
import Testing

@testable import BertTokenizers

/// Every tokenizer kind against Hugging Face `tokenizers` on the committed cases
/// (Tests/Fixtures/tokenizer/cases/*.jsonl.gz, made by tools/make_tokenizer_fixtures.py): ids, tokens, segment
/// ids, offsets, masks, overflowing windows, padded batches and decoded text must all be identical.
@Suite struct TokenizerParityTests {
    static let mainKinds = ["wordpiece", "xlmr-unigram", "roberta-bpe", "french-unigram"]
    static let componentKinds = ["bpe-affixes", "bpe-bytefallback", "wordpiece-split", "bytelevel-gpt", "unigram-first", "wordlevel-misc"]

    @Test(arguments: mainKinds)
    func mainKindIsIdenticalOnAtLeast5000Strings(kind: String) throws {
        let checked = try Self.check(kind)
        #expect(checked >= 5000)
    }

    @Test(arguments: componentKinds)
    func componentTokenizerIsIdentical(kind: String) throws {
        let checked = try Self.check(kind)
        #expect(checked >= 700)
    }

    /// answerdotai/ModernBERT-base's own tokenizer.json, committed (Apache-2.0) under
    /// Tests/Fixtures/tokenizer/modernbert (gzip-compressed): NFC, byte-level BPE (50,280 pieces, merges as `"a b"` strings), 116
    /// added tokens (runs of 2 to 24 spaces matched after normalization, `[MASK]` with lstrip, `[unusedN]`,
    /// `|||IP_ADDRESS|||`), and the template `[CLS] $A [SEP] $B [SEP]`, every type id 0.
    @Test func modernBERTIsIdentical() throws {
        let relative = "tokenizer/modernbert/tokenizer.json.gz"
        let tokenizer = try Tokenizer(json: Fixtures.gunzipped(relative), path: Fixtures.path(relative))
        #expect(tokenizer.addedTokens.count == 116)
        #expect(tokenizer.model.vocabularySize == 50280)
        #expect(tokenizer.id(of: "[MASK]") == 50284)
        let checked = try Self.check("modernbert", on: tokenizer)
        #expect(checked >= 3600)
    }

    /// Runs every case of `kind` (on `given`, else on the kind's tokenizer.json); returns how many strings were
    /// checked.
    static func check(_ kind: String, on given: Tokenizer? = nil) throws -> Int {
        let file = Fixtures.tokenizerFile(kind)
        guard given != nil || FileManager.default.fileExists(atPath: file) else {
            Issue.record("\(file) is missing: run `make tokenizers` (make test does it)")
            return 0
        }
        var tokenizer = try given ?? Tokenizer(contentsOf: URL(fileURLWithPath: file))
        tokenizer.padding = nil
        tokenizer.truncation = nil
        let cases = try Fixtures.gzipLines("tokenizer/cases/\(kind).jsonl.gz").map { try plain(JSONValue.parse($0)) as! [String: Any] }
        var mismatches: [String] = []
        var checked = 0
        for (index, c) in cases.enumerated() {
            if let batch = c["batch"] as? [[Any]] {
                mismatches += checkBatch(tokenizer, batch, c, index)
                continue
            }
            checked += 1
            mismatches += checkCase(tokenizer, c, index)
        }
        #expect(
            mismatches.isEmpty,
            "\(kind): \(mismatches.count) mismatches of \(cases.count):\n\(mismatches.prefix(6).joined(separator: "\n"))")
        return checked
    }

    /// A parsed value as Foundation types (`[String: Any]`, `[Any]`, `String`, `Int`, `Bool`, `NSNull`).
    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case let .bool(b): return b
        case let .number(d): return d.rounded() == d && abs(d) < 1e15 ? Int(d) as Any : d
        case let .string(s): return s
        case let .array(items): return items.map(plain)
        case let .object(members): return Dictionary(members.map { ($0.key, plain($0.value)) }, uniquingKeysWith: { $1 })
        }
    }

    static func truncation(_ spec: [String: Any]) -> Truncation {
        let strategy: Truncation.Strategy =
            switch spec["strategy"] as? String {
            case "only_first": .onlyFirst
            case "only_second": .onlySecond
            default: .longestFirst
            }
        return Truncation(
            maxLength: spec["max_length"] as! Int, strategy: strategy,
            direction: spec["direction"] as? String == "left" ? .left : .right, stride: spec["stride"] as? Int ?? 0)
    }

    static func checkCase(_ base: Tokenizer, _ c: [String: Any], _ index: Int) -> [String] {
        var tokenizer = base
        let text = c["text"] as! String
        let pair = c["pair"] as? String
        let label = "case \(index) \(text.prefix(80).debugDescription) pair \(pair.map { String($0.prefix(40)) }.debugDescription)"
        let result = Result { () throws(TokenizerError) -> Encoding in
            if let spec = c["truncation"] as? [String: Any] {
                let t = truncation(spec)
                try tokenizer.validate(t)
                tokenizer.truncation = t
            }
            return try tokenizer.encode(text, pair: pair, addSpecialTokens: c["add_special_tokens"] as? Bool ?? true)
        }
        if let error = c["error"] {
            if case .success = result { return ["\(label): expected an error (\(error))"] }
            return []
        }
        guard case let .success(encoding) = result else { return ["\(label): threw \(result)"] }
        var problems = compare(encoding, c, label)
        // The fixture keeps the first 32 windows and their count.
        let overflowing = c["overflowing"] as? [[String: Any]] ?? []
        let windows = c["overflowing_count"] as? Int ?? 0
        if encoding.overflowing.count != windows {
            problems.append("\(label): \(encoding.overflowing.count) overflowing windows, expected \(windows)")
        } else {
            for (k, o) in overflowing.enumerated() { problems += compare(encoding.overflowing[k], o, "\(label) window \(k)") }
        }
        if let decoded = c["decoded"] as? String, tokenizer.decode(encoding.ids) != decoded {
            problems.append("\(label): decoded \(tokenizer.decode(encoding.ids).debugDescription), expected \(decoded.debugDescription)")
        }
        if let decoded = c["decoded_all"] as? String, tokenizer.decode(encoding.ids, skipSpecialTokens: false) != decoded {
            problems.append(
                "\(label): decoded with specials \(tokenizer.decode(encoding.ids, skipSpecialTokens: false).debugDescription), expected \(decoded.debugDescription)"
            )
        }
        return problems
    }

    static func checkBatch(_ base: Tokenizer, _ batch: [[Any]], _ c: [String: Any], _ index: Int) -> [String] {
        var tokenizer = base
        let p = c["padding"] as! [String: Any]
        tokenizer.padding = Padding(
            fixedLength: p["length"] as? Int, padToMultipleOf: p["pad_to_multiple_of"] as? Int,
            left: p["direction"] as? String == "left", padId: p["pad_id"] as! Int, padTypeId: 0,
            padToken: p["pad_token"] as! String)
        let inputs = batch.map { (text: $0[0] as! String, pair: $0[1] as? String) }
        do {
            let encodings = try tokenizer.encodeBatch(inputs)
            let expected = c["encodings"] as! [[String: Any]]
            guard encodings.count == expected.count else { return ["batch \(index): \(encodings.count) encodings"] }
            return zip(encodings, expected).enumerated().flatMap { k, e in compare(e.0, e.1, "batch \(index) item \(k)") }
        } catch {
            return ["batch \(index): threw \(error)"]
        }
    }

    static func compare(_ e: Encoding, _ c: [String: Any], _ label: String) -> [String] {
        let ids = c["ids"] as! [Int]
        let tokens = c["tokens"] as! [String]
        let offsets = (c["offsets"] as! [[Int]]).map { $0[0]..<$0[1] }
        var problems: [String] = []
        if e.ids != ids || e.tokens != tokens {
            problems.append(
                "\(label): tokens \(e.tokens.prefix(40)) ids \(e.ids.prefix(40)), expected \(tokens.prefix(40)) \(ids.prefix(40))")
        } else if e.offsets != offsets {
            let k = zip(e.offsets, offsets).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
            problems.append(
                "\(label): offsets differ at token \(k) \(tokens[k].debugDescription): got \(e.offsets[k]), expected \(offsets[k])")
        } else if e.typeIds != c["type_ids"] as! [Int] {
            problems.append("\(label): type ids \(e.typeIds), expected \(c["type_ids"]!)")
        } else if e.specialTokensMask != c["special"] as! [Int] {
            problems.append("\(label): special mask \(e.specialTokensMask), expected \(c["special"]!)")
        } else if e.attentionMask != c["attention"] as! [Int] {
            problems.append("\(label): attention mask \(e.attentionMask), expected \(c["attention"]!)")
        }
        return problems
    }
}
