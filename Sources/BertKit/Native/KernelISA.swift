import CBertKernels
import Foundation

/// The instruction set the native engine's kernels run on. Chosen once when a model loads (the weights are packed
/// for it): the best this CPU supports, unless `BERTKIT_ISA` or `NativeBackend.Options.isa` asks for another.
public enum KernelISA: String, Sendable, CaseIterable {
    /// Plain C over 128-bit vectors: runs on every CPU.
    case portable
    /// x86-64 AVX2 with FMA.
    case avx2
    /// x86-64 AVX-512 F/BW/VL.
    case avx512
    /// arm64 Advanced SIMD.
    case neon

    var c: bk_isa {
        switch self {
        case .portable: BK_ISA_PORTABLE
        case .avx2: BK_ISA_AVX2
        case .avx512: BK_ISA_AVX512
        case .neon: BK_ISA_NEON
        }
    }

    /// Whether this CPU (and its operating system) can run these kernels.
    public var isSupported: Bool { bk_isa_supported(c) != 0 }

    /// The fastest instruction set this CPU supports.
    public static var best: KernelISA {
        allCases.first { $0.c == bk_isa_best() } ?? .portable
    }

    /// Every instruction set this CPU supports, slowest first.
    public static var supported: [KernelISA] { allCases.filter(\.isSupported) }

    /// The environment variable that forces an instruction set (`avx512`, `avx2`, `neon`, `portable`).
    public static let environmentVariable = "BERTKIT_ISA"

    /// `requested`, else `BERTKIT_ISA`, else `best`; an unknown name or a set this CPU lacks is an error.
    public static func resolve(_ requested: KernelISA? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelISA {
        let isa: KernelISA
        if let requested {
            isa = requested
        } else if let name = environment[environmentVariable], !name.isEmpty {
            guard let named = KernelISA(rawValue: name.lowercased()) else {
                throw BertKitError.invalidArgument(
                    "\(environmentVariable)=\(name) is not an instruction set; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            isa = named
        } else {
            return best
        }
        guard isa.isSupported else {
            throw BertKitError.invalidArgument(
                "instruction set \(isa.rawValue) is not supported by this CPU (supported: \(supported.map(\.rawValue).joined(separator: ", ")))")
        }
        return isa
    }
}

/// The kernels, pool and thread count one forward pass runs on.
struct KernelContext {
    let isa: KernelISA
    let pool: OpaquePointer?
    let workers: Int

    init(isa: KernelISA, workers: Int) {
        self.isa = isa
        pool = bk_pool_shared()
        self.workers = max(1, workers)
    }
}
