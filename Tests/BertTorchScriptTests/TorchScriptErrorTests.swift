import BertKit
import BertTorchScript
import Foundation
import TestSupport
import Testing

/// Clear errors from the torchscript backend: a shape baked into a trace, inputs BertKit cannot feed, missing or
/// corrupt files; and, in a build without libtorch, the one error that says so.
@Suite struct TorchScriptErrorTests {
    static let tiny = Fixtures.path("models/tiny-bert-cls")

    static func load(_ file: String) throws -> TorchScriptBackend {
        let model = try BertModel(directory: tiny)
        return try TorchScriptBackend(file: file, config: model.config, pooling: model.pooling)
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    #if TorchScript
    @Test func bakedShapeRunsAtItsShapeAndFailsClearlyElsewhere() throws {
        let file = Fixtures.path("torchscript/baked-shape.pt")
        let module = try TorchScriptModule(path: file)
        // At the trace's own shape [2, 5] it runs: the sum of ids × mask per row.
        let (values, shape) = try module.forward(
            [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]], batch: 2, sequence: 5)
        #expect(shape == [2, 1])
        #expect(values == [15, 30])
        // At another shape, libtorch's own message, without its C++ backtrace.
        let error = Self.message { _ = try module.forward([[1, 2, 3], [1, 1, 1]], batch: 1, sequence: 3) }
        #expect(error?.contains("libtorch could not run baked-shape.pt") == true, "\(error ?? "")")
        #expect(error?.contains("[2, 5]") == true, "\(error ?? "")")
        #expect(error?.contains("frame #") == false)
    }

    @Test func unexpectedForwardArgumentIsNamed() {
        let file = Fixtures.path("torchscript/unexpected-input.pt")
        let error = Self.message { _ = try Self.load(file) }
        #expect(error?.contains("pixel_values") == true && error?.contains(file) == true, "\(error ?? "")")
    }

    @Test func corruptAndMissingFilesAreNamed() throws {
        let corrupt = try Fixtures.temporaryDirectory().appendingPathComponent("corrupt.pt").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("torchscript/tiny-bert-cls.pt")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: corrupt))
        let error = Self.message { _ = try Self.load(corrupt) }
        #expect(error?.contains("libtorch could not load \(corrupt)") == true, "\(error ?? "")")
        let missing = Self.message { _ = try Self.load("/nonexistent/model.pt") }
        #expect(missing?.contains("/nonexistent/model.pt") == true && missing?.contains("no such file") == true, "\(missing ?? "")")
    }
    #else
    @Test func aBuildWithoutLibtorchSaysHowToGetIt() {
        #expect(!TorchScriptModule.isAvailable)
        let error = Self.message { _ = try Self.load(Fixtures.path("torchscript/tiny-bert-cls.pt")) }
        #expect(error?.contains("--traits TorchScript") == true, "\(error ?? "")")
    }
    #endif

    @Test func noTracedFileSaysWhereItLooked() {
        let error = Self.message { _ = try TorchScriptFile.locate(in: Self.tiny) }
        #expect(error?.contains(Self.tiny + "/torchscript/model.pt") == true && error?.contains("--torchscript") == true, "\(error ?? "")")
    }
}
