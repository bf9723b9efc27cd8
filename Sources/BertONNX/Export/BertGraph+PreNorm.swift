import BertModelIO

/// ModernBERT's layers in the graph, as transformers computes them: pre-LayerNorm blocks (layer 0's attention input
/// is the embeddings' norm itself), and the local layers' mask, which also hides every key farther than the window
/// from its query.
extension BertGraph {
    /// `h + attention(attn_norm(h))`, then `+ feed_forward(mlp_norm(·))`.
    mutating func preNormLayer(_ x: String, _ keys: ArchitectureSpec.LayerKeys, index: Int, _ inputs: LayerInputs) throws -> String {
        let input = index == 0 ? x : try norm(x, keys.attentionNorm)
        let attended = g.op("Add", x, try attention(input, keys, inputs))
        return g.op("Add", attended, try feedForward(norm(attended, keys.outputNorm), keys))
    }

    /// `maskBias` `[batch, 1, 1, sequence]` plus float32's lowest wherever |key − query| > `window`:
    /// `[batch, 1, sequence, sequence]` (transformers' `sliding_window_bidirectional_overlay`).
    mutating func windowMask(_ maskBias: String, _ window: Int) -> String {
        let length = g.op("Gather", g.op("Shape", BertGraph.inputIds), g.ints([1], dims: [], hint: "sequence_axis"))
        let positions = g.op("Range", g.ints([0], dims: [], hint: "zero"), length, g.ints([1], dims: [], hint: "one"))
        let distance = g.op("Abs", g.op("Sub", g.unsqueeze(positions, axes: [0]), g.unsqueeze(positions, axes: [1])))
        let outside = g.op(
            "Cast", g.op("Greater", distance, g.ints([Int64(window)], dims: [], hint: "window")),
            attrs: [AttributeProto(name: "to", value: .int(Int64(ONNXElementType.float.rawValue)))])
        let hidden = g.op("Mul", outside, g.scalar(-Float.greatestFiniteMagnitude, hint: "float_min"))
        return g.op("Add", maskBias, g.unsqueeze(hidden, axes: [0, 1]))
    }
}
