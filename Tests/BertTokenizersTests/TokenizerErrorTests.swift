import BertTokenizers
import Foundation
import TestSupport
import Testing

/// Malformed tokenizer.json files: every error names the file and the JSON path, or the component type.
@Suite struct TokenizerErrorTests {
    static func load(_ json: String) -> TokenizerError? {
        do {
            _ = try Tokenizer(json: Data(json.utf8), path: "t/tokenizer.json")
            return nil
        } catch {
            return error
        }
    }

    static let unigram = #"{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0]]}"#

    @Test func errorsNameTheJSONPath() {
        let cases: [(String, String)] = [
            (
                #"{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a"]]}}"#,
                "at model.vocab[1]: expected [piece, score]"
            ),
            (#"{"model": {"type": "Unigram", "unk_id": 5, "vocab": [["<unk>", 0.0]]}}"#, "at model.unk_id"),
            (#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#, "at model.merges[0]"),
            (#"{"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}}"#, "at model.vocab.a"),
            (#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 2147483648}, "merges": []}}"#, "has id 2147483648, outside 0...2147483647"),
            (
                #"{"model": \#(Self.unigram), "normalizer": {"type": "Replace", "pattern": {"Regex": "(["}, "content": ""}}"#,
                "at normalizer.pattern.Regex"
            ),
            (
                #"{"model": \#(Self.unigram), "normalizer": {"type": "Precompiled", "precompiled_charsmap": "%%%"}}"#,
                "at normalizer.precompiled_charsmap"
            ),
            (
                #"{"model": \#(Self.unigram), "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways"}]}}"#,
                "at pre_tokenizer.pretokenizers[0].behavior"
            ),
            (
                #"{"model": \#(Self.unigram), "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<cls>"}}], "pair": [], "special_tokens": {}}}"#,
                "at post_processor.single[0].SpecialToken"
            ),
            (#"{"model": \#(Self.unigram), "added_tokens": [{"id": 3}]}"#, "at added_tokens[0].content: missing field"),
            (#"{"model": \#(Self.unigram), "truncation": {"max_length": 8, "strategy": "Middle"}}"#, "at truncation.strategy"),
            (#"{"normalizer": null}"#, "at model: missing field"),
            (#"{"model": \#(Self.unigram)"#, "not valid JSON at byte"),
            (#"[1, 2]"#, "expected an object"),
        ]
        for (json, message) in cases {
            let error = Self.load(json)
            #expect(error != nil, "accepted \(json)")
            if let error {
                #expect("\(error)".contains("t/tokenizer.json"), "\(error)")
                #expect("\(error)".contains(message), "\(error) does not contain \(message)")
            }
        }
    }

    /// One word of 200,000 letters whose merges chain all the way: merged by a priority queue (HF's order), it
    /// finishes, and its tokens cover the word exactly. (A quadratic merge loop took minutes here.)
    @Test func longWordsMergeInNLogN() throws {
        var vocab = #""a": 0, "aa": 1, "aaaa": 2, "aaaaaaaa": 3"#
        vocab += #", "b": 4"#
        let json = #"{"model": {"type": "BPE", "vocab": {\#(vocab)}, "merges": ["a a", "aa aa", "aaaa aaaa"]}}"#
        let tokenizer = try Tokenizer(json: Data(json.utf8), path: "t/tokenizer.json")
        let word = String(repeating: "a", count: 200_000) + "b"
        let encoding = try tokenizer.encode(word, addSpecialTokens: false)
        #expect(encoding.ids.count == 200_000 / 8 + 1)
        #expect(encoding.ids.dropLast().allSatisfy { $0 == 3 })
        #expect(encoding.ids.last == 4)
    }

    @Test func unknownComponentTypesAreNamed() {
        let cases: [(String, TokenizerError)] = [
            (#"{"model": {"type": "Fancy"}}"#, .unsupportedComponent(kind: "model", type: "Fancy", jsonPath: "model")),
            (
                #"{"model": \#(Self.unigram), "decoder": {"type": "Sequence", "decoders": [{"type": "Fuse"}, {"type": "Magic"}]}}"#,
                .unsupportedComponent(kind: "decoder", type: "Magic", jsonPath: "decoder.decoders[1]")
            ),
            (
                #"{"model": \#(Self.unigram), "pre_tokenizer": {"type": "UnicodeScripts"}}"#,
                .unsupportedComponent(kind: "pre-tokenizer", type: "UnicodeScripts", jsonPath: "pre_tokenizer")
            ),
            (
                #"{"model": \#(Self.unigram), "post_processor": {"type": "Fancy"}}"#,
                .unsupportedComponent(kind: "post-processor", type: "Fancy", jsonPath: "post_processor")
            ),
        ]
        for (json, expected) in cases { #expect(Self.load(json) == expected) }
    }

    @Test func invalidUTF8InTheFileOrTheInputIsRefused() throws {
        var bytes = Array(#"{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], [""#.utf8)
        bytes += [0xC3, 0x28] + Array(#"", -1.0]]}}"#.utf8)
        do {
            _ = try Tokenizer(json: Data(bytes), path: "t/tokenizer.json")
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect("\(error)".contains("invalid UTF-8"), "\(error)")
        }
        let tokenizer = try Tokenizer(json: Data(#"{"model": \#(Self.unigram)}"#.utf8))
        #expect(throws: TokenizerError.invalidUTF8) { try tokenizer.encode(utf8: [0x61, 0xFF]) }
        #expect(try tokenizer.encode(utf8: Array("a".utf8)).ids == [1])
    }

    @Test func strideThatLeavesNoRoomIsRefused() throws {
        var tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: Fixtures.path("tokenizer/trained/roberta-bpe/tokenizer.json")))
        // Two special tokens leave 2 of 4: HF refuses a stride above that when truncation is set...
        #expect(throws: TokenizerError.self) { try tokenizer.validate(Truncation(maxLength: 4, stride: 3)) }
        // ...and fails (panics, in HF) when a window would not advance.
        tokenizer.truncation = Truncation(maxLength: 4, stride: 2)
        #expect(throws: TokenizerError.self) { try tokenizer.encode("a long enough sentence to cut") }
        tokenizer.truncation = Truncation(maxLength: 8, stride: 2)
        let e = try tokenizer.encode("a long enough sentence to cut into windows")
        #expect(e.count == 8 && !e.overflowing.isEmpty)
    }
}

/// Offsets turned into `String` ranges of the inputs.
@Suite struct EncodingRangeTests {
    @Test func rangesSliceTheInputs() throws {
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: Fixtures.path("tokenizer/trained/french-unigram/tokenizer.json")))
        let text = "Crème brûlée 👍🏽 à tous", pair = "Bonjour"
        let e = try tokenizer.encode(text, pair: pair)
        let ranges = e.ranges(in: text, pair: pair)
        #expect(ranges.first! == nil && ranges.last! == nil)
        // Metaspace pieces cover their leading space: the slices of sequence 0 put back together are the text.
        let first = zip(ranges, e.sequenceIds).compactMap { $1 == 0 ? $0.map { String(text[$0]) } : nil }
        #expect(first.joined() == text)
        let second = zip(ranges, e.sequenceIds).compactMap { $1 == 1 ? $0.map { String(pair[$0]) } : nil }
        #expect(second.joined() == pair)
    }
}
