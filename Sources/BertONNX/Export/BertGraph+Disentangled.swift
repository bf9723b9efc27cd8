import BertKit
import BertModelIO

/// DeBERTa's disentangled attention in the graph, as `modeling_deberta_v2.py` computes it: each layer's queries
/// against every relative position's key (c2p) and keys against every position's query (p2c), both gathered at the
/// bucket row of each (query, key) distance, the p2c term transposed, added to the scaled content scores. The
/// position keys and queries are constants (the relative embeddings after their LayerNorm, through the layer's
/// projections, divided by the scale), made by the native engine's own code.
extension BertGraph {
    struct DisentangledIndex {
        /// `[batch, heads, S, S]`: the row of query i against key j, and its transpose.
        let rows: String
        let transposed: String
        let positions: DisentangledPositions
    }

    /// The row of every (query, key) pair, computed once for every layer; nil without disentangled attention.
    mutating func disentangledIndex() throws -> DisentangledIndex? {
        guard let keys = spec.disentangled, let attention = config.disentangled else { return nil }
        let positions = try DisentangledPositions(weights.store, keys, config: config, attention: attention, isa: .best)
        let table = g.ints(positions.rows.map(Int64.init), dims: [positions.rows.count], hint: "relative_rows")
        let shape = g.op("Shape", BertGraph.inputIds)
        let length = g.op("Gather", shape, g.ints([1], dims: [], hint: "sequence_axis"))
        let steps = g.op("Range", g.ints([0], dims: [], hint: "zero"), length, g.ints([1], dims: [], hint: "one"))
        // [S, 1] - [1, S]: row i, column j holds i - j.
        let distance = g.op("Sub", g.unsqueeze(steps, axes: [1]), g.unsqueeze(steps, axes: [0]))
        let rows = g.op("Gather", table, g.op("Add", distance, g.ints([Int64(positions.center)], dims: [], hint: "center")))
        let batch = g.op("Slice", shape, g.ints([0]), g.ints([1]), g.ints([0]))
        let side = g.unsqueeze(length, axes: [0])
        let full = g.node(
            "Concat", [batch, g.ints([Int64(config.numAttentionHeads)], hint: "heads"), side, side],
            attrs: [AttributeProto(name: "axis", value: .int(0))])[0]
        let transposed = g.op("Transpose", rows, attrs: [AttributeProto(name: "perm", value: .ints([1, 0]))])
        return DisentangledIndex(rows: g.op("Expand", rows, full), transposed: g.op("Expand", transposed, full), positions: positions)
    }

    /// c2p + p2c of one layer, `[batch, heads, S, S]`, from its queries `q` `[batch, heads, S, head]` and transposed
    /// keys `kT` `[batch, heads, head, S]`.
    mutating func disentangledScores(
        q: String, kT: String, layer keys: ArchitectureSpec.LayerKeys, prefix: String, _ index: DisentangledIndex
    ) throws -> String? {
        guard let names = spec.disentangled else { return nil }
        let attention = index.positions.attention
        let heads = config.numAttentionHeads, dh = config.headDim, width = 2 * attention.span
        let (keyName, queryName) = DisentangledLayer.projections(layer: keys, prefix: prefix, names, attention)
        /// `[heads, head, 2·span]`: each head's position rows, transposed for `MatMul`.
        func constant(_ projection: String, _ hint: String) throws -> String {
            let perHead = try DisentangledLayer.projected(
                weights.store, projection, positions: index.positions, config: config, isa: .best)
            var values = [Float](repeating: 0, count: heads * dh * width)
            for (head, rows) in perHead.enumerated() {
                for r in 0..<width { for t in 0..<dh { values[(head * dh + t) * width + r] = rows[r * dh + t] } }
            }
            return g.floats(prefix + hint, values, dims: [heads, dh, width])
        }
        let axis = AttributeProto(name: "axis", value: .int(3))
        var terms: [String] = []
        if attention.contentToPosition {
            let all = g.op("MatMul", q, try constant(keyName, "relative_keys"))
            terms.append(g.op("GatherElements", all, index.rows, attrs: [axis]))
        }
        if attention.positionToContent {
            let k = g.op("Transpose", kT, attrs: [AttributeProto(name: "perm", value: .ints([0, 1, 3, 2]))])
            let all = g.op("MatMul", k, try constant(queryName, "relative_queries"))
            let gathered = g.op("GatherElements", all, index.transposed, attrs: [axis])
            terms.append(g.op("Transpose", gathered, attrs: [AttributeProto(name: "perm", value: .ints([0, 1, 3, 2]))]))
        }
        guard let first = terms.first else { return nil }
        return terms.dropFirst().reduce(first) { g.op("Add", $0, $1) }
    }
}
