import BertModelIO
import Foundation

/// An ONNX model loaded into ONNX Runtime. `run` may be called from several threads at once (ONNX Runtime's
/// `Run` is thread-safe; every call owns its input buffers).
public final class ORTSession: @unchecked Sendable {
    /// The runtime it runs on.
    public let runtime: ORTRuntime
    /// The model file.
    public let path: String
    /// Graph inputs, in order.
    public let inputs: [ORTTensorInfo]
    /// Graph outputs, in order.
    public let outputs: [ORTTensorInfo]
    /// The options it was created with.
    public let options: ORTSessionOptions
    private let handle: OpaquePointer
    private let memoryInfo: OpaquePointer

    /// Loads `path` with `options`. A missing or corrupt file is `ORTError.modelLoad` naming it.
    public init(path: String, runtime: ORTRuntime, options: ORTSessionOptions = ORTSessionOptions()) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ORTError.modelLoad(path: path, reason: "no such file") }
        self.runtime = runtime
        self.path = path
        self.options = options
        let api = runtime.api
        var sessionOptions: OpaquePointer?
        try runtime.check(api.createSessionOptions(&sessionOptions), "CreateSessionOptions")
        defer { api.releaseSessionOptions(sessionOptions) }
        try Self.configure(sessionOptions, options, runtime)
        var session: OpaquePointer?
        do {
            try runtime.check(api.createSession(runtime.env, path, sessionOptions, &session), "CreateSession")
        } catch let ORTError.call(_, _, message) {
            throw ORTError.modelLoad(path: path, reason: message)
        }
        guard let session else { throw ORTError.modelLoad(path: path, reason: "CreateSession returned no session") }
        handle = session
        var info: OpaquePointer?
        do {
            try runtime.check(api.createCpuMemoryInfo(ORTConstant.arenaAllocator, ORTConstant.memTypeDefault, &info), "CreateCpuMemoryInfo")
            guard let info else { throw ORTError.call(function: "CreateCpuMemoryInfo", code: 1, message: "returned nothing") }
            memoryInfo = info
            inputs = try Self.describe(session, runtime, input: true)
            outputs = try Self.describe(session, runtime, input: false)
        } catch {
            api.releaseMemoryInfo(info)
            api.releaseSession(session)
            throw error
        }
    }

    deinit {
        runtime.api.releaseMemoryInfo(memoryInfo)
        runtime.api.releaseSession(handle)
    }

    private static func configure(_ so: OpaquePointer?, _ options: ORTSessionOptions, _ runtime: ORTRuntime) throws {
        let api = runtime.api
        try runtime.check(api.setGraphOptimizationLevel(so, options.graphOptimization.value), "SetSessionGraphOptimizationLevel")
        try runtime.check(api.setIntraOpNumThreads(so, Int32(clamping: options.intraOpThreads)), "SetIntraOpNumThreads")
        try runtime.check(api.setInterOpNumThreads(so, Int32(clamping: options.interOpThreads)), "SetInterOpNumThreads")
        try runtime.check(api.setExecutionMode(so, options.parallelExecution ? 1 : 0), "SetSessionExecutionMode")
        try runtime.check(options.memoryArena ? api.enableCpuMemArena(so) : api.disableCpuMemArena(so), "EnableCpuMemArena")
        if case let .cuda(device) = options.provider { try appendCUDA(so, device: device, runtime) }
    }

    /// CreateCUDAProviderOptions → UpdateCUDAProviderOptions → AppendExecutionProvider_CUDA_V2, stopping at the
    /// first failure (a NULL options handle passed on would crash ONNX Runtime).
    private static func appendCUDA(_ so: OpaquePointer?, device: Int, _ runtime: ORTRuntime) throws {
        let providers = try runtime.availableProviders()
        guard providers.contains("CUDAExecutionProvider"), let cuda = runtime.api.cuda else {
            throw ORTError.providerUnavailable(name: "CUDAExecutionProvider", available: providers, path: runtime.path)
        }
        var cudaOptions: OpaquePointer?
        try runtime.check(cuda.createOptions(&cudaOptions), "CreateCUDAProviderOptions")
        defer { cuda.releaseOptions(cudaOptions) }
        let keys = ["device_id"], values = ["\(device)"]
        try withCStrings(keys) { k in
            try withCStrings(values) { v in
                try runtime.check(cuda.updateOptions(cudaOptions, k, v, keys.count), "UpdateCUDAProviderOptions")
            }
        }
        try runtime.check(cuda.append(so, cudaOptions), "SessionOptionsAppendExecutionProvider_CUDA_V2")
    }

    private static func describe(_ session: OpaquePointer, _ runtime: ORTRuntime, input: Bool) throws -> [ORTTensorInfo] {
        let api = runtime.api
        var count = 0
        try runtime.check(
            input ? api.sessionGetInputCount(session, &count) : api.sessionGetOutputCount(session, &count),
            input ? "SessionGetInputCount" : "SessionGetOutputCount")
        return try (0..<count).map { index in
            var namePointer: UnsafeMutablePointer<CChar>?
            try runtime.check(
                input
                    ? api.sessionGetInputName(session, index, runtime.allocator, &namePointer)
                    : api.sessionGetOutputName(session, index, runtime.allocator, &namePointer), "SessionGetName")
            let name = namePointer.map { String(cString: $0) } ?? ""
            if let namePointer { _ = api.allocatorFree(runtime.allocator, namePointer).map(api.releaseStatus) }
            var typeInfo: OpaquePointer?
            try runtime.check(
                input
                    ? api.sessionGetInputTypeInfo(session, index, &typeInfo)
                    : api.sessionGetOutputTypeInfo(session, index, &typeInfo), "SessionGetTypeInfo")
            defer { api.releaseTypeInfo(typeInfo) }
            var tensorInfo: OpaquePointer?
            try runtime.check(api.castTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo")
            guard let tensorInfo else { return ORTTensorInfo(name: name, elementType: 0, shape: []) }
            let (type, shape) = try Self.typeAndShape(tensorInfo, runtime)
            return ORTTensorInfo(name: name, elementType: type, shape: shape)
        }
    }

    static func typeAndShape(_ info: OpaquePointer, _ runtime: ORTRuntime) throws -> (Int32, [Int64]) {
        let api = runtime.api
        var type: Int32 = 0
        try runtime.check(api.getTensorElementType(info, &type), "GetTensorElementType")
        var rank = 0
        try runtime.check(api.getDimensionsCount(info, &rank), "GetDimensionsCount")
        var shape = [Int64](repeating: 0, count: rank)
        try runtime.check(api.getDimensions(info, &shape, rank), "GetDimensions")
        return (type, shape)
    }

    /// Runs the graph on `feeds` and hands `body` the outputs named `fetch` in place (float32 outputs are not copied;
    /// the views are valid only inside `body`).
    public func run<R>(_ feeds: [ORTInput], fetch: [String], body: ([ORTOutputView]) throws -> R) throws -> R {
        let api = runtime.api
        var values: [OpaquePointer?] = []
        var buffers: [UnsafeMutableRawPointer] = []
        defer {
            for value in values { api.releaseValue(value) }
            for buffer in buffers { buffer.deallocate() }
        }
        // ONNX Runtime does not copy input data: each buffer lives until the run is over.
        for feed in feeds {
            let width = feed.elementType == .int32 ? 4 : 8
            let bytes = feed.values.count * width
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 8), alignment: 64)
            buffers.append(buffer)
            if width == 4 {
                let p = buffer.bindMemory(to: Int32.self, capacity: feed.values.count)
                for (i, v) in feed.values.enumerated() { p[i] = Int32(truncatingIfNeeded: v) }
            } else {
                feed.values.withUnsafeBytes { if let base = $0.baseAddress { buffer.copyMemory(from: base, byteCount: bytes) } }
            }
            let shape = feed.shape.map(Int64.init)
            var value: OpaquePointer?
            try runtime.check(
                api.createTensorWithData(memoryInfo, buffer, bytes, shape, shape.count, feed.elementType.rawValue, &value),
                "CreateTensorWithDataAsOrtValue(\(feed.name))")
            values.append(value)
        }
        var results = [OpaquePointer?](repeating: nil, count: fetch.count)
        defer { for result in results { api.releaseValue(result) } }
        try withCStrings(feeds.map(\.name)) { inputNames in
            try withCStrings(fetch) { outputNames in
                try runtime.check(api.run(handle, nil, inputNames, values, feeds.count, outputNames, fetch.count, &results), "Run")
            }
        }
        var converted: [UnsafeMutableBufferPointer<Float>] = []
        defer { converted.forEach { $0.deallocate() } }
        let views = try zip(fetch, results).map { name, value in
            let (shape, type, data) = try read(value, name: name)
            let count = data == nil ? 0 : shape.reduce(1, *)
            if type == ONNXElementType.float.rawValue || data == nil {
                return ORTOutputView(
                    name: name, shape: shape,
                    values: UnsafeBufferPointer(start: data?.assumingMemoryBound(to: Float.self), count: count))
            }
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            converted.append(buffer)
            try convert(data, type: type, into: buffer, name: name)
            return ORTOutputView(name: name, shape: shape, values: UnsafeBufferPointer(buffer))
        }
        return try body(views)
    }

    /// The shape, element type and data of an output value (owned by the value).
    private func read(_ value: OpaquePointer?, name: String) throws -> (shape: [Int], type: Int32, data: UnsafeMutableRawPointer?) {
        let api = runtime.api
        var info: OpaquePointer?
        try runtime.check(api.getTensorTypeAndShape(value, &info), "GetTensorTypeAndShape(\(name))")
        defer { api.releaseTensorTypeAndShapeInfo(info) }
        guard let info else { throw ORTError.unexpectedOutput(path: path, name: name, detail: "is not a tensor") }
        let (type, dims) = try Self.typeAndShape(info, runtime)
        var data: UnsafeMutableRawPointer?
        try runtime.check(api.getTensorMutableData(value, &data), "GetTensorMutableData(\(name))")
        return (dims.map { Int($0) }, type, data)
    }

    /// Converts a float16 or double output to float32.
    private func convert(_ data: UnsafeMutableRawPointer?, type: Int32, into out: UnsafeMutableBufferPointer<Float>, name: String) throws {
        guard let data else { return }
        switch type {
        case ONNXElementType.float16.rawValue:
            let halves = data.assumingMemoryBound(to: UInt16.self)
            for i in out.indices { out[i] = FloatTensor.halfToFloat(halves[i]) }
        case ONNXElementType.double.rawValue:
            let doubles = data.assumingMemoryBound(to: Double.self)
            for i in out.indices { out[i] = Float(doubles[i]) }
        default:
            throw ORTError.unexpectedOutput(
                path: path, name: name,
                detail: "has element type \(ORTTensorInfo.typeName(type)); BertKit reads float, float16 or double")
        }
    }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`, valid for the call only.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) rethrows -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return try pointers.withUnsafeBufferPointer { try body($0.baseAddress) }
}
