import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ONNX Runtime's shared library, loaded at run time through its C API (no build-time dependency), with its
/// process-wide environment. One library per process: the first `shared` call loads it and later calls get the
/// same one. The library is never unloaded.
public final class ORTRuntime: @unchecked Sendable {
    /// The C API version BertKit asks for: everything a CPU session needs (5); CUDA needs 11, checked when asked.
    public static let requiredAPIVersion = 5
    static let cudaAPIVersion = 11

    /// The library file (or the name the dynamic loader resolved).
    public let path: String
    /// How it was found (`--ort-library`, `ORT_DYLIB_PATH`, `Python package (...)`, ...).
    public let source: String
    /// `GetVersionString()`, e.g. `1.32.0`.
    public let version: String
    /// The API version the library offers (its minor version).
    public let apiVersion: Int
    let api: ORTFunctions
    let env: OpaquePointer
    let allocator: OpaquePointer

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: ORTRuntime?

    /// The process's ONNX Runtime: loads it on first use from `libraryPath` if given, else from the first place
    /// `ORTLibraryLocator` finds. Logs the chosen path and version to standard error once.
    public static func shared(libraryPath: String? = nil, log: Bool = true) throws -> ORTRuntime {
        lock.lock()
        defer { lock.unlock() }
        if let loaded {
            if let libraryPath, libraryPath != loaded.path {
                throw ORTError.alreadyLoaded(loaded: loaded.path, requested: libraryPath)
            }
            return loaded
        }
        let runtime = try locateAndLoad(ORTLibraryLocator(explicitPath: libraryPath))
        if log {
            FileHandle.standardError.write(Data("bertkit: ONNX Runtime \(runtime.version) from \(runtime.path) (\(runtime.source))\n".utf8))
        }
        loaded = runtime
        return runtime
    }

    static func locateAndLoad(_ locator: ORTLibraryLocator) throws -> ORTRuntime {
        let (candidates, looked) = locator.candidates()
        for candidate in candidates {
            do {
                return try ORTRuntime(path: candidate.path, source: candidate.source)
            } catch let error as ORTError {
                if candidate.required { throw error }
                if case .libraryUnloadable = error { continue }
                throw error  // found a library, but it is not usable: say so rather than look further
            }
        }
        throw ORTError.libraryNotFound(tried: looked)
    }

    /// Loads the library at `path` and checks its API version; no search.
    init(path: String, source: String) throws {
        if path.contains("/"), !FileManager.default.fileExists(atPath: path) {
            throw ORTError.libraryUnloadable(path: path, reason: "no such file")
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw ORTError.libraryUnloadable(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown error")
        }
        guard let symbol = dlsym(handle, "OrtGetApiBase") else { throw ORTError.notOnnxRuntime(path: path) }
        typealias GetApiBase = @convention(c) () -> UnsafePointer<UnsafeRawPointer?>?
        typealias GetApi = @convention(c) (UInt32) -> UnsafePointer<UnsafeRawPointer?>?
        typealias GetVersion = @convention(c) () -> UnsafePointer<CChar>?
        guard let base = unsafeBitCast(symbol, to: GetApiBase.self)(), let getApiPointer = base[0], let versionPointer = base[1] else {
            throw ORTError.notOnnxRuntime(path: path)
        }
        let version = unsafeBitCast(versionPointer, to: GetVersion.self)().map { String(cString: $0) } ?? "unknown"
        // The API version is the minor version of 1.MINOR.PATCH.
        let parts = version.split(separator: ".")
        let minor = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
        guard minor >= Self.requiredAPIVersion,
            let table = unsafeBitCast(getApiPointer, to: GetApi.self)(UInt32(Self.requiredAPIVersion))
        else {
            throw ORTError.apiTooOld(path: path, version: version, needed: Self.requiredAPIVersion)
        }
        self.path = Self.resolvedPath(name: path) ?? path
        self.source = source
        self.version = version
        apiVersion = minor
        api = ORTFunctions(table: table, apiVersion: minor)
        var env: OpaquePointer?
        try Self.check(api, api.createEnv(ORTConstant.loggingError, "bertkit", &env), "CreateEnv")
        var allocator: OpaquePointer?
        try Self.check(api, api.getAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions")
        guard let env, let allocator else {
            throw ORTError.call(function: "CreateEnv", code: 1, message: "returned no environment")
        }
        self.env = env
        self.allocator = allocator
    }

    /// The file a bare library name resolved to, read from the process's memory map (Linux).
    private static func resolvedPath(name: String) -> String? {
        guard !name.contains("/"), let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        let base = name.split(separator: ".").prefix(2).joined(separator: ".")  // libonnxruntime.so
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let file = String(line[slash...])
            if URL(fileURLWithPath: file).lastPathComponent.hasPrefix(base) { return file }
        }
        return nil
    }

    /// The execution providers this build offers (`CPUExecutionProvider`, `CUDAExecutionProvider`, ...).
    public func availableProviders() throws -> [String] {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        try check(api.getAvailableProviders(&list, &count), "GetAvailableProviders")
        defer { _ = api.releaseAvailableProviders(list, count).map(api.releaseStatus) }
        return (0..<Int(count)).compactMap { list?[$0].map { String(cString: $0) } }
    }

    /// Throws the error `status` carries (and releases it); nothing when it is NULL.
    func check(_ status: OpaquePointer?, _ function: String) throws {
        try Self.check(api, status, function)
    }

    static func check(_ api: ORTFunctions, _ status: OpaquePointer?, _ function: String) throws {
        guard let status else { return }
        let code = api.getErrorCode(status)
        let message = api.getErrorMessage(status).map { String(cString: $0) } ?? ""
        api.releaseStatus(status)
        throw ORTError.call(function: function, code: code, message: message)
    }
}
