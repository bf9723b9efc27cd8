import BertModelIO

/// The encoder stack: embeddings then every layer, producing the last hidden state.
/// The tensors' names come from the architecture's `ArchitectureSpec` (BERT's `encoder.layer.N.*`, DistilBERT's
/// `transformer.layer.N.*`); task checkpoints carry an architecture prefix (`bert.`), tried on a miss.
struct BertEncoder: Sendable {
    let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    /// The LayerNorm after the last layer (pre-LayerNorm architectures).
    let finalNorm: LayerNorm?
    /// MPNet's relative-position bias and DeBERTa's relative positions, for every layer's attention.
    let positions: SharedPositions

    /// Bytes of packed weight matrices its layers hold.
    var packedWeightBytes: Int {
        layers.reduce(embeddings.projection?.weight.byteCount ?? 0) { $0 + $1.packedWeightBytes }
    }

    init(_ store: WeightStore, config: BertConfig, packing: WeightPacking) throws {
        self.config = config
        let spec = config.architecture.spec
        embeddings = try BertEmbeddings(store, spec, config: config, packing: packing)
        var positions = SharedPositions()
        positions.bias = try spec.relativeBias.map {
            try RelativeBiasTable(store, $0, rows: config.relativeAttentionBuckets ?? $0.buckets, heads: config.numAttentionHeads)
        }
        if let keys = spec.disentangled, let attention = config.disentangled {
            positions.disentangled = try DisentangledPositions(store, keys, config: config, attention: attention, isa: packing.isa)
        }
        positions.rotary = config.rotary.map(RotaryTables.init)
        if let alternating = config.alternating {
            positions.localRotary = RotaryTables(alternating.localRotary)
            positions.window = alternating.window
        }
        self.positions = positions
        // One layer at a time: the count comes from config.json, so nothing is reserved for it up front; a count larger
        // than the checkpoint's stops at the first missing tensor, with its name.
        var layers: [BertLayer] = []
        for index in 0..<config.numHiddenLayers {
            layers.append(
                try BertLayer(
                    store, keys: spec.layerKeys(index), prefix: "\(spec.layerPrefix).\(index).", config: config, packing: packing,
                    positions: positions, index: index))
        }
        self.layers = layers
        finalNorm = try spec.finalNorm.map {
            try LayerNorm(store, $0, width: config.hiddenSize, eps: config.layerNormEps, bias: spec.normBiases)
        }
    }

    /// Runs the batch; the last hidden state is left in `ws.hidden` as `[layout.totalRows, hidden]`.
    func callAsFunction(_ batch: TokenBatch, mode: ExecutionMode, _ ctx: KernelContext, workspace ws: Workspace) throws -> SequenceLayout {
        let longest = batch.maxLength
        guard longest <= config.maxSequenceLength else {
            throw BertKitError.sequenceTooLong(tokens: longest, maxLength: config.maxSequenceLength)
        }
        try embeddings.validate(batch)
        let layout = SequenceLayout(batch, mode: mode)
        ws.plan(
            rows: layout.totalRows, hidden: config.hiddenSize, intermediate: config.intermediateSize,
            headDim: config.hiddenSize / max(config.numAttentionHeads, 1), longest: layout.maxRows,
            workers: ctx.workers, embedding: embeddings.projection == nil ? 0 : config.embeddingWidth)
        try embeddings(batch, layout: layout, into: ws.hidden.pointer, staging: ws.embedding.pointer, ctx)
        for layer in layers { try layer(ws, layout: layout, positions: positions, ctx) }
        try finalNorm?(ws.hidden.pointer, rows: layout.totalRows, ctx)
        return layout
    }
}
