import BertKit
import BertModelIO
import Foundation
import TestSupport
import Testing

/// Model folders whose weights are a PyTorch state_dict (`pytorch_model.bin` / `model.pt`) run exactly like the
/// safetensors original.
@Suite struct StateDictModelTests {
    /// A folder with `model`'s config and tokenizer and `checkpoint` saved under `fileName`.
    static func folder(model: String, checkpoint: String, as fileName: String) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        for file in ["config.json", "tokenizer.json"] {
            try FileManager.default.copyItem(
                atPath: Fixtures.path("models/\(model)/\(file)"), toPath: dir.appendingPathComponent(file).path)
        }
        try FileManager.default.copyItem(atPath: Fixtures.path("pytorch/\(checkpoint)"), toPath: dir.appendingPathComponent(fileName).path)
        return dir.path
    }

    @Test(arguments: [
        ("tiny-bert-cls", "tiny-bert-cls.bin", "pytorch_model.bin"), ("tiny-bert-cls-f16", "tiny-bert-cls-f16.pt", "model.pt"),
    ])
    func logitsEqualTheSafetensorsModel(model: String, checkpoint: String, fileName: String) throws {
        let path = try Self.folder(model: model, checkpoint: checkpoint, as: fileName)
        let fromStateDict = try BertModel(directory: path)
        #expect(fromStateDict.directory.weightsPath.hasSuffix(fileName))
        let original = try BertModel(directory: Fixtures.path("models/\(model)"))
        let json = try Fixtures.json("models/\(model)/expected.json")
        let inputs = (json["inputs"] as! [[String: Any]]).map { TextInput($0["text"] as! String, pair: $0["text_pair"] as? String) }
            .filter { !$0.text.isEmpty }
        let a = try fromStateDict.classify(inputs).map(\.logits)
        let b = try original.classify(inputs).map(\.logits)
        #expect(a == b)
    }

    @Test func missingTensorIsNamed() throws {
        let path = try Self.folder(model: "tiny-bert-cls", checkpoint: "missing-key.bin", as: "pytorch_model.bin")
        #expect(throws: ModelIOError.missingTensor("encoder.layer.0.attention.self.query.weight", path: path + "/pytorch_model.bin")) {
            try BertModel(directory: path)
        }
    }
}
