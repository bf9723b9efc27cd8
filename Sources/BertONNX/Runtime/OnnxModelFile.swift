import Foundation

/// Finds the ONNX file of a model folder.
public enum OnnxModelFile {
    /// `explicit` when given (it must exist), else `model.onnx` or `onnx/model.onnx` (Optimum's layouts) in `directory`.
    public static func locate(in directory: String, explicit: String? = nil) throws -> String {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else { throw ORTError.modelLoad(path: explicit, reason: "no such file") }
            return explicit
        }
        let candidates = [directory + "/model.onnx", directory + "/onnx/model.onnx"]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw ORTError.modelFileNotFound(tried: candidates)
        }
        return found
    }
}
