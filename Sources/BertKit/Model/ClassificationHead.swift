import BertModelIO

/// The sequence-classification heads of transformers, applied to the first token's hidden state: a dense product and
/// its activation, then the projection to the labels, at the names of the architecture's `ArchitectureSpec.Head`
/// (BERT: `pooler.dense` + tanh, `classifier`; RoBERTa: `classifier.dense` + tanh, `classifier.out_proj`;
/// DistilBERT: `pre_classifier` + ReLU, `classifier`; ELECTRA: `classifier.dense` + GELU, `classifier.out_proj`).
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
        let head = config.architecture.spec.head
        guard let shape = store.shape(head.projection + ".weight") else { throw BertKitError.noClassificationHead(path: store.path) }
        dense = try Linear(store, head.dense, in: h, out: h, packing: packing)
        switch head.activation {
        case .tanh: denseActivation = .tanh
        case .relu: denseActivation = .relu
        case .gelu: denseActivation = .gelu
        }
        // The shape check of the projection names the tensor when it is not [labels, hidden].
        projection = try Linear(store, head.projection, in: h, out: shape.first ?? 0, packing: packing)
    }

    /// Logits from the first token's hidden state `cls[hidden]` (one thread: two products of one row).
    func callAsFunction(_ cls: UnsafePointer<Float>) throws -> [Float] {
        let ctx = KernelContext(isa: dense.weight.isa, workers: 1)
        var hidden = [Float](repeating: 0, count: dense.outFeatures)
        var logits = [Float](repeating: 0, count: projection.outFeatures)
        try hidden.withUnsafeMutableBufferPointer { hp in
            guard let h = hp.baseAddress else { return }
            try dense(cls, rows: 1, into: h, .activation(denseActivation), ctx)
            try logits.withUnsafeMutableBufferPointer { lp in
                guard let l = lp.baseAddress else { return }
                try projection(UnsafePointer(h), rows: 1, into: l, .bias, ctx)
            }
        }
        return logits
    }
}
