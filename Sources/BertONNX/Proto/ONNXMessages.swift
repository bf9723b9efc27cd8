/// The subset of ONNX's protobuf schema (onnx/onnx.proto, field numbers as published) that an exported BERT-family
/// model needs, written by `ProtoWriter`. https://github.com/onnx/onnx/blob/main/onnx/onnx.proto

/// `TensorProto.DataType` values used here.
public enum ONNXElementType: Int32, Sendable {
    case float = 1, uint8 = 2, int8 = 3, int32 = 6, int64 = 7, float16 = 10, double = 11
}

/// `ModelProto`.
struct ModelProto: ProtoEncodable {
    var irVersion: Int64
    var opsets: [(domain: String, version: Int64)]
    var producerName: String
    var producerVersion: String
    var graph: GraphProto
    var metadata: [(String, String)] = []

    func encode(to w: inout ProtoWriter) {
        w.int(1, irVersion)
        w.string(2, producerName)
        w.string(3, producerVersion)
        w.message(7, graph)
        for opset in opsets { w.message(8, OperatorSetId(domain: opset.domain, version: opset.version)) }
        for (key, value) in metadata { w.message(14, StringEntry(key: key, value: value)) }
    }
}

/// `OperatorSetIdProto`.
struct OperatorSetId: ProtoEncodable {
    var domain: String
    var version: Int64
    func encode(to w: inout ProtoWriter) {
        if !domain.isEmpty { w.string(1, domain) }
        w.int(2, version)
    }
}

/// `StringStringEntryProto`.
struct StringEntry: ProtoEncodable {
    var key: String
    var value: String
    func encode(to w: inout ProtoWriter) {
        w.string(1, key)
        w.string(2, value)
    }
}

/// `GraphProto`.
struct GraphProto: ProtoEncodable {
    var name: String
    var nodes: [NodeProto] = []
    var initializers: [TensorProto] = []
    var inputs: [ValueInfoProto] = []
    var outputs: [ValueInfoProto] = []

    func encode(to w: inout ProtoWriter) {
        for node in nodes { w.message(1, node) }
        w.string(2, name)
        for tensor in initializers { w.message(5, tensor) }
        for input in inputs { w.message(11, input) }
        for output in outputs { w.message(12, output) }
    }
}

/// `NodeProto`.
struct NodeProto: ProtoEncodable {
    var opType: String
    var domain: String = ""
    var name: String
    var inputs: [String]
    var outputs: [String]
    var attributes: [AttributeProto] = []

    func encode(to w: inout ProtoWriter) {
        for input in inputs { w.string(1, input) }
        for output in outputs { w.string(2, output) }
        w.string(3, name)
        w.string(4, opType)
        for attribute in attributes { w.message(5, attribute) }
        if !domain.isEmpty { w.string(7, domain) }
    }
}

/// `AttributeProto`, for the kinds BERT graphs use.
struct AttributeProto: ProtoEncodable {
    enum Value {
        case float(Float)
        case int(Int64)
        case string(String)
        case ints([Int64])
        case tensor(TensorProto)
    }
    var name: String
    var value: Value

    func encode(to w: inout ProtoWriter) {
        w.string(1, name)
        switch value {
        case .float(let f): w.float(2, f); w.int(20, 1)
        case .int(let i): w.int(3, i); w.int(20, 2)
        case .string(let s): w.string(4, s); w.int(20, 3)
        case .tensor(let t): w.message(5, t); w.int(20, 4)
        case .ints(let list): w.packedInts(8, list); w.int(20, 7)
        }
    }
}

/// `TensorProto`: data inline (`raw_data`, little-endian) or in an external file.
struct TensorProto: ProtoEncodable {
    enum Storage {
        case raw([UInt8])
        case external(location: String, offset: Int, length: Int)
    }
    var name: String
    var type: ONNXElementType
    var dims: [Int64]
    var storage: Storage

    func encode(to w: inout ProtoWriter) {
        w.packedInts(1, dims)
        w.int(2, Int64(type.rawValue))
        w.string(8, name)
        switch storage {
        case .raw(let bytes):
            w.bytes(9, bytes)
        case .external(let location, let offset, let length):
            w.message(13, StringEntry(key: "location", value: location))
            w.message(13, StringEntry(key: "offset", value: String(offset)))
            w.message(13, StringEntry(key: "length", value: String(length)))
            w.int(14, 1)
        }
    }
}

/// `ValueInfoProto` of a tensor: element type and dimensions, each a number or a symbolic name.
struct ValueInfoProto: ProtoEncodable {
    enum Dimension {
        case value(Int64)
        case param(String)
    }
    var name: String
    var type: ONNXElementType
    var shape: [Dimension]

    func encode(to w: inout ProtoWriter) {
        w.string(1, name)
        w.message(2, TypeMessage(type: type, shape: shape))
    }

    /// `TypeProto` holding a `TypeProto.Tensor`.
    private struct TypeMessage: ProtoEncodable {
        var type: ONNXElementType
        var shape: [Dimension]
        func encode(to w: inout ProtoWriter) { w.message(1, TensorType(type: type, shape: shape)) }
    }

    private struct TensorType: ProtoEncodable {
        var type: ONNXElementType
        var shape: [Dimension]
        func encode(to w: inout ProtoWriter) {
            w.int(1, Int64(type.rawValue))
            w.message(2, Shape(shape: shape))
        }
    }

    private struct Shape: ProtoEncodable {
        var shape: [Dimension]
        func encode(to w: inout ProtoWriter) {
            for dim in shape { w.message(1, Dim(dim: dim)) }
        }
    }

    private struct Dim: ProtoEncodable {
        var dim: Dimension
        func encode(to w: inout ProtoWriter) {
            switch dim {
            case .value(let v): w.int(1, v)
            case .param(let p): w.string(2, p)
            }
        }
    }
}
