import BertKit
import Foundation

/// One file's entry in a graph-engine fixture (`Tests/Fixtures/onnx/expected.json` from tools/make_onnx_fixtures.py,
/// `Tests/Fixtures/torchscript/expected.json` from tools/make_torchscript_fixtures.py): batches of ids and the Python
/// engine's output on each (logits, or mean-pooled hidden states).
public struct ReferenceOutputs: Sendable {
    public struct Batch: Sendable {
        public let ids: [[Int]]
        public let typeIds: [[Int]]
        public let output: [[Float]]
        /// The batch as backends take it.
        public var tokenBatch: TokenBatch { TokenBatch(sequences: ids, typeIds: typeIds) }
        /// The batch as the Python engine saw it: with its type ids when the file takes token_type_ids, else without
        /// (a backend refuses a second segment it cannot feed; the reference ran the ids alone).
        public func tokenBatch(segments: Bool) -> TokenBatch { segments ? tokenBatch : TokenBatch(sequences: ids) }
        /// Whether a row has a second segment (type id 1).
        public var hasSecondSegment: Bool { typeIds.joined().contains { $0 != 0 } }
    }

    /// The entry's key in the fixture.
    public let key: String
    /// The engine file, relative to the fixture's folder (`file`, else the key).
    public let file: String
    /// The model folder under Tests/Fixtures/models whose weights the file holds.
    public let model: String
    /// Whether the reference fed int32 inputs.
    public let int32: Bool
    public let batches: [Batch]

    /// Reads entry `key` of `Tests/Fixtures/<folder>/expected.json`.
    public init(folder: String, key: String) throws {
        let json = try Fixtures.json("\(folder)/expected.json")
        guard let entry = (json["files"] as? [String: Any])?[key] as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(folder)/expected.json has no entry \(key)"])
        }
        self.key = key
        file = entry["file"] as? String ?? key
        model = entry["model"] as? String ?? ""
        int32 = entry["inputs"] as? String == "int32"
        batches = (entry["batches"] as? [[String: Any]] ?? []).map { b in
            Batch(
                ids: b["ids"] as? [[Int]] ?? [], typeIds: b["type_ids"] as? [[Int]] ?? [],
                output: (b["output"] as? [[Double]] ?? []).map { $0.map(Float.init) })
        }
    }

    /// The model folder.
    public var modelPath: String { Fixtures.path("models/\(model)") }
}

extension Fixtures {
    /// The largest logit difference between two backends on `sequences` with every segment id zero: the study's
    /// ONNX export and TorchScript trace take no token_type_ids, so their graphs use zeros.
    public static func zeroTypeLogitDifference(_ a: any InferenceBackend, _ b: any InferenceBackend, _ sequences: [[Int]]) throws -> Float {
        let batch = TokenBatch(sequences: sequences)
        return maxDifference(try a.classify(batch), try b.classify(batch))
    }
}
