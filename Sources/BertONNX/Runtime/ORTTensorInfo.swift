/// A model input or output as ONNX Runtime describes it.
public struct ORTTensorInfo: Sendable, Equatable {
    /// The name in the graph.
    public var name: String
    /// ONNX element type (1 float, 6 int32, 7 int64, 10 float16, ...); 0 when not a tensor.
    public var elementType: Int32
    /// Dimensions; -1 for a dynamic one.
    public var shape: [Int64]

    /// The element type's ONNX name.
    public var typeName: String { ORTTensorInfo.typeName(elementType) }

    static func typeName(_ type: Int32) -> String {
        let names: [Int32: String] = [
            0: "not a tensor", 1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16",
            6: "int32", 7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double",
            12: "uint32", 13: "uint64", 16: "bfloat16",
        ]
        return names[type] ?? "type \(type)"
    }
}

/// An input tensor: integer data of shape `shape` (ids, masks).
public struct ORTInput: Sendable {
    /// The graph input it feeds.
    public var name: String
    /// Its element type: int64 or int32.
    public var elementType: ONNXElementType
    /// Row-major values.
    public var values: [Int64]
    /// Dimensions.
    public var shape: [Int]

    /// An int64 or int32 input.
    public init(name: String, elementType: ONNXElementType, values: [Int64], shape: [Int]) {
        self.name = name
        self.elementType = elementType
        self.values = values
        self.shape = shape
    }
}

/// An output tensor as float32, in place: valid only inside the `ORTSession.run` call that hands it out.
public struct ORTOutputView {
    /// The graph output.
    public var name: String
    /// Dimensions.
    public var shape: [Int]
    /// Row-major values.
    public var values: UnsafeBufferPointer<Float>
}
