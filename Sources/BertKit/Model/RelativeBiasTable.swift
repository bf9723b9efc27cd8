import BertModelIO

/// MPNet's relative-position bias (`MPNetEncoder.compute_position_bias`), expanded per distance for the attention
/// kernel: `[heads][2·span + 1]`, entry `d + span` holding the bias of a key `d = j − i` positions from its query,
/// where `span` is the distance from which every key falls in the farthest bucket (so clamping `d` to ±span changes
/// nothing). Built once at load from the table `[rows, heads]` and shared by every layer.
struct RelativeBiasTable: Sendable {
    let table: FloatTensor
    let span: Int

    init(_ store: WeightStore, _ spec: ArchitectureSpec.RelativeBias, rows: Int, heads: Int) throws {
        let weight = try store.floats(spec.table + ".weight", shape: [rows, heads])
        let span = spec.maxDistance
        let width = 2 * span + 1
        var values = [Float](repeating: 0, count: heads * width)
        weight.withUnsafeBufferPointer { w in
            for distance in -span...span {
                let bucket = spec.bucket(distance)
                for head in 0..<heads { values[head * width + distance + span] = w[bucket * heads + head] }
            }
        }
        self.span = span
        table = FloatTensor(name: spec.table + ".weight (per distance)", shape: [heads, width], values: values)
    }
}
