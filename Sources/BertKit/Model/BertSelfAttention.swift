import BertModelIO

/// `BertSelfAttention` + `BertSelfOutput`: Q, K and V in one product, scaled dot-product attention per sequence and
/// head on the sequence's own length, output projection, then bias + residual + LayerNorm fused.
/// https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/bert/modeling_bert.py#L296
struct BertSelfAttention: Sendable {
    /// Q, K, V stacked: `[3 · hidden, hidden]`.
    let qkv: Linear
    let output: Linear
    let layerNorm: LayerNorm
    let heads: Int
    let headDim: Int
    let hidden: Int

    init(query: Linear, key: Linear, value: Linear, output: Linear, layerNorm: LayerNorm, heads: Int) {
        qkv = Linear(stacking: [query, key, value], name: query.weight.name.replacingSuffix(".weight", with: "") + "+key+value")
        self.output = output
        self.layerNorm = layerNorm
        self.heads = heads
        hidden = query.outFeatures
        headDim = hidden / heads
    }

    /// In place over the workspace's hidden state `[layout.totalRows, hidden]`.
    func callAsFunction(_ ws: Workspace, layout: SequenceLayout, workers: Int) {
        let rows = layout.totalRows
        let h = hidden, d = headDim, ld = 3 * h
        let x = ws.hidden.pointer, qkvOut = ws.qkv.pointer, context = ws.context.pointer
        // QKV = x · [Wq; Wk; Wv]ᵀ + [bq, bk, bv]: the bias rows are laid down first and the product adds to them.
        Parallel.rows(rows, workers: workers, minimum: 64) { range in
            FusedKernels.broadcast(qkv.bias.pointer, rows: range.count, width: ld, into: qkvOut + range.lowerBound * ld)
        }
        qkv.product(x, rows: rows, beta: 1, into: qkvOut, workers: workers)
        let scale = 1 / Float(d).squareRoot()
        // One task per (sequence, head): scores over the sequence's own keys only, so padding costs nothing.
        Parallel.forEach(layout.count * heads, workers: workers) { task, worker in
            let b = task / heads, head = task % heads
            let m = layout.rows[b], n = layout.lengths[b]
            guard m > 0 && n > 0 else { return }
            let first = layout.rowStart[b] * ld + head * d
            let scores = ws.scores(worker: worker)
            Kernels.gemm(m: m, n: n, k: d, alpha: scale, a: qkvOut + first, lda: ld, transposeB: true,
                         b: qkvOut + first + h, ldb: ld, beta: 0, c: scores, ldc: n)
            FusedKernels.softmax(scores, rows: m, ld: n, valid: n)
            Kernels.gemm(m: m, n: d, k: n, a: scores, lda: n, transposeB: false, b: qkvOut + first + 2 * h, ldb: ld,
                         beta: 0, c: context + layout.rowStart[b] * h + head * d, ldc: h)
        }
        output.product(context, rows: rows, into: ws.projected.pointer, workers: workers)
        layerNorm(ws.projected.pointer, bias: output.bias.pointer, into: x, rows: rows, workers: workers)
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
