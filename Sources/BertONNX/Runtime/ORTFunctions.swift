/// The entries of ONNX Runtime's `OrtApi` function table that BertKit calls, typed. The table is an array of C
/// function pointers whose slots never move (new entries are only appended); slot numbers are from
/// `onnxruntime_c_api.h` and were checked against the 1.32 library. Handles are opaque pointers; C enums are `Int32`.
struct ORTFunctions: @unchecked Sendable {
    typealias Status = OpaquePointer?
    typealias Out = UnsafeMutablePointer<OpaquePointer?>
    typealias CString = UnsafePointer<CChar>

    let getErrorCode: @convention(c) (OpaquePointer?) -> Int32
    let getErrorMessage: @convention(c) (OpaquePointer?) -> CString?
    let createEnv: @convention(c) (Int32, CString?, Out?) -> Status
    let createSession: @convention(c) (OpaquePointer?, CString?, OpaquePointer?, Out?) -> Status
    let run:
        @convention(c) (
            OpaquePointer?, OpaquePointer?, UnsafePointer<CString?>?, UnsafePointer<OpaquePointer?>?, Int,
            UnsafePointer<CString?>?, Int, Out?
        ) -> Status
    let createSessionOptions: @convention(c) (Out?) -> Status
    let setExecutionMode: @convention(c) (OpaquePointer?, Int32) -> Status
    let enableCpuMemArena: @convention(c) (OpaquePointer?) -> Status
    let disableCpuMemArena: @convention(c) (OpaquePointer?) -> Status
    let setGraphOptimizationLevel: @convention(c) (OpaquePointer?, Int32) -> Status
    let setIntraOpNumThreads: @convention(c) (OpaquePointer?, Int32) -> Status
    let setInterOpNumThreads: @convention(c) (OpaquePointer?, Int32) -> Status
    let sessionGetInputCount: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> Status
    let sessionGetOutputCount: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> Status
    let sessionGetInputTypeInfo: @convention(c) (OpaquePointer?, Int, Out?) -> Status
    let sessionGetOutputTypeInfo: @convention(c) (OpaquePointer?, Int, Out?) -> Status
    let sessionGetInputName:
        @convention(c) (OpaquePointer?, Int, OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Status
    let sessionGetOutputName:
        @convention(c) (OpaquePointer?, Int, OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Status
    let createTensorWithData:
        @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int, UnsafePointer<Int64>?, Int, Int32, Out?) -> Status
    let getTensorMutableData: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Status
    let castTypeInfoToTensorInfo: @convention(c) (OpaquePointer?, Out?) -> Status
    let getTensorElementType: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?) -> Status
    let getDimensionsCount: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> Status
    let getDimensions: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int64>?, Int) -> Status
    let getTensorTypeAndShape: @convention(c) (OpaquePointer?, Out?) -> Status
    let createCpuMemoryInfo: @convention(c) (Int32, Int32, Out?) -> Status
    let allocatorFree: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Status
    let getAllocatorWithDefaultOptions: @convention(c) (Out?) -> Status
    let releaseStatus: @convention(c) (OpaquePointer?) -> Void
    let releaseMemoryInfo: @convention(c) (OpaquePointer?) -> Void
    let releaseSession: @convention(c) (OpaquePointer?) -> Void
    let releaseValue: @convention(c) (OpaquePointer?) -> Void
    let releaseTypeInfo: @convention(c) (OpaquePointer?) -> Void
    let releaseTensorTypeAndShapeInfo: @convention(c) (OpaquePointer?) -> Void
    let releaseSessionOptions: @convention(c) (OpaquePointer?) -> Void
    let getAvailableProviders:
        @convention(c) (
            UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?,
            UnsafeMutablePointer<Int32>?
        ) -> Status
    let releaseAvailableProviders: @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32) -> Status
    /// CUDA entries (API 11 and later); nil when the library is older.
    let cuda: CUDAFunctions?

    struct CUDAFunctions {
        let append: @convention(c) (OpaquePointer?, OpaquePointer?) -> Status
        let createOptions: @convention(c) (Out?) -> Status
        let updateOptions: @convention(c) (OpaquePointer?, UnsafePointer<CString?>?, UnsafePointer<CString?>?, Int) -> Status
        let releaseOptions: @convention(c) (OpaquePointer?) -> Void
    }

    /// Reads the typed entries from `table`, the `OrtApi` of a library whose API version is `apiVersion`.
    init(table: UnsafePointer<UnsafeRawPointer?>, apiVersion: Int) {
        func slot<F>(_ index: Int, _: F.Type = F.self) -> F { unsafeBitCast(table[index], to: F.self) }
        getErrorCode = slot(1)
        getErrorMessage = slot(2)
        createEnv = slot(3)
        createSession = slot(7)
        run = slot(9)
        createSessionOptions = slot(10)
        setExecutionMode = slot(13)
        enableCpuMemArena = slot(18)
        disableCpuMemArena = slot(19)
        setGraphOptimizationLevel = slot(23)
        setIntraOpNumThreads = slot(24)
        setInterOpNumThreads = slot(25)
        sessionGetInputCount = slot(30)
        sessionGetOutputCount = slot(31)
        sessionGetInputTypeInfo = slot(33)
        sessionGetOutputTypeInfo = slot(34)
        sessionGetInputName = slot(36)
        sessionGetOutputName = slot(37)
        createTensorWithData = slot(49)
        getTensorMutableData = slot(51)
        castTypeInfoToTensorInfo = slot(55)
        getTensorElementType = slot(60)
        getDimensionsCount = slot(61)
        getDimensions = slot(62)
        getTensorTypeAndShape = slot(65)
        createCpuMemoryInfo = slot(69)
        allocatorFree = slot(76)
        getAllocatorWithDefaultOptions = slot(78)
        releaseStatus = slot(93)
        releaseMemoryInfo = slot(94)
        releaseSession = slot(95)
        releaseValue = slot(96)
        releaseTypeInfo = slot(98)
        releaseTensorTypeAndShapeInfo = slot(99)
        releaseSessionOptions = slot(100)
        getAvailableProviders = slot(125)
        releaseAvailableProviders = slot(126)
        cuda =
            apiVersion >= 11
            ? CUDAFunctions(append: slot(204), createOptions: slot(205), updateOptions: slot(206), releaseOptions: slot(208))
            : nil
    }
}

/// ONNX Runtime's enum values (C `int`).
enum ORTConstant {
    static let loggingError: Int32 = 3
    static let arenaAllocator: Int32 = 1
    static let memTypeDefault: Int32 = 0
}
