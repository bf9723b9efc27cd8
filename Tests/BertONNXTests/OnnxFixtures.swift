import BertKit
import Foundation
import TestSupport

/// Tests/Fixtures/onnx/expected.json (tools/make_onnx_fixtures.py): batches of ids and Python ONNX Runtime's outputs.
struct OnnxFixture {
    struct Batch {
        let ids: [[Int]]
        let typeIds: [[Int]]
        let output: [[Float]]
        var tokenBatch: TokenBatch { TokenBatch(sequences: ids, typeIds: typeIds) }
    }

    let file: String
    let model: String
    let batches: [Batch]

    var path: String { Fixtures.path("onnx/\(file)") }
    var modelPath: String { Fixtures.path("models/\(model)") }

    static let torchFiles = ["torch-tiny-bert-cls.onnx", "torch-tiny-bert-cls-int32.onnx",
                             "torch-tiny-roberta-cls.onnx", "torch-tiny-distilbert-cls.onnx"]

    init(_ file: String) throws {
        let json = try Fixtures.json("onnx/expected.json")
        let entry = try require((json["files"] as? [String: Any])?[file] as? [String: Any])
        self.file = file
        model = entry["model"] as? String ?? ""
        batches = (entry["batches"] as? [[String: Any]] ?? []).map { b in
            Batch(ids: b["ids"] as? [[Int]] ?? [], typeIds: b["type_ids"] as? [[Int]] ?? [],
                  output: (b["output"] as? [[Double]] ?? []).map { $0.map(Float.init) })
        }
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.fileReadCorruptFile) }
    return value
}
