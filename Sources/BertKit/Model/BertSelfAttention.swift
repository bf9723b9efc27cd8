import BertModelIO

/// `BertSelfAttention` + `BertSelfOutput`: Q, K, V projections, scaled dot-product attention per head with
/// the padding mask, output projection, residual and LayerNorm.
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L296
struct BertSelfAttention: Sendable {
    let query: Linear
    let key: Linear
    let value: Linear
    let output: Linear
    let layerNorm: LayerNorm
    let heads: Int
    let headDim: Int

    init(query: Linear, key: Linear, value: Linear, output: Linear, layerNorm: LayerNorm, heads: Int) {
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.layerNorm = layerNorm
        self.heads = heads
        headDim = query.outFeatures / heads
    }

    /// In place over `x[batchSize * paddedLength, hidden]`; `lengths[b]` real tokens per sequence.
    func callAsFunction(_ x: UnsafeMutablePointer<Float>, lengths: [Int], paddedLength: Int, scratch: inout AttentionScratch) {
        let rows = lengths.count * paddedLength
        let h = query.outFeatures
        scratch.reserve(rows: rows, hidden: h, paddedLength: paddedLength)
        query(x, rows: rows, into: scratch.q)
        key(x, rows: rows, into: scratch.k)
        value(x, rows: rows, into: scratch.v)
        let scale = 1 / Float(headDim).squareRoot()
        for (b, length) in lengths.enumerated() {
            let base = b * paddedLength * h
            for head in 0..<heads {
                let offset = base + head * headDim
                // scores[L, L] = Q_bh · K_bhᵀ / √d, over the padded rows; keys past `length` are masked.
                Kernels.gemmNT(m: paddedLength, n: paddedLength, k: headDim, alpha: scale,
                               a: scratch.q + offset, lda: h, b: scratch.k + offset, ldb: h,
                               c: scratch.scores, ldc: paddedLength)
                Kernels.maskedSoftmax(scratch.scores, rows: paddedLength, width: paddedLength, valid: length)
                // context[L, d] = P · V_bh, written into this head's columns.
                Kernels.gemmNN(m: paddedLength, n: headDim, k: paddedLength,
                               a: scratch.scores, lda: paddedLength, b: scratch.v + offset, ldb: h,
                               c: scratch.context + offset, ldc: h)
            }
        }
        output(scratch.context, rows: rows, into: scratch.q)
        layerNorm(scratch.q, residual: x, rows: rows)
        x.update(from: scratch.q, count: rows * h)
    }
}

/// Buffers reused across the layers of one forward pass.
struct AttentionScratch {
    private(set) var q = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var k = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var v = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var context = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var intermediate = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var activationCapacity = 1
    private var scoreCapacity = 1
    private var intermediateCapacity = 1

    mutating func reserve(rows: Int, hidden: Int, paddedLength: Int) {
        if rows * hidden > activationCapacity {
            activationCapacity = rows * hidden
            for p in [q, k, v, context] { p.deallocate() }
            q = .allocate(capacity: activationCapacity)
            k = .allocate(capacity: activationCapacity)
            v = .allocate(capacity: activationCapacity)
            context = .allocate(capacity: activationCapacity)
        }
        if paddedLength * paddedLength > scoreCapacity {
            scoreCapacity = paddedLength * paddedLength
            scores.deallocate()
            scores = .allocate(capacity: scoreCapacity)
        }
    }

    mutating func reserveIntermediate(_ count: Int) {
        if count > intermediateCapacity {
            intermediateCapacity = count
            intermediate.deallocate()
            intermediate = .allocate(capacity: count)
        }
    }

    func release() {
        for p in [q, k, v, context, scores, intermediate] { p.deallocate() }
    }
}
