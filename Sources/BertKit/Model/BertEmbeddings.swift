import BertModelIO

/// `BertEmbeddings` (and DistilBERT's `Embeddings`): word + position (+ token type) embeddings, then LayerNorm.
/// RoBERTa-family positions start at `pad_token_id + 1` and count only the tokens that are not the pad token; a pad
/// token inside the text takes position `pad_token_id` (transformers' `create_position_ids_from_input_ids`).
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L154
struct BertEmbeddings: Sendable {
    let wordEmbeddings: FloatTensor
    /// nil when the model adds no absolute positions (DeBERTa without `position_biased_input`).
    let positionEmbeddings: FloatTensor?
    let tokenTypeEmbeddings: FloatTensor?
    let layerNorm: LayerNorm
    /// ELECTRA's `embeddings_project` from the embedding width to the hidden size, when they differ.
    let projection: Linear?
    /// Width of the embedding tables (the hidden size unless projected).
    let hidden: Int
    let positionOffset: Int
    /// The pad token id where positions skip it (RoBERTa family), else nil.
    let positionPadId: Int32?
    let vocabSize: Int
    let typeVocabSize: Int

    init(_ store: WeightStore, _ spec: ArchitectureSpec, config: BertConfig, packing: WeightPacking) throws {
        let keys = spec.embeddings
        let h = config.embeddingWidth
        hidden = h
        vocabSize = config.vocabSize
        typeVocabSize = config.typeVocabSize
        wordEmbeddings = try store.floats(keys.word + ".weight", shape: [config.vocabSize, h])
        positionEmbeddings =
            config.positionBiasedInput
            ? try store.floats(keys.position + ".weight", shape: [config.maxPositionEmbeddings, h]) : nil
        tokenTypeEmbeddings =
            config.typeVocabSize > 0
            ? try store.floats(keys.tokenType + ".weight", shape: [config.typeVocabSize, h]) : nil
        layerNorm = try LayerNorm(store, keys.layerNorm, width: h, eps: config.layerNormEps, bias: spec.normBiases)
        if let name = spec.embeddingProjection, config.embeddingSize != nil {
            projection = try Linear(store, name, in: h, out: config.hiddenSize, packing: packing)
        } else {
            projection = nil
        }
        positionOffset = config.positionOffset
        positionPadId = spec.positions == .afterPadding ? Int32(clamping: config.positionPadId) : nil
    }

    /// Throws for an id outside the vocabularies, before any work is done.
    func validate(_ batch: TokenBatch) throws {
        for id in batch.ids where id < 0 || Int(id) >= vocabSize {
            throw BertKitError.invalidTokenId(Int(id), vocabularySize: vocabSize)
        }
        if tokenTypeEmbeddings != nil {
            for type in batch.typeIds where type < 0 || Int(type) >= typeVocabSize {
                throw BertKitError.invalidTokenTypeId(Int(type), typeVocabularySize: typeVocabSize)
            }
        }
    }

    /// Writes `out[layout.totalRows, hidden size]`: sequence `b`'s token `t` at row `layout.rowStart[b] + t`; padding
    /// rows (padded layout) are zero before the LayerNorm. With a projection, the embeddings are built in `staging`
    /// (`[totalRows, embedding width]`) and projected into `out`. Ids must have passed `validate`.
    func callAsFunction(
        _ batch: TokenBatch, layout: SequenceLayout, into out: UnsafeMutablePointer<Float>,
        staging: UnsafeMutablePointer<Float>, _ ctx: KernelContext
    ) throws {
        let h = hidden
        let x = projection == nil ? out : staging
        for b in 0..<batch.count {
            let start = batch.cuSeqLens[b]
            let length = layout.lengths[b]
            var counted = 0  // tokens so far that are not the pad token
            for t in 0..<length {
                let row = x + (layout.rowStart[b] + t) * h
                let id = batch.ids[start + t]
                let word = wordEmbeddings.pointer + Int(id) * h
                var index = positionOffset + t
                if let pad = positionPadId {
                    if id == pad {
                        index = Int(pad)
                    } else {
                        index = positionOffset + counted
                        counted += 1
                    }
                }
                for i in 0..<h { row[i] = word[i] }
                if let positionEmbeddings {
                    let position = positionEmbeddings.pointer + index * h
                    for i in 0..<h { row[i] += position[i] }
                }
                if let tokenTypeEmbeddings {
                    let type = tokenTypeEmbeddings.pointer + Int(batch.typeIds[start + t]) * h
                    for i in 0..<h { row[i] += type[i] }
                }
            }
            if layout.rows[b] > length {
                (x + (layout.rowStart[b] + length) * h).update(repeating: 0, count: (layout.rows[b] - length) * h)
            }
        }
        try layerNorm(x, rows: layout.totalRows, ctx)
        try projection?(x, rows: layout.totalRows, into: out, .bias, ctx)
    }
}
