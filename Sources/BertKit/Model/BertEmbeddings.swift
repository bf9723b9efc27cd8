import BertModelIO

/// `BertEmbeddings` (and DistilBERT's `Embeddings`): word + position (+ token type) embeddings, then LayerNorm.
/// RoBERTa-family positions start at `pad_token_id + 1`.
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L154
struct BertEmbeddings: Sendable {
    let wordEmbeddings: FloatTensor
    let positionEmbeddings: FloatTensor
    let tokenTypeEmbeddings: FloatTensor?
    let layerNorm: LayerNorm
    let hidden: Int
    let positionOffset: Int
    let vocabSize: Int
    let typeVocabSize: Int

    init(_ store: WeightStore, _ prefix: String, config: BertConfig) throws {
        let h = config.hiddenSize
        hidden = h
        vocabSize = config.vocabSize
        typeVocabSize = config.typeVocabSize
        wordEmbeddings = try store.floats(prefix + ".word_embeddings.weight", shape: [config.vocabSize, h])
        positionEmbeddings = try store.floats(prefix + ".position_embeddings.weight", shape: [config.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = config.typeVocabSize > 0
            ? try store.floats(prefix + ".token_type_embeddings.weight", shape: [config.typeVocabSize, h]) : nil
        layerNorm = try LayerNorm(store, prefix + ".LayerNorm", width: h, eps: config.architecture == .distilbert ? 1e-12 : config.layerNormEps)
        positionOffset = config.positionOffset
    }

    /// Writes `x[batch.count * paddedLength, hidden]`: sequence `b`'s token `t` at row `b * paddedLength + t`;
    /// rows past a sequence's length are zero before the LayerNorm.
    func callAsFunction(_ batch: TokenBatch, paddedLength: Int, into x: UnsafeMutablePointer<Float>) throws {
        let h = hidden
        x.update(repeating: 0, count: batch.count * paddedLength * h)
        for b in 0..<batch.count {
            let start = batch.cuSeqLens[b]
            for t in 0..<batch.length(b) {
                let id = Int(batch.ids[start + t])
                guard id >= 0 && id < vocabSize else { throw BertKitError.invalidTokenId(id, vocabularySize: vocabSize) }
                let row = x + (b * paddedLength + t) * h
                let word = wordEmbeddings.pointer + id * h
                let position = positionEmbeddings.pointer + (positionOffset + t) * h
                for i in 0..<h { row[i] = word[i] + position[i] }
                if let tokenTypeEmbeddings {
                    let type = Int(batch.typeIds[start + t])
                    guard type >= 0 && type < typeVocabSize else {
                        throw BertKitError.invalidTokenTypeId(type, typeVocabularySize: typeVocabSize)
                    }
                    let typeRow = tokenTypeEmbeddings.pointer + type * h
                    for i in 0..<h { row[i] += typeRow[i] }
                }
            }
        }
        layerNorm(x, residual: nil, rows: batch.count * paddedLength)
    }
}
