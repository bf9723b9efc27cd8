import BertKit
import BertServe
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

/// A request that names no prompt gets the server's default prompt: `--default-prompt`'s text, else
/// `--default-prompt-name`'s, else the folder's `default_prompt_name` (config_sentence_transformers.json), as
/// `SentenceTransformer.encode` and `bertkit embed` apply it; `prompt_name` in the request wins over all of them.
/// The st/bert-dense fixture names `query` ("query: ") its default.
@Suite struct DefaultPromptTests {
    static let folder = Fixtures.path("st/bert-dense")
    static let text = "a passage about cats"

    /// `bertkit embed`'s vector for `text` with `options`' prompt, not normalized.
    static func reference(_ options: BertModel.Options) throws -> [[Float]] {
        var options = options
        options.normalize = false
        return try BertModel(directory: folder, options: options).embed([TextInput(text)])
    }

    static func embed(_ client: any TestClientProtocol, promptName: String? = nil) async throws -> [[Float]] {
        let name = promptName.map { ",\"prompt_name\":\(ServeHarness.quoted($0))" } ?? ""
        let answer = try await ServeHarness.post(client, "/embed", "{\"inputs\":\(ServeHarness.quoted(text)),\"normalize\":false\(name)}")
        #expect(answer.status == .ok, "\(String(buffer: answer.body))")
        return ServeHarness.matrix(try ServeHarness.json(answer))
    }

    /// The folder's default applies, whatever prompt the served model was loaded with.
    @Test func folderDefaultPromptApplies() async throws {
        let base = BertModel.Options(threads: 2)
        let query = try Self.reference(base.with(promptName: "query"))
        let none = try Self.reference(base.with(prompt: ""))
        #expect(Fixtures.maxDifference(query, none) > 1e-3, "the prompt changes the vector")
        #expect(Fixtures.maxDifference(try Self.reference(base), query) <= 1e-6, "bertkit embed applies the folder's default")
        // A model loaded with another prompt: the server still applies its own default, the folder's.
        try await ServeHarness.withServer(load: {
            var options = BertModel.Options(threads: 2).with(prompt: "passage: ")
            options.normalize = false
            return try BertModel(directory: Self.folder, options: options)
        }) { client, _ in
            #expect(Fixtures.maxDifference(try await Self.embed(client), query) <= 1e-6)
            #expect(Fixtures.maxDifference(try await Self.embed(client, promptName: "document"), none) <= 1e-6, "the request's prompt wins")
            let tokens =
                try ServeHarness.json(try await ServeHarness.post(client, "/tokenize", "{\"inputs\":\(ServeHarness.quoted(Self.text))}"))
                as? [[[String: Any]]]
            let words = (tokens?.first ?? []).filter { !($0["special"] as? Bool ?? true) }.compactMap { $0["text"] as? String }
            #expect(words.joined().hasPrefix("query:apassage"), "the prompt's tokens first: \(words)")
        }
    }

    @Test func serverOptionsOverrideTheFolder() async throws {
        let passage = try Self.reference(BertModel.Options(threads: 2).with(promptName: "passage"))
        var byName = ServeOptions()
        byName.defaultPromptName = "passage"
        try await ServeHarness.withServer(Self.folder, options: byName) { client, _ in
            let vectors = try await Self.embed(client)
            #expect(Fixtures.maxDifference(vectors, passage) <= 1e-6)
        }
        var byText = ServeOptions()
        byText.defaultPrompt = "passage: "
        try await ServeHarness.withServer(Self.folder, options: byText) { client, _ in
            #expect(Fixtures.maxDifference(try await Self.embed(client), passage) <= 1e-6)
            let query = try Self.reference(BertModel.Options(threads: 2).with(promptName: "query"))
            #expect(Fixtures.maxDifference(try await Self.embed(client, promptName: "query"), query) <= 1e-6)
        }
        var both = ServeOptions()
        both.defaultPrompt = "x"
        both.defaultPromptName = "query"
        #expect(throws: ServeError.self) { try both.validate(maxInputLength: 8) }
    }

    /// A folder whose config names no default prompt: no prompt.
    @Test func noFolderDefaultMeansNoPrompt() async throws {
        let copy = try Fixtures.temporaryDirectory().appendingPathComponent("bert-dense")
        try FileManager.default.copyItem(atPath: Self.folder, toPath: copy.path)
        let configURL = copy.appendingPathComponent("config_sentence_transformers.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        config["default_prompt_name"] = NSNull()
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let none = try Self.reference(BertModel.Options(threads: 2).with(prompt: ""))
        try await ServeHarness.withServer(copy.path) { client, _ in
            let vectors = try await Self.embed(client)
            #expect(Fixtures.maxDifference(vectors, none) <= 1e-6)
        }
    }
}
