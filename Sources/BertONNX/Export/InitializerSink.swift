import Foundation

/// Where initializer bytes go: inline in the model (`raw_data`), or appended to an external data file that the
/// tensors point into (ONNX's external data, needed for models over protobuf's 2 GB limit).
final class InitializerSink {
    /// Tensors at least this large go to the external file, when there is one (ONNX's own default threshold).
    static let externalThreshold = 1024

    private let external: FileHandle?
    /// The external file's name, relative to the model.
    let location: String?
    private(set) var externalBytes = 0

    /// Inline storage.
    init() {
        external = nil
        location = nil
    }

    /// External storage in `path` (created or truncated), referenced from the model as `location`.
    init(externalPath path: String, location: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ONNXExportError.cannotWrite(path: path, reason: "cannot create the external data file")
        }
        external = handle
        self.location = location
    }

    /// A tensor of `bytes`, stored inline or externally.
    func tensor(name: String, type: ONNXElementType, dims: [Int64], bytes: [UInt8]) -> TensorProto {
        guard let external, let location, bytes.count >= Self.externalThreshold else {
            return TensorProto(name: name, type: type, dims: dims, storage: .raw(bytes))
        }
        let offset = externalBytes
        external.write(Data(bytes))
        externalBytes += bytes.count
        return TensorProto(name: name, type: type, dims: dims, storage: .external(location: location, offset: offset, length: bytes.count))
    }

    /// Closes the external file.
    func close() throws {
        try external?.close()
    }
}
