import BertModelIO

/// The encoder stack: embeddings then every layer, producing the last hidden state.
/// BERT/RoBERTa read `embeddings.*` and `encoder.layer.N.*`; DistilBERT reads `embeddings.*` and
/// `transformer.layer.N.*`. Task checkpoints carry an architecture prefix (`bert.`), tried on a miss.
struct BertEncoder: Sendable {
    let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]

    init(_ store: WeightStore, config: BertConfig) throws {
        self.config = config
        embeddings = try BertEmbeddings(store, "embeddings", config: config)
        if config.architecture == .distilbert {
            layers = try (0..<config.numHiddenLayers).map {
                try BertLayer(distilbert: store, "transformer.layer.\($0)", config: config)
            }
        } else {
            layers = try (0..<config.numHiddenLayers).map {
                try BertLayer(bert: store, "encoder.layer.\($0)", config: config)
            }
        }
    }

    /// The last hidden state, padded: `[batch.count * paddedLength, hidden]` with `paddedLength = batch.maxLength`.
    func callAsFunction(_ batch: TokenBatch) throws -> (hidden: [Float], paddedLength: Int) {
        let paddedLength = batch.maxLength
        guard paddedLength <= config.maxSequenceLength else {
            throw BertKitError.sequenceTooLong(tokens: paddedLength, maxLength: config.maxSequenceLength)
        }
        let lengths = (0..<batch.count).map(batch.length)
        var x = [Float](repeating: 0, count: batch.count * paddedLength * config.hiddenSize)
        var scratch = AttentionScratch()
        defer { scratch.release() }
        try x.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try embeddings(batch, paddedLength: paddedLength, into: base)
            for layer in layers {
                layer(base, lengths: lengths, paddedLength: paddedLength, scratch: &scratch)
            }
        }
        return (x, paddedLength)
    }
}
