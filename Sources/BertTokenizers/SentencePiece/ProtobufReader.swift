/// A reader of Protocol Buffers' wire format over bytes from an untrusted file: every length is checked against the
/// bytes that remain before it is used, varints longer than ten bytes and the deprecated groups are errors. It reads
/// memory it does not own (an array's storage, a mapped file) and must not outlive it. Shared within the package
/// (SentencePiece models here, ONNX graphs in BertONNX).
package struct ProtobufReader {
    /// Why a message could not be read, with the byte offset.
    package struct Failure: Error {
        package let reason: String
    }

    /// The wire type of a field (the low three bits of its key).
    package enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    package private(set) var offset: Int
    private let end: Int

    /// A reader of `bytes[range]`; the range must lie within `bytes`, which must stay valid while the reader is used.
    package init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        offset = range.lowerBound
        end = range.upperBound
    }

    package var isAtEnd: Bool { offset >= end }

    /// The next field's number and wire type; nil at the end of the message.
    package mutating func nextField() throws(Failure) -> (number: Int, wire: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        guard let wire = WireType(rawValue: key & 7) else { throw Failure(reason: "wire type \(key & 7) at byte \(offset)") }
        let number = key >> 3
        guard number >= 1, number <= 0x1FFF_FFFF else { throw Failure(reason: "field number \(number) at byte \(offset)") }
        return (Int(number), wire)
    }

    package mutating func varint() throws(Failure) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard offset < end else { throw Failure(reason: "a varint runs past the end at byte \(offset)") }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw Failure(reason: "a varint overflows 64 bits at byte \(offset)") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
        }
        throw Failure(reason: "a varint longer than ten bytes at byte \(offset)")
    }

    /// An `int32` field: protobuf writes negative values as ten-byte varints of their 64-bit sign extension.
    package mutating func int32() throws(Failure) -> Int32 {
        let raw = try varint()
        let value = Int64(bitPattern: raw)
        guard let narrow = Int32(exactly: value) else { throw Failure(reason: "\(value) is not an int32, at byte \(offset)") }
        return narrow
    }

    package mutating func bool() throws(Failure) -> Bool { try varint() != 0 }

    package mutating func fixed32() throws(Failure) -> UInt32 {
        guard end - offset >= 4 else { throw Failure(reason: "a fixed32 runs past the end at byte \(offset)") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return value
    }

    package mutating func float() throws(Failure) -> Float { Float(bitPattern: try fixed32()) }

    /// The byte range of a length-delimited field (a string, bytes or an embedded message).
    package mutating func lengthDelimited() throws(Failure) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - offset) else {
            throw Failure(reason: "a field of \(length) bytes at byte \(offset) runs past the end (\(end - offset) left)")
        }
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    /// A reader of the embedded message in the next length-delimited field.
    package mutating func message() throws(Failure) -> ProtobufReader { ProtobufReader(bytes, range: try lengthDelimited()) }

    /// The next length-delimited field as UTF-8 text.
    package mutating func string() throws(Failure) -> String {
        let range = try lengthDelimited()
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw Failure(reason: "a string at byte \(range.lowerBound) is not valid UTF-8")
        }
        return text
    }

    package mutating func data() throws(Failure) -> [UInt8] { Array(UnsafeRawBufferPointer(rebasing: bytes[try lengthDelimited()])) }

    /// Skips a field of a type this reader does not keep.
    package mutating func skip(_ wire: WireType) throws(Failure) {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64:
            guard end - offset >= 8 else { throw Failure(reason: "a fixed64 runs past the end at byte \(offset)") }
            offset += 8
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32: _ = try fixed32()
        case .startGroup, .endGroup: throw Failure(reason: "a group (deprecated wire type) at byte \(offset)")
        }
    }

    /// Fails unless the field has the wire type its schema gives.
    package static func expect(_ wire: WireType, _ wanted: WireType, field: String) throws(Failure) {
        guard wire == wanted else { throw Failure(reason: "\(field) has wire type \(wire.rawValue), expected \(wanted.rawValue)") }
    }
}
