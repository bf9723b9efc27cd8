import Foundation

/// Finds the TorchScript file of a model folder.
public enum TorchScriptFile {
    /// `explicit` when given (it must exist), else `torchscript/model.pt` or `traced_model.pt` in `directory`.
    public static func locate(in directory: String, explicit: String? = nil) throws -> String {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else { throw TorchScriptError.fileNotFound(tried: [explicit]) }
            return explicit
        }
        let candidates = [directory + "/torchscript/model.pt", directory + "/traced_model.pt"]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw TorchScriptError.fileNotFound(tried: candidates)
        }
        return found
    }
}
