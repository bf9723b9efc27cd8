import COpenBLAS
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

    /// OpenBLAS's build description (`OpenBLAS 0.3.21 DYNAMIC_ARCH ... Zen MAX_THREADS=64`).
    public static var blas: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config).trimmingCharacters(in: .whitespaces)
    }
}

extension Duration {
    /// The duration in milliseconds.
    public var milliseconds: Double {
        Double(components.seconds) * 1e3 + Double(components.attoseconds) * 1e-15
    }
}
