#if TorchScript
import CTorchScript
#endif
import Foundation

/// A TorchScript module (`torch.jit.save` output) loaded through libtorch. `forward` may be called from several threads.
public final class TorchScriptModule: @unchecked Sendable {
    /// The file.
    public let path: String
    /// Names of forward's arguments, in order.
    public let inputNames: [String]
    /// Whether `torch.jit.freeze` + `optimize_for_inference` applied (asked for, and the module allowed it).
    public let frozen: Bool
    #if TorchScript
    private let handle: OpaquePointer
    #endif

    /// Whether this build has libtorch.
    public static var isAvailable: Bool {
        #if TorchScript
        return bk_torch_available() == 1
        #else
        return false
        #endif
    }

    /// The libtorch version built against (`nil` without libtorch).
    public static var libtorchVersion: String? {
        #if TorchScript
        return String(cString: bk_torch_version())
        #else
        return nil
        #endif
    }

    /// Sets libtorch's intra-op and inter-op threads for the process (0 leaves a count as it is).
    public static func setThreads(intraOp: Int, interOp: Int = 0) throws {
        #if TorchScript
        var error: UnsafeMutablePointer<CChar>?
        if bk_torch_set_threads(Int32(clamping: intraOp), Int32(clamping: interOp), &error) != 0 {
            throw TorchScriptError.torch(action: "set its thread counts", message: take(error))
        }
        #else
        throw TorchScriptError.notBuilt
        #endif
    }

    /// Loads `path` on the CPU (`device` nil) or CUDA device `device`, in eval mode; `freeze` asks for
    /// `torch.jit.freeze` and `optimize_for_inference` where the module allows them.
    public init(path: String, device: Int? = nil, freeze: Bool = true) throws {
        self.path = path
        #if TorchScript
        guard FileManager.default.fileExists(atPath: path) else {
            throw TorchScriptError.torch(action: "load \(path)", message: "no such file")
        }
        var error: UnsafeMutablePointer<CChar>?
        var frozen: Int32 = 0
        guard let handle = bk_torch_load(path, Int32(clamping: device ?? -1), freeze ? 1 : 0, &frozen, &error) else {
            throw TorchScriptError.torch(action: "load \(path)", message: take(error))
        }
        self.handle = handle
        self.frozen = frozen == 1
        guard let names = bk_torch_input_names(handle, &error) else {
            bk_torch_release(handle)
            throw TorchScriptError.torch(action: "read the forward signature of \(path)", message: take(error))
        }
        inputNames = take(names).split(separator: ",").map(String.init)
        #else
        throw TorchScriptError.notBuilt
        #endif
    }

    deinit {
        #if TorchScript
        bk_torch_release(handle)
        #endif
    }

    /// Runs forward on `inputs` (one `[batch, sequence]` int64 array per forward argument, in order), passed as int64
    /// or, with `int32`, as int32. Returns the first output tensor as float32 and its shape.
    public func forward(_ inputs: [[Int64]], batch: Int, sequence: Int, int32: Bool = false) throws -> (values: [Float], shape: [Int]) {
        #if TorchScript
        var error: UnsafeMutablePointer<CChar>?
        var out: UnsafeMutablePointer<Float>?
        var shape = [Int64](repeating: 0, count: 4)
        var rank: Int32 = 0
        let status = withPointers(inputs) { pointers in
            bk_torch_forward(handle, pointers, Int32(inputs.count), Int64(batch), Int64(sequence), int32 ? 1 : 0,
                             &out, &shape, &rank, &error)
        }
        guard status == 0, let out else {
            throw TorchScriptError.torch(action: "run \(URL(fileURLWithPath: path).lastPathComponent)", message: take(error))
        }
        defer { bk_torch_free(out) }
        let dims = shape.prefix(Int(rank)).map { Int($0) }
        return (Array(UnsafeBufferPointer(start: out, count: dims.reduce(1, *))), dims)
        #else
        throw TorchScriptError.notBuilt
        #endif
    }
}

#if TorchScript
/// Takes ownership of a message from the C interface.
private func take(_ message: UnsafeMutablePointer<CChar>?) -> String {
    guard let message else { return "unknown error" }
    defer { bk_torch_free(message) }
    return String(cString: message)
}

/// Calls `body` with a C array of pointers to each input's data, valid for the call.
private func withPointers<R>(_ arrays: [[Int64]], _ body: (UnsafePointer<UnsafePointer<Int64>?>?) -> R) -> R {
    func nest(_ index: Int, _ collected: [UnsafePointer<Int64>?]) -> R {
        guard index < arrays.count else { return collected.withUnsafeBufferPointer { body($0.baseAddress) } }
        return arrays[index].withUnsafeBufferPointer { nest(index + 1, collected + [$0.baseAddress]) }
    }
    return nest(0, [])
}
#endif
