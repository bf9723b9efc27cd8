import BertModelIO

/// The sequence-classification heads of transformers, applied to the first token's hidden state.
/// - BERT: `pooler.dense` + tanh, then `classifier` (`BertForSequenceClassification`).
/// - RoBERTa family: `classifier.dense` + tanh, then `classifier.out_proj` (`RobertaClassificationHead`).
/// - DistilBERT: `pre_classifier` + ReLU, then `classifier` (`DistilBertForSequenceClassification`).
struct ClassificationHead: Sendable {
    let dense: Linear
    let denseActivation: ActivationKind
    let projection: Linear

    /// Number of classes.
    var labelCount: Int { projection.outFeatures }

    /// Bytes of packed weight matrices it holds.
    var packedWeightBytes: Int { dense.weight.byteCount + projection.weight.byteCount }

    /// Reads the head for `config`'s architecture; throws `noClassificationHead` when the checkpoint has none.
    /// The head stays fp32 whatever the encoder's precision: it is a small share of the time, and the logits
    /// are what a classifier's user reads.
    init(_ store: WeightStore, config: BertConfig, isa: KernelISA) throws {
        let h = config.hiddenSize
        let packing = WeightPacking(isa: isa, precision: .fp32)
        switch config.architecture {
        case .bert:
            guard store.contains("classifier.weight") else { throw BertKitError.noClassificationHead(path: store.path) }
            let labels = store.shape("classifier.weight")?.first ?? 0
            dense = try Linear(store, "pooler.dense", in: h, out: h, packing: packing)
            denseActivation = .tanh
            projection = try Linear(store, "classifier", in: h, out: labels, packing: packing)
        case .roberta, .camembert, .xlmRoberta:
            guard store.contains("classifier.out_proj.weight") else { throw BertKitError.noClassificationHead(path: store.path) }
            let labels = store.shape("classifier.out_proj.weight")?.first ?? 0
            dense = try Linear(store, "classifier.dense", in: h, out: h, packing: packing)
            denseActivation = .tanh
            projection = try Linear(store, "classifier.out_proj", in: h, out: labels, packing: packing)
        case .distilbert:
            guard store.contains("classifier.weight") else { throw BertKitError.noClassificationHead(path: store.path) }
            let labels = store.shape("classifier.weight")?.first ?? 0
            dense = try Linear(store, "pre_classifier", in: h, out: h, packing: packing)
            denseActivation = .relu
            projection = try Linear(store, "classifier", in: h, out: labels, packing: packing)
        }
    }

    /// Logits from the first token's hidden state `cls[hidden]` (one thread: two products of one row).
    func callAsFunction(_ cls: UnsafePointer<Float>) -> [Float] {
        let ctx = KernelContext(isa: dense.weight.isa, workers: 1)
        var hidden = [Float](repeating: 0, count: dense.outFeatures)
        var logits = [Float](repeating: 0, count: projection.outFeatures)
        hidden.withUnsafeMutableBufferPointer { hp in
            guard let h = hp.baseAddress else { return }
            dense(cls, rows: 1, into: h, .activation(denseActivation), ctx)
            logits.withUnsafeMutableBufferPointer { lp in
                guard let l = lp.baseAddress else { return }
                projection(UnsafePointer(h), rows: 1, into: l, .bias, ctx)
            }
        }
        return logits
    }
}
