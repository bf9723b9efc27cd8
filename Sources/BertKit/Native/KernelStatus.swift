import CBertKernels

extension bk_status {
    /// Throws `kernelFailed` naming `operation` unless the kernel reported `BK_OK`.
    func check(_ operation: @autoclosure () -> String) throws {
        guard self != BK_OK else { return }
        let reason =
            switch self {
            case BK_ERROR_SCRATCH:
                "its per-thread scratch could not be allocated (out of memory, or over BERTKIT_SCRATCH_LIMIT)"
            case BK_ERROR_ISA: "this build has no kernels for the instruction set"
            case BK_ERROR_ARGUMENT: "a required buffer was missing"
            default: "kernel status \(rawValue)"
            }
        throw BertKitError.kernelFailed(operation: operation(), reason: reason)
    }
}
