import BertModelIO

/// The sequence-classification heads of transformers, applied to the first token's hidden state: a dense product and
/// its activation, then the projection to the labels, at the names of the architecture's `ArchitectureSpec.Head`
/// (BERT: `pooler.dense` + tanh, `classifier`; RoBERTa: `classifier.dense` + tanh, `classifier.out_proj`;
/// DistilBERT: `pre_classifier` + ReLU, `classifier`; ELECTRA: `classifier.dense` + GELU, `classifier.out_proj`;
/// ModernBERT: the first token or the tokens' mean, `head.dense` + its activation + `head.norm`, `classifier`).
struct ClassificationHead: Sendable {
    let dense: Linear
    let denseActivation: ActivationKind
    /// ModernBERT's `head.norm` after the activation.
    let norm: LayerNorm?
    let projection: Linear
    let pooling: ClassifierPooling

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
        dense = try Linear(store, head.dense, in: h, out: h, bias: config.classifierBias, packing: packing)
        if let chosen = config.classifierActivation {
            denseActivation = ActivationKind(chosen)
        } else {
            switch head.activation {
            case .tanh: denseActivation = .tanh
            case .relu: denseActivation = .relu
            case .gelu: denseActivation = .gelu
            }
        }
        let spec = config.architecture.spec
        norm = try head.norm.map { try LayerNorm(store, $0, width: h, eps: config.layerNormEps, bias: spec.normBiases) }
        pooling = config.classifierPooling
        // The shape check of the projection names the tensor when it is not [labels, hidden].
        projection = try Linear(store, head.projection, in: h, out: shape.first ?? 0, packing: packing)
    }

    /// Logits from one sequence's hidden states `rows[length, hidden]`: its first token's, or their mean (one
    /// thread: two products of one row).
    func callAsFunction(_ rows: UnsafePointer<Float>, length: Int) throws -> [Float] {
        let ctx = KernelContext(isa: dense.weight.isa, workers: 1)
        let pooled = Pooling(modes: [pooling == .mean ? .mean : .cls], normalize: false)(rows, length: length, hidden: dense.inFeatures)
        var hidden = [Float](repeating: 0, count: dense.outFeatures)
        var logits = [Float](repeating: 0, count: projection.outFeatures)
        try hidden.withUnsafeMutableBufferPointer { hp in
            guard let h = hp.baseAddress else { return }
            try pooled.withUnsafeBufferPointer { try dense($0.baseAddress ?? rows, rows: 1, into: h, .activation(denseActivation), ctx) }
            try norm?(h, rows: 1, ctx)
            try logits.withUnsafeMutableBufferPointer { lp in
                guard let l = lp.baseAddress else { return }
                try projection(UnsafePointer(h), rows: 1, into: l, .bias, ctx)
            }
        }
        return logits
    }
}
