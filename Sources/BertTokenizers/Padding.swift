/// Padding of encodings (HF `PaddingParams`).
public struct Padding: Sendable, Equatable {
    /// Pad every encoding to this length; nil pads a batch to its longest encoding.
    public var fixedLength: Int?
    /// Round the padded length up to a multiple of this.
    public var padToMultipleOf: Int?
    /// Pad at the start instead of the end.
    public var left: Bool
    /// The padding token's id.
    public var padId: Int
    /// Its segment id.
    public var padTypeId: Int
    /// Its string.
    public var padToken: String

    /// Padding options.
    public init(
        fixedLength: Int? = nil, padToMultipleOf: Int? = nil, left: Bool = false, padId: Int = 0,
        padTypeId: Int = 0, padToken: String = "[PAD]"
    ) {
        self.fixedLength = fixedLength
        self.padToMultipleOf = padToMultipleOf
        self.left = left
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }

    /// Pads `encodings` together (HF `pad_encodings`).
    public func apply(_ encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        var length = fixedLength ?? encodings.map(\.count).max() ?? 0
        if let multiple = padToMultipleOf, multiple > 0, length % multiple > 0 { length += multiple - length % multiple }
        for i in encodings.indices {
            encodings[i].pad(to: length, id: padId, typeId: padTypeId, token: padToken, left: left)
        }
    }
}
