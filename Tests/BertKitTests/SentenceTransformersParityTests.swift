import BertKit
import Foundation
import TestSupport
import Testing

/// `embed` of sentence-transformers folders against `SentenceTransformer.encode` (Tests/Fixtures/st, made by
/// tools/make_st_fixtures.py): inputs with leading and trailing whitespace (stripped as sentence-transformers does), every
/// pooling mode (concatenated in sentence-transformers' order), Dense modules after pooling, prompts (the default
/// one, a named one, none), `do_lower_case`, on a WordPiece and a Metaspace (Unigram) tokenizer.
@Suite struct SentenceTransformersParityTests {
    static let tolerance: Float = 1e-5

    static func check(
        _ name: String, key: String = "embeddings", options: BertModel.Options = .init(truncate: true),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let expected = try Fixtures.json("st/\(name)/expected.json")
        let inputs = (expected["inputs"] as! [String]).map { TextInput($0) }
        let want = (expected[key] as! [[Double]]).map { $0.map(Float.init) }
        for isa in KernelConformanceTests.fp32Paths {
            var withISA = options
            withISA.isa = isa
            let model = try BertModel(directory: Fixtures.path("st/\(name)"), options: withISA)
            let got = try model.embed(inputs, batching: .sorted(size: 5))
            #expect(got.count == want.count, sourceLocation: sourceLocation)
            #expect(model.embeddingDimension == want.first?.count, sourceLocation: sourceLocation)
            for (i, (g, w)) in zip(got, want).enumerated() {
                let worst = zip(g, w).map { abs($0 - $1) }.max() ?? .infinity
                #expect(
                    g.count == w.count && worst <= Self.tolerance,
                    "\(name) \(key) \(isa) input \(i) \(inputs[i].text.debugDescription): \(worst)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func everyPoolingModeConcatenated() throws { try Self.check("bert-all-pooling") }

    @Test func denseModulesPromptsAndLowercasing() throws {
        try Self.check("bert-dense")  // default prompt "query: "
        try Self.check("bert-dense", key: "embeddings_passage", options: BertModel.Options(truncate: true).with(promptName: "passage"))
        try Self.check("bert-dense", key: "embeddings_no_prompt", options: BertModel.Options(truncate: true).with(prompt: ""))
    }

    @Test func metaspaceInputsAreStripped() throws {
        try Self.check("metaspace-strip")
        // The tokenizer sentence-transformers 6 saves splits on whitespace first; a folder saved earlier (plain
        // Metaspace, as the published XLM-R family) gives " Bonjour le monde " an extra "▁" token, which stripping
        // removes: the same model with the original tokenizer.json.
        let folder = try Fixtures.temporaryDirectory()
        let fm = FileManager.default
        for entry in try fm.contentsOfDirectory(atPath: Fixtures.path("st/metaspace-strip")) where entry != "tokenizer.json" {
            try fm.createSymbolicLink(
                atPath: folder.appendingPathComponent(entry).path,
                withDestinationPath: Fixtures.path("st/metaspace-strip/\(entry)"))
        }
        try fm.copyItem(
            atPath: Fixtures.path("tokenizer/trained/french-unigram/tokenizer.json"),
            toPath: folder.appendingPathComponent("tokenizer.json").path)
        let model = try BertModel(directory: folder.path)
        #expect(try model.tokenizer.encode(" Bonjour le monde ").ids != model.tokenizer.encode("Bonjour le monde").ids)
        #expect(try model.tokenize(TextInput(" Bonjour le monde ")).ids == model.tokenize(TextInput("Bonjour le monde")).ids)
        let spaced = try model.embed([TextInput("  Bonjour le monde \n"), TextInput("Bonjour le monde")])
        #expect(spaced[0] == spaced[1])
    }

    /// A folder with the slow tokenizer's files and no tokenizer.json embeds exactly as with it.
    @Test func folderWithoutTokenizerJSONEmbedsTheSame() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let folder = try Fixtures.temporaryDirectory()
        let fm = FileManager.default
        for entry in try fm.contentsOfDirectory(atPath: Fixtures.miniLM) where entry != "tokenizer.json" {
            try fm.createSymbolicLink(atPath: folder.appendingPathComponent(entry).path, withDestinationPath: Fixtures.miniLM + "/" + entry)
        }
        let inputs = ["A naïve café in Zürich.", "  The QUICK brown fox!  ", "中文 and 日本語", "x"].map { TextInput($0) }
        let converted = try BertModel(directory: folder.path).embed(inputs)
        let original = try BertModel(directory: Fixtures.miniLM).embed(inputs)
        #expect(converted == original)
    }

    @Test func unknownPromptNamesTheChoices() throws {
        #expect(throws: BertKitError.self) {
            try BertModel(directory: Fixtures.path("st/bert-dense"), options: BertModel.Options().with(promptName: "summary"))
        }
        do {
            _ = try BertModel(directory: Fixtures.path("st/bert-dense"), options: BertModel.Options().with(promptName: "summary"))
        } catch {
            #expect("\(error)".contains("document, passage, query"), "\(error)")
        }
    }
}
