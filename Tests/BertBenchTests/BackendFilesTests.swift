import BertBench
import BertKit
import Foundation
import Synchronization
import Testing

/// A backend registered in a catalog gets its model file and library from the one `BackendFiles` value that bench and
/// tune carry: no field, flag or argument list of its own anywhere in the front ends.
@Suite struct BackendFilesTests {
    /// A stand-in engine that records what it is asked.
    final class Recorder: Sendable {
        let requests = Mutex<[BackendRequest]>([])
    }

    struct FakeProvider: BackendProvider {
        let recorder: Recorder
        var name: String { "fake" }
        var summary: String { "a test engine" }
        var fileKind: String? { "fakegraph" }
        var precisions: [Precision] { [.fp32] }

        func unavailableReason(_ request: BackendRequest) -> String? {
            recorder.requests.withLock { $0.append(request) }
            return request.modelFile == nil ? "no fakegraph file" : nil
        }

        func load(_ request: BackendRequest) throws -> BertModel { throw BertKitError.invalidArgument("not loadable") }
    }

    @Test func aRegisteredBackendGetsItsOwnFiles() {
        let recorder = Recorder()
        let catalog = BackendCatalog([NativeBackendProvider(), FakeProvider(recorder: recorder)])
        let files = BackendFiles(
            models: ["fakegraph": "/models/m.fake", "onnx": "/models/m.onnx"],
            libraries: ["fake": "/lib/libfake.so", "onnxruntime": "/lib/libort.so"])
        let backends = BenchBackends(directory: "/models", files: files, catalog: catalog)
        #expect(backends.available.map(\.name).contains("fake"))
        let request = recorder.requests.withLock { $0.last }
        #expect(request?.modelFile == "/models/m.fake", "its own kind's file, not another backend's")
        #expect(request?.library == "/lib/libfake.so")
        #expect(request?.directory == "/models")
        let without = BenchBackends(directory: "/models", files: BackendFiles(), catalog: catalog)
        #expect(without.all.first { $0.name == "fake" }?.reason == "no fakegraph file")
    }
}
