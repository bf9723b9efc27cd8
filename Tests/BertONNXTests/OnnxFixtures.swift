import TestSupport

/// Tests/Fixtures/onnx/expected.json: batches of ids and Python ONNX Runtime's outputs on each file.
typealias OnnxFixture = ReferenceOutputs

extension ReferenceOutputs {
    static let torchFiles = [
        "torch-tiny-bert-cls.onnx", "torch-tiny-bert-cls-int32.onnx",
        "torch-tiny-roberta-cls.onnx", "torch-tiny-distilbert-cls.onnx",
    ]

    init(_ file: String) throws { try self.init(folder: "onnx", key: file) }

    /// The ONNX file.
    var path: String { Fixtures.path("onnx/\(file)") }
}
