// libFuzzer entry point over BertKit's model-file readers (compiled into the BertModelIO sources by fuzz.sh). The
// target, from BERTKIT_FUZZ_TARGET:
//   safetensors  the bytes as model.safetensors: open, then read every tensor as float32
//   pytorch      the bytes as pytorch_model.bin (zip + allow-listed unpickler): open, then read every tensor
//   config       the bytes as config.json (BertConfig), then as a sentence-transformers folder's modules.json and
//                1_Pooling/config.json (ModelDirectory)
// Any outcome but a value or a thrown error (a trap, a signal, a sanitizer report) is a crash.
import Foundation

nonisolated(unsafe) private var folder: String?

private func scratch() -> String {
    if let folder { return folder }
    let path = NSTemporaryDirectory() + "bertkit-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path + "/1_Pooling", withIntermediateDirectories: true)
    folder = path
    return path
}

private func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

private func readAll(_ source: any TensorSource) {
    for name in source.tensorNames {
        guard let shape = source.shape(of: name) else { continue }
        _ = try? WeightStore(source: source, prefix: "").floats(name, shape: shape)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let dir = scratch()
    switch ProcessInfo.processInfo.environment["BERTKIT_FUZZ_TARGET"] ?? "" {
    case "safetensors":
        write(bytes, to: dir + "/model.safetensors")
        if let file = try? SafeTensorsFile(path: dir + "/model.safetensors") { readAll(file) }
    case "pytorch":
        write(bytes, to: dir + "/pytorch_model.bin")
        if let file = try? PyTorchCheckpoint(path: dir + "/pytorch_model.bin") { readAll(file) }
    case "config":
        write(bytes, to: dir + "/config.json")
        _ = try? BertConfig(contentsOf: dir + "/config.json")
        write(bytes, to: dir + "/1_Pooling/config.json")
        _ = FileManager.default.createFile(
            atPath: dir + "/modules.json",
            contents: Data(
                #"[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]"#
                    .utf8))
        _ = try? SentenceTransformersConfig.load(directory: dir)
        write(bytes, to: dir + "/modules.json")
        _ = try? SentenceTransformersConfig.load(directory: dir)
    default:
        fatalError("set BERTKIT_FUZZ_TARGET to safetensors, pytorch or config")
    }
    return 0
}
