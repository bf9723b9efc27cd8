import Foundation

/// A TorchScript module (`torch.jit.save` output) loaded through libtorch, by way of the plug-in (`TorchPlugin`).
/// `forward` may be called from several threads.
public final class TorchScriptModule: @unchecked Sendable {
    /// The file.
    public let path: String
    /// Names of forward's arguments, in order.
    public let inputNames: [String]
    /// Whether `torch.jit.freeze` + `optimize_for_inference` applied (asked for, and the module allowed it).
    public let frozen: Bool
    private let plugin: TorchPlugin
    private let handle: OpaquePointer

    /// Whether the libtorch plug-in is found, loads, and was built with libtorch (loads it on first use).
    public static var isAvailable: Bool { (try? TorchPlugin.usable()) != nil }

    /// Why the torchscript backend cannot run here (nil when it can): the plug-in's absence or load error.
    public static var unavailableReason: String? {
        do {
            _ = try TorchPlugin.usable()
            return nil
        } catch {
            return error.description
        }
    }

    /// The libtorch version the plug-in was built against (`nil` without a usable plug-in).
    public static var libtorchVersion: String? {
        guard let plugin = try? TorchPlugin.usable(), let version = plugin.version() else { return nil }
        return String(cString: version)
    }

    /// Sets libtorch's intra-op and inter-op threads for the process (0 leaves a count as it is).
    public static func setThreads(intraOp: Int, interOp: Int = 0) throws {
        let plugin = try TorchPlugin.usable()
        var error: UnsafeMutablePointer<CChar>?
        if plugin.setThreads(Int32(clamping: intraOp), Int32(clamping: interOp), &error) != 0 {
            throw TorchScriptError.torch(action: "set its thread counts", message: plugin.take(error))
        }
    }

    /// Loads `path` on the CPU (`device` nil) or CUDA device `device`, in eval mode; `freeze` asks for
    /// `torch.jit.freeze` and `optimize_for_inference` where the module allows them.
    public init(path: String, device: Int? = nil, freeze: Bool = true) throws {
        self.path = path
        let plugin = try TorchPlugin.usable()
        self.plugin = plugin
        guard FileManager.default.fileExists(atPath: path) else {
            throw TorchScriptError.torch(action: "load \(path)", message: "no such file")
        }
        var error: UnsafeMutablePointer<CChar>?
        var frozen: Int32 = 0
        guard let handle = plugin.load(path, Int32(clamping: device ?? -1), freeze ? 1 : 0, &frozen, &error) else {
            throw TorchScriptError.torch(action: "load \(path)", message: plugin.take(error))
        }
        self.handle = handle
        self.frozen = frozen == 1
        guard let names = plugin.inputNames(handle, &error) else {
            plugin.release(handle)
            throw TorchScriptError.torch(action: "read the forward signature of \(path)", message: plugin.take(error))
        }
        inputNames = plugin.take(names).split(separator: ",").map(String.init)
    }

    deinit { plugin.release(handle) }

    /// Runs forward on `inputs` (one `[batch, sequence]` int64 array per forward argument, in order), passed as int64
    /// or, with `int32`, as int32. Returns the first output tensor as float32 and its shape.
    public func forward(_ inputs: [[Int64]], batch: Int, sequence: Int, int32: Bool = false) throws -> (values: [Float], shape: [Int]) {
        var error: UnsafeMutablePointer<CChar>?
        var out: UnsafeMutablePointer<Float>?
        var shape = [Int64](repeating: 0, count: 4)
        var rank: Int32 = 0
        let status = withPointers(inputs) { pointers in
            plugin.forward(
                handle, pointers, Int32(inputs.count), Int64(batch), Int64(sequence), int32 ? 1 : 0,
                &out, &shape, &rank, &error)
        }
        guard status == 0, let out else {
            throw TorchScriptError.torch(action: "run \(URL(fileURLWithPath: path).lastPathComponent)", message: plugin.take(error))
        }
        defer { plugin.free(out) }
        let dims = shape.prefix(Int(rank)).map { Int($0) }
        return (Array(UnsafeBufferPointer(start: out, count: dims.reduce(1, *))), dims)
    }
}

/// Calls `body` with a C array of pointers to each input's data, valid for the call.
private func withPointers<R>(_ arrays: [[Int64]], _ body: (UnsafePointer<UnsafePointer<Int64>?>?) -> R) -> R {
    func nest(_ index: Int, _ collected: [UnsafePointer<Int64>?]) -> R {
        guard index < arrays.count else { return collected.withUnsafeBufferPointer { body($0.baseAddress) } }
        return arrays[index].withUnsafeBufferPointer { nest(index + 1, collected + [$0.baseAddress]) }
    }
    return nest(0, [])
}
