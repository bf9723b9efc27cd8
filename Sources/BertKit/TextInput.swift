/// One input: a text, or a pair of texts for sentence-pair models.
public struct TextInput: Sendable, Equatable {
    /// The (first) text.
    public var text: String
    /// The second text of a pair.
    public var pair: String?

    /// An input.
    public init(_ text: String, pair: String? = nil) {
        self.text = text
        self.pair = pair
    }
}

/// A classification result.
public struct Classification: Sendable, Equatable {
    /// The winning label's name (`LABEL_i` when the config has no `id2label`).
    public var label: String
    /// Softmax probability of the winning label.
    public var score: Float
    /// Raw logits.
    public var logits: [Float]
}
