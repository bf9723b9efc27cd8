import Foundation
import TestSupport
import Testing

/// `--backend onnxruntime` and `bertkit export` from the command line.
extension CLITests {

    @Test func classifyOnOnnxRuntimeMatchesNative() throws {
        let library = try #require(Fixtures.onnxRuntimeLibrary, Comment(rawValue: Fixtures.onnxRuntimeMissing))
        let input = Data("the cat sat on the mat\nterrible film, bad music\n".utf8)
        let native = try Self.run(["classify", "--model", Self.tiny], stdin: input)
        let onnx = try Self.run(
            [
                "classify", "--model", Self.tiny, "--backend", "onnxruntime",
                "--onnx", Fixtures.path("onnx/torch-tiny-bert-cls.onnx"),
            ],
            stdin: input, environment: ["ORT_DYLIB_PATH": library])
        #expect(onnx.status == 0, "\(onnx.stderr)")
        // The chosen library and its version are logged.
        #expect(onnx.stderr.contains("ONNX Runtime 1.") && onnx.stderr.contains(library) && onnx.stderr.contains("ORT_DYLIB_PATH"))
        func labels(_ run: Run) -> [String] {
            run.stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["label"] as? String
            }
        }
        #expect(labels(onnx).count == 2)
        #expect(labels(onnx) == labels(native))
    }

    @Test func onnxRuntimeErrorsAreOneLine() throws {
        let input = Data("hello\n".utf8)
        Self.expectFailure(
            try Self.run(
                [
                    "embed", "--model", Self.tiny, "--backend", "onnxruntime",
                    "--onnx", Fixtures.path("onnx/torch-tiny-bert-cls.onnx"),
                    "--ort-library", "/nonexistent/libonnxruntime.so",
                ], stdin: input),
            "cannot load ONNX Runtime from /nonexistent/libonnxruntime.so: no such file")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--backend", "onnxruntime"], stdin: input),
            "no ONNX model found")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--onnx", "x.onnx"], stdin: input),
            "--onnx needs --backend onnxruntime")
    }

    /// The generic forms reach any backend by its file kind, library name and settings: `--model-file onnx=` and
    /// `--library onnxruntime=` are `--onnx` and `--ort-library`; `--setting` must name one of the backend's settings.
    @Test func genericBackendFlagsAreTheNamedOnes() throws {
        let library = try #require(Fixtures.onnxRuntimeLibrary, Comment(rawValue: Fixtures.onnxRuntimeMissing))
        let input = Data("the cat sat on the mat\nterrible film, bad music\n".utf8)
        let graph = Fixtures.path("onnx/torch-tiny-bert-cls.onnx")
        let named = try Self.run(
            [
                "classify", "--model", Self.tiny, "--backend", "onnxruntime", "--onnx", graph, "--ort-library", library,
                "--ort-optimization", "basic",
            ], stdin: input)
        let generic = try Self.run(
            [
                "classify", "--model", Self.tiny, "--backend", "onnxruntime", "--model-file", "onnx=" + graph,
                "--library", "onnxruntime=" + library, "--setting", "graph-optimization=basic",
            ], stdin: input)
        #expect(named.status == 0 && generic.status == 0, "\(named.stderr) \(generic.stderr)")
        #expect(named.stdout == generic.stdout && !generic.stdout.isEmpty)
        Self.expectFailure(
            try Self.run(
                [
                    "classify", "--model", Self.tiny, "--backend", "onnxruntime", "--model-file", "onnx=" + graph,
                    "--library", "onnxruntime=" + library, "--setting", "graph-optimization=sideways",
                ], stdin: input),
            "graph-optimization")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--setting", "memory-arena=false"], stdin: input),
            "--setting memory-arena: the native backend takes no settings")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--model-file", "torchscript"], stdin: input),
            "--model-file torchscript: give NAME=VALUE")
        Self.expectFailure(
            try Self.run(["embed", "--model", Self.tiny, "--model-file", "onnx=x.onnx"], stdin: input),
            "--onnx needs --backend onnxruntime")
    }

    @Test func exportWritesAGraphTheOnnxRuntimeBackendRuns() throws {
        let library = try #require(Fixtures.onnxRuntimeLibrary, Comment(rawValue: Fixtures.onnxRuntimeMissing))
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("tiny.onnx").path
        let export = try Self.run(["export", "--model", Self.tiny, "--format", "onnx", "--output", file, "--optimize"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("outputs: logits, last_hidden_state"))
        let input = Data("the cat sat on the mat\n".utf8)
        let onnx = try Self.run(
            ["classify", "--model", Self.tiny, "--backend", "onnxruntime", "--onnx", file, "--ort-library", library],
            stdin: input)
        #expect(onnx.status == 0, "\(onnx.stderr)")
        func logits(_ run: Run) -> [Double] {
            (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["logits"] as? [Double] ?? []
        }
        let native = logits(try Self.run(["classify", "--model", Self.tiny], stdin: input))
        #expect(native.count == 3 && logits(onnx).count == 3)
        #expect(zip(native, logits(onnx)).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(native) vs \(logits(onnx))")
        Self.expectFailure(
            try Self.run(["export", "--model", Self.tiny, "--format", "tflite", "--output", file]), "unknown --format tflite")
    }
}
