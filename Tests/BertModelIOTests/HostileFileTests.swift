import Foundation
import TestSupport
import Testing

@testable import BertModelIO

/// Files crafted to overflow the readers' arithmetic: every size and offset a stranger's file can hold is checked
/// before use, so each of these is an error naming the file, never a trap.
@Suite struct HostileFileTests {
    /// A shape whose byte size overflows `Int` (2^62 × 1 floats).
    @Test func safetensorsShapeOverflowingBytesIsAnError() throws {
        let header = #"{"a":{"dtype":"F32","shape":[4611686018427387904,1],"data_offsets":[0,8]}}"#
        let path = try SafeTensorsTests.write(header: header, data: SafeTensorsTests.floatBytes([1, 2]))
        #expect(throws: ModelIOError.self) { try SafeTensorsFile(path: path) }
        do { _ = try SafeTensorsFile(path: path) } catch {
            #expect("\(error)".contains("needs more bytes than a file can hold"), "\(error)")
            #expect("\(error)".contains(path))
        }
    }

    /// A ZIP64 locator pointing at byte 2^63 - 3: reading the record there must not overflow.
    @Test func zip64OffsetNearIntMaxIsAnError() throws {
        var bytes: [UInt8] = []
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        put(UInt32(0x0706_4B50)); put(UInt32(0)); put(UInt64(Int.max - 2)); put(UInt32(1))  // ZIP64 locator
        put(UInt32(0x0605_4B50)); put(UInt16(0)); put(UInt16(0)); put(UInt16(1)); put(UInt16(1))
        put(UInt32(46)); put(UInt32(0xFFFF_FFFF)); put(UInt16(0))  // end of central directory
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("pytorch_model.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try PyTorchCheckpoint(path: path)
            Issue.record("accepted a ZIP64 record at 2^63")
        } catch {
            #expect("\(error)".contains("corrupt PyTorch checkpoint \(path)"), "\(error)")
            #expect("\(error)".contains("truncated zip structure"), "\(error)")
        }
    }

    /// A BINUNICODE8 string whose 64-bit length is 2^63 - 1: compared with what is left, not added to the position.
    @Test func pickleStringLengthNearIntMaxIsAnError() {
        var program: [UInt8] = [0x80, 0x02, 0x8D]
        withUnsafeBytes(of: UInt64(Int.max).littleEndian) { program.append(contentsOf: $0) }
        program += Array("abc".utf8) + [0x2E]
        program.withUnsafeBytes { bytes in
            var unpickler = Unpickler(bytes, path: "/crafted/data.pkl")
            #expect(throws: ModelIOError.self) { try unpickler.load { $0 } }
            var again = Unpickler(bytes, path: "/crafted/data.pkl")
            do { _ = try again.load { $0 } } catch {
                #expect("\(error)".contains("truncated at byte 11"), "\(error)")
            }
        }
    }
}

/// Configuration files that would exhaust memory or the parser's stack.
@Suite struct HostileConfigFileTests {
    @Test func deeplyNestedConfigIsAnError() throws {
        let dir = try Fixtures.temporaryDirectory()
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try Data(("{\"model_type\": \"bert\", \"x\": " + nested + "}").utf8).write(to: dir.appendingPathComponent("config.json"))
        #expect(throws: ModelIOError.self) { try BertConfig(contentsOf: dir.path + "/config.json") }
    }

    @Test func oversizedConfigIsRefusedBeforeReading() throws {
        let dir = try Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("config.json").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(maxConfigFileBytes) + 1)  // sparse: no disk used
        try handle.close()
        do {
            _ = try BertConfig(contentsOf: path)
            Issue.record("a 64 MB config.json was read")
        } catch {
            #expect("\(error)".contains("more than the \(maxConfigFileBytes) a configuration file may have"), "\(error)")
        }
    }
}
