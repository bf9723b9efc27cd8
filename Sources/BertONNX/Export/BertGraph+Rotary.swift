import BertModelIO

/// RoPE's cos and sin `[sequence, rotary dimensions]` for the graph's positions, computed once for every layer.
struct RotaryGraphTables {
    let cos: String
    let sin: String
    let dimensions: Int
}

/// Rotary position embeddings in the graph, as transformers' GTE computes them: the positions `0..<sequence` times
/// the inverse frequencies (float32), duplicated (`cat(freqs, freqs)`), their cos and sin, and each query and key
/// turned by `x·cos + rotate_half(x)·sin` on its first `dimensions` columns.
extension BertGraph {
    /// The tables of `rotary`, its inverse frequencies an initializer called `name`.
    mutating func rotaryTables(_ rotary: RotaryEmbedding, name: String) -> RotaryGraphTables {
        let frequencies = rotary.inverseFrequencies
        let inverse = g.floats(name, frequencies, dims: [1, frequencies.count])
        let length = g.op("Gather", g.op("Shape", BertGraph.inputIds), g.ints([1], dims: [], hint: "sequence_axis"))
        let positions = g.op("Range", g.ints([0], dims: [], hint: "zero"), length, g.ints([1], dims: [], hint: "one"))
        let column = g.unsqueeze(
            g.op("Cast", positions, attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))]),
            axes: [1])
        let angles = g.op("MatMul", column, inverse)  // [S, 1] · [1, d/2]: each product exact, as torch's
        let doubled = g.op("Concat", angles, angles, attrs: [AttributeProto(name: "axis", value: .int(-1))])
        return RotaryGraphTables(cos: g.op("Cos", doubled), sin: g.op("Sin", doubled), dimensions: rotary.dimensions)
    }

    /// `x` `[batch, heads, sequence, head_dim]` turned by RoPE (NeoX pairs, `rotate_half`).
    mutating func rotate(_ x: String, _ tables: RotaryGraphTables) -> String {
        let d = tables.dimensions, half = d / 2
        let rotated = d == config.headDim ? x : lastAxis(x, 0, d)
        let first = lastAxis(rotated, 0, half), second = lastAxis(rotated, half, d)
        let turned = g.op("Concat", g.op("Neg", second), first, attrs: [AttributeProto(name: "axis", value: .int(-1))])
        let result = g.op("Add", g.op("Mul", rotated, tables.cos), g.op("Mul", turned, tables.sin))
        guard d < config.headDim else { return result }
        return g.op("Concat", result, lastAxis(x, d, config.headDim), attrs: [AttributeProto(name: "axis", value: .int(-1))])
    }

    /// Columns `start..<end` of the last axis of `x`.
    mutating func lastAxis(_ x: String, _ start: Int, _ end: Int) -> String {
        g.op("Slice", x, g.ints([Int64(start)]), g.ints([Int64(end)]), g.ints([-1], hint: "last_axis"))
    }
}
