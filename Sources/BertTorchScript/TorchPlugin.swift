import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libtorch plug-in (`libBertKitTorch.so`, the `BertKitTorch` product built from CTorchScript), loaded with
/// `dlopen` the first time the torchscript backend is used, so a process that never runs it never maps libtorch.
/// Its C functions (include/bertkit_torch.h) are resolved by name into the function pointers below.
///
/// Looked for, in order: `BERTKIT_TORCH_PLUGIN` (a file), the folder of the running executable (where `swift build`
/// puts it beside `bertkit` and the test bundle), then the dynamic loader's search path.
struct TorchPlugin: @unchecked Sendable {
    typealias ErrorOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    let path: String
    let available: @convention(c) () -> Int32
    let version: @convention(c) () -> UnsafePointer<CChar>?
    let setThreads: @convention(c) (Int32, Int32, ErrorOut) -> Int32
    let load: @convention(c) (UnsafePointer<CChar>?, Int32, Int32, UnsafeMutablePointer<Int32>?, ErrorOut) -> OpaquePointer?
    let release: @convention(c) (OpaquePointer?) -> Void
    let inputNames: @convention(c) (OpaquePointer?, ErrorOut) -> UnsafeMutablePointer<CChar>?
    let forward:
        @convention(c) (
            OpaquePointer?, UnsafePointer<UnsafePointer<Int64>?>?, Int32, Int64, Int64, Int32,
            UnsafeMutablePointer<UnsafeMutablePointer<Float>?>?, UnsafeMutablePointer<Int64>?,
            UnsafeMutablePointer<Int32>?, ErrorOut
        ) -> Int32
    let free: @convention(c) (UnsafeMutableRawPointer?) -> Void

    static let fileName = "libBertKitTorch.so"

    /// The plug-in, loaded once per process; the error says where it was looked for or why it did not load.
    static let shared: Result<TorchPlugin, TorchScriptError> = Result { () throws(TorchScriptError) in try locateAndLoad() }

    /// Where the plug-in is looked for, in order; a bare file name means the loader's search path.
    static var candidates: [String] {
        if let explicit = ProcessInfo.processInfo.environment["BERTKIT_TORCH_PLUGIN"], !explicit.isEmpty { return [explicit] }
        var paths: [String] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            paths.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(fileName).path)
        } else if let executable = Bundle.main.executablePath {
            paths.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(fileName).path)
        }
        paths.append(fileName)
        return paths
    }

    private static func locateAndLoad() throws(TorchScriptError) -> TorchPlugin {
        let candidates = candidates
        for candidate in candidates {
            let isFile = candidate.contains("/")
            if isFile && !FileManager.default.fileExists(atPath: candidate) {
                if candidate == ProcessInfo.processInfo.environment["BERTKIT_TORCH_PLUGIN"] {
                    throw .pluginUnloadable(path: candidate, reason: "no such file (BERTKIT_TORCH_PLUGIN)")
                }
                continue
            }
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
                // A bare name the loader does not find is simply absent; a file that exists and fails is an error.
                if !isFile && reason.contains("No such file") { continue }
                throw .pluginUnloadable(path: candidate, reason: reason)
            }
            return try bind(handle, path: candidate)
        }
        throw .pluginMissing(tried: candidates)
    }

    private static func bind(_ handle: UnsafeMutableRawPointer, path: String) throws(TorchScriptError) -> TorchPlugin {
        func symbol<T>(_ name: String, as type: T.Type) throws(TorchScriptError) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw .pluginUnloadable(path: path, reason: "it has no \(name) (not BertKit's libtorch plug-in, or another version)")
            }
            return unsafeBitCast(pointer, to: type)
        }
        return TorchPlugin(
            path: path,
            available: try symbol("bk_torch_available", as: (@convention(c) () -> Int32).self),
            version: try symbol("bk_torch_version", as: (@convention(c) () -> UnsafePointer<CChar>?).self),
            setThreads: try symbol("bk_torch_set_threads", as: (@convention(c) (Int32, Int32, ErrorOut) -> Int32).self),
            load: try symbol(
                "bk_torch_load",
                as: (@convention(c) (UnsafePointer<CChar>?, Int32, Int32, UnsafeMutablePointer<Int32>?, ErrorOut) -> OpaquePointer?).self),
            release: try symbol("bk_torch_release", as: (@convention(c) (OpaquePointer?) -> Void).self),
            inputNames: try symbol(
                "bk_torch_input_names", as: (@convention(c) (OpaquePointer?, ErrorOut) -> UnsafeMutablePointer<CChar>?).self),
            forward: try symbol(
                "bk_torch_forward",
                as: (@convention(c) (
                    OpaquePointer?, UnsafePointer<UnsafePointer<Int64>?>?, Int32, Int64, Int64, Int32,
                    UnsafeMutablePointer<UnsafeMutablePointer<Float>?>?, UnsafeMutablePointer<Int64>?,
                    UnsafeMutablePointer<Int32>?, ErrorOut
                ) -> Int32).self),
            free: try symbol("bk_torch_free", as: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self))
    }

    /// The plug-in when it is loaded and built with libtorch; otherwise the error that says why not.
    static func usable() throws(TorchScriptError) -> TorchPlugin {
        let plugin = try shared.get()
        guard plugin.available() == 1 else { throw .notBuilt(plugin: plugin.path) }
        return plugin
    }

    /// Takes ownership of a message from the plug-in.
    func take(_ message: UnsafeMutablePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        defer { free(message) }
        return String(cString: message)
    }
}
