import CBertKernels
import Foundation

/// Versions of BertKit and of what it was built with, for reports.
public enum BertKitInfo {
    /// BertKit's version.
    public static let version = "0.1.0"

    /// The Swift compiler that built BertKit (major.minor).
    public static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4+"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The kernels' instruction set in effect for a model loaded now (`BERTKIT_ISA`, else the CPU's best), or the
    /// error that loading would give.
    public static var kernelISA: String {
        (try? KernelISA.resolve().rawValue) ?? "invalid \(KernelISA.environmentVariable)"
    }
}

extension Duration {
    /// The duration in milliseconds.
    public var milliseconds: Double {
        Double(components.seconds) * 1e3 + Double(components.attoseconds) * 1e-15
    }
}
