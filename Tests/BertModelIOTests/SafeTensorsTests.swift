import BertModelIO
import Foundation
import TestSupport
import Testing

/// Header validation of safetensors files, with files written here byte by byte.
@Suite struct SafeTensorsTests {
    /// Writes a safetensors file from a header dictionary and a data section.
    static func write(header rawHeader: String, data: [UInt8]) throws -> String {
        // Writers pad the header with spaces to a multiple of 8 bytes, so the data section is aligned.
        let header = rawHeader + String(repeating: " ", count: (8 - rawHeader.utf8.count % 8) % 8)
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("model.safetensors")
        var bytes: [UInt8] = []
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header.utf8)
        bytes.append(contentsOf: data)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func readsF32WithoutCopyingAndF16BF16Exactly() throws {
        let f32 = Self.floatBytes([1, -2.5, 3.25, 0])
        // 1.0, -2.0, 65504 (max half), 2^-24 (smallest subnormal) as F16; 1.0, -3.0 as BF16.
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00]
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]
        let header =
            #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"#
            + #""h":{"dtype":"F16","shape":[4],"data_offsets":[16,24]},"#
            + #""b":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]},"__metadata__":{"format":"pt"}}"#
        let file = try SafeTensorsFile(path: try Self.write(header: header, data: f32 + f16 + bf16))
        #expect(file.metadata["format"] == "pt")
        let store = WeightStore(source: file, prefix: "bert")
        let a = try store.floats("a", shape: [2, 2])
        #expect(a.values == [1, -2.5, 3.25, 0])
        #expect(!a.converted && file.file.contains(UnsafeRawPointer(a.pointer)))
        let h = try store.floats("h", shape: [4])
        #expect(h.values == [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(h.converted)
        #expect(try store.floats("b", shape: [2]).values == [1, -3])
    }

    @Test func prefixIsTriedOnAMiss() throws {
        let header = #"{"bert.x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let store = WeightStore(
            source: try SafeTensorsFile(path: try Self.write(header: header, data: Self.floatBytes([7]))),
            prefix: "bert")
        #expect(try store.floats("x", shape: [1]).values == [7])
        #expect(throws: ModelIOError.missingTensor("y", path: store.path)) { try store.floats("y", shape: [1]) }
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, "data_offsets [0, 16] outside the data section of 8 bytes"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "needs 12 bytes, data_offsets give 8"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#, "overlap"),
        (#"{"a":{"dtype":"F32","shape":[1]}}"#, "needs dtype, shape and two data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, "outside the data section"),
        ("not json at all", "header is not a JSON object"),
    ])
    func lyingHeadersAreRejected(header: String, message: String) throws {
        let path = try Self.write(header: header, data: Self.floatBytes([1, 2]))
        do {
            _ = try SafeTensorsFile(path: path)
            Issue.record("accepted a corrupt header: \(header)")
        } catch let error as ModelIOError {
            #expect("\(error)".contains(message), "\(error)")
            #expect("\(error)".contains(path))
        }
    }

    @Test func headerLengthPastTheEndIsRejected() throws {
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("x.safetensors")
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: url)
        #expect(throws: ModelIOError.corruptSafetensors(path: url.path, reason: "header length 65535 does not fit in a file of 9 bytes")) {
            try SafeTensorsFile(path: url.path)
        }
    }

    @Test func unsupportedDTypeAndShapeMismatchNameTheTensor() throws {
        let header = #"{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        let path = try Self.write(header: header, data: Self.floatBytes([0, 0]))
        let store = WeightStore(source: try SafeTensorsFile(path: path), prefix: "")
        #expect(throws: ModelIOError.unsupportedDType(tensor: "ids", dtype: "I64", path: path)) { try store.floats("ids", shape: [1]) }
        let other = try Self.write(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: Self.floatBytes([0, 0]))
        let store2 = WeightStore(source: try SafeTensorsFile(path: other), prefix: "")
        #expect(throws: ModelIOError.shapeMismatch(tensor: "w", expected: [3], actual: [2], path: other)) {
            try store2.floats("w", shape: [3])
        }
    }

    @Test func missingFileIsNamed() {
        #expect(throws: ModelIOError.missingFile("/nonexistent/model.safetensors")) {
            try SafeTensorsFile(path: "/nonexistent/model.safetensors")
        }
    }
}
