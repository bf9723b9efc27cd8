import BertKit
import Foundation
import TestSupport
import Testing

@testable import BertONNX

/// Clear errors: a missing or wrong library, too old an API, a model with inputs BertKit cannot feed, a corrupt or
/// missing model file.
@Suite struct OnnxErrorTests {
    static let tinyConfig = Fixtures.path("models/tiny-bert-cls")

    static func expectError(
        _ expected: (ORTError) -> Bool, contains parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("no error", sourceLocation: sourceLocation)
        } catch let error as ORTError {
            #expect(expected(error), "\(error)", sourceLocation: sourceLocation)
            for part in parts { #expect(error.description.contains(part), "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Compiles a shared library from C source with the toolchain's compiler.
    static func compile(_ source: String, name: String) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        let c = dir.appendingPathComponent("\(name).c").path, so = dir.appendingPathComponent("\(name).so").path
        try source.write(toFile: c, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-o", so, c]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return so
    }

    @Test func missingExplicitLibraryNamesThePath() {
        Self.expectError(
            { if case .libraryUnloadable = $0 { true } else { false } }, contains: ["/nonexistent/libonnxruntime.so", "no such file"]
        ) {
            _ = try ORTRuntime.locateAndLoad(ORTLibraryLocator(explicitPath: "/nonexistent/libonnxruntime.so"))
        }
    }

    @Test func ortDylibPathIsHonouredAndNotSilentlySkipped() {
        let locator = ORTLibraryLocator(explicitPath: nil, environment: ["ORT_DYLIB_PATH": "/nowhere/libonnxruntime.so.1.32.0"])
        #expect(locator.candidates().candidates.map(\.source) == ["ORT_DYLIB_PATH"])
        Self.expectError({ if case .libraryUnloadable = $0 { true } else { false } }, contains: ["/nowhere/libonnxruntime.so.1.32.0"]) {
            _ = try ORTRuntime.locateAndLoad(locator)
        }
    }

    @Test func nothingFoundListsEveryPlaceLookedAt() throws {
        let empty = try Fixtures.temporaryDirectory().path
        let locator = ORTLibraryLocator(
            explicitPath: nil, environment: ["PATH": empty], executableDirectory: empty,
            systemNames: ["libbertkit-no-such-onnxruntime.so"])
        Self.expectError(
            { if case .libraryNotFound = $0 { true } else { false } },
            contains: ["ORT_DYLIB_PATH", empty, "libbertkit-no-such-onnxruntime.so", "pip install onnxruntime"]
        ) {
            _ = try ORTRuntime.locateAndLoad(locator)
        }
    }

    @Test func searchOrderIsExecutableThenPythonThenSystem() throws {
        let library = try ORTTestSupport.libraryPath
        let beside = try Fixtures.temporaryDirectory().path
        try FileManager.default.createSymbolicLink(atPath: beside + "/libonnxruntime.so.1.32.0", withDestinationPath: library)
        let venv = URL(fileURLWithPath: ORTTestSupport.python).deletingLastPathComponent().deletingLastPathComponent().path
        let locator = ORTLibraryLocator(
            explicitPath: nil, environment: ["VIRTUAL_ENV": venv, "PATH": "/nonexistent"],
            executableDirectory: beside)
        let candidates = locator.candidates().candidates
        #expect(candidates.first?.path == beside + "/libonnxruntime.so.1.32.0")
        #expect(candidates.dropFirst().first?.path == library)
        #expect(candidates.dropFirst().first?.source.hasPrefix("Python package") == true)
        #expect(candidates.suffix(2).map(\.path) == ["libonnxruntime.so.1", "libonnxruntime.so"])
        let runtime = try ORTRuntime.locateAndLoad(locator)
        #expect(runtime.source == "beside the executable")
        #expect(runtime.apiVersion >= ORTRuntime.requiredAPIVersion)
    }

    @Test func tooOldAnAPIVersionIsRefused() throws {
        let fake = try Self.compile(
            """
            typedef struct { const void *(*get_api)(unsigned); const char *(*version)(void); } Base;
            static const void *get_api(unsigned v) { (void)v; return 0; }
            static const char *version(void) { return "1.3.0"; }
            static const Base base = { get_api, version };
            const Base *OrtGetApiBase(void) { return &base; }
            """, name: "libonnxruntime-old")
        Self.expectError({ if case .apiTooOld(_, "1.3.0", 5) = $0 { true } else { false } }, contains: [fake, "1.3.0", "API version 5"]) {
            _ = try ORTRuntime.locateAndLoad(ORTLibraryLocator(explicitPath: fake))
        }
    }

    @Test func aLibraryThatIsNotOnnxRuntimeIsRefused() throws {
        let other = try Self.compile("int bertkit_unrelated(void) { return 1; }", name: "libunrelated")
        Self.expectError({ if case .notOnnxRuntime = $0 { true } else { false } }, contains: [other, "OrtGetApiBase"]) {
            _ = try ORTRuntime.locateAndLoad(ORTLibraryLocator(explicitPath: other))
        }
    }

    @Test func unexpectedModelInputIsNamed() throws {
        let model = try BertModel(directory: Self.tinyConfig)
        let path = Fixtures.path("onnx/unexpected-input.onnx")
        Self.expectError(
            { if case .unexpectedInput(_, "pixel_values", _) = $0 { true } else { false } },
            contains: [path, "pixel_values", "float"]
        ) {
            _ = try OnnxBackend(file: path, config: model.config, pooling: model.pooling, runtime: ORTTestSupport.runtime())
        }
    }

    @Test func corruptModelFileIsNamed() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("corrupt.onnx").path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("onnx/torch-tiny-bert-cls.onnx")))
        bytes = bytes.prefix(bytes.count / 3)  // cut mid-weights
        try bytes.write(to: URL(fileURLWithPath: path))
        let model = try BertModel(directory: Self.tinyConfig)
        Self.expectError({ if case .modelLoad = $0 { true } else { false } }, contains: [path]) {
            _ = try OnnxBackend(file: path, config: model.config, pooling: model.pooling, runtime: ORTTestSupport.runtime())
        }
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
        Self.expectError({ if case .modelLoad = $0 { true } else { false } }, contains: [path]) {
            _ = try OnnxBackend(file: path, config: model.config, pooling: model.pooling, runtime: ORTTestSupport.runtime())
        }
    }

    @Test func missingModelFileSaysWhereItLooked() {
        Self.expectError(
            { if case .modelFileNotFound = $0 { true } else { false } },
            contains: [Self.tinyConfig + "/model.onnx", Self.tinyConfig + "/onnx/model.onnx", "bertkit export"]
        ) {
            _ = try OnnxModelFile.locate(in: Self.tinyConfig)
        }
        Self.expectError({ if case .modelLoad = $0 { true } else { false } }, contains: ["/missing.onnx", "no such file"]) {
            _ = try OnnxModelFile.locate(in: Self.tinyConfig, explicit: "/missing.onnx")
        }
    }
}
