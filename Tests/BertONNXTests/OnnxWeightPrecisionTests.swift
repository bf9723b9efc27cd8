import BertBench
import BertKit
import BertONNX
import Foundation
import TestSupport
import Testing

/// The precision an ONNX file computes in, read from its graph: labels of `bench` cells, `/info`'s dtype.
@Suite struct OnnxWeightPrecisionTests {
    static let model = Fixtures.path("models/tiny-bert-cls")

    /// BertKit's fp32 and int8 exports of the tiny classifier, in a fresh folder.
    static func exports() throws -> (fp32: String, int8: String) {
        let dir = try Fixtures.temporaryDirectory()
        let fp32 = dir.appendingPathComponent("fp32.onnx").path, int8 = dir.appendingPathComponent("int8.onnx").path
        try ONNXExporter.export(directory: model, to: fp32, options: .init(task: .classification))
        try ONNXExporter.export(directory: model, to: int8, options: .init(task: .classification, quantizeInt8: true))
        return (fp32, int8)
    }

    @Test func readsThePrecisionOfEachKindOfFile() throws {
        let (fp32, int8) = try Self.exports()
        #expect(try OnnxWeightPrecision.read(path: fp32) == .fp32)
        #expect(try OnnxWeightPrecision.read(path: int8) == .int8)
        for file in ["torch-tiny-bert-cls.onnx", "torch-tiny-roberta-cls.onnx", "optimum-tiny-bert/model.onnx"] {
            #expect(try OnnxWeightPrecision.read(path: Fixtures.path("onnx/" + file)) == .fp32, "\(file)")
        }
        // The fp32 export with its float initializers rewritten as float16 (onnx from PyPI), and as bfloat16.
        let dir = try Fixtures.temporaryDirectory()
        for (type, expected) in [("FLOAT16", Precision.fp16), ("BFLOAT16", .bf16)] {
            let out = dir.appendingPathComponent("\(type).onnx").path
            _ = try ORTTestSupport.runPython([
                "-c",
                """
                import sys, onnx
                from onnx import helper, TensorProto
                m = onnx.load(sys.argv[1])
                for t in m.graph.initializer:
                    if t.data_type == TensorProto.FLOAT:
                        dims = list(t.dims); name = t.name
                        n = 1
                        for d in dims: n *= d
                        width = 2
                        t.CopyFrom(helper.make_tensor(name, getattr(TensorProto, sys.argv[3]), dims, bytes(n * width), raw=True))
                onnx.save(m, sys.argv[2])
                """, fp32, out, type,
            ])
            #expect(try OnnxWeightPrecision.read(path: out) == expected, "\(type)")
        }
    }

    @Test func malformedFilesAreErrorsNamingThem() throws {
        let (fp32, _) = try Self.exports()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fp32))
        let dir = try Fixtures.temporaryDirectory()
        var cuts = 0
        for cut in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 97)) {
            let path = dir.appendingPathComponent("cut-\(cut).onnx").path
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            do {
                _ = try OnnxWeightPrecision.read(path: path)
            } catch {
                #expect("\(error)".contains(path), "\(error)")
                cuts += 1
            }
        }
        #expect(cuts > 50, "most truncations cut a field short: \(cuts)")
        let empty = dir.appendingPathComponent("empty.onnx").path
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(throws: (any Error).self) { try OnnxWeightPrecision.read(path: empty) }
        // A dims field claiming a huge tensor saturates rather than overflowing.
        var huge = Data([0x3A])  // field 7 (graph), length-delimited
        let tensor: [UInt8] = [
            0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x10,
            0x0A,
        ]
        let initializer: [UInt8] = [0x2A, UInt8(tensor.count)] + tensor
        huge.append(UInt8(initializer.count))
        huge.append(contentsOf: initializer)
        let hugePath = dir.appendingPathComponent("huge.onnx").path
        try huge.write(to: URL(fileURLWithPath: hugePath))
        #expect(try OnnxWeightPrecision.read(path: hugePath) == .fp16)
    }

    @Test func benchAndModelSayWhatTheFileComputesIn() throws {
        let (_, int8) = try Self.exports()
        let model = try BertModel(directory: Self.model, onnx: int8, ortLibrary: try ORTTestSupport.libraryPath)
        #expect(model.weightPrecision == .int8 && model.options.precision == .fp32)
        let native = try BertModel(directory: Self.model, options: .init(precision: .bf16))
        #expect(native.weightPrecision == .bf16)

        let out = try Fixtures.temporaryDirectory().path
        var c = try OnnxBenchTests.configuration(model: Self.model, onnx: int8, out: out)
        c.backends = ["native-packed", "onnxruntime"]
        c.lengths = []
        let results = try BenchSession(c).run()
        let onnx = results.cells.filter { $0.spec.backend == "onnxruntime" }
        #expect(!onnx.isEmpty && onnx.allSatisfy { $0.spec.precision == "fp32" && $0.weights == "int8" })
        #expect(results.cells.filter { $0.spec.backend == "native-packed" }.allSatisfy { $0.weights == nil })
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("onnxruntime (int8 file)"), "\(report.prefix(3000))")
    }
}
