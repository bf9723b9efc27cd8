import BertModelIO
import Foundation
import TestSupport
import Testing

/// config.json and sentence-transformers settings.
@Suite struct ConfigTests {
    static func config(_ json: String) throws -> (String, Result<BertConfig, any Error>) {
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("config.json")
        try Data(json.utf8).write(to: url)
        return (url.path, Result { try BertConfig(contentsOf: url.path) })
    }

    @Test func readsEveryArchitecture() throws {
        let bert = try BertConfig(contentsOf: Fixtures.path("models/tiny-bert-cls/config.json"))
        #expect(bert.architecture == .bert && bert.hiddenSize == 48 && bert.numAttentionHeads == 3 && bert.headDim == 16)
        #expect(bert.id2label[2] == "positive" && bert.positionOffset == 0 && bert.maxSequenceLength == 40)
        let roberta = try BertConfig(contentsOf: Fixtures.path("models/tiny-roberta-cls/config.json"))
        #expect(roberta.architecture == .roberta && roberta.positionOffset == 2 && roberta.maxSequenceLength == 40)
        #expect(roberta.layerNormEps == 1e-5 && roberta.typeVocabSize == 1)
        let distil = try BertConfig(contentsOf: Fixtures.path("models/tiny-distilbert-cls/config.json"))
        #expect(distil.architecture == .distilbert && distil.hiddenSize == 48 && distil.intermediateSize == 80)
        #expect(distil.numHiddenLayers == 2 && distil.typeVocabSize == 0)
        let (_, camembert) = try Self.config(#"{"model_type":"camembert","hidden_act":"gelu_new","pad_token_id":1}"#)
        #expect(try camembert.get().architecture.spec.positions == .afterPadding)
        #expect(try camembert.get().hiddenAct == .geluTanh)
    }

    @Test(arguments: [
        (#"{"model_type":"gpt2"}"#, "unsupported model type 'gpt2'"),
        (#"{"hidden_size":8}"#, "field 'model_type': missing field"),
        (#"{"model_type":"bert","hidden_size":"big"}"#, "field 'hidden_size': expected an integer, found the string \"big\""),
        (#"{"model_type":"bert","hidden_size":10,"num_attention_heads":3}"#, "not divisible by 3 heads"),
        (#"{"model_type":"bert","hidden_act":"mish"}"#, "activation 'mish' is not supported"),
        (#"{"model_type":"bert","position_embedding_type":"relative_key"}"#, "'relative_key' is not supported"),
        (#"{"model_type":"bert","#, "malformed JSON"),
        (#"[1,2]"#, "expected a JSON object"),
    ])
    func badConfigsNameTheField(json: String, message: String) throws {
        let (path, result) = try Self.config(json)
        guard case let .failure(error) = result else { Issue.record("accepted \(json)"); return }
        #expect("\(error)".contains(message), "\(error)")
        #expect("\(error)".contains(path))
    }

    @Test func sentenceTransformersPoolingIsRead() throws {
        if let missing = Fixtures.miniLMMissing { Issue.record(Comment(rawValue: missing)); return }
        let st = try #require(try SentenceTransformersConfig.load(directory: Fixtures.miniLM))
        #expect(st.pooling == [.mean] && st.normalize && st.maxSeqLength == 256)
        #expect(try SentenceTransformersConfig.load(directory: Fixtures.path("models/tiny-bert-cls")) == nil)
    }

    @Test func missingFolderAndFilesAreNamed() throws {
        #expect(throws: ModelIOError.missingFile("/no/such/model")) { try ModelDirectory(path: "/no/such/model") }
        let dir = try Fixtures.temporaryDirectory()
        #expect(throws: ModelIOError.missingFile(dir.path + "/config.json")) { try ModelDirectory(path: dir.path) }
        try FileManager.default.copyItem(atPath: Fixtures.path("models/tiny-bert-cls/config.json"), toPath: dir.path + "/config.json")
        #expect(
            throws: ModelIOError.missingFile(dir.path + "/tokenizer.json (nor the slow tokenizer's vocab.txt, or vocab.json + merges.txt)")
        ) {
            try ModelDirectory(path: dir.path)
        }
        try FileManager.default.copyItem(atPath: Fixtures.path("models/tiny-bert-cls/tokenizer.json"), toPath: dir.path + "/tokenizer.json")
        #expect(throws: ModelIOError.missingFile(dir.path + "/model.safetensors")) { try ModelDirectory(path: dir.path).weights() }
    }
}
