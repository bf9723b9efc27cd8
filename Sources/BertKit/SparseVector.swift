/// A sparse embedding (SPLADE): the nonzero entries of a vocabulary-wide vector, indices ascending.
public struct SparseVector: Sendable, Equatable {
    /// Vocabulary ids with a nonzero weight, ascending.
    public var indices: [Int]
    /// Their weights, in the same order.
    public var values: [Float]

    /// A vector of `indices` (ascending) and their `values`.
    public init(indices: [Int], values: [Float]) {
        self.indices = indices
        self.values = values
    }

    /// The nonzero entries of the dense `vector`.
    public init(dense vector: [Float]) {
        var indices: [Int] = [], values: [Float] = []
        for (index, value) in vector.enumerated() where value != 0 {
            indices.append(index)
            values.append(value)
        }
        self.init(indices: indices, values: values)
    }

    /// The JSON object `{"indices": [...], "values": [...]}` that `bertkit embed --sparse` writes.
    public var json: String {
        "{\"indices\":[" + indices.map(String.init).joined(separator: ",") + "],\"values\":["
            + values.map { "\($0)" }.joined(separator: ",") + "]}"
    }
}
