import BertKit
import BertModelIO
import BertTokenizers

/// The precision an ONNX file computes in, read from its graph: int8 when it quantizes (integer matrix products,
/// quantize/dequantize operators: what `bertkit export --quantize int8` and ONNX Runtime's quantizer write), else the
/// element type holding most of its weights (fp16, bf16 or fp32). ONNX Runtime cannot be asked; the file is scanned
/// (memory-mapped; the weights' bytes are skipped by their lengths, never read).
public enum OnnxWeightPrecision {
    /// Operators that mean integer arithmetic (ONNX's own and ONNX Runtime's contrib operators).
    static let quantizedOperators: Set<String> = [
        "MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv", "DynamicQuantizeLinear", "QuantizeLinear",
        "DequantizeLinear", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QAttention", "QEmbedLayerNormalization",
        "QGemm", "MatMulNBits",
    ]

    /// ONNX `TensorProto.DataType` values of the float types.
    enum DataType: Int32 {
        case float = 1, float16 = 10, bfloat16 = 16
    }

    /// Reads `path`'s graph; errors name the file.
    public static func read(path: String) throws -> Precision {
        let file = try MappedFile(path: path)
        do {
            return try withExtendedLifetime(file) { () throws(ProtobufReader.Failure) -> Precision in
                var reader = ProtobufReader(UnsafeRawBufferPointer(start: file.base, count: file.count))
                return try precision(model: &reader)
            }
        } catch {
            throw ORTError.modelLoad(path: path, reason: "not an ONNX model: \(error.reason)")
        }
    }

    /// The precision of a `ModelProto` (field 7: its graph).
    static func precision(model reader: inout ProtobufReader) throws(ProtobufReader.Failure) -> Precision {
        var operators: Set<String> = []
        var elements: [Int32: Int] = [:]
        while let (number, wire) = try reader.nextField() {
            guard number == 7 else { try reader.skip(wire); continue }
            try ProtobufReader.expect(wire, .lengthDelimited, field: "graph")
            var graph = try reader.message()
            while let (field, type) = try graph.nextField() {
                switch field {
                case 1:  // node
                    try ProtobufReader.expect(type, .lengthDelimited, field: "graph.node")
                    var node = try graph.message()
                    if let op = try opType(&node) { operators.insert(op) }
                case 5:  // initializer
                    try ProtobufReader.expect(type, .lengthDelimited, field: "graph.initializer")
                    var tensor = try graph.message()
                    let (dataType, count) = try tensorSize(&tensor)
                    let (sum, overflow) = elements[dataType, default: 0].addingReportingOverflow(count)
                    elements[dataType] = overflow ? .max : sum
                default:
                    try graph.skip(type)
                }
            }
        }
        if !operators.isDisjoint(with: quantizedOperators) { return .int8 }
        let float = elements[DataType.float.rawValue] ?? 0
        let half = elements[DataType.float16.rawValue] ?? 0, brain = elements[DataType.bfloat16.rawValue] ?? 0
        if half > float && half >= brain { return .fp16 }
        if brain > float { return .bf16 }
        return .fp32
    }

    /// A `NodeProto`'s op_type (field 4).
    static func opType(_ node: inout ProtobufReader) throws(ProtobufReader.Failure) -> String? {
        var op: String?
        while let (field, type) = try node.nextField() {
            if field == 4 {
                try ProtobufReader.expect(type, .lengthDelimited, field: "node.op_type")
                op = try node.string()
            } else {
                try node.skip(type)
            }
        }
        return op
    }

    /// A `TensorProto`'s data_type (field 2) and element count (the product of its dims, field 1, packed or not;
    /// saturating, so a hostile file's dims cannot overflow).
    static func tensorSize(_ tensor: inout ProtobufReader) throws(ProtobufReader.Failure) -> (dataType: Int32, count: Int) {
        var dataType: Int32 = 0
        var count = 1
        func multiply(_ dim: UInt64) {
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(clamping: dim))
            count = overflow ? .max : product
        }
        while let (field, type) = try tensor.nextField() {
            switch (field, type) {
            case (1, .varint): multiply(try tensor.varint())
            case (1, .lengthDelimited):
                var packed = try tensor.message()
                while !packed.isAtEnd { multiply(try packed.varint()) }
            case (2, .varint): dataType = try tensor.int32()
            default: try tensor.skip(type)
            }
        }
        return (dataType, count)
    }
}
