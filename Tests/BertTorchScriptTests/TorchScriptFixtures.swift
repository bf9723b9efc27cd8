import TestSupport

/// Tests/Fixtures/torchscript/expected.json: batches of ids and Python torch's outputs on each traced file.
typealias TorchScriptFixture = ReferenceOutputs

extension ReferenceOutputs {
    static let classifiers = [
        "tiny-bert-cls.pt", "tiny-bert-cls.pt int32", "tiny-roberta-cls.pt", "tiny-distilbert-cls.pt", "tiny-mpnet-cls.pt",
        "tiny-electra-cls.pt", "tiny-deberta-v3-cls.pt", "tiny-deberta-v2-cls.pt",
    ] + rotaryClassifiers

    /// The rotary encoders, traced by transformers 5 (tools/torchscript_rope_fixtures.py) and run by Python torch 1.13:
    /// batches up to 2,100 tokens, pairs; GTE and NomicBERT's traces take token_type_ids.
    static let rotaryClassifiers = ["tiny-gte-cls.pt", "tiny-nomic-cls.pt", "tiny-modernbert-cls.pt"]

    init(_ key: String) throws { try self.init(folder: "torchscript", key: key) }

    /// The traced file.
    var path: String { Fixtures.path("torchscript/\(file)") }
}
