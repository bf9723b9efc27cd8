/// A protocol-buffers wire-format encoder: just the field kinds ONNX's messages use (varints, length-delimited
/// bytes, strings and nested messages, packed int64s).
/// https://protobuf.dev/programming-guides/encoding/
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    init() {}

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    /// A varint field (int32, int64, enum); negative values take ten bytes, as protobuf specifies.
    mutating func int(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A 32-bit float field.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A length-delimited field holding raw bytes.
    mutating func bytes(_ field: Int, _ value: some Collection<UInt8>) {
        key(field, wireType: 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A UTF-8 string field.
    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message field.
    mutating func message(_ field: Int, _ value: some ProtoEncodable) {
        var nested = ProtoWriter()
        value.encode(to: &nested)
        bytes(field, nested.bytes)
    }

    /// A packed repeated int64 field.
    mutating func packedInts(_ field: Int, _ values: [Int64]) {
        var nested = ProtoWriter()
        for v in values { nested.varint(UInt64(bitPattern: v)) }
        bytes(field, nested.bytes)
    }

    /// A packed repeated float field.
    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        var raw: [UInt8] = []
        raw.reserveCapacity(values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        bytes(field, raw)
    }
}

/// A message that writes itself in protobuf's wire format.
protocol ProtoEncodable {
    func encode(to writer: inout ProtoWriter)
}

extension ProtoEncodable {
    /// The encoded message.
    var serialized: [UInt8] {
        var writer = ProtoWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
