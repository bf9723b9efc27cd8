import BertModelIO
import CBertKernels
import Foundation

/// DeBERTa's relative positions, shared by every layer: the relative-embedding row of each distance `i − j` between
/// a query and a key (`rows[d + center]`, bucketed and clamped as `modeling_deberta_v2.py` gathers them), and the
/// relative embeddings after their LayerNorm, from which each layer makes its own position keys and queries.
package struct DisentangledPositions: Sendable {
    package let attention: DisentangledAttention
    /// The relative-embedding row of distance `d`, at `d + center`.
    package let rows: [Int32]
    package let center: Int
    /// `[2 · span, hidden]`.
    let embeddings: FloatTensor

    package init(
        _ store: WeightStore, _ keys: ArchitectureSpec.Disentangled, config: BertConfig, attention: DisentangledAttention,
        isa: KernelISA
    ) throws {
        self.attention = attention
        let h = config.hiddenSize, width = 2 * attention.span
        center = max(config.maxSequenceLength - 1, 0)
        rows = (-center...center).map { Int32(attention.row($0)) }
        let table = try store.floats(keys.relativeEmbeddings + ".weight", shape: [width, h])
        guard attention.normalizeEmbeddings else {
            embeddings = table
            return
        }
        var values = table.values
        let norm = try LayerNorm(store, keys.norm, width: h, eps: config.layerNormEps)
        try values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try norm(base, rows: width, KernelContext(isa: isa, workers: ProcessInfo.processInfo.activeProcessorCount))
        }
        embeddings = FloatTensor(name: keys.norm + "(" + keys.relativeEmbeddings + ")", shape: [width, h], values: values)
    }
}

/// One layer's position keys (for c2p) and position queries (for p2c): the shared relative embeddings through the
/// layer's key and query projections (`share_att_key`) or its own `pos_key_proj`/`pos_query_proj`, divided by the
/// scores' scale √(head size × factor) as transformers divides the gathered terms, and packed per head as the
/// `[2 · span, head size]` weight of a product that scores every token against every relative position.
package struct DisentangledLayer: Sendable {
    let keys: [PackedWeights]
    let queries: [PackedWeights]
    /// Relative positions per head: `2 · span`.
    let width: Int
    /// The instruction set its weights are packed for.
    let isa: KernelISA

    init(
        _ store: WeightStore, layer: ArchitectureSpec.LayerKeys, prefix: String, _ names: ArchitectureSpec.Disentangled,
        positions: DisentangledPositions, config: BertConfig, isa: KernelISA
    ) throws {
        let attention = positions.attention
        let dh = config.headDim
        let width = 2 * attention.span
        self.width = width
        self.isa = isa
        func packed(_ projection: String) throws -> [PackedWeights] {
            try Self.projected(store, projection, positions: positions, config: config, isa: isa).enumerated().map { head, values in
                let tensor = FloatTensor(name: "\(projection) head \(head) (relative positions)", shape: [width, dh], values: values)
                return try PackedWeights(stacking: [tensor], k: dh, isa: isa)
            }
        }
        let (keyName, queryName) = Self.projections(layer: layer, prefix: prefix, names, attention)
        keys = attention.contentToPosition ? try packed(keyName) : []
        queries = attention.positionToContent ? try packed(queryName) : []
    }

    /// The projections that make a layer's position keys and queries: the layer's own `key_proj` and `query_proj`
    /// with `share_att_key`, else its `pos_key_proj` and `pos_query_proj`.
    package static func projections(
        layer: ArchitectureSpec.LayerKeys, prefix: String, _ names: ArchitectureSpec.Disentangled, _ attention: DisentangledAttention
    ) -> (key: String, query: String) {
        attention.shareKey ? (layer.key, layer.query) : (prefix + names.positionKey, prefix + names.positionQuery)
    }

    /// The relative embeddings through `projection` (with its bias), divided by the scores' scale, per head:
    /// `[2 · span, head size]` values each.
    package static func projected(
        _ store: WeightStore, _ projection: String, positions: DisentangledPositions, config: BertConfig, isa: KernelISA
    ) throws -> [[Float]] {
        let h = config.hiddenSize, dh = config.headDim, width = 2 * positions.attention.span
        let scale = config.attentionScale
        let ctx = KernelContext(isa: isa, workers: ProcessInfo.processInfo.activeProcessorCount)
        let linear = try Linear(store, projection, in: h, out: h, packing: WeightPacking(isa: isa, precision: .fp32))
        var projected = [Float](repeating: 0, count: width * h)
        try positions.embeddings.withUnsafeBufferPointer { r in
            try projected.withUnsafeMutableBufferPointer { out in
                guard let input = r.baseAddress, let output = out.baseAddress else { return }
                try linear(input, rows: width, into: output, .bias, ctx)
            }
        }
        return (0..<config.numAttentionHeads).map { head in
            var values = [Float](repeating: 0, count: width * dh)
            for r in 0..<width {
                for t in 0..<dh { values[r * dh + t] = projected[r * h + head * dh + t] * scale }
            }
            return values
        }
    }

    /// Bytes of packed weights it holds.
    var packedWeightBytes: Int { (keys + queries).reduce(0) { $0 + $1.byteCount } }

    /// The relative positions a batch whose sequences have at most `longest` rows reaches: the table rows from the
    /// farthest key after a query to the farthest before, widened down to a whole packed panel (so the products can
    /// start there), and the kernel's row of each distance `d` (at `d + longest − 1`) relative to that start.
    func reach(_ shared: DisentangledPositions, longest: Int, isa: KernelISA) -> (columns: Range<Int>, rows: [Int32]) {
        let span = max(min(longest, shared.center + 1), 1) - 1
        let low = Int(shared.rows[shared.center - span]), high = Int(shared.rows[shared.center + span])
        let panel = max(bk_panel_width(isa.c), 1)
        let first = low / panel * panel
        return (first..<(high + 1), shared.rows[(shared.center - span)...(shared.center + span)].map { $0 - Int32(first) })
    }

    /// The c2p scores of every row against the relative positions `columns` for heads `first ..< first + count`:
    /// `c2p[row, head − first, r] = Q[row, head] · Kr[head, r]`, and the p2c scores `K[row, head] · Qr[head, r]`, from
    /// the fused QKV rows `qkv[rows, 3 · hidden]`; `[rows, count · columns.count]` each. `columns` starts on a panel
    /// (`reach`).
    func score(
        qkv: UnsafePointer<Float>, rows: Int, hidden: Int, headDim: Int, heads first: Int, count: Int, columns: Range<Int>,
        c2p: UnsafeMutablePointer<Float>, p2c: UnsafeMutablePointer<Float>, _ ctx: KernelContext
    ) throws {
        let n = columns.count
        for head in first..<(first + count) {
            for (weights, input, output) in [(keys, qkv, c2p), (queries, qkv + hidden, p2c)] where !weights.isEmpty {
                var desc = bk_gemm_desc()
                desc.isa = weights[head].isa.c
                desc.m = rows
                desc.n = n
                desc.k = headDim
                desc.a = input + head * headDim
                desc.lda = 3 * hidden
                // fp32 panels of `k × panel width` floats: the first column's panel starts this many floats in.
                let skipped = bk_packed_floats(weights[head].isa.c, columns.lowerBound, headDim)
                desc.packed = UnsafeRawPointer(weights[head].pointer + skipped * MemoryLayout<Float>.size)
                desc.c = output + (head - first) * n
                desc.ldc = count * n
                desc.epilogue = BK_EPILOGUE_NONE
                try withExtendedLifetime(weights[head]) { bk_gemm(ctx.pool, Int32(ctx.workers), &desc) }
                    .check("the relative-position scores of head \(head)")
            }
        }
    }
}
