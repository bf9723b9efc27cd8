import BertKit
import Foundation
import TestSupport

/// Tests/Fixtures/torchscript/expected.json (tools/make_torchscript_fixtures.py): batches of ids and Python torch's
/// outputs on the traced files.
struct TorchScriptFixture {
    struct Batch {
        let ids: [[Int]]
        let typeIds: [[Int]]
        let output: [[Float]]
        var tokenBatch: TokenBatch { TokenBatch(sequences: ids, typeIds: typeIds) }
    }

    let key: String
    let file: String
    let model: String
    let int32: Bool
    let batches: [Batch]

    var path: String { Fixtures.path("torchscript/\(file)") }
    var modelPath: String { Fixtures.path("models/\(model)") }

    static let classifiers = ["tiny-bert-cls.pt", "tiny-bert-cls.pt int32", "tiny-roberta-cls.pt", "tiny-distilbert-cls.pt"]

    init(_ key: String) throws {
        let json = try Fixtures.json("torchscript/expected.json")
        guard let entry = (json["files"] as? [String: Any])?[key] as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        self.key = key
        file = entry["file"] as? String ?? key
        model = entry["model"] as? String ?? ""
        int32 = entry["inputs"] as? String == "int32"
        batches = (entry["batches"] as? [[String: Any]] ?? []).map { b in
            Batch(ids: b["ids"] as? [[Int]] ?? [], typeIds: b["type_ids"] as? [[Int]] ?? [],
                  output: (b["output"] as? [[Double]] ?? []).map { $0.map(Float.init) })
        }
    }
}
