import BertModelIO

/// The encoder stack: embeddings then every layer, producing the last hidden state.
/// BERT/RoBERTa read `embeddings.*` and `encoder.layer.N.*`; DistilBERT reads `embeddings.*` and
/// `transformer.layer.N.*`. Task checkpoints carry an architecture prefix (`bert.`), tried on a miss.
struct BertEncoder: Sendable {
    let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]

    /// Bytes of packed weight matrices its layers hold.
    var packedWeightBytes: Int { layers.reduce(0) { $0 + $1.packedWeightBytes } }

    init(_ store: WeightStore, config: BertConfig, packing: WeightPacking) throws {
        self.config = config
        embeddings = try BertEmbeddings(store, "embeddings", config: config)
        // One layer at a time: the count comes from config.json, so nothing is reserved for it up front; a count larger
        // than the checkpoint's stops at the first missing tensor, with its name.
        var layers: [BertLayer] = []
        for index in 0..<config.numHiddenLayers {
            if config.architecture == .distilbert {
                layers.append(try BertLayer(distilbert: store, "transformer.layer.\(index)", config: config, packing: packing))
            } else {
                layers.append(try BertLayer(bert: store, "encoder.layer.\(index)", config: config, packing: packing))
            }
        }
        self.layers = layers
    }

    /// Runs the batch; the last hidden state is left in `ws.hidden` as `[layout.totalRows, hidden]`.
    func callAsFunction(_ batch: TokenBatch, mode: ExecutionMode, _ ctx: KernelContext, workspace ws: Workspace) throws -> SequenceLayout {
        let longest = batch.maxLength
        guard longest <= config.maxSequenceLength else {
            throw BertKitError.sequenceTooLong(tokens: longest, maxLength: config.maxSequenceLength)
        }
        try embeddings.validate(batch)
        let layout = SequenceLayout(batch, mode: mode)
        ws.plan(rows: layout.totalRows, hidden: config.hiddenSize, intermediate: config.intermediateSize,
                headDim: config.hiddenSize / max(config.numAttentionHeads, 1), longest: layout.maxRows,
                workers: ctx.workers)
        embeddings(batch, layout: layout, into: ws.hidden.pointer, ctx)
        for layer in layers { layer(ws, layout: layout, ctx) }
        return layout
    }
}
